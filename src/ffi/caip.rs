//! CAIP-2 chain ids and CAIP-10 account ids.

use std::ffi::c_char;

use serde_json::json;

use super::error::offblocks_result;
use super::siwe::chain_json;
use super::strings::to_json;
use super::{arg_out, arg_str, boundary, put_string};
use crate::wallet::{AccountId, ChainId};

/// Parses a CAIP-2 chain id (`"eip155:300"`) and stores in `*out_json` an object
/// `{"chainId", "namespace", "reference", "eip155Chain"}` (`eip155Chain` is the chain
/// number, or null for another namespace). `OFFBLOCKS_INVALID_INPUT` when malformed.
///
/// # Safety
/// `text` is NULL or NUL-terminated; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_caip_chain_id_parse(
    text: *const c_char,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (text, out) = unsafe { (arg_str(text, "text")?, arg_out(out_json, "out_json")?) };
        let chain = ChainId::parse(text)?;
        put_string(out, to_json(&chain_json(&chain))?)
    })
}

/// Parses a CAIP-10 account id (`"eip155:300:0x…"`) and stores in `*out_json` an object
/// `{"accountId", "chainId", "namespace", "reference", "eip155Chain", "address",
/// "evmAddress"}`: `evmAddress` is the address with its EIP-55 checksum on `eip155`
/// chains, else null. `OFFBLOCKS_INVALID_INPUT` when malformed (including an `eip155`
/// address whose mixed case fails the checksum).
///
/// # Safety
/// `text` is NULL or NUL-terminated; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn offblocks_caip_account_id_parse(
    text: *const c_char,
    out_json: *mut *mut c_char,
) -> offblocks_result {
    boundary(|| {
        // SAFETY: the caller's guarantees above.
        let (text, out) = unsafe { (arg_str(text, "text")?, arg_out(out_json, "out_json")?) };
        let id = AccountId::parse(text)?;
        let mut json = chain_json(id.chain_id());
        json["accountId"] = id.to_string().into();
        json["address"] = id.address().into();
        json["evmAddress"] = json!(id.evm_address());
        put_string(out, to_json(&json)?)
    })
}
