//! The wallet, signature, CAIP, SIWE and signer functions of the C ABI, with known
//! answers and bad inputs.

#[path = "common/ffi.rs"]
mod support;

use std::ffi::{c_char, c_void};
use std::ptr;

use base64::Engine;
use offblocks::ffi::offblocks_result::*;
use offblocks::ffi::offblocks_signature_encoding::*;
use offblocks::ffi::*;
use support::*;

// Hardhat/Anvil account #0: a well-known test key, never a real one.
const HARDHAT_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const HARDHAT_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
// viem, src/actions/wallet/signMessage.test.ts: Anvil account #0 signs "hello world".
const HELLO_WORLD_SIG: &str = "0xa461f509887bd19e312c0c58467ce8ff8e300d3c1a90b608a760c5b80318eaf15fe57c96f9175d6cd4daad4663763baa7e78836e067d0163e9a2ccf2ff753f5b1b";

fn wallet(hex: &str) -> *mut offblocks_wallet {
    let mut w = ptr::null_mut();
    // SAFETY: valid string and out-pointer.
    let rc = unsafe { offblocks_wallet_from_hex(cs(hex).as_ptr(), &mut w) };
    assert_eq!(rc, OFFBLOCKS_OK, "{}", last_error().1);
    w
}

/// Calls a `(input, char **out)` function and returns its code and output.
fn call1(
    f: unsafe extern "C" fn(*const c_char, *mut *mut c_char) -> offblocks_result,
    input: &str,
) -> (offblocks_result, Option<String>) {
    let mut out: *mut c_char = SENTINEL;
    // SAFETY: valid string and out-pointer.
    let rc = unsafe { f(cs(input).as_ptr(), &mut out) };
    // SAFETY: a string returned by the library on success.
    let text = (rc == OFFBLOCKS_OK).then(|| unsafe { take(out) });
    if rc != OFFBLOCKS_OK {
        assert_eq!(out, SENTINEL);
    }
    (rc, text)
}

#[test]
fn wallets_sign_with_known_answers() {
    let w = wallet(HARDHAT_KEY);
    let mut out = ptr::null_mut();
    // SAFETY: live handle, valid buffers and out-pointers throughout.
    unsafe {
        assert_eq!(offblocks_wallet_address(w, &mut out), OFFBLOCKS_OK);
        assert_eq!(take(out), HARDHAT_ADDRESS);
        let chain = cs("eip155:300");
        assert_eq!(
            offblocks_wallet_account_id(w, chain.as_ptr(), &mut out),
            OFFBLOCKS_OK
        );
        assert_eq!(take(out), format!("eip155:300:{HARDHAT_ADDRESS}"));
        let msg = b"hello world";
        let sign = |enc: i32, out: &mut *mut c_char| {
            offblocks_wallet_sign_personal(w, msg.as_ptr(), msg.len(), enc, out)
        };
        assert_eq!(sign(OFFBLOCKS_SIGNATURE_HEX as i32, &mut out), OFFBLOCKS_OK);
        assert_eq!(take(out), HELLO_WORLD_SIG);
        let b64 = base64::engine::general_purpose::STANDARD;
        assert_eq!(
            sign(OFFBLOCKS_SIGNATURE_BASE64_HEX as i32, &mut out),
            OFFBLOCKS_OK
        );
        assert_eq!(take(out), b64.encode(HELLO_WORLD_SIG));
        assert_eq!(
            sign(OFFBLOCKS_SIGNATURE_BASE64_RAW as i32, &mut out),
            OFFBLOCKS_OK
        );
        let raw = b64.decode(take(out)).unwrap();
        assert_eq!(raw.len(), 65);
        let mut untouched: *mut c_char = SENTINEL;
        expect_err(sign(3, &mut untouched), OFFBLOCKS_INVALID_INPUT);
        expect_err(sign(-1, &mut untouched), OFFBLOCKS_INVALID_INPUT);
        assert_eq!(untouched, SENTINEL);
        // An empty message may come as NULL; a non-empty one may not.
        let rc = offblocks_wallet_sign_personal(w, ptr::null(), 0, 0, &mut out);
        assert_eq!(rc, OFFBLOCKS_OK);
        take(out);
        let rc = offblocks_wallet_sign_personal(w, ptr::null(), 1, 0, &mut out);
        expect_err(rc, OFFBLOCKS_NULL_ARGUMENT);
        assert_eq!(
            offblocks_wallet_export_secret_hex(w, &mut out),
            OFFBLOCKS_OK
        );
        assert_eq!(take(out), HARDHAT_KEY);
        let rc = offblocks_wallet_account_id(w, cs("eip155").as_ptr(), &mut out);
        expect_err(rc, OFFBLOCKS_INVALID_INPUT);
        offblocks_wallet_free(w);
        offblocks_wallet_free(ptr::null_mut());
    }
}

#[test]
fn bad_wallet_keys_are_refused_without_echo() {
    for bad in [
        "",
        "0x12",
        &"zz".repeat(32),
        &"0".repeat(64),
        &"f".repeat(64),
    ] {
        let mut w: *mut offblocks_wallet = SENTINEL.cast();
        // SAFETY: valid string and out-pointer.
        let rc = unsafe { offblocks_wallet_from_hex(cs(bad).as_ptr(), &mut w) };
        let message = expect_err(rc, OFFBLOCKS_KEY);
        assert!(bad.len() < 8 || !message.contains(bad), "{message}");
        assert_eq!(w, SENTINEL.cast());
    }
    let mut w = ptr::null_mut();
    // SAFETY: valid out-pointer; the fresh handle is freed once.
    unsafe {
        assert_eq!(offblocks_wallet_new_random(&mut w), OFFBLOCKS_OK);
        offblocks_wallet_free(w);
        expect_err(
            offblocks_wallet_new_random(ptr::null_mut()),
            OFFBLOCKS_NULL_ARGUMENT,
        );
    }
}

#[test]
fn signatures_recover_their_signer() {
    let recover = |msg: &[u8], sig: &str| {
        let mut out: *mut c_char = SENTINEL;
        // SAFETY: valid buffer, string and out-pointer.
        let rc = unsafe {
            offblocks_signature_recover(msg.as_ptr(), msg.len(), cs(sig).as_ptr(), &mut out)
        };
        // SAFETY: returned by the library on success.
        (rc, (rc == OFFBLOCKS_OK).then(|| unsafe { take(out) }))
    };
    let (rc, address) = recover(b"hello world", HELLO_WORLD_SIG);
    assert_eq!(
        (rc, address.as_deref()),
        (OFFBLOCKS_OK, Some(HARDHAT_ADDRESS))
    );
    let (rc, address) = recover(b"hello worlD", HELLO_WORLD_SIG);
    assert_eq!(rc, OFFBLOCKS_OK);
    assert_ne!(
        address.as_deref(),
        Some(HARDHAT_ADDRESS),
        "another message, another key"
    );
    expect_err(recover(b"x", "0x1234").0, OFFBLOCKS_INVALID_INPUT);
    expect_err(
        recover(b"x", &format!("0x{}1b", "00".repeat(64))).0,
        OFFBLOCKS_INVALID_INPUT,
    );
    let mut out = ptr::null_mut();
    // SAFETY: NULL signature must be refused.
    let rc = unsafe { offblocks_signature_recover(b"x".as_ptr(), 1, ptr::null(), &mut out) };
    expect_err(rc, OFFBLOCKS_NULL_ARGUMENT);
}

#[test]
fn caip_ids_parse_into_normalized_json() {
    let (rc, json) = call1(offblocks_caip_chain_id_parse, "eip155:300");
    assert_eq!(rc, OFFBLOCKS_OK);
    let json: serde_json::Value = serde_json::from_str(&json.unwrap()).unwrap();
    assert_eq!(json["eip155Chain"], 300);
    assert_eq!(json["namespace"], "eip155");
    let lower = HARDHAT_ADDRESS.to_lowercase();
    let (rc, json) = call1(
        offblocks_caip_account_id_parse,
        &format!("eip155:1:{lower}"),
    );
    assert_eq!(rc, OFFBLOCKS_OK);
    let json: serde_json::Value = serde_json::from_str(&json.unwrap()).unwrap();
    assert_eq!(json["evmAddress"], HARDHAT_ADDRESS);
    assert_eq!(json["chainId"], "eip155:1");
    let (rc, json) = call1(
        offblocks_caip_account_id_parse,
        "cosmos:cosmoshub-3:cosmos1t2uflqwqe0fsj0shcfkrvpukewcw40yjj6hdc0",
    );
    assert_eq!(rc, OFFBLOCKS_OK);
    assert!(json.unwrap().contains("\"evmAddress\":null"));
    for bad in ["", "eip155", "eip155:01", "e:1", "a:b:c:d"] {
        expect_err(
            call1(offblocks_caip_chain_id_parse, bad).0,
            OFFBLOCKS_INVALID_INPUT,
        );
    }
    let bad_checksum = HARDHAT_ADDRESS.replace('F', "f").replacen('f', "F", 1);
    for bad in [
        "eip155:1",
        "eip155:1:0x12",
        &format!("eip155:1:{bad_checksum}"),
    ] {
        expect_err(
            call1(offblocks_caip_account_id_parse, bad).0,
            OFFBLOCKS_INVALID_INPUT,
        );
    }
}

const SPEC_EXAMPLE: &str = "example.com wants you to sign in with your Ethereum account:\n\
0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n\nI accept the ExampleOrg Terms of Service: \
https://example.com/tos\n\nURI: https://example.com/login\nVersion: 1\nChain ID: 1\n\
Nonce: 32891756\nIssued At: 2021-09-30T16:25:24Z\nExpiration Time: 2021-10-01T16:25:24Z";

#[test]
fn siwe_messages_parse_and_are_guarded() {
    // EIP-4361's example message.
    let (rc, json) = call1(offblocks_siwe_parse, SPEC_EXAMPLE);
    assert_eq!(rc, OFFBLOCKS_OK, "{}", last_error().1);
    let json: serde_json::Value = serde_json::from_str(&json.unwrap()).unwrap();
    assert_eq!(json["domain"], "example.com");
    assert_eq!(json["chainId"], 1);
    assert_eq!(json["nonce"], "32891756");
    assert_eq!(json["notBefore"], serde_json::Value::Null);
    assert_eq!(json["issuedAt"], "2021-09-30T16:25:24Z");
    expect_err(call1(offblocks_siwe_parse, "hello").0, OFFBLOCKS_SIWE);

    let b64 = base64::engine::general_purpose::STANDARD.encode(SPEC_EXAMPLE);
    let owner = "eip155:1:0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2";
    let guard = |address: &str, customer: &str, domain: Option<&str>, now: i64| {
        let (c, a, o) = (cs(&b64), cs(address), cs(customer));
        let d = domain.map(cs);
        let dp = d.as_ref().map_or(ptr::null(), |d| d.as_ptr());
        let mut out: *mut c_char = SENTINEL;
        // SAFETY: valid strings and out-pointer.
        let rc =
            unsafe { offblocks_siwe_guard(c.as_ptr(), a.as_ptr(), o.as_ptr(), dp, now, &mut out) };
        if rc == OFFBLOCKS_OK {
            // SAFETY: returned by the library.
            unsafe { take(out) };
        } else {
            assert_eq!(out, SENTINEL);
        }
        rc
    };
    let signer = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2";
    let issued = 1_633_019_124; // 2021-09-30T16:25:24Z
    assert_eq!(
        guard(signer, owner, Some("example.com"), issued),
        OFFBLOCKS_OK
    );
    assert_eq!(guard(signer, owner, None, issued), OFFBLOCKS_OK);
    let refused = |rc| expect_err(rc, OFFBLOCKS_CHALLENGE_REFUSED);
    assert!(refused(guard(signer, owner, Some("evil.com"), issued)).contains("evil.com"));
    assert!(refused(guard(signer, owner, None, issued + 2 * 86_400)).contains("expired"));
    let other_chain = owner.replace("eip155:1:", "eip155:5:");
    refused(guard(signer, &other_chain, None, issued));
    let other = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    refused(guard(other, &format!("eip155:1:{other}"), None, issued));
    expect_err(
        guard("0xnope", owner, None, issued),
        OFFBLOCKS_INVALID_INPUT,
    );
    let mut out = ptr::null_mut();
    // SAFETY: a non-base64 challenge and valid other arguments.
    let rc = unsafe {
        offblocks_siwe_guard(
            cs("!!").as_ptr(),
            cs(signer).as_ptr(),
            cs(owner).as_ptr(),
            ptr::null(),
            0,
            &mut out,
        )
    };
    expect_err(rc, OFFBLOCKS_INVALID_INPUT);
}

/// A C-unwind signing callback whose behaviour `user_data` picks: 0 signs with the
/// Hardhat key, 1 returns an error, 2 panics, 3 signs with another key.
unsafe extern "C-unwind" fn sign_cb(
    user_data: *mut c_void,
    msg: *const u8,
    len: usize,
    out: *mut u8,
) -> i32 {
    let mode = user_data as usize;
    // SAFETY: the library passes `len` readable bytes and 65 writable ones.
    let (msg, out) = unsafe {
        (
            std::slice::from_raw_parts(msg, len),
            std::slice::from_raw_parts_mut(out, 65),
        )
    };
    let key = match mode {
        0 => HARDHAT_KEY.to_owned(),
        1 => return -7,
        2 => panic!("callback bug"),
        _ => format!("0x{}", "11".repeat(32)),
    };
    let wallet = offblocks::wallet::Wallet::from_hex(&key).unwrap();
    out.copy_from_slice(wallet.sign_personal(msg).unwrap().as_bytes());
    0
}

#[test]
fn signers_wrap_wallets_and_callbacks() {
    let mut s = ptr::null_mut();
    let address = cs(HARDHAT_ADDRESS);
    // SAFETY: valid strings, callback and out-pointers; each handle freed once.
    unsafe {
        assert_eq!(
            offblocks_signer_new(address.as_ptr(), Some(sign_cb), ptr::null_mut(), &mut s),
            OFFBLOCKS_OK
        );
        let mut out = ptr::null_mut();
        assert_eq!(offblocks_signer_address(s, &mut out), OFFBLOCKS_OK);
        assert_eq!(take(out), HARDHAT_ADDRESS);
        offblocks_signer_free(s);
        let mut untouched: *mut offblocks_signer = SENTINEL.cast();
        let rc = offblocks_signer_new(address.as_ptr(), None, ptr::null_mut(), &mut untouched);
        expect_err(rc, OFFBLOCKS_NULL_ARGUMENT);
        let rc = offblocks_signer_new(
            cs("0x1").as_ptr(),
            Some(sign_cb),
            ptr::null_mut(),
            &mut untouched,
        );
        expect_err(rc, OFFBLOCKS_INVALID_INPUT);
        assert_eq!(untouched, SENTINEL.cast());

        let w = wallet(HARDHAT_KEY);
        assert_eq!(offblocks_signer_from_wallet(w, &mut s), OFFBLOCKS_OK);
        offblocks_wallet_free(w); // the signer keeps the key
        assert_eq!(offblocks_signer_address(s, &mut out), OFFBLOCKS_OK);
        assert_eq!(take(out), HARDHAT_ADDRESS);
        offblocks_signer_free(s);
        offblocks_signer_free(ptr::null_mut());
        expect_err(
            offblocks_signer_from_wallet(ptr::null(), &mut s),
            OFFBLOCKS_NULL_ARGUMENT,
        );
    }
}
