//! Ethereum addresses and their EIP-55 mixed-case checksum, plus the hex and Keccak
//! helpers the rest of the wallet module shares.

use std::fmt;
use std::str::FromStr;

use sha3::{Digest, Keccak256};

use crate::{Error, Result};

/// Keccak-256 (the pre-standard SHA-3 padding Ethereum uses) of `data`.
pub(crate) fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// The value of one ASCII hex digit.
fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes hex digits (either case) into `out`; false unless `text` is exactly
/// `2 * out.len()` hex digits. `out` may be partly written on failure.
pub(crate) fn decode_hex(text: &[u8], out: &mut [u8]) -> bool {
    if text.len() != out.len() * 2 {
        return false;
    }
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        match (hex_value(pair[0]), hex_value(pair[1])) {
            (Some(hi), Some(lo)) => *byte = hi << 4 | lo,
            _ => return false,
        }
    }
    true
}

/// Lowercase hex digits of `bytes`, without a prefix.
pub(crate) fn encode_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// What is wrong with an address text (the SIWE parser maps these to its own errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AddressProblem {
    /// Not `0x` followed by 40 hex digits.
    Format,
    /// Mixed case that does not match the EIP-55 checksum.
    Checksum,
}

impl AddressProblem {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            AddressProblem::Format => "expected 0x and 40 hex digits",
            AddressProblem::Checksum => "mixed-case address fails the eip-55 checksum",
        }
    }
}

/// A 20-byte Ethereum account address.
///
/// Displays in the EIP-55 mixed-case checksum form (`0xf39Fd6e5…`). Parsing accepts
/// `0x` followed by 40 hex digits that are all lowercase, all uppercase, or mixed case
/// matching the checksum; mixed case that does not match is refused, since it is most
/// likely a typo. Serializes as the checksummed string.
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Address([u8; 20]);

impl Address {
    /// The address made of these 20 bytes.
    pub const fn from_bytes(bytes: [u8; 20]) -> Address {
        Address(bytes)
    }

    /// The 20 bytes of the address.
    pub const fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// The address of a secp256k1 public key: the last 20 bytes of the Keccak-256 of
    /// its uncompressed point without the `0x04` tag.
    pub(crate) fn from_verifying_key(key: &k256::ecdsa::VerifyingKey) -> Address {
        let point = key.to_sec1_point(false);
        let hash = keccak256(&point.as_bytes()[1..]);
        let mut bytes = [0u8; 20];
        bytes.copy_from_slice(&hash[12..]);
        Address(bytes)
    }

    /// The EIP-55 checksummed text, `0x` and 40 mixed-case hex digits.
    pub fn to_checksum(&self) -> String {
        let lower = encode_hex(&self.0);
        let hash = keccak256(lower.as_bytes());
        let mut out = String::with_capacity(42);
        out.push_str("0x");
        for (i, c) in lower.chars().enumerate() {
            let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
            out.push(if nibble >= 8 {
                c.to_ascii_uppercase()
            } else {
                c
            });
        }
        out
    }

    /// Parses `0x` and 40 hex digits, checking the EIP-55 checksum when the case is
    /// mixed. Same as [`str::parse`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the text is not an address or its mixed case fails
    /// the checksum.
    pub fn parse(text: &str) -> Result<Address> {
        Address::parse_checked(text)
            .map_err(|p| Error::InvalidInput(format!("address: {}", p.reason())))
    }

    pub(crate) fn parse_checked(text: &str) -> Result<Address, AddressProblem> {
        let digits = text
            .strip_prefix("0x")
            .ok_or(AddressProblem::Format)?
            .as_bytes();
        let mut bytes = [0u8; 20];
        if !decode_hex(digits, &mut bytes) {
            return Err(AddressProblem::Format);
        }
        let address = Address(bytes);
        let has_upper = digits.iter().any(u8::is_ascii_uppercase);
        let has_lower = digits.iter().any(u8::is_ascii_lowercase);
        if has_upper && has_lower && address.to_checksum() != text {
            return Err(AddressProblem::Checksum);
        }
        Ok(address)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_checksum())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({self})")
    }
}

impl FromStr for Address {
    type Err = Error;

    fn from_str(s: &str) -> Result<Address> {
        Address::parse(s)
    }
}

impl TryFrom<String> for Address {
    type Error = Error;

    fn try_from(s: String) -> Result<Address> {
        Address::parse(&s)
    }
}

impl From<Address> for String {
    fn from(a: Address) -> String {
        a.to_checksum()
    }
}

impl From<[u8; 20]> for Address {
    fn from(bytes: [u8; 20]) -> Address {
        Address(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keccak_of_empty_input() {
        // Keccak-256("") as listed in the Keccak team's known-answer tests.
        assert_eq!(
            encode_hex(&keccak256(b"")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
    }

    #[test]
    fn hex_helpers_reject_bad_input() {
        let mut out = [0u8; 2];
        assert!(decode_hex(b"0aFf", &mut out));
        assert_eq!(out, [0x0a, 0xff]);
        assert!(!decode_hex(b"0aF", &mut out));
        assert!(!decode_hex(b"0aFg", &mut out));
        assert!(!decode_hex("0aé".as_bytes(), &mut out));
    }

    #[test]
    fn parse_problems_are_told_apart() {
        let good = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        assert!(Address::parse_checked(good).is_ok());
        let swapped = "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        assert_eq!(
            Address::parse_checked(swapped),
            Err(AddressProblem::Checksum)
        );
        for bad in [
            "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeZ",
            "0x",
            "",
        ] {
            assert_eq!(
                Address::parse_checked(bad),
                Err(AddressProblem::Format),
                "{bad}"
            );
        }
    }

    #[test]
    fn display_debug_and_serde() {
        let a: Address = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
            .parse()
            .unwrap();
        assert_eq!(a.to_string(), "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
        assert_eq!(
            format!("{a:?}"),
            "Address(0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed)"
        );
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, "\"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\"");
        assert_eq!(serde_json::from_str::<Address>(&json).unwrap(), a);
        assert!(
            serde_json::from_str::<Address>("\"0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\"")
                .is_err()
        );
        assert_eq!(Address::from_bytes(*a.as_bytes()), a);
    }
}
