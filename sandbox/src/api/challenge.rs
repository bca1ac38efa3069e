//! Issuing challenges and checking signed ones (customers and accounts alike).

use super::{body, ApiError};
use crate::eth::{
    checksum_address, decode_signature_field, parse_eip155_account, recover_personal_sign,
    Eip155Account,
};
use crate::server::Request;
use crate::store::Challenge;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// Challenges can be signed for one hour after issue.
pub(crate) const CHALLENGE_LIFETIME_SECS: i64 = 3600;

/// A challenge whose signed form is `message`.
pub(crate) fn new_challenge(message: Vec<u8>, issued_at_nanos: i128) -> Challenge {
    Challenge {
        encoded: STANDARD.encode(&message),
        message,
        expires_at: issued_at_nanos + i128::from(CHALLENGE_LIFETIME_SECS) * 1_000_000_000,
    }
}

/// A `…/challenge/sign` body.
pub(crate) struct SignedChallenge {
    pub(crate) owner_id: String,
    pub(crate) challenge: String,
    pub(crate) signature: String,
}

pub(crate) fn parse_signed(req: &Request) -> Result<SignedChallenge, ApiError> {
    let obj = body::object(req)?;
    Ok(SignedChallenge {
        owner_id: body::string(&obj, "ownerId")?.to_string(),
        challenge: body::string(&obj, "challenge")?.to_string(),
        signature: body::string(&obj, "signature")?.to_string(),
    })
}

/// Checks a signed challenge against the current one and the owner's address.
/// With `verify` false the signature only has to decode to 65 bytes.
pub(crate) fn check_signed(
    current: Option<&Challenge>,
    sent: &SignedChallenge,
    owner: &Eip155Account,
    now: i128,
    verify: bool,
) -> Result<(), ApiError> {
    let fail = |code: &'static str, why: String| ApiError::bad_request(code, why);
    let current = current
        .filter(|c| c.encoded == sent.challenge)
        .ok_or_else(|| {
            fail(
                "challenge_mismatch",
                "challenge is not the current one: fetch it again".into(),
            )
        })?;
    if now >= current.expires_at {
        return Err(fail(
            "challenge_expired",
            "challenge expired (1 hour after issue): fetch a new one".into(),
        ));
    }
    let expected_owner = format!(
        "eip155:{}:{}",
        owner.chain_ref,
        checksum_address(&owner.address)
    );
    let claimed = parse_eip155_account(&sent.owner_id).map_err(|e| {
        fail(
            "owner_mismatch",
            format!("ownerId is not a valid account id: {e}"),
        )
    })?;
    if claimed != *owner {
        return Err(fail(
            "owner_mismatch",
            format!("ownerId must be the customer's account {expected_owner}"),
        ));
    }
    let signature =
        decode_signature_field(&sent.signature).map_err(|e| fail("invalid_signature", e))?;
    if !verify {
        return Ok(());
    }
    let signer = recover_personal_sign(&current.message, &signature)
        .map_err(|e| fail("invalid_signature", format!("EIP-191 signature: {e}")))?;
    if signer != owner.address {
        return Err(fail(
            "invalid_signature",
            format!(
                "the EIP-191 signature over the decoded challenge was made by {}, not by {}",
                checksum_address(&signer),
                checksum_address(&owner.address)
            ),
        ));
    }
    Ok(())
}
