//! EIP-191 `personal_sign` verification by public-key recovery (secp256k1).

use super::{keccak256, unhex};
use base64::Engine as _;
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
use k256::elliptic_curve::scalar::IsHigh as _;

/// keccak256(`"\x19Ethereum Signed Message:\n" + decimal length + message`).
pub(crate) fn personal_sign_hash(message: &[u8]) -> [u8; 32] {
    let mut data = format!("\x19Ethereum Signed Message:\n{}", message.len()).into_bytes();
    data.extend_from_slice(message);
    keccak256(&data)
}

/// Decodes the API's `signature` field: base64 of the ASCII text `0x` + 130 hex digits,
/// or base64 of the raw 65 bytes `r||s||v`.
pub(crate) fn decode_signature_field(field: &str) -> Result<[u8; 65], String> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(field)
        .map_err(|_| "signature is not valid base64".to_string())?;
    let raw = if decoded.len() == 65 {
        decoded
    } else {
        let text = std::str::from_utf8(&decoded)
            .ok()
            .and_then(|t| t.strip_prefix("0x"))
            .filter(|hex| hex.len() == 130)
            .ok_or_else(|| {
                format!(
                    "signature must be base64 of 65 raw bytes or of the text 0x + 130 hex digits \
                     (decoded {} bytes)",
                    decoded.len()
                )
            })?;
        unhex(text).ok_or("signature hex text has a non-hex digit")?
    };
    let mut out = [0u8; 65];
    out.copy_from_slice(&raw);
    Ok(out)
}

/// Recovers the address that produced a `personal_sign` signature (`r||s||v`, `v` 27 or
/// 28) over `message`. High-`s` signatures are accepted, as Ethereum's `ecrecover` does.
pub(crate) fn recover_personal_sign(
    message: &[u8],
    signature: &[u8; 65],
) -> Result<[u8; 20], String> {
    let v = signature[64];
    if v != 27 && v != 28 {
        return Err(format!("signature v must be 27 or 28, got {v}"));
    }
    let mut sig = Signature::from_slice(&signature[..64])
        .map_err(|_| "signature r or s is out of range".to_string())?;
    let mut recovery = v - 27;
    if bool::from(sig.s().is_high()) {
        sig = sig.normalize_s();
        recovery ^= 1;
    }
    let recovery_id = RecoveryId::from_byte(recovery).ok_or("bad recovery id")?;
    let key = VerifyingKey::recover_from_prehash(&personal_sign_hash(message), &sig, recovery_id)
        .map_err(|_| "no public key recovers from this signature".to_string())?;
    Ok(address_of(&key))
}

/// The Ethereum address of a public key: the last 20 bytes of keccak256 of the
/// uncompressed point without its `0x04` prefix.
pub(crate) fn address_of(key: &VerifyingKey) -> [u8; 20] {
    let point = key.to_sec1_point(false);
    let hash = keccak256(&point.as_bytes()[1..]);
    let mut address = [0u8; 20];
    address.copy_from_slice(&hash[12..]);
    address
}

#[cfg(test)]
mod tests {
    use super::super::{checksum_address, unhex};
    use super::*;

    /// eth-account's documented `sign_message` example: "I♥SF" signed by the key
    /// 0xb25c…b364 recovers 0x5ce9…B12E. (The key 0x4c08…2318 often quoted with it is
    /// the `Account.from_key` example of the same docs and belongs to 0x2c75…5c23.)
    const SIGNATURE: &str = "0xe6ca9bba58c88611fad66a6ce8f996908195593807c4b38bd528d2cff09d4eb33e5bfbbf4d3e39b1a2fd816a7680c19ebebaf3a141b239934ad43cb33fcec8ce1c";
    const ADDRESS: &str = "0x5ce9454909639D2D17A3F753ce7d93fa0b9aB12E";
    const KEY: &str = "b25c7db31feed9122727bf0939dc769a96564b2de4c4726d035b36ecf1e5b364";
    const FROM_KEY_EXAMPLE: (&str, &str) = (
        "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
        "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
    );

    fn raw(hex_sig: &str) -> [u8; 65] {
        let bytes = unhex(&hex_sig[2..]).unwrap();
        let mut out = [0u8; 65];
        out.copy_from_slice(&bytes);
        out
    }

    #[test]
    fn recovers_eth_account_example() {
        let address = recover_personal_sign("I♥SF".as_bytes(), &raw(SIGNATURE)).unwrap();
        assert_eq!(checksum_address(&address), ADDRESS);
        let key = k256::ecdsa::SigningKey::from_slice(&unhex(KEY).unwrap()).unwrap();
        assert_eq!(checksum_address(&address_of(key.verifying_key())), ADDRESS);
        let (other_key, other_address) = FROM_KEY_EXAMPLE;
        let other = k256::ecdsa::SigningKey::from_slice(&unhex(other_key).unwrap()).unwrap();
        assert_eq!(
            checksum_address(&address_of(other.verifying_key())),
            other_address
        );
        // Signing the same message ourselves (RFC 6979) recovers the same address.
        let (sig, recid) = key.sign_prehash_recoverable(&personal_sign_hash("I♥SF".as_bytes()));
        let mut ours = [0u8; 65];
        ours[..64].copy_from_slice(&sig.to_bytes());
        ours[64] = 27 + recid.to_byte();
        assert_eq!(ours, raw(SIGNATURE));
    }

    #[test]
    fn rejects_other_messages_and_bad_v() {
        let address = recover_personal_sign(b"I love SF", &raw(SIGNATURE));
        assert_ne!(
            address.map(|a| checksum_address(&a)).ok().as_deref(),
            Some(ADDRESS)
        );
        let mut bad_v = raw(SIGNATURE);
        bad_v[64] = 1;
        assert!(recover_personal_sign("I♥SF".as_bytes(), &bad_v).is_err());
    }

    #[test]
    fn accepts_high_s_like_ecrecover() {
        let mut sig = raw(SIGNATURE);
        let parsed = Signature::from_slice(&sig[..64]).unwrap();
        let (r, s) = parsed.split_scalars();
        let flipped = Signature::from_scalars(r, -*s).unwrap();
        sig[..64].copy_from_slice(&flipped.to_bytes());
        sig[64] = if sig[64] == 27 { 28 } else { 27 };
        let address = recover_personal_sign("I♥SF".as_bytes(), &sig).unwrap();
        assert_eq!(checksum_address(&address), ADDRESS);
    }

    #[test]
    fn decodes_both_field_encodings() {
        let b64 = base64::engine::general_purpose::STANDARD;
        let text = b64.encode(SIGNATURE);
        assert_eq!(decode_signature_field(&text).unwrap(), raw(SIGNATURE));
        let bytes = b64.encode(raw(SIGNATURE));
        assert_eq!(decode_signature_field(&bytes).unwrap(), raw(SIGNATURE));
        // The docs' account example: base64 of 65 raw bytes with v = 28.
        let docs = "IfvwaW1eCqLvQaK0/7YjvK8HBGHWHPclHHQWH4L+w6Q3CFS8CjSzq0h8G8AhzTGMc0xRrik3TyvrDm8t1JtL9Bw=";
        assert_eq!(decode_signature_field(docs).unwrap()[64], 28);
        // The seed's customer example decodes to the hex text form.
        let seed = "MHg4M2IxM2RhYjE2MjI3MjAxMWQzMzQ4NDFkZjE5NTQ1MjUwNDI1NjczMjhhZDdjMDVjOTYyYjAwNWVlZDg3MGI2NDhjMjA0ZjBiZmZjZjUyYjM3NTE0MGIwYzg0OTA4ZTQ2MzMyNWIxZGZlNWJiYjAzMjU5NzYyNDgyODM0YWYzNzFi";
        assert_eq!(decode_signature_field(seed).unwrap()[64], 0x1b);
        for bad in ["c2lnbmF0dXJl", "not base64!", &b64.encode("0x1234")] {
            assert!(decode_signature_field(bad).is_err(), "accepted {bad}");
        }
    }
}
