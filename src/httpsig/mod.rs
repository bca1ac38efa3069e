//! RFC 9421 HTTP Message Signatures (`ecdsa-p384-sha384`) and RFC 9530 `Content-Digest`:
//! signing requests, and verifying received messages ([`MessageVerifier`]).
//!
//! [`prepare`] is the one place a request is turned into the exact bytes and headers that
//! go on the wire; the transport and the dry run both call it, so what a dry run shows is
//! what is sent.

mod base;
mod digest;
mod key;
mod sf;
mod verify;

pub use base::{
    prepare, Component, CoveredComponents, PreparedRequest, RequestInput, RequestSigner,
    SignatureParams, ALGORITHM,
};
pub use digest::{content_digest, DigestAlgorithm, DigestAlgorithms};
pub use key::{ExternalSigner, SigningKey};
pub use sf::serialize_string;
pub use verify::{MessageVerifier, CREATED_FUTURE_TOLERANCE};
