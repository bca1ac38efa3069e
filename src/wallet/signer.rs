//! Who signs: the in-memory [`Wallet`], or anything else that can `personal_sign`.

use std::sync::Arc;

use crate::time::Timestamp;
use crate::wallet::{
    decode_challenge, AccountId, Address, ChallengeGuard, PersonalSignature, SignatureEncoding,
    SiweMessage, Wallet,
};
use crate::{Error, Result};

/// Something that holds a customer's key and can sign with EIP-191 `personal_sign`.
///
/// The SDK never needs the key itself. It hands [`sign_personal`](Signer::sign_personal)
/// the exact message bytes (for a customer challenge, the decoded challenge as
/// received) and expects back the 65-byte `r‖s‖v` signature that `personal_sign` over
/// those bytes gives. That makes any of these a signer:
///
/// - [`Wallet`], a key held in memory;
/// - a user's wallet app (MetaMask, WalletConnect…): show it the message, then read its
///   `0x…` answer with [`PersonalSignature::parse`];
/// - a KMS or HSM: sign [`eip191_hash`](crate::wallet::eip191_hash)`(message)` with
///   secp256k1 and assemble `r‖s‖v` with [`PersonalSignature::from_bytes`].
///
/// The SDK recovers the signer's address from every signature it gets back before
/// using it (see [`sign_challenge`]), so a signer that signs the wrong bytes or with
/// the wrong key is caught before anything is sent.
pub trait Signer: Send + Sync {
    /// The Ethereum address whose key signs.
    ///
    /// # Errors
    ///
    /// Whatever the signer reports, preferably as [`Error::Signer`].
    fn address(&self) -> Result<Address>;

    /// Signs `message` with EIP-191 `personal_sign`: `message` is the raw bytes, not a
    /// hash and not hex; the signer adds the `"\x19Ethereum Signed Message:\n"` prefix.
    ///
    /// # Errors
    ///
    /// Whatever the signer reports, preferably as [`Error::Signer`].
    fn sign_personal(&self, message: &[u8]) -> Result<PersonalSignature>;
}

impl Signer for Wallet {
    fn address(&self) -> Result<Address> {
        Ok(Wallet::address(self))
    }

    fn sign_personal(&self, message: &[u8]) -> Result<PersonalSignature> {
        Wallet::sign_personal(self, message)
    }
}

impl<S: Signer + ?Sized> Signer for Box<S> {
    fn address(&self) -> Result<Address> {
        (**self).address()
    }

    fn sign_personal(&self, message: &[u8]) -> Result<PersonalSignature> {
        (**self).sign_personal(message)
    }
}

impl<S: Signer + ?Sized> Signer for Arc<S> {
    fn address(&self) -> Result<Address> {
        (**self).address()
    }

    fn sign_personal(&self, message: &[u8]) -> Result<PersonalSignature> {
        (**self).sign_personal(message)
    }
}

/// A customer challenge checked and signed, with everything needed to submit it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedChallenge {
    /// The challenge exactly as issued (base64), for the request's `challenge` field.
    pub challenge: String,
    /// The decoded challenge bytes: exactly what was signed.
    pub message: Vec<u8>,
    /// The parsed challenge.
    pub siwe: SiweMessage,
    /// The address that signed (checked by recovering it from the signature).
    pub signer: Address,
    /// The signature.
    pub signature: PersonalSignature,
}

impl SignedChallenge {
    /// The signature written for the request's `signature` field. Customer challenges
    /// take [`SignatureEncoding::Base64Hex`].
    pub fn encoded_signature(&self, encoding: SignatureEncoding) -> String {
        encoding.encode(&self.signature)
    }
}

/// Decodes a base64 customer challenge, checks it with `guard`, signs the decoded bytes
/// exactly as received, and checks that the signature recovers to the signer's address.
///
/// # Errors
///
/// - [`Error::InvalidInput`] or [`Error::Siwe`] when the challenge does not decode or
///   parse (see [`decode_challenge`]);
/// - [`Error::ChallengeRefused`] when the guard refuses; nothing is signed then;
/// - whatever the signer reports from [`Signer::address`] or [`Signer::sign_personal`];
/// - [`Error::Signer`] when the returned signature does not recover to
///   [`Signer::address`] over the challenge bytes.
pub fn sign_challenge(
    signer: &dyn Signer,
    guard: &ChallengeGuard,
    challenge_b64: &str,
    customer: &AccountId,
    now: Timestamp,
) -> Result<SignedChallenge> {
    let (message, siwe) = decode_challenge(challenge_b64)?;
    let address = signer.address()?;
    guard.check(&siwe, &address, customer, now)?;
    let signature = signer.sign_personal(&message)?;
    check_signature(&signature, &message, &address)?;
    Ok(SignedChallenge {
        challenge: challenge_b64.to_owned(),
        message,
        siwe,
        signer: address,
        signature,
    })
}

/// Fails unless `signature` over `message` recovers to `address`.
fn check_signature(signature: &PersonalSignature, message: &[u8], address: &Address) -> Result<()> {
    match signature.recover(message) {
        Ok(found) if found == *address => Ok(()),
        Ok(found) => Err(Error::Signer(format!(
            "signature recovers to {found}, not the signer's address {address}"
        ))),
        Err(_) => Err(Error::Signer("signature recovers to no public key".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wallets_box_and_arc_are_signers() {
        let wallet = Wallet::random().unwrap();
        let address = wallet.address();
        let boxed: Box<dyn Signer> = Box::new(wallet);
        assert_eq!(boxed.address().unwrap(), address);
        let shared: Arc<dyn Signer> = Arc::from(boxed);
        let sig = shared.sign_personal(b"hello").unwrap();
        assert!(check_signature(&sig, b"hello", &address).is_ok());
        assert!(matches!(
            check_signature(&sig, b"hellO", &address),
            Err(Error::Signer(_))
        ));
    }
}
