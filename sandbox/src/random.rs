//! Randomness from the operating system (getrandom), with a hashed fallback so that an
//! unavailable entropy source degrades uniqueness instead of crashing a request thread.

use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static FALLBACK_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Fills `buf` with random bytes.
pub(crate) fn fill(buf: &mut [u8]) {
    if getrandom::fill(buf).is_ok() {
        return;
    }
    for chunk in buf.chunks_mut(32) {
        let mut hasher = Sha256::new();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        hasher.update(now.to_le_bytes());
        hasher.update(
            FALLBACK_COUNTER
                .fetch_add(1, Ordering::Relaxed)
                .to_le_bytes(),
        );
        hasher.update(format!("{:?}", std::thread::current().id()).as_bytes());
        let digest = hasher.finalize();
        chunk.copy_from_slice(&digest[..chunk.len()]);
    }
}

/// Returns `N` random bytes.
pub(crate) fn bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    fill(&mut out);
    out
}

/// A uniform float in `[0, 1)`.
pub(crate) fn unit_f64() -> f64 {
    let x = u64::from_le_bytes(bytes::<8>()) >> 11;
    x as f64 / (1u64 << 53) as f64
}

/// A random version-4 UUID, hyphenated lowercase.
pub(crate) fn uuid() -> String {
    uuid::Builder::from_random_bytes(bytes::<16>())
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// `len` random ASCII alphanumerics (rejection sampling keeps them uniform).
pub(crate) fn alphanumeric(len: usize) -> String {
    const SET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in bytes::<32>() {
            // 248 = 4 * 62: bytes above it would bias the low characters.
            if b < 248 && out.len() < len {
                out.push(char::from(SET[usize::from(b) % SET.len()]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn shapes() {
        let id = super::uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        let nonce = super::alphanumeric(16);
        assert_eq!(nonce.len(), 16);
        assert!(nonce.bytes().all(|b| b.is_ascii_alphanumeric()));
        let x = super::unit_f64();
        assert!((0.0..1.0).contains(&x));
    }
}
