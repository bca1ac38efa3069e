//! Challenge signing and the whole onboarding flow through the C ABI, against the
//! embedded emulator (and mockito for a server that rejects signatures).

mod common;
#[path = "common/ffi.rs"]
mod support;

use std::ffi::{c_char, c_void, CStr};
use std::ptr;

use base64::Engine;
use offblocks::ffi::offblocks_result::*;
use offblocks::ffi::*;
use offblocks_sandbox::{Sandbox, SandboxConfig};
use support::*;

const HARDHAT_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const HARDHAT_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/// A client on a fresh emulator, its signing key registered through the C ABI.
fn emulator(extra: &str) -> (Sandbox, *mut offblocks_client) {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let cfg = serde_json::json!({
        "baseUrl": sandbox.url(),
        "apiKey": sandbox.api_key(),
        "apiSecret": sandbox.api_secret(),
        "generateSigningKey": true,
    });
    let mut cfg = cfg.to_string();
    cfg.pop();
    let c = client(&format!("{cfg}{extra}}}")).unwrap();
    let mut key_id = ptr::null_mut();
    // SAFETY: live handle and valid out-pointer.
    let rc = unsafe { offblocks_auth_register_signing_key(c, ptr::null(), &mut key_id) };
    assert_eq!(rc, OFFBLOCKS_OK, "{}", last_error().1);
    // SAFETY: returned by the library.
    unsafe { take(key_id) };
    (sandbox, c)
}

fn wallet_signer(hex: &str) -> *mut offblocks_signer {
    let (mut w, mut s) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: valid strings and out-pointers; the wallet is freed once.
    unsafe {
        assert_eq!(
            offblocks_wallet_from_hex(cs(hex).as_ptr(), &mut w),
            OFFBLOCKS_OK
        );
        assert_eq!(offblocks_signer_from_wallet(w, &mut s), OFFBLOCKS_OK);
        offblocks_wallet_free(w);
    }
    s
}

unsafe extern "C-unwind" fn collect(
    user_data: *mut c_void,
    step: *const c_char,
    status: *const c_char,
    _elapsed_ms: u64,
    message: *const c_char,
) -> i32 {
    // SAFETY: `user_data` is the `Vec` passed to offblocks_client_onboard below; the strings
    // are valid during the call.
    let (steps, step, status, message) = unsafe {
        (
            &mut *user_data.cast::<Vec<String>>(),
            CStr::from_ptr(step),
            CStr::from_ptr(status),
            CStr::from_ptr(message),
        )
    };
    assert!(!message.to_bytes().is_empty());
    steps.push(format!(
        "{}:{}",
        step.to_str().unwrap(),
        status.to_str().unwrap()
    ));
    0
}

/// Stops the flow once the customer's challenge is signed (a screen the user left).
unsafe extern "C-unwind" fn stop_after_signing(
    _user_data: *mut c_void,
    step: *const c_char,
    _status: *const c_char,
    _elapsed_ms: u64,
    _message: *const c_char,
) -> i32 {
    // SAFETY: the library's string, valid during the call.
    let step = unsafe { CStr::from_ptr(step) };
    i32::from(step.to_bytes() == b"sign_customer_challenge")
}

#[test]
fn a_cancelled_onboarding_resumes_creating_nothing_twice() {
    let (sandbox, c) = emulator("");
    let signer = wallet_signer(HARDHAT_KEY);
    let request = r#"{"externalId":"user-stop","chain":"eip155:300","pollIntervalMs":20}"#;
    let mut out: *mut c_char = SENTINEL;
    // SAFETY: live handles, valid strings, callback and out-pointer.
    let rc = unsafe {
        offblocks_client_onboard(
            c,
            cs(request).as_ptr(),
            signer,
            Some(stop_after_signing),
            ptr::null_mut(),
            &mut out,
        )
    };
    assert_eq!(rc, OFFBLOCKS_CANCELLED);
    assert_eq!(out, SENTINEL, "nothing is stored on failure");
    assert!(last_error().1.contains("sign_customer_challenge"));
    assert_eq!(sandbox.customers().len(), 1);
    assert_eq!(sandbox.accounts().len(), 0, "stopped before the account");
    let (rc, json) = onboard(c, request, signer, None);
    assert_eq!(rc, OFFBLOCKS_OK, "{}", last_error().1);
    assert_eq!(json.unwrap()["account"]["status"], "active");
    assert_eq!(sandbox.customers().len(), 1);
    assert_eq!(sandbox.accounts().len(), 1);
}

fn onboard(
    c: *const offblocks_client,
    request: &str,
    signer: *const offblocks_signer,
    steps: Option<&mut Vec<String>>,
) -> (offblocks_result, Option<serde_json::Value>) {
    let mut out: *mut c_char = SENTINEL;
    let (progress, data): (offblocks_progress_fn, *mut c_void) = match steps {
        Some(v) => (Some(collect), (v as *mut Vec<String>).cast()),
        None => (None, ptr::null_mut()),
    };
    // SAFETY: live handles, valid strings, callback and out-pointer.
    let rc = unsafe {
        offblocks_client_onboard(c, cs(request).as_ptr(), signer, progress, data, &mut out)
    };
    if rc != OFFBLOCKS_OK {
        assert_eq!(out, SENTINEL);
        return (rc, None);
    }
    // SAFETY: returned by the library.
    (rc, Some(unsafe { take_json(out) }))
}

#[test]
fn onboarding_runs_to_an_active_account_and_resumes() {
    let (_sandbox, c) = emulator("");
    let signer = wallet_signer(HARDHAT_KEY);
    let request = r#"{"externalId":"user-1","chain":"eip155:300","pollIntervalMs":20}"#;
    let mut steps = Vec::new();
    let (rc, json) = onboard(c, request, signer, Some(&mut steps));
    assert_eq!(rc, OFFBLOCKS_OK, "{}", last_error().1);
    let json = json.unwrap();
    assert_eq!(json["customer"]["status"], "active");
    assert_eq!(json["account"]["status"], "active");
    assert_eq!(
        json["customer"]["chainId"],
        format!("eip155:300:{HARDHAT_ADDRESS}")
    );
    assert_eq!(steps.first().unwrap(), "create_customer:initiating");
    assert_eq!(steps.last().unwrap(), "done:active");
    assert!(steps
        .iter()
        .any(|s| s.starts_with("sign_account_challenge:")));
    // Again, without progress: the same customer and account, nothing created twice.
    let (rc, again) = onboard(c, request, signer, None);
    assert_eq!(rc, OFFBLOCKS_OK, "{}", last_error().1);
    assert_eq!(again.unwrap()["account"]["id"], json["account"]["id"]);

    for (bad, code) in [
        ("{", OFFBLOCKS_INVALID_JSON),
        (
            r#"{"externalId":"u","chain":"eip155:300","timeout":1}"#,
            OFFBLOCKS_INVALID_JSON,
        ),
        (r#"{"externalId":"u"}"#, OFFBLOCKS_INVALID_JSON),
        (
            r#"{"externalId":"u","chain":"eip155"}"#,
            OFFBLOCKS_INVALID_INPUT,
        ),
    ] {
        expect_err(onboard(c, bad, signer, None).0, code);
    }
    expect_err(
        onboard(c, request, ptr::null(), None).0,
        OFFBLOCKS_NULL_ARGUMENT,
    );
    // SAFETY: live handles, freed once.
    unsafe {
        offblocks_signer_free(signer);
        offblocks_client_free(c);
    }
}

/// Signs with the Hardhat key (mode 0), fails (1), panics (2) or uses another key (3).
unsafe extern "C-unwind" fn host_sign(
    data: *mut c_void,
    msg: *const u8,
    len: usize,
    out: *mut u8,
) -> i32 {
    // SAFETY: the library passes `len` readable bytes and 65 writable ones.
    let (msg, out) = unsafe {
        (
            std::slice::from_raw_parts(msg, len),
            std::slice::from_raw_parts_mut(out, 65),
        )
    };
    let key = match data as usize {
        0 => HARDHAT_KEY.to_owned(),
        1 => return 1,
        2 => panic!("host bug"),
        _ => format!("0x{}", "22".repeat(32)),
    };
    let wallet = offblocks::wallet::Wallet::from_hex(&key).unwrap();
    out.copy_from_slice(wallet.sign_personal(msg).unwrap().as_bytes());
    0
}

fn host_signer(mode: usize) -> *mut offblocks_signer {
    let mut s = ptr::null_mut();
    // SAFETY: valid string, callback and out-pointer.
    let rc = unsafe {
        offblocks_signer_new(
            cs(HARDHAT_ADDRESS).as_ptr(),
            Some(host_sign),
            mode as *mut c_void,
            &mut s,
        )
    };
    assert_eq!(rc, OFFBLOCKS_OK);
    s
}

#[test]
fn host_callbacks_sign_and_their_failures_are_signer_errors() {
    let (_sandbox, c) = emulator("");
    for (mode, needle) in [(1, "returned 1"), (2, "panicked"), (3, "recovers to")] {
        let s = host_signer(mode);
        // One customer for the one wallet: each run picks up the one before (a customer
        // of another external id with this wallet would be refused, not adopted).
        let request = r#"{"externalId":"host","chain":"eip155:300"}"#;
        let message = expect_err(onboard(c, request, s, None).0, OFFBLOCKS_SIGNER);
        assert!(message.contains(needle), "{mode}: {message}");
        // SAFETY: live handle, freed once.
        unsafe { offblocks_signer_free(s) };
    }
    let s = host_signer(0);
    let request = r#"{"externalId":"host","chain":"eip155:300","pollIntervalMs":20}"#;
    let (rc, json) = onboard(c, request, s, None);
    assert_eq!(rc, OFFBLOCKS_OK, "{}", last_error().1);
    assert_eq!(json.unwrap()["account"]["status"], "active");
    // SAFETY: live handles, freed once.
    unsafe {
        offblocks_signer_free(s);
        offblocks_client_free(c);
    }
}

#[test]
fn challenges_are_signed_step_by_step() {
    let (_sandbox, c) = emulator("");
    let signer = wallet_signer(HARDHAT_KEY);
    let owner = format!("eip155:300:{HARDHAT_ADDRESS}");
    let body = format!(r#"{{"chainId":"{owner}","externalId":"manual"}}"#);
    let mut out = ptr::null_mut();
    // SAFETY: live handles, valid strings and out-pointers throughout.
    unsafe {
        assert_eq!(
            offblocks_customers_create(c, cs(&body).as_ptr(), ptr::null(), &mut out),
            OFFBLOCKS_OK
        );
        let customer = take(out);
        let id: serde_json::Value = serde_json::from_str(&customer).unwrap();
        let id = cs(id["id"].as_str().unwrap());
        // The owner or chain the caller expects decides, not the server's customer.
        let other = "eip155:300:0x5ce9454909639D2D17A3F753ce7d93fa0b9aB12E";
        for (owner, chain) in [(Some(other), None), (None, Some("eip155:1"))] {
            let (owner, chain) = (owner.map(cs), chain.map(cs));
            let rc = offblocks_customers_sign_challenge(
                c,
                cs(&customer).as_ptr(),
                owner.as_ref().map_or(ptr::null(), |o| o.as_ptr()),
                chain.as_ref().map_or(ptr::null(), |o| o.as_ptr()),
                signer,
                ptr::null(),
            );
            let message = expect_err(rc, OFFBLOCKS_CHALLENGE_REFUSED);
            assert!(message.contains("not the one asked for"), "{message}");
        }
        let rc = offblocks_customers_sign_challenge(
            c,
            cs(&customer).as_ptr(),
            cs(&owner).as_ptr(),
            cs("eip155:300").as_ptr(),
            signer,
            ptr::null(),
        );
        assert_eq!(rc, OFFBLOCKS_OK, "{}", last_error().1);
        assert_eq!(
            offblocks_simulator_verify_customer(c, id.as_ptr(), ptr::null()),
            OFFBLOCKS_OK
        );
        assert_eq!(
            offblocks_customers_get(c, id.as_ptr(), &mut out),
            OFFBLOCKS_OK
        );
        assert_eq!(take_json(out)["status"], "active");
        assert_eq!(
            offblocks_accounts_create(c, id.as_ptr(), ptr::null(), ptr::null(), &mut out),
            OFFBLOCKS_OK
        );
        let account = take(out);
        let other = format!(
            "eip155:300:{}",
            "0x5ce9454909639D2D17A3F753ce7d93fa0b9aB12E"
        );
        let rc = offblocks_accounts_sign_challenge(
            c,
            cs(&account).as_ptr(),
            cs(&other).as_ptr(),
            ptr::null(),
            signer,
            ptr::null(),
        );
        expect_err(rc, OFFBLOCKS_CHALLENGE_REFUSED);
        let rc = offblocks_accounts_sign_challenge(
            c,
            cs(&account).as_ptr(),
            cs(&owner).as_ptr(),
            cs("eip155:1").as_ptr(),
            signer,
            ptr::null(),
        );
        let message = expect_err(rc, OFFBLOCKS_CHALLENGE_REFUSED);
        assert!(message.contains("not the one asked for"), "{message}");
        let rc = offblocks_accounts_sign_challenge(
            c,
            cs(&account).as_ptr(),
            cs(&owner).as_ptr(),
            cs("eip155:300").as_ptr(),
            signer,
            ptr::null(),
        );
        assert_eq!(rc, OFFBLOCKS_OK, "{}", last_error().1);
        let rc = offblocks_customers_sign_challenge(
            c,
            cs("{}").as_ptr(),
            ptr::null(),
            ptr::null(),
            signer,
            ptr::null(),
        );
        expect_err(rc, OFFBLOCKS_INVALID_JSON);
        let rc = offblocks_accounts_sign_challenge(
            c,
            cs(&account).as_ptr(),
            cs("x").as_ptr(),
            ptr::null(),
            signer,
            ptr::null(),
        );
        expect_err(rc, OFFBLOCKS_INVALID_INPUT);
        offblocks_signer_free(signer);
        offblocks_client_free(c);
    }
}

#[test]
fn a_challenge_from_another_domain_is_refused() {
    let (_sandbox, c) = emulator(r#","challengeDomain":"api.offblocks.xyz""#);
    let signer = wallet_signer(HARDHAT_KEY);
    let request = r#"{"externalId":"dom","chain":"eip155:300"}"#;
    let message = expect_err(
        onboard(c, request, signer, None).0,
        OFFBLOCKS_CHALLENGE_REFUSED,
    );
    assert!(message.contains("api.offblocks.xyz"), "{message}");
    // SAFETY: live handles, freed once.
    unsafe {
        offblocks_signer_free(signer);
        offblocks_client_free(c);
    }
}

#[test]
fn a_rejected_signature_reports_the_reissued_challenge() {
    let mut server = mockito::Server::new();
    let _token = server
        .mock("POST", "/v1/auth/token")
        .with_body(format!(
            r#"{{"token":"t","expiresAt":{}}}"#,
            common::now() + 3600
        ))
        .create();
    let host = server.host_with_port();
    let message = format!(
        "{host} wants you to sign in with your Ethereum account:\n{HARDHAT_ADDRESS}\n\n\
         URI: http://{host}\nVersion: 1\nChain ID: 300\nNonce: 5ufoiEqDaFvmfo78\n\
         Issued At: {}",
        offblocks::time::Timestamp::now()
    );
    let challenge = base64::engine::general_purpose::STANDARD.encode(message);
    let _sign = server
        .mock("POST", "/v1/customers/c-1/challenge/sign")
        .with_status(400)
        .create();
    let _again = server
        .mock("GET", "/v1/customers/c-1/challenge")
        .with_body(r#"{"challenge":"bmV3"}"#)
        .create();
    let c = client(&config(
        &format!("{}/v1", server.url()),
        &generated_pem(),
        Some("k"),
    ))
    .unwrap();
    let customer = serde_json::json!({
        "id": "c-1", "externalId": "x", "chainId": format!("eip155:300:{HARDHAT_ADDRESS}"),
        "status": "initiating", "createdAt": "2024-01-17T18:21:53Z",
        "updatedAt": "2024-01-17T18:21:53Z", "challenge": challenge,
    });
    let signer = wallet_signer(HARDHAT_KEY);
    // SAFETY: live handles, valid strings; the reissued challenge is read before the
    // next call.
    unsafe {
        let rc = offblocks_customers_sign_challenge(
            c,
            cs(&customer.to_string()).as_ptr(),
            ptr::null(),
            ptr::null(),
            signer,
            ptr::null(),
        );
        expect_err(rc, OFFBLOCKS_CHALLENGE_REJECTED);
        assert_eq!(last_error().2, 400);
        let reissued = CStr::from_ptr(offblocks_last_error_reissued_challenge());
        assert_eq!(reissued.to_str().unwrap(), "bmV3");
        offblocks_signer_free(signer);
        offblocks_client_free(c);
    }
}

#[test]
fn one_client_serves_many_threads() {
    let (_sandbox, c) = emulator("");
    let owner = format!("eip155:300:{HARDHAT_ADDRESS}");
    let body = cs(&format!(
        r#"{{"chainId":"{owner}","externalId":"threads"}}"#
    ));
    let mut out = ptr::null_mut();
    // SAFETY: live handle, valid strings and out-pointer.
    let rc = unsafe { offblocks_customers_create(c, body.as_ptr(), ptr::null(), &mut out) };
    assert_eq!(rc, OFFBLOCKS_OK, "{}", last_error().1);
    // SAFETY: returned by the library.
    let id = unsafe { take_json(out) }["id"].as_str().unwrap().to_owned();
    struct Shared(*const offblocks_client);
    // SAFETY: the C ABI documents offblocks_client as usable from many threads.
    unsafe impl Sync for Shared {}
    impl Shared {
        fn get(&self) -> *const offblocks_client {
            self.0
        }
    }
    let shared = &Shared(c);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let id = cs(&id);
            scope.spawn(move || {
                for _ in 0..8 {
                    let mut out = ptr::null_mut();
                    // SAFETY: live, shareable handle; valid strings and out-pointer.
                    let rc =
                        unsafe { offblocks_customers_get(shared.get(), id.as_ptr(), &mut out) };
                    assert_eq!(rc, OFFBLOCKS_OK, "{}", last_error().1);
                    // SAFETY: returned by the library.
                    assert_eq!(unsafe { take_json(out) }["externalId"], "threads");
                }
            });
        }
    });
    // SAFETY: live handle, freed once, after every thread ended.
    unsafe { offblocks_client_free(c) };
}

/// The defaults `offblocks_onboarding_defaults` lists are `OnboardingRequest::new`'s, and
/// a request that writes every one of them back is taken as given.
#[test]
fn onboarding_defaults_are_the_requests() {
    let mut out = ptr::null_mut();
    // SAFETY: a valid out-pointer; the string is the library's.
    let defaults = unsafe {
        assert_eq!(offblocks_onboarding_defaults(&mut out), OFFBLOCKS_OK);
        take_json(out)
    };
    let rust = offblocks::OnboardingRequest::new("u", offblocks::wallet::ChainId::eip155(300));
    let mut expected = serde_json::to_value(&rust).unwrap();
    let object = expected.as_object_mut().unwrap();
    object.remove("externalId");
    object.remove("chain");
    object.insert("wait".into(), "finish".into());
    assert_eq!(defaults, expected);
    assert_eq!(defaults["timeoutMs"], 120_000);

    let mut request = defaults.as_object().unwrap().clone();
    request.insert("externalId".into(), "u".into());
    request.insert("chain".into(), "eip155:300".into());
    request.remove("wait");
    let parsed: offblocks::OnboardingRequest =
        serde_json::from_value(serde_json::Value::Object(request)).unwrap();
    assert_eq!(parsed, rust);
    // SAFETY: NULL is refused, not written.
    expect_err(
        unsafe { offblocks_onboarding_defaults(ptr::null_mut()) },
        OFFBLOCKS_NULL_ARGUMENT,
    );
}
