//! The customer's side: a secp256k1 wallet, EIP-191, EIP-55, CAIP-2/10, EIP-4361.
//!
//! Placeholder: the wallet issue fills this module.

/// Why a Sign-In with Ethereum message could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SiweError {
    /// The message is malformed.
    #[error("malformed message")]
    Malformed,
}

/// Why the challenge guard refused to sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The message names another address.
    #[error("address mismatch")]
    AddressMismatch,
}
