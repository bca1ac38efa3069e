//! The customer's own secp256k1 key, held in memory.

use std::fmt;

use k256::ecdsa::SigningKey;
use zeroize::Zeroizing;

use crate::wallet::address::{decode_hex, encode_hex};
use crate::wallet::personal::{eip191_hash, PersonalSignature};
use crate::wallet::{AccountId, Address, ChainId};
use crate::{Error, Result};

/// A secp256k1 private key and its Ethereum address: an externally owned account.
///
/// **Holds a secret.** `Debug` prints the address and `[redacted]` in place of the key,
/// and the key is zeroized when the wallet is dropped. Signs with RFC 6979
/// deterministic nonces, so the same key and message always give the same signature.
///
/// To sign somewhere else (a wallet app, a KMS, an HSM), implement
/// [`Signer`](crate::wallet::Signer) instead.
pub struct Wallet {
    key: SigningKey,
    address: Address,
}

impl Wallet {
    /// The wallet of a 32-byte private key written as 64 hex digits, with or without
    /// a `0x` prefix.
    ///
    /// # Errors
    ///
    /// [`Error::Key`] when the text is not 64 hex digits, or the number is zero or not
    /// below the secp256k1 group order. The message never repeats the text.
    pub fn from_hex(hex: &str) -> Result<Wallet> {
        let digits = hex.strip_prefix("0x").unwrap_or(hex);
        if digits.len() != 64 {
            return Err(Error::Key("expected 32 bytes as 64 hex digits".into()));
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        if !decode_hex(digits.as_bytes(), &mut bytes[..]) {
            return Err(Error::Key("private key is not hex".into()));
        }
        Wallet::from_bytes(&bytes)
    }

    /// The wallet of a 32-byte big-endian private key. The caller keeps (and should
    /// zeroize) its copy.
    ///
    /// # Errors
    ///
    /// [`Error::Key`] when the number is zero or not below the secp256k1 group order.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Wallet> {
        if bytes.iter().all(|b| *b == 0) {
            return Err(Error::Key("private key is zero".into()));
        }
        // Reads the caller's bytes in place: no copy left to zeroize.
        let key = SigningKey::from_slice(bytes)
            .map_err(|_| Error::Key("private key is not below the secp256k1 order".into()))?;
        let address = Address::from_verifying_key(key.verifying_key());
        Ok(Wallet { key, address })
    }

    /// A new wallet with a key from the operating system's random generator.
    ///
    /// # Errors
    ///
    /// [`Error::Key`] when the random generator fails.
    pub fn random() -> Result<Wallet> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        // A draw outside [1, n) has probability about 2^-128; retry rather than bias.
        for _ in 0..8 {
            crate::ids::fill_random(&mut bytes[..])
                .map_err(|e| Error::Key(format!("random generator failed: {e}")))?;
            if let Ok(wallet) = Wallet::from_bytes(&bytes) {
                return Ok(wallet);
            }
        }
        Err(Error::Key("random generator gave no valid key".into()))
    }

    /// The wallet's Ethereum address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// The CAIP-10 id of this wallet's address on `chain`, the address written with
    /// its EIP-55 checksum (`eip155:280:0x…`). Meant for `eip155` chains, where the
    /// address is what the key controls.
    pub fn account_id(&self, chain: &ChainId) -> AccountId {
        AccountId::from_evm(chain.clone(), &self.address)
    }

    /// Signs `message` with EIP-191 `personal_sign`, as a wallet app would.
    ///
    /// # Errors
    ///
    /// [`Error::Signing`] in the (practically impossible) case the signature cannot
    /// be expressed with `v` 27/28.
    pub fn sign_personal(&self, message: &[u8]) -> Result<PersonalSignature> {
        // k256 signs with RFC 6979 nonces and normalizes `s` to the low half,
        // flipping the recovery id to match.
        let (sig, recid) = self.key.sign_prehash_recoverable(&eip191_hash(message));
        PersonalSignature::from_parts(&sig, recid)
    }

    /// The private key as `0x` and 64 lowercase hex digits, to back up a key made
    /// with [`random`](Self::random).
    ///
    /// **Returns the secret.** The string is zeroized when dropped; do not log it.
    pub fn export_secret_hex(&self) -> Zeroizing<String> {
        let bytes = Zeroizing::new(self.key.to_bytes());
        let mut out = Zeroizing::new(String::with_capacity(66));
        out.push_str("0x");
        out.push_str(&Zeroizing::new(encode_hex(&bytes)));
        out
    }
}

impl fmt::Debug for Wallet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wallet")
            .field("address", &self.address)
            .field("key", &format_args!("[redacted]"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Hardhat / Anvil default account #0 (printed by `npx hardhat node` and `anvil`).
    const HARDHAT_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    #[test]
    fn hex_with_or_without_prefix() {
        let a = Wallet::from_hex(HARDHAT_KEY).unwrap();
        let b = Wallet::from_hex(&HARDHAT_KEY[2..]).unwrap();
        let upper = Wallet::from_hex(&HARDHAT_KEY[2..].to_uppercase()).unwrap();
        assert_eq!(a.address(), b.address());
        assert_eq!(a.address(), upper.address());
        assert_eq!(
            a.address().to_string(),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
        assert_eq!(*a.export_secret_hex(), HARDHAT_KEY);
    }

    #[test]
    fn bad_keys_are_refused_without_echo() {
        let order = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
        let order_plus = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142";
        let zero = "0".repeat(64);
        let short = &HARDHAT_KEY[..64];
        let long = format!("{HARDHAT_KEY}00");
        let not_hex = format!("{}zz", &HARDHAT_KEY[..64]);
        let non_ascii = format!("é{}", &HARDHAT_KEY[4..]);
        for bad in [
            order, order_plus, &zero, short, &long, &not_hex, &non_ascii, "", "0x",
        ] {
            match Wallet::from_hex(bad) {
                Err(Error::Key(msg)) => {
                    assert!(!msg.contains("ac0974") && !msg.contains("fffff"), "{msg}");
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        // n - 1 is the largest valid key.
        let n_minus_1 = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140";
        assert!(Wallet::from_hex(n_minus_1).is_ok());
    }

    #[test]
    fn random_wallets_differ_and_sign() {
        let a = Wallet::random().unwrap();
        let b = Wallet::random().unwrap();
        assert_ne!(a.address(), b.address());
        let sig = a.sign_personal(b"hello").unwrap();
        assert_eq!(sig.recover(b"hello").unwrap(), a.address());
    }

    #[test]
    fn debug_is_redacted() {
        let w = Wallet::from_hex(HARDHAT_KEY).unwrap();
        let shown = format!("{w:?} {w:#?}");
        assert!(shown.contains("[redacted]"));
        assert!(shown.contains("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
        assert!(!shown.to_lowercase().contains("ac0974bec39a17e3"));
    }

    #[test]
    fn account_id_uses_the_checksum() {
        let w = Wallet::from_hex(HARDHAT_KEY).unwrap();
        assert_eq!(
            w.account_id(&ChainId::eip155(280)).to_string(),
            "eip155:280:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
    }
}
