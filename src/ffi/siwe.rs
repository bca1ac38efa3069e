//! EIP-4361 (Sign-In with Ethereum) messages and the challenge guard.

use std::ffi::c_char;

use serde_json::{json, Value};

use super::error::offblocks_result;
use super::strings::to_json;
use super::{arg_opt_str, arg_out, arg_str, boundary, put_string};
use crate::time::Timestamp;
use crate::wallet::{decode_challenge, AccountId, Address, ChainId, ChallengeGuard, SiweMessage};

pub(super) fn chain_json(chain: &ChainId) -> Value {
    json!({
        "chainId": chain.to_string(),
        "namespace": chain.namespace(),
        "reference": chain.reference(),
        "eip155Chain": chain.eip155_number(),
    })
}

fn siwe_json(msg: &SiweMessage) -> Value {
    json!({
        "scheme": msg.scheme,
        "domain": msg.domain,
        "address": msg.address,
        "statement": msg.statement,
        "uri": msg.uri,
        "version": msg.version,
        "chainId": msg.chain_id,
        "nonce": msg.nonce,
        "issuedAt": msg.issued_at,
        "expirationTime": msg.expiration_time,
        "notBefore": msg.not_before,
        "requestId": msg.request_id,
        "resources": msg.resources,
    })
}

/// Parses the text of an EIP-4361 message and stores its fields in `*out_json`:
/// `{"scheme", "domain", "address", "statement", "uri", "version", "chainId" (a number),
/// "nonce", "issuedAt", "expirationTime", "notBefore", "requestId", "resources"}`, absent
/// optional fields as null, times in RFC 3339. `OFFBLOCKS_SIWE` names the first problem.
///
/// # Safety
/// `text` is NULL or NUL-terminated; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_siwe_parse(
    text: *const c_char,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (text, out) = unsafe { (arg_str(text, "text")?, arg_out(out_json, "out_json")?) };
        let msg = SiweMessage::parse(text).map_err(crate::Error::from)?;
        put_string(out, to_json(&siwe_json(&msg))?)
    })
}

/// Checks a customer challenge before anyone signs it, as the SDK does itself: decodes
/// `challenge_b64` (as issued by the API), parses it, and checks that it names
/// `wallet_address`, that `customer_caip10` (the customer's `chainId`) is that address
/// on an `eip155` chain whose number the message names, that the message's domain is
/// `expected_domain` (when not NULL), and that `now_unix` (seconds, e.g. `time(NULL)`)
/// is inside its validity window, give or take 60 s.
///
/// On success stores the parsed message in `*out_json`, as `offblocks_siwe_parse` does,
/// to show the user what they sign. `OFFBLOCKS_CHALLENGE_REFUSED` (the message says
/// why) when a check fails; `OFFBLOCKS_SIWE` or `OFFBLOCKS_INVALID_INPUT` when the
/// challenge or an id does not parse.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_siwe_guard(
    challenge_b64: *const c_char,
    wallet_address: *const c_char,
    customer_caip10: *const c_char,
    expected_domain: *const c_char,
    now_unix: i64,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (challenge, address, customer, domain, out) = unsafe {
            (
                arg_str(challenge_b64, "challenge_b64")?,
                arg_str(wallet_address, "wallet_address")?,
                arg_str(customer_caip10, "customer_caip10")?,
                arg_opt_str(expected_domain, "expected_domain")?,
                arg_out(out_json, "out_json")?,
            )
        };
        let (_, msg) = decode_challenge(challenge)?;
        let address = Address::parse(address)?;
        let customer = AccountId::parse(customer)?;
        let mut guard = ChallengeGuard::new();
        if let Some(domain) = domain {
            guard = guard.expected_domain(domain);
        }
        guard
            .check(&msg, &address, &customer, Timestamp::from_unix(now_unix))
            .map_err(crate::Error::from)?;
        put_string(out, to_json(&siwe_json(&msg))?)
    })
}
