//! RFC 9530 `Content-Digest`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use sha2::{Digest, Sha256, Sha512};

/// A digest algorithm of the RFC 9530 registry that OffBlocks verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestAlgorithm {
    /// `sha-256`.
    Sha256,
    /// `sha-512`.
    Sha512,
}

impl DigestAlgorithm {
    /// The algorithm's key in the `Content-Digest` dictionary.
    pub fn key(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha256 => "sha-256",
            DigestAlgorithm::Sha512 => "sha-512",
        }
    }
}

/// Which digests a `Content-Digest` header carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DigestAlgorithms {
    /// `sha-256` only (what OffBlocks' own library sends).
    #[default]
    Sha256,
    /// `sha-512` only.
    Sha512,
    /// Both, `sha-256` first.
    Both,
}

impl DigestAlgorithms {
    fn list(self) -> &'static [DigestAlgorithm] {
        match self {
            DigestAlgorithms::Sha256 => &[DigestAlgorithm::Sha256],
            DigestAlgorithms::Sha512 => &[DigestAlgorithm::Sha512],
            DigestAlgorithms::Both => &[DigestAlgorithm::Sha256, DigestAlgorithm::Sha512],
        }
    }
}

/// The `Content-Digest` header value for `body`, e.g. `sha-256=:X48E…=:`.
pub fn content_digest(body: &[u8], algorithms: DigestAlgorithms) -> String {
    let mut out = String::with_capacity(150);
    for (i, alg) in algorithms.list().iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(alg.key());
        out.push_str("=:");
        match alg {
            DigestAlgorithm::Sha256 => B64.encode_string(Sha256::digest(body), &mut out),
            DigestAlgorithm::Sha512 => B64.encode_string(Sha512::digest(body), &mut out),
        }
        out.push(':');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 9530 Appendix B.1 and B.2, body `{"hello": "world"}` (also quoted in the contract §5).
    const BODY: &[u8] = b"{\"hello\": \"world\"}";
    const SHA256: &str = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
    const SHA512: &str = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";

    #[test]
    fn rfc9530_vectors() {
        assert_eq!(content_digest(BODY, DigestAlgorithms::Sha256), SHA256);
        assert_eq!(content_digest(BODY, DigestAlgorithms::Sha512), SHA512);
        assert_eq!(
            content_digest(BODY, DigestAlgorithms::Both),
            format!("{SHA256}, {SHA512}")
        );
    }

    // RFC 9530 §2: the digest of an empty body is still a digest (sha-256 of "").
    #[test]
    fn empty_body() {
        assert_eq!(
            content_digest(b"", DigestAlgorithms::Sha256),
            "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"
        );
    }
}
