//! The UUIDs the SDK makes: random ones (UUIDv4) for fresh Idempotency-Keys and signature
//! nonces, and derived ones (UUIDv8 over SHA-256) for keys that must come out the same on
//! every run of an operation.

use sha2::{Digest, Sha256};
use uuid::{Builder, Uuid};

use crate::error::{Error, Result};

/// Fills `buf` from the operating system's random generator.
pub(crate) fn fill_random(buf: &mut [u8]) -> std::result::Result<(), getrandom::Error> {
    getrandom::getrandom(buf)
}

/// A fresh UUIDv4 from the operating system's random generator.
///
/// # Errors
///
/// [`Error::Transport`] (not retryable) when the generator fails: without a fresh key
/// a mutation cannot be sent safely.
pub(crate) fn random() -> Result<Uuid> {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes).map_err(|e| Error::Transport {
        message: format!("random generator failed: {e}"),
        retryable: false,
    })?;
    Ok(Builder::from_random_bytes(bytes).into_uuid())
}

/// A UUIDv8 whose 122 free bits are the first bits of SHA-256(`namespace` ‖ 0x00 ‖
/// `name`): the same inputs always give the same UUID, and distinct inputs collide with
/// negligible probability.
pub(crate) fn derived(namespace: &[u8], name: &[u8]) -> Uuid {
    let digest = Sha256::new()
        .chain_update(namespace)
        .chain_update([0u8])
        .chain_update(name)
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Builder::from_custom_bytes(bytes).into_uuid()
}

/// [`derived`] over a list of parts, each written as its length (8 bytes, big-endian)
/// followed by its bytes: two lists give the same name only when they have the same
/// parts, so no part can pass for the end of one and the start of another
/// (`["EUR,USD"]` and `["EUR", "USD"]` are different names).
pub(crate) fn derived_parts(namespace: &[u8], parts: &[&[u8]]) -> Uuid {
    let mut name = Vec::with_capacity(parts.iter().map(|p| p.len() + 8).sum());
    for part in parts {
        name.extend_from_slice(&(part.len() as u64).to_be_bytes());
        name.extend_from_slice(part);
    }
    derived(namespace, &name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::{Variant, Version};

    #[test]
    fn random_is_v4_and_fresh() {
        let a = random().unwrap();
        let b = random().unwrap();
        assert_eq!(a.get_version(), Some(Version::Random));
        assert_eq!(a.get_variant(), Variant::RFC4122);
        assert_ne!(a, b);
    }

    #[test]
    fn derived_is_v8_stable_and_separates_inputs() {
        let a = derived(b"ns", b"name");
        assert_eq!(a.get_version(), Some(Version::Custom));
        assert_eq!(a.get_variant(), Variant::RFC4122);
        assert_eq!(a, derived(b"ns", b"name"));
        assert_ne!(a, derived(b"ns", b"name2"));
        // The separator keeps ("ns", "name") apart from ("nsn", "ame").
        assert_ne!(a, derived(b"nsn", b"ame"));
        // The layout: SHA-256("ns\0name")[..16] with the version and variant bits set.
        let digest = Sha256::digest(b"ns\0name");
        let mut want = [0u8; 16];
        want.copy_from_slice(&digest[..16]);
        want[6] = (want[6] & 0x0f) | 0x80;
        want[8] = (want[8] & 0x3f) | 0x80;
        assert_eq!(a.as_bytes(), &want);
    }

    #[test]
    fn derived_parts_are_length_prefixed() {
        let joined = derived_parts(b"ns", &[b"EUR,USD"]);
        let split = derived_parts(b"ns", &[b"EUR", b"USD"]);
        assert_ne!(joined, split);
        assert_ne!(split, derived_parts(b"ns", &[b"EU", b"RUSD"]));
        assert_ne!(split, derived_parts(b"ns", &[b"EUR", b"USD", b""]));
        // The layout: each part is its length as 8 bytes, big-endian, then its bytes.
        let mut name = Vec::new();
        name.extend_from_slice(&3u64.to_be_bytes());
        name.extend_from_slice(b"EUR");
        name.extend_from_slice(&3u64.to_be_bytes());
        name.extend_from_slice(b"USD");
        assert_eq!(split, derived(b"ns", &name));
        // A known answer (computed independently), to catch a change of the layout.
        assert_eq!(split.to_string(), "fc48a8e9-3abe-807c-89fc-f1d15edbc559");
    }
}
