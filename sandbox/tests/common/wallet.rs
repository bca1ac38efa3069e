//! A customer's wallet for tests: secp256k1 keys, EIP-55 addresses and EIP-191
//! signatures, computed here independently of the sandbox.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha3::{Digest, Keccak256};

/// A customer's secp256k1 wallet.
pub struct Wallet {
    pub key: k256::ecdsa::SigningKey,
}

impl Wallet {
    pub fn new() -> Wallet {
        Wallet {
            key: k256::ecdsa::SigningKey::from_slice(&super::rand_bytes::<32>()).unwrap(),
        }
    }

    pub fn address_bytes(&self) -> [u8; 20] {
        let point = self.key.verifying_key().to_sec1_point(false);
        let hash = Keccak256::digest(&point.as_bytes()[1..]);
        hash[12..].try_into().unwrap()
    }

    /// EIP-55 form (computed here independently of the sandbox).
    pub fn address(&self) -> String {
        let lower: String = self
            .address_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let hash = Keccak256::digest(lower.as_bytes());
        let mut out = String::from("0x");
        for (i, c) in lower.chars().enumerate() {
            let nibble = (hash[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 0xf;
            out.push(if nibble >= 8 {
                c.to_ascii_uppercase()
            } else {
                c
            });
        }
        out
    }

    pub fn chain_id(&self, chain: u64) -> String {
        format!("eip155:{chain}:{}", self.address())
    }

    /// EIP-191 personal_sign: 65 bytes r||s||v, v = 27/28.
    pub fn personal_sign(&self, message: &[u8]) -> [u8; 65] {
        let mut data = format!("\x19Ethereum Signed Message:\n{}", message.len()).into_bytes();
        data.extend_from_slice(message);
        let hash = Keccak256::digest(&data);
        let (sig, recid) = self.key.sign_prehash_recoverable(&hash);
        let mut out = [0u8; 65];
        out[..64].copy_from_slice(&sig.to_bytes());
        out[64] = 27 + recid.to_byte();
        out
    }

    /// The API's `signature` field: base64 of `0x` + hex text.
    pub fn sign_hex_field(&self, message: &[u8]) -> String {
        let hex: String = self
            .personal_sign(message)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        STANDARD.encode(format!("0x{hex}"))
    }

    /// The API's `signature` field: base64 of the raw 65 bytes.
    pub fn sign_raw_field(&self, message: &[u8]) -> String {
        STANDARD.encode(self.personal_sign(message))
    }
}
