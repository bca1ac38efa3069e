//! EIP-191 `personal_sign` signatures: the hash, the 65-byte `r‖s‖v` signature, its
//! three text encodings and public-key recovery.

use std::fmt;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
use k256::elliptic_curve::scalar::IsHigh as _;

use crate::wallet::address::{decode_hex, encode_hex, keccak256};
use crate::wallet::Address;
use crate::{Error, Result};

/// Standard base64 alphabet; writes padding, reads with or without it.
pub(crate) const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The EIP-191 version `0x45` hash that `personal_sign` signs:
/// `keccak256("\x19Ethereum Signed Message:\n" + decimal byte length + message)`.
pub fn eip191_hash(message: &[u8]) -> [u8; 32] {
    let mut data = format!("\x19Ethereum Signed Message:\n{}", message.len()).into_bytes();
    data.extend_from_slice(message);
    keccak256(&data)
}

/// A `personal_sign` signature: 65 bytes `r‖s‖v` with `v` 27 or 28.
///
/// Signatures made by this SDK have a low `s` (as Ethereum requires of transactions).
/// Signatures parsed from elsewhere keep their bytes as given, except that a `v` of 0
/// or 1 becomes 27 or 28; recovery accepts a high `s` as `ecrecover` does.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PersonalSignature([u8; 65]);

/// How a [`PersonalSignature`] is written when sent to the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureEncoding {
    /// `0x` and 130 lowercase hex digits.
    Hex,
    /// Base64 of the ASCII text of [`Hex`](Self::Hex): the customer-challenge
    /// format ("encode a HEX signature as Base64").
    Base64Hex,
    /// Base64 of the raw 65 bytes: the format of the account-challenge example.
    Base64Raw,
}

impl SignatureEncoding {
    /// The signature written in this encoding.
    pub fn encode(&self, sig: &PersonalSignature) -> String {
        match self {
            SignatureEncoding::Hex => sig.to_hex(),
            SignatureEncoding::Base64Hex => sig.to_base64_hex(),
            SignatureEncoding::Base64Raw => sig.to_base64_raw(),
        }
    }
}

impl PersonalSignature {
    /// The signature of these 65 bytes `r‖s‖v`; a `v` of 0 or 1 becomes 27 or 28.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when `v` is not 0, 1, 27 or 28.
    pub fn from_bytes(bytes: [u8; 65]) -> Result<PersonalSignature> {
        let mut bytes = bytes;
        bytes[64] = match bytes[64] {
            0 | 27 => 27,
            1 | 28 => 28,
            _ => return Err(Error::InvalidInput("signature: v must be 27 or 28".into())),
        };
        Ok(PersonalSignature(bytes))
    }

    pub(crate) fn from_parts(sig: &Signature, recid: RecoveryId) -> Result<PersonalSignature> {
        if recid.is_x_reduced() {
            // Cannot be told by a 27/28 `v`; happens with probability about 2^-127.
            return Err(Error::Signing("recovery id not expressible as v".into()));
        }
        let mut bytes = [0u8; 65];
        bytes[..64].copy_from_slice(&sig.to_bytes());
        bytes[64] = 27 + u8::from(recid.is_y_odd());
        Ok(PersonalSignature(bytes))
    }

    /// Reads a signature in any of the [`SignatureEncoding`]s: `0x` and 130 hex digits
    /// (the `0x` optional), base64 of that text, or base64 of the 65 bytes.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the text is none of these, or `v` is not 0, 1, 27
    /// or 28.
    pub fn parse(text: &str) -> Result<PersonalSignature> {
        if let Some(sig) = from_hex_text(text.as_bytes()) {
            return sig;
        }
        // A "0x…" hex text is also valid base64, but decodes to 99 bytes: no ambiguity.
        if let Ok(decoded) = BASE64.decode(text) {
            if let Ok(raw) = <[u8; 65]>::try_from(decoded.as_slice()) {
                return PersonalSignature::from_bytes(raw);
            }
            if let Some(sig) = from_hex_text(&decoded) {
                return sig;
            }
        }
        Err(Error::InvalidInput(
            "signature: expected 65 bytes as hex, base64 hex text or base64".into(),
        ))
    }

    /// The 65 bytes `r‖s‖v`.
    pub const fn as_bytes(&self) -> &[u8; 65] {
        &self.0
    }

    /// The recovery byte, 27 or 28.
    pub const fn v(&self) -> u8 {
        self.0[64]
    }

    /// `0x` and 130 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        format!("0x{}", encode_hex(&self.0))
    }

    /// Base64 (standard, padded) of the ASCII text of [`to_hex`](Self::to_hex): what the
    /// customer challenge's `signature` field carries.
    pub fn to_base64_hex(&self) -> String {
        BASE64.encode(self.to_hex())
    }

    /// Base64 (standard, padded) of the raw 65 bytes.
    pub fn to_base64_raw(&self) -> String {
        BASE64.encode(self.0)
    }

    /// The address whose key made this signature over `message` (EIP-191 hashed).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when no public key can be recovered (for example `r` or
    /// `s` is zero or not below the curve order).
    pub fn recover(&self, message: &[u8]) -> Result<Address> {
        self.recover_hash(&eip191_hash(message))
    }

    /// Whether this signature over `message` was made by `address`'s key.
    pub fn verify(&self, message: &[u8], address: &Address) -> bool {
        self.recover(message).is_ok_and(|found| found == *address)
    }

    pub(crate) fn recover_hash(&self, hash: &[u8; 32]) -> Result<Address> {
        let bad = || Error::InvalidInput("signature: no public key recovers from it".into());
        let sig = Signature::from_slice(&self.0[..64]).map_err(|_| bad())?;
        let mut is_y_odd = self.0[64] == 28;
        // k256 verifies only low-s signatures; (r, n - s) with the other parity is the
        // same signature as far as `ecrecover` is concerned.
        if bool::from(sig.s().is_high()) {
            is_y_odd = !is_y_odd;
        }
        let sig = sig.normalize_s();
        let recid = RecoveryId::new(is_y_odd, false);
        let key = VerifyingKey::recover_from_prehash(hash, &sig, recid).map_err(|_| bad())?;
        Ok(Address::from_verifying_key(&key))
    }
}

/// A signature from hex text, `None` when the text is not 130 hex digits.
fn from_hex_text(text: &[u8]) -> Option<Result<PersonalSignature>> {
    let digits = text.strip_prefix(b"0x").unwrap_or(text);
    let mut raw = [0u8; 65];
    decode_hex(digits, &mut raw).then(|| PersonalSignature::from_bytes(raw))
}

impl fmt::Display for PersonalSignature {
    /// The [`to_hex`](Self::to_hex) form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for PersonalSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PersonalSignature({})", self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_prefixes_the_byte_length() {
        // eth-account: encode_defunct(text="I♥SF") hashes to this (its docs' example).
        assert_eq!(
            encode_hex(&eip191_hash("I♥SF".as_bytes())),
            "1476abb745d423bf09273f1afd887d951181d25adc66c4834a70491911b7f750"
        );
    }

    #[test]
    fn v_is_normalized_or_refused() {
        let mut raw = [1u8; 65];
        raw[64] = 0;
        assert_eq!(PersonalSignature::from_bytes(raw).unwrap().v(), 27);
        raw[64] = 1;
        assert_eq!(PersonalSignature::from_bytes(raw).unwrap().v(), 28);
        for v in [2u8, 26, 29, 35, 255] {
            raw[64] = v;
            assert!(PersonalSignature::from_bytes(raw).is_err(), "{v}");
        }
    }

    #[test]
    fn parse_rejects_other_shapes() {
        for bad in [
            "",
            "0x",
            "0x00",
            "c2lnbmF0dXJl",
            "not base64!",
            &"a".repeat(131),
        ] {
            assert!(PersonalSignature::parse(bad).is_err(), "{bad}");
        }
        let zero = PersonalSignature::from_bytes([0; 65]).unwrap();
        assert!(zero.recover(b"x").is_err());
        assert!(!zero.verify(b"x", &Address::from_bytes([0; 20])));
    }

    #[test]
    fn high_s_signatures_still_recover() {
        // secp256k1 group order n: (r, n - s) with the other v is the same signature to
        // ecrecover (the malleability EIP-2 forbids for transactions only).
        const N: [u8; 32] = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c,
            0xd0, 0x36, 0x41, 0x41,
        ];
        let wallet = crate::wallet::Wallet::from_hex(
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        )
        .unwrap();
        let low = wallet.sign_personal(b"hello").unwrap();
        let mut raw = *low.as_bytes();
        let mut borrow = 0i16;
        for i in (0..32).rev() {
            let d = i16::from(N[i]) - i16::from(raw[32 + i]) - borrow;
            raw[32 + i] = d.rem_euclid(256) as u8;
            borrow = i16::from(d < 0);
        }
        raw[64] = if raw[64] == 27 { 28 } else { 27 };
        let high = PersonalSignature::from_bytes(raw).unwrap();
        assert_ne!(high, low);
        assert_eq!(high.recover(b"hello").unwrap(), wallet.address());
    }
}
