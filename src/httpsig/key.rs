//! The P-384 key that signs every request (`ecdsa-p384-sha384`, RFC 9421 §3.3.5): held
//! in memory, or outside the process behind a [`ExternalSigner`] (KMS, HSM).

use std::fmt;
use std::sync::Arc;

use p384::ecdsa::signature::Signer as _;
use p384::ecdsa::{Signature, VerifyingKey};
use p384::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The request-signing key held outside the process: a KMS, an HSM, a signing service.
///
/// The SDK hands [`sign_base`](ExternalSigner::sign_base) the exact RFC 9421 signature
/// base of each request and expects back an ECDSA P-384 signature over SHA-384 of those
/// bytes: the raw 96-byte `r‖s`, or DER (what most KMS APIs and `openssl dgst -sha384
/// -sign` return), which the SDK converts. Before sending, the SDK verifies every
/// signature it gets back against the public key given to [`SigningKey::external`], so a
/// signer that uses another key, or signs other bytes, fails the call with
/// [`Error::Signer`] instead of a server refusal.
///
/// The signer is called from the thread making the request, with no SDK lock held; it
/// may block (a network call to the KMS), and the call's deadline keeps running.
pub trait ExternalSigner: Send + Sync {
    /// Signs `base` (the signature base, UTF-8 text as bytes; not a hash).
    ///
    /// # Errors
    /// Whatever the signer reports, preferably as [`Error::Signer`].
    fn sign_base(&self, base: &[u8]) -> Result<Vec<u8>>;
}

impl<F> ExternalSigner for F
where
    F: Fn(&[u8]) -> Result<Vec<u8>> + Send + Sync,
{
    fn sign_base(&self, base: &[u8]) -> Result<Vec<u8>> {
        self(base)
    }
}

/// A P-384 key for request signatures: a private key in memory ([`SigningKey::from_pem`],
/// [`SigningKey::generate`]…), or one held elsewhere ([`SigningKey::external`]). A key in
/// memory is a secret: it prints as `[redacted]` and its scalar is zeroized on drop.
#[derive(Clone)]
pub struct SigningKey {
    inner: Held,
}

#[derive(Clone)]
enum Held {
    Local(p384::ecdsa::SigningKey),
    External {
        signer: Arc<dyn ExternalSigner>,
        public: VerifyingKey,
    },
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
            inner: Held::Local(secret.into()),
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
        Ok(SigningKey {
            inner: Held::Local(inner),
        })
    }

    /// A key held outside the process: `signer` signs, `public_key_pem` (SPKI PEM, `BEGIN
    /// PUBLIC KEY`, as registered with OffBlocks) checks each signature before it is sent.
    ///
    /// # Errors
    /// [`Error::Key`] when `public_key_pem` is not a P-384 public key.
    pub fn external(
        public_key_pem: &str,
        signer: impl ExternalSigner + 'static,
    ) -> Result<SigningKey> {
        use p384::pkcs8::DecodePublicKey;
        let public = p384::PublicKey::from_public_key_pem(public_key_pem.trim())
            .map_err(|_| Error::Key("not a P-384 public key PEM ('BEGIN PUBLIC KEY')".into()))?;
        Ok(SigningKey {
            inner: Held::External {
                signer: Arc::new(signer),
                public: public.into(),
            },
        })
    }

    /// Whether the private key is outside the process ([`SigningKey::external`]).
    pub fn is_external(&self) -> bool {
        matches!(self.inner, Held::External { .. })
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
        let Held::Local(key) = &self.inner else {
            return Err(Error::Key("the key is held outside the process".into()));
        };
        let secret = p384::SecretKey::from(key.as_nonzero_scalar());
        secret
            .to_pkcs8_pem(LineEnding::LF)
            .map(|pem| Zeroizing::new(pem.to_string()))
            .map_err(|_| Error::Key("cannot encode the key as PKCS#8".into()))
    }

    /// The public key as SPKI PEM (`BEGIN PUBLIC KEY`), the form OffBlocks registers.
    pub fn public_key_pem(&self) -> String {
        self.verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap_or_default()
    }

    /// The public half, to verify signatures.
    pub fn verifying_key(&self) -> &VerifyingKey {
        match &self.inner {
            Held::Local(key) => key.verifying_key(),
            Held::External { public, .. } => public,
        }
    }

    /// Signs `message` (the signature base) with ECDSA P-384 over SHA-384, returning the
    /// raw 96-byte `r‖s` that RFC 9421 §3.3.5 requires. A key in memory signs
    /// deterministically (RFC 6979); an external one is asked, and its answer (raw or
    /// DER) is checked against the public key.
    ///
    /// # Errors
    /// [`Error::Signer`] when an external signer fails, answers something that is not a
    /// P-384 signature, or a signature that does not verify over `message`.
    pub fn sign(&self, message: &[u8]) -> Result<[u8; 96]> {
        let signature: Signature = match &self.inner {
            Held::Local(key) => key.sign(message),
            Held::External { signer, public } => {
                let answer = signer.sign_base(message)?;
                let signature = match answer.len() {
                    96 => Signature::from_slice(&answer),
                    _ => Signature::from_der(&answer),
                }
                .map_err(|_| {
                    Error::Signer(format!(
                        "the request signer answered {} bytes that are neither a raw 96-byte \
                         r‖s nor a DER P-384 signature",
                        answer.len()
                    ))
                })?;
                use p384::ecdsa::signature::Verifier as _;
                public.verify(message, &signature).map_err(|_| {
                    Error::Signer(
                        "the request signer's signature does not verify against its public \
                         key (another key, or other bytes signed)"
                            .into(),
                    )
                })?;
                signature
            }
        };
        let mut out = [0u8; 96];
        out.copy_from_slice(&signature.to_bytes());
        Ok(out)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner {
            Held::Local(_) => f.write_str("SigningKey([redacted])"),
            Held::External { .. } => f.write_str("SigningKey(external)"),
        }
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
        let Held::Local(inner) = &key.inner else {
            unreachable!()
        };
        let sec1 = p384::SecretKey::from(inner.as_nonzero_scalar())
            .to_sec1_pem(LineEnding::LF)
            .unwrap();
        assert!(sec1.starts_with("-----BEGIN EC PRIVATE KEY-----"));
        let third = SigningKey::from_pem(&sec1).unwrap();
        assert_eq!(key.verifying_key(), third.verifying_key());
    }

    #[test]
    fn signatures_are_raw_96_bytes_and_verify() {
        let key = SigningKey::generate().unwrap();
        let sig = key.sign(b"base").unwrap();
        let parsed = Signature::from_slice(&sig).unwrap();
        assert!(key.verifying_key().verify(b"base", &parsed).is_ok());
        assert!(key.verifying_key().verify(b"other", &parsed).is_err());
        // RFC 6979: the same key and message sign identically.
        assert_eq!(sig, key.sign(b"base").unwrap());
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
        let Held::Local(inner) = &key.inner else {
            unreachable!()
        };
        let scalar = inner.to_bytes();
        let loaded = SigningKey::from_bytes(&scalar).unwrap();
        assert_eq!(loaded.verifying_key(), key.verifying_key());
        for len in [0, 1, 24, 32, 47, 49, 64] {
            let bytes = vec![0x22; len];
            assert!(SigningKey::from_bytes(&bytes).is_err(), "{len} bytes");
        }
    }

    #[test]
    fn an_external_signer_is_checked_and_may_answer_der() {
        let held = SigningKey::generate().unwrap();
        let public = held.public_key_pem();
        let der_signer = {
            let held = held.clone();
            move |base: &[u8]| -> Result<Vec<u8>> {
                let raw = held.sign(base)?;
                Ok(Signature::from_slice(&raw)
                    .unwrap()
                    .to_der()
                    .as_bytes()
                    .to_vec())
            }
        };
        let external = SigningKey::external(&public, der_signer).unwrap();
        assert!(external.is_external());
        let sig = external.sign(b"base").unwrap();
        let parsed = Signature::from_slice(&sig).unwrap();
        assert!(held.verifying_key().verify(b"base", &parsed).is_ok());
        assert_eq!(external.public_key_pem(), public);
        assert!(external.to_pkcs8_pem().is_err());
        assert_eq!(format!("{external:?}"), "SigningKey(external)");
        // Another key, other bytes, or garbage: refused before anything is sent.
        let other = SigningKey::generate().unwrap();
        let wrong = SigningKey::external(&public, move |b: &[u8]| Ok(other.sign(b)?.to_vec()));
        let err = wrong.unwrap().sign(b"base").unwrap_err();
        assert!(matches!(err, Error::Signer(_)) && err.to_string().contains("does not verify"));
        let held2 = held.clone();
        let shifted = SigningKey::external(&public, move |_: &[u8]| Ok(held2.sign(b"x")?.to_vec()));
        assert!(shifted.unwrap().sign(b"base").is_err());
        let junk = SigningKey::external(&public, |_: &[u8]| Ok(vec![7u8; 20])).unwrap();
        assert!(junk
            .sign(b"base")
            .unwrap_err()
            .to_string()
            .contains("20 bytes"));
        let failing =
            SigningKey::external(&public, |_: &[u8]| Err(Error::Signer("hsm offline".into())));
        assert!(failing
            .unwrap()
            .sign(b"base")
            .unwrap_err()
            .to_string()
            .contains("hsm offline"));
        assert!(SigningKey::external("not a key", |_: &[u8]| Ok(vec![])).is_err());
    }

    #[test]
    fn debug_is_redacted() {
        let key = SigningKey::generate().unwrap();
        assert_eq!(format!("{key:?}"), "SigningKey([redacted])");
    }
}
