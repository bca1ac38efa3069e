//! Signing webhook deliveries (when [`SandboxConfig::webhook_signing_key`] is set) the way
//! the emulator's requests are verified: RFC 9421 `ecdsa-p384-sha384` over `@method`,
//! `content-type` and `content-digest`, with an RFC 9530 `sha-256` `Content-Digest`.
//! OffBlocks does not document webhook signing; this is the emulator's choice, for hosts
//! to test an inbox that verifies.
//!
//! [`SandboxConfig::webhook_signing_key`]: crate::SandboxConfig::webhook_signing_key

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use p384::ecdsa::signature::Signer as _;
use p384::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use sha2::{Digest, Sha256};

/// The `keyid` parameter of every delivery signature.
pub const WEBHOOK_KEY_ID: &str = "offblocks-sandbox-webhooks";

/// The signature label in `Signature-Input` and `Signature`.
const LABEL: &str = "webhook";

/// The key deliveries are signed with.
pub(crate) struct DeliverySigner {
    key: p384::ecdsa::SigningKey,
}

impl DeliverySigner {
    /// Loads a P-384 private key PEM (PKCS#8 `BEGIN PRIVATE KEY` or SEC1 `BEGIN EC PRIVATE
    /// KEY`).
    pub(crate) fn from_pem(pem: &str) -> std::io::Result<DeliverySigner> {
        let pem = pem.trim();
        let secret = p384::SecretKey::from_pkcs8_pem(pem)
            .or_else(|_| p384::SecretKey::from_sec1_pem(pem))
            .map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "webhook signing key: not a P-384 private key PEM",
                )
            })?;
        Ok(DeliverySigner { key: secret.into() })
    }

    /// The public half as SPKI PEM (`BEGIN PUBLIC KEY`).
    pub(crate) fn public_key_pem(&self) -> String {
        self.key
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap_or_default()
    }

    /// The headers that sign `body`, created at `created` (unix seconds).
    pub(crate) fn headers(&self, body: &[u8], created: i64) -> Vec<(&'static str, String)> {
        let digest = format!("sha-256=:{}:", B64.encode(Sha256::digest(body)));
        let params = format!(
            "(\"@method\" \"content-type\" \"content-digest\");created={created};\
             keyid=\"{WEBHOOK_KEY_ID}\";alg=\"ecdsa-p384-sha384\""
        );
        let base = format!(
            "\"@method\": POST\n\"content-type\": application/json\n\
             \"content-digest\": {digest}\n\"@signature-params\": {params}"
        );
        let signature: p384::ecdsa::Signature = self.key.sign(base.as_bytes());
        vec![
            ("Content-Digest", digest),
            ("Signature-Input", format!("{LABEL}={params}")),
            (
                "Signature",
                format!("{LABEL}=:{}:", B64.encode(signature.to_bytes())),
            ),
        ]
    }
}

/// A fresh P-384 private key as PKCS#8 PEM, for
/// [`SandboxConfig::webhook_signing_key`](crate::SandboxConfig::webhook_signing_key).
///
/// # Panics
/// When the system's random generator fails.
pub fn generate_webhook_signing_key() -> String {
    loop {
        let mut bytes = [0u8; 48];
        getrandom::fill(&mut bytes).expect("system randomness");
        if let Ok(key) = p384::SecretKey::from_slice(&bytes) {
            return key
                .to_pkcs8_pem(LineEnding::LF)
                .map(|pem| pem.to_string())
                .expect("a PKCS#8 encoding");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p384::ecdsa::signature::Verifier as _;

    #[test]
    fn signs_what_it_says_it_covers() {
        let signer = DeliverySigner::from_pem(&generate_webhook_signing_key()).unwrap();
        let headers = signer.headers(b"{}", 1_700_000_000);
        assert_eq!(
            headers[0].1,
            "sha-256=:RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=:"
        );
        let input = &headers[1].1;
        let params = input.strip_prefix("webhook=").unwrap();
        let base = format!(
            "\"@method\": POST\n\"content-type\": application/json\n\"content-digest\": {}\n\"@signature-params\": {params}",
            headers[0].1
        );
        let raw = B64
            .decode(
                headers[2]
                    .1
                    .strip_prefix("webhook=:")
                    .unwrap()
                    .trim_end_matches(':'),
            )
            .unwrap();
        let sig = p384::ecdsa::Signature::from_slice(&raw).unwrap();
        signer
            .key
            .verifying_key()
            .verify(base.as_bytes(), &sig)
            .unwrap();
        assert!(DeliverySigner::from_pem("nope").is_err());
        assert!(signer
            .public_key_pem()
            .starts_with("-----BEGIN PUBLIC KEY-----"));
    }
}
