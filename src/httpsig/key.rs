//! The P-384 key that signs every request (`ecdsa-p384-sha384`, RFC 9421 §3.3.5).

use std::fmt;

use p384::ecdsa::signature::Signer as _;
use p384::ecdsa::{Signature, VerifyingKey};
use p384::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// A P-384 private key for request signatures. Holds a secret: it prints as
/// `[redacted]` and its scalar is zeroized on drop.
#[derive(Clone)]
pub struct SigningKey {
    inner: p384::ecdsa::SigningKey,
}

impl SigningKey {
    /// Loads a key from PEM: SEC1 (`BEGIN EC PRIVATE KEY`, what `openssl ecparam -name
    /// secp384r1 -genkey -noout` writes) or PKCS#8 (`BEGIN PRIVATE KEY`).
    ///
    /// # Errors
    /// [`Error::Key`] when the text is not one of those PEM kinds, or holds a key of
    /// another curve. The message never contains the key.
    pub fn from_pem(pem: &str) -> Result<SigningKey> {
        let pem = pem.trim();
        let secret = if pem.starts_with("-----BEGIN EC PRIVATE KEY-----") {
            p384::SecretKey::from_sec1_pem(pem)
                .map_err(|_| Error::Key("not a P-384 SEC1 private key".into()))?
        } else if pem.starts_with("-----BEGIN PRIVATE KEY-----") {
            p384::SecretKey::from_pkcs8_pem(pem)
                .map_err(|_| Error::Key("not a P-384 PKCS#8 private key".into()))?
        } else if pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
            return Err(Error::Key(
                "encrypted private keys are not supported".into(),
            ));
        } else if pem.contains("PUBLIC KEY-----") {
            return Err(Error::Key("a public key cannot sign requests".into()));
        } else {
            return Err(Error::Key(
                "expected a PEM 'EC PRIVATE KEY' or 'PRIVATE KEY'".into(),
            ));
        };
        Ok(SigningKey {
            inner: secret.into(),
        })
    }

    /// Loads a key from 48 raw big-endian scalar bytes.
    ///
    /// # Errors
    /// [`Error::Key`] when the bytes are not 48, or not a valid non-zero P-384 scalar.
    pub fn from_bytes(bytes: &[u8]) -> Result<SigningKey> {
        // p384 zero-pads a slice of 24 to 47 bytes: a truncated key would load as
        // another key instead of failing.
        if bytes.len() != 48 {
            return Err(Error::Key("a P-384 scalar is 48 bytes".into()));
        }
        let inner = p384::ecdsa::SigningKey::from_slice(bytes)
            .map_err(|_| Error::Key("not a valid P-384 scalar".into()))?;
        Ok(SigningKey { inner })
    }

    /// Makes a fresh random key from the operating system's generator.
    ///
    /// # Errors
    /// [`Error::Key`] when the system's random generator is unavailable.
    pub fn generate() -> Result<SigningKey> {
        loop {
            let mut bytes = Zeroizing::new([0u8; 48]);
            crate::ids::fill_random(bytes.as_mut())
                .map_err(|e| Error::Key(format!("no system randomness: {e}")))?;
            // Out-of-range values are rejected; they occur with probability ~2^-190.
            if let Ok(key) = SigningKey::from_bytes(bytes.as_ref()) {
                return Ok(key);
            }
        }
    }

    /// The private key as PKCS#8 PEM, to store a generated key. Zeroized when dropped.
    ///
    /// # Errors
    /// [`Error::Key`] if encoding fails.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>> {
        let secret = p384::SecretKey::from(self.inner.as_nonzero_scalar());
        secret
            .to_pkcs8_pem(LineEnding::LF)
            .map(|pem| Zeroizing::new(pem.to_string()))
            .map_err(|_| Error::Key("cannot encode the key as PKCS#8".into()))
    }

    /// The public key as SPKI PEM (`BEGIN PUBLIC KEY`), the form OffBlocks registers.
    pub fn public_key_pem(&self) -> String {
        self.inner
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap_or_default()
    }

    /// The public half, to verify signatures.
    pub fn verifying_key(&self) -> &VerifyingKey {
        self.inner.verifying_key()
    }

    /// Signs `message` (the signature base) with ECDSA P-384 over SHA-384, deterministic
    /// per RFC 6979, returning the raw 96-byte `r‖s` that RFC 9421 §3.3.5 requires.
    pub fn sign(&self, message: &[u8]) -> [u8; 96] {
        let signature: Signature = self.inner.sign(message);
        let mut out = [0u8; 96];
        out.copy_from_slice(&signature.to_bytes());
        out
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p384::ecdsa::signature::Verifier;

    #[test]
    fn loads_sec1_and_pkcs8_of_the_same_key() {
        let key = SigningKey::generate().unwrap();
        let pkcs8 = key.to_pkcs8_pem().unwrap();
        let again = SigningKey::from_pem(&pkcs8).unwrap();
        assert_eq!(key.verifying_key(), again.verifying_key());
        let sec1 = p384::SecretKey::from(key.inner.as_nonzero_scalar())
            .to_sec1_pem(LineEnding::LF)
            .unwrap();
        assert!(sec1.starts_with("-----BEGIN EC PRIVATE KEY-----"));
        let third = SigningKey::from_pem(&sec1).unwrap();
        assert_eq!(key.verifying_key(), third.verifying_key());
    }

    #[test]
    fn signatures_are_raw_96_bytes_and_verify() {
        let key = SigningKey::generate().unwrap();
        let sig = key.sign(b"base");
        let parsed = Signature::from_slice(&sig).unwrap();
        assert!(key.verifying_key().verify(b"base", &parsed).is_ok());
        assert!(key.verifying_key().verify(b"other", &parsed).is_err());
        // RFC 6979: the same key and message sign identically.
        assert_eq!(sig, key.sign(b"base"));
    }

    #[test]
    fn refuses_wrong_material_without_echoing_it() {
        let pk = SigningKey::generate().unwrap().public_key_pem();
        let err = SigningKey::from_pem(&pk).unwrap_err().to_string();
        assert!(err.contains("public key"), "{err}");
        let bogus =
            "-----BEGIN EC PRIVATE KEY-----\nAAAASECRETSECRET\n-----END EC PRIVATE KEY-----";
        let err = SigningKey::from_pem(bogus).unwrap_err().to_string();
        assert!(!err.contains("SECRET"), "{err}");
        assert!(SigningKey::from_pem("").is_err());
        assert!(SigningKey::from_bytes(&[0u8; 48]).is_err());
        assert!(SigningKey::from_bytes(&[1u8; 12]).is_err());
    }

    #[test]
    fn only_48_byte_scalars_load() {
        // A case from the `pem_key` fuzz target: 24 to 47 bytes must not load zero-padded.
        let key = SigningKey::generate().unwrap();
        let scalar = key.inner.to_bytes();
        let loaded = SigningKey::from_bytes(&scalar).unwrap();
        assert_eq!(loaded.verifying_key(), key.verifying_key());
        for len in [0, 1, 24, 32, 47, 49, 64] {
            let bytes = vec![0x22; len];
            assert!(SigningKey::from_bytes(&bytes).is_err(), "{len} bytes");
        }
    }

    #[test]
    fn debug_is_redacted() {
        let key = SigningKey::generate().unwrap();
        assert_eq!(format!("{key:?}"), "SigningKey([redacted])");
    }
}
