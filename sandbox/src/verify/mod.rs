//! The checks on what clients send: RFC 9421 request signatures and RFC 9530
//! `Content-Digest`, implemented here independently of the SDK.

mod digest;
mod signature;
#[cfg(test)]
mod tests;

pub(crate) use digest::check_content_digest;
pub(crate) use signature::{verify_signature, SignaturePolicy};
