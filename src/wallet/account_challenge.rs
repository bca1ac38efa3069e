//! What an account challenge may be before the customer's wallet signs it.
//!
//! The account challenge is opaque bytes to OffBlocks' documentation: in production the
//! PEM of a secp256k1 session key, in the sandbox a UUID. Signing opaque bytes with the
//! customer's wallet is a grant of whatever those bytes mean elsewhere, so the SDK signs
//! only the two shapes it knows unless the caller says otherwise.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use crate::wallet::{Refusal, SiweMessage};

/// Which account challenges the wallet agrees to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AccountChallengePolicy {
    /// Only the shapes OffBlocks issues: a secp256k1 public key in PEM
    /// (`-----BEGIN PUBLIC KEY-----`, production) or a UUID in text (sandbox). The
    /// default.
    #[default]
    Recognized,
    /// Any bytes at all. For a deployment that issues another shape, when the caller has
    /// checked the challenge itself. A Sign-In-with-Ethereum message or a 32-byte value
    /// is then signed like anything else.
    AnyBytes,
}

impl AccountChallengePolicy {
    /// The policy's name in configuration (`recognized`, `any`).
    pub fn as_str(self) -> &'static str {
        match self {
            AccountChallengePolicy::Recognized => "recognized",
            AccountChallengePolicy::AnyBytes => "any",
        }
    }

    /// Reads a policy name (`recognized` or `any`).
    pub fn from_name(name: &str) -> Option<AccountChallengePolicy> {
        match name {
            "recognized" => Some(AccountChallengePolicy::Recognized),
            "any" => Some(AccountChallengePolicy::AnyBytes),
            _ => None,
        }
    }
}

/// What a recognized account challenge is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccountChallengeKind {
    /// The PEM of a secp256k1 public key (production's session key).
    SessionKey,
    /// A UUID in text (the sandbox).
    SandboxUuid,
    /// Not recognized, signed because the policy is [`AccountChallengePolicy::AnyBytes`].
    Other,
}

/// DER of a SubjectPublicKeyInfo for id-ecPublicKey on secp256k1, up to the key's
/// BIT STRING contents; the total length byte and the BIT STRING length vary with the
/// point's encoding.
const SPKI_ALGORITHM: [u8; 19] = [
    0x30, 0x10, // AlgorithmIdentifier
    0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, // id-ecPublicKey
    0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a, // secp256k1
    0x03, // BIT STRING
];

/// Decodes a base64 account challenge and checks it against `policy`.
///
/// # Errors
/// [`Refusal::AccountChallengeNotBase64`] when it is not base64, and under
/// [`AccountChallengePolicy::Recognized`]: [`Refusal::AccountChallengeIsSiwe`] for a
/// Sign-In-with-Ethereum message, [`Refusal::AccountChallengeIsDigest`] for 32 bytes,
/// [`Refusal::AccountChallengeUnrecognized`] for anything else that is neither a
/// secp256k1 public key in PEM nor a UUID.
pub fn check_account_challenge(
    challenge_b64: &str,
    policy: AccountChallengePolicy,
) -> Result<(Vec<u8>, AccountChallengeKind), Refusal> {
    let bytes = B64
        .decode(challenge_b64.trim())
        .map_err(|_| Refusal::AccountChallengeNotBase64)?;
    let kind = classify(&bytes);
    match (kind, policy) {
        (Some(kind), _) => Ok((bytes, kind)),
        (None, AccountChallengePolicy::AnyBytes) => Ok((bytes, AccountChallengeKind::Other)),
        (None, AccountChallengePolicy::Recognized) => Err(unrecognized(&bytes)),
    }
}

fn classify(bytes: &[u8]) -> Option<AccountChallengeKind> {
    let text = std::str::from_utf8(bytes).ok()?;
    if text.len() == 36 && uuid::Uuid::try_parse(text).is_ok() {
        return Some(AccountChallengeKind::SandboxUuid);
    }
    is_secp256k1_pem(text).then_some(AccountChallengeKind::SessionKey)
}

/// Whether `text` is exactly one PEM `PUBLIC KEY` block holding a valid secp256k1 point.
fn is_secp256k1_pem(text: &str) -> bool {
    let text = text.trim_end_matches(['\r', '\n']);
    let Some(body) = text
        .strip_prefix("-----BEGIN PUBLIC KEY-----")
        .and_then(|t| t.strip_suffix("-----END PUBLIC KEY-----"))
    else {
        return false;
    };
    let b64: String = body.split(['\r', '\n']).collect();
    let Ok(der) = B64.decode(b64) else {
        return false;
    };
    // SEQUENCE { AlgorithmIdentifier, BIT STRING (0 unused bits) point }.
    let point = match der.as_slice() {
        [0x30, len, rest @ ..] if usize::from(*len) == rest.len() => rest,
        _ => return false,
    };
    let Some(point) = point.strip_prefix(&SPKI_ALGORITHM[..]) else {
        return false;
    };
    let point = match point {
        [len, 0x00, key @ ..] if usize::from(*len) == key.len() + 1 => key,
        _ => return false,
    };
    k256::PublicKey::from_sec1_bytes(point).is_ok()
}

fn unrecognized(bytes: &[u8]) -> Refusal {
    if bytes.len() == 32 {
        return Refusal::AccountChallengeIsDigest;
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if text.contains("wants you to sign in with your") || SiweMessage::parse(text).is_ok() {
            return Refusal::AccountChallengeIsSiwe;
        }
    }
    Refusal::AccountChallengeUnrecognized { len: bytes.len() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A secp256k1 public key as SPKI PEM (uncompressed point), made with OpenSSL.
    const SESSION_KEY_PEM: &str = "-----BEGIN PUBLIC KEY-----\n\
        MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAES+uSXjEkdSWg7Sg5D++6Z8Oz/XK/zm/D\n\
        6FPbMuqSga366hrKS+AEKByryZL453US9QIQVWCc/8k7G38Zg60/AQ==\n\
        -----END PUBLIC KEY-----\n";

    /// The same shape with a compressed point.
    const COMPRESSED_PEM: &str = "-----BEGIN PUBLIC KEY-----\n\
        MDYwEAYHKoZIzj0CAQYFK4EEAAoDIgACkiF/tEKD1dibhzaP4e4BSekxc+O4BE+n\n\
        9jVf+ZkfTGo=\n\
        -----END PUBLIC KEY-----";

    /// A P-256 public key: a PEM public key, but not on the wallet's curve.
    const P256_PEM: &str = "-----BEGIN PUBLIC KEY-----\n\
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE5880hRKsUoLHBx+ngGb4UqRxutp2\n\
        wXsj/hQd9L2Fru5qieKta/XBGMdZEdZ/4AEaai3h2NZsQUWVbdtgUWSvTw==\n\
        -----END PUBLIC KEY-----\n";

    fn b64(bytes: &[u8]) -> String {
        B64.encode(bytes)
    }

    #[test]
    fn recognizes_what_offblocks_issues() {
        let strict = AccountChallengePolicy::Recognized;
        let (bytes, kind) = check_account_challenge(&b64(SESSION_KEY_PEM.as_bytes()), strict)
            .expect("the production shape");
        assert_eq!(kind, AccountChallengeKind::SessionKey);
        assert_eq!(bytes, SESSION_KEY_PEM.as_bytes());
        let (_, kind) = check_account_challenge(&b64(COMPRESSED_PEM.as_bytes()), strict).unwrap();
        assert_eq!(kind, AccountChallengeKind::SessionKey);
        let crlf = SESSION_KEY_PEM.replace('\n', "\r\n");
        let (_, kind) = check_account_challenge(&b64(crlf.as_bytes()), strict).unwrap();
        assert_eq!(kind, AccountChallengeKind::SessionKey);
        let uuid = "3f0e9a52-4d7b-4c1e-9a5e-7f1c2b3d4e5f";
        let (_, kind) = check_account_challenge(&b64(uuid.as_bytes()), strict).unwrap();
        assert_eq!(kind, AccountChallengeKind::SandboxUuid);
    }

    #[test]
    fn refuses_everything_else_and_says_why() {
        let strict = AccountChallengePolicy::Recognized;
        let siwe = "evil.example wants you to sign in with your Ethereum account:\n\
                    0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\n\n\
                    URI: https://evil.example\nVersion: 1\nChain ID: 1\nNonce: 12345678\n\
                    Issued At: 2024-01-17T18:21:53Z";
        assert_eq!(
            check_account_challenge(&b64(siwe.as_bytes()), strict),
            Err(Refusal::AccountChallengeIsSiwe)
        );
        assert_eq!(
            check_account_challenge(&b64(&[7u8; 32]), strict),
            Err(Refusal::AccountChallengeIsDigest)
        );
        assert_eq!(
            check_account_challenge(&b64(b"transfer all funds"), strict),
            Err(Refusal::AccountChallengeUnrecognized { len: 18 })
        );
        assert_eq!(
            check_account_challenge("not base64!", strict),
            Err(Refusal::AccountChallengeNotBase64)
        );
        // A PEM of a P-256 key is not a secp256k1 session key.
        assert_eq!(
            check_account_challenge(&b64(P256_PEM.as_bytes()), strict),
            Err(Refusal::AccountChallengeUnrecognized { len: 178 })
        );
        // A point off the curve (the last byte of y changed).
        let off_curve = SESSION_KEY_PEM.replace("G38Zg60/AQ==", "G38Zg60/AA==");
        assert_ne!(off_curve, SESSION_KEY_PEM);
        assert!(check_account_challenge(&b64(off_curve.as_bytes()), strict).is_err());
        // Two keys in one text.
        let two = format!("{SESSION_KEY_PEM}{SESSION_KEY_PEM}");
        assert!(check_account_challenge(&b64(two.as_bytes()), strict).is_err());
        // A UUID with something after it.
        let uuid = "3f0e9a52-4d7b-4c1e-9a5e-7f1c2b3d4e5f\nand more";
        assert!(check_account_challenge(&b64(uuid.as_bytes()), strict).is_err());
    }

    #[test]
    fn any_bytes_policy_signs_anything_decodable() {
        let any = AccountChallengePolicy::AnyBytes;
        let (bytes, kind) = check_account_challenge(&b64(&[7u8; 32]), any).unwrap();
        assert_eq!((bytes.len(), kind), (32, AccountChallengeKind::Other));
        assert!(check_account_challenge("%%%", any).is_err());
        assert_eq!(AccountChallengePolicy::from_name("any"), Some(any));
        assert_eq!(AccountChallengePolicy::from_name("bogus"), None);
    }
}
