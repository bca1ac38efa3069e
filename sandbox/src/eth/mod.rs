//! The Ethereum side of onboarding, implemented independently of the SDK: EIP-55
//! checksummed addresses, CAIP-10 account ids, EIP-191 `personal_sign` recovery and the
//! EIP-4361 (Sign-In with Ethereum) customer challenge.

mod caip;
mod eip191;
mod eip55;
mod siwe;

pub(crate) use caip::{parse_eip155_account, Eip155Account};
pub(crate) use eip191::{decode_signature_field, recover_personal_sign};
pub(crate) use eip55::checksum_address;
pub(crate) use siwe::{challenge_message, SiweFields};

use sha3::{Digest, Keccak256};

/// Keccak-256 (the pre-standard SHA-3 Ethereum uses).
pub(crate) fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Decodes hex digits (either case) of even length.
pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
