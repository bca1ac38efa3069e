//! The C ABI against a mockito server: every endpoint function sends the right signed
//! request, and server failures come back as codes with status, body and request id.

mod common;
#[path = "common/ffi.rs"]
mod support;

use std::ffi::c_char;
use std::ptr;

use common::{now, record, verify_digest, verify_signature, Log, KEY_ID};
use offblocks::ffi::offblocks_result::*;
use offblocks::ffi::*;
use offblocks::SigningKey;
use support::*;

const CUSTOMER: &str = r#"{"id":"c-1","externalId":"u-1","chainId":"eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","status":"initiating","createdAt":"2024-01-12T14:53:02.65345725Z","updatedAt":"2024-01-12T14:53:02.65345725Z","challenge":"Y2g="}"#;
const ACCOUNT: &str = r#"{"id":"a-1","customerId":"c-1","status":"initiating","type":"card_account","currencies":["EUR"],"createdAt":"2024-01-12T15:07:17.358440283Z","updatedAt":"2024-01-12T15:07:17.358440283Z","challenge":"NWRm"}"#;
const WEBHOOK: &str =
    r#"{"id":"wh-1","callbackUrl":"https://example.com/hook","types":["customer.updated"]}"#;
const SIGNED: &str = r#"{"ownerId":"eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","challenge":"Y2g=","signature":"c2ln"}"#;
const IDEM: &str = "0b6f1f3e-8d4c-4b7a-9f55-2f8a7c1d9e01";

struct Server {
    server: mockito::ServerGuard,
    client: *mut offblocks_client,
    key: SigningKey,
    _token: mockito::Mock,
}

impl Drop for Server {
    fn drop(&mut self) {
        // SAFETY: the handle is live and freed exactly once, here.
        unsafe { offblocks_client_free(self.client) };
    }
}

fn server() -> Server {
    let mut server = mockito::Server::new();
    let token = server
        .mock("POST", "/v1/auth/token")
        .with_status(200)
        .with_body(format!(
            r#"{{"token":"tok-1","expiresAt":{}}}"#,
            now() + 3600
        ))
        .create();
    let pem = generated_pem();
    let key = SigningKey::from_pem(&pem).unwrap();
    let url = format!("{}/v1", server.url());
    let client = client(&config(&url, &pem, Some(KEY_ID))).unwrap();
    Server {
        server,
        client,
        key,
        _token: token,
    }
}

/// Mounts `method path` answering `status`/`response`, runs `call`, checks that exactly
/// one signed request arrived with the expected body (`"?"`: any body), and returns the
/// call's result.
fn check(
    method: &str,
    path: &str,
    response: &str,
    body: Option<&str>,
    call: impl FnOnce(*const offblocks_client, *mut *mut c_char) -> offblocks_result,
) -> Option<String> {
    let mut s = server();
    let log = Log::default();
    let sink = log.clone();
    let response = response.to_owned();
    let mock = s
        .server
        .mock(method, path)
        .with_status(200)
        .with_body_from_request(move |req| {
            record(&sink, req);
            response.clone().into_bytes()
        })
        .expect(1)
        .create();
    let mut out: *mut c_char = SENTINEL;
    let rc = call(s.client, &mut out);
    assert_eq!(rc, OFFBLOCKS_OK, "{method} {path}: {}", last_error().1);
    mock.assert();
    let seen = log.lock().unwrap().pop().unwrap();
    verify_signature(&seen, &s.key);
    match body {
        // Some body whose content the test does not pin (a fresh public key).
        Some("?") => verify_digest(&seen),
        Some(b) => {
            verify_digest(&seen);
            let expected: serde_json::Value = serde_json::from_str(b).unwrap();
            assert_eq!(seen.json(), expected, "{method} {path} body");
        }
        None => assert!(seen.body.is_empty()),
    }
    if method != "GET" {
        assert!(seen.header("idempotency-key").is_some());
    }
    // SAFETY: on success the library stored a string or left the sentinel.
    (out != SENTINEL).then(|| unsafe { take(out) })
}

#[test]
fn customer_functions_send_signed_requests() {
    let body =
        r#"{"chainId":"eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","externalId":"u-1"}"#;
    let (b, k, id) = (cs(body), cs(IDEM), cs("c-1"));
    // SAFETY (all closures): live handle from `check`, valid strings and out-pointers.
    let out = check(
        "POST",
        "/v1/customers",
        CUSTOMER,
        Some(body),
        |c, o| unsafe { offblocks_customers_create(c, b.as_ptr(), k.as_ptr(), o) },
    );
    let json: serde_json::Value = serde_json::from_str(&out.unwrap()).unwrap();
    assert_eq!(json["id"], "c-1");
    assert_eq!(json["challenge"], "Y2g=");
    check("GET", "/v1/customers/c-1", CUSTOMER, None, |c, o| unsafe {
        offblocks_customers_get(c, id.as_ptr(), o)
    });
    let list = format!("[{CUSTOMER}]");
    let out = check("GET", "/v1/customers", &list, None, |c, o| unsafe {
        offblocks_customers_list(c, o)
    });
    assert!(out.unwrap().starts_with("[{"));
    let out = check(
        "GET",
        "/v1/customers/c-1/challenge",
        r#"{"challenge":"Y2g="}"#,
        None,
        |c, o| unsafe { offblocks_customers_challenge(c, id.as_ptr(), o) },
    );
    assert_eq!(out.unwrap(), "Y2g=");
    let signed = cs(SIGNED);
    check(
        "POST",
        "/v1/customers/c-1/challenge/sign",
        "",
        Some(SIGNED),
        |c, _| unsafe {
            offblocks_customers_submit_challenge(c, id.as_ptr(), signed.as_ptr(), ptr::null())
        },
    );
    check(
        "PATCH",
        "/v1/customers/c-1/deactivate",
        "",
        None,
        |c, _| unsafe { offblocks_customers_deactivate(c, id.as_ptr(), ptr::null()) },
    );
    check(
        "PATCH",
        "/v1/simulator/customers/c-1/verify",
        "",
        None,
        |c, _| unsafe { offblocks_simulator_verify_customer(c, id.as_ptr(), ptr::null()) },
    );
    check(
        "PATCH",
        "/v1/simulator/customers/c-1/reject",
        "",
        None,
        |c, _| unsafe { offblocks_simulator_reject_customer(c, id.as_ptr(), ptr::null()) },
    );
}

#[test]
fn account_functions_send_signed_requests() {
    let (id, cid) = (cs("a-1"), cs("c-1"));
    let default_body = r#"{"type":"card_account","currencies":["EUR"]}"#;
    // SAFETY (all closures): live handle from `check`, valid strings and out-pointers.
    let out = check(
        "POST",
        "/v1/customers/c-1/accounts",
        ACCOUNT,
        Some(default_body),
        |c, o| unsafe { offblocks_accounts_create(c, cid.as_ptr(), ptr::null(), ptr::null(), o) },
    );
    assert!(out.unwrap().contains("\"customerId\":\"c-1\""));
    check("GET", "/v1/accounts/a-1", ACCOUNT, None, |c, o| unsafe {
        offblocks_accounts_get(c, id.as_ptr(), o)
    });
    let list = format!(r#"{{"data":[{ACCOUNT}]}}"#);
    check("GET", "/v1/accounts", &list, None, |c, o| unsafe {
        offblocks_accounts_list(c, o)
    });
    check(
        "GET",
        "/v1/customers/c-1/accounts",
        &list,
        None,
        |c, o| unsafe { offblocks_accounts_list_for_customer(c, cid.as_ptr(), o) },
    );
    check(
        "GET",
        "/v1/accounts/a-1/challenge",
        r#"{"challenge":"NWRm"}"#,
        None,
        |c, o| unsafe { offblocks_accounts_challenge(c, id.as_ptr(), o) },
    );
    let signed = cs(SIGNED);
    check(
        "POST",
        "/v1/accounts/a-1/challenge/sign",
        "",
        Some(SIGNED),
        |c, _| unsafe {
            offblocks_accounts_submit_challenge(c, id.as_ptr(), signed.as_ptr(), ptr::null())
        },
    );
    for (path, f) in [
        (
            "/v1/accounts/a-1/activate",
            offblocks_accounts_activate as unsafe extern "C" fn(_, _, _) -> _,
        ),
        ("/v1/accounts/a-1/deactivate", offblocks_accounts_deactivate),
    ] {
        check("PATCH", path, "", None, |c, _| unsafe {
            f(c, id.as_ptr(), ptr::null())
        });
    }
    check("DELETE", "/v1/accounts/a-1", "", None, |c, _| unsafe {
        offblocks_accounts_close(c, id.as_ptr(), ptr::null())
    });
}

#[test]
fn webhook_and_auth_functions_send_signed_requests() {
    let body = r#"{"callbackUrl":"https://example.com/hook","types":["customer.updated"]}"#;
    let (b, id) = (cs(body), cs("wh-1"));
    // SAFETY (all closures): live handle from `check`, valid strings and out-pointers.
    check("PUT", "/v1/webhooks", WEBHOOK, Some(body), |c, o| unsafe {
        offblocks_webhooks_put(c, b.as_ptr(), ptr::null(), o)
    });
    check("GET", "/v1/webhooks/wh-1", WEBHOOK, None, |c, o| unsafe {
        offblocks_webhooks_get(c, id.as_ptr(), o)
    });
    let list = format!("[{WEBHOOK}]");
    check("GET", "/v1/webhooks", &list, None, |c, o| unsafe {
        offblocks_webhooks_list(c, o)
    });
    check("DELETE", "/v1/webhooks/wh-1", "", None, |c, _| unsafe {
        offblocks_webhooks_delete(c, id.as_ptr(), ptr::null())
    });
    let creds = r#"{"apiKey":"new-key","apiSecret":"new-secret"}"#;
    let (key, secret) = (cs("new-key"), cs("new-secret"));
    check(
        "PUT",
        "/v1/auth/credentials",
        "",
        Some(creds),
        |c, _| unsafe {
            offblocks_auth_rotate_credentials(c, key.as_ptr(), secret.as_ptr(), ptr::null())
        },
    );
    check("DELETE", "/v1/auth/credentials", "", None, |c, _| unsafe {
        offblocks_auth_revoke_credentials(c, ptr::null())
    });
    let out = check(
        "PUT",
        "/v1/auth/signing",
        r#"{"keyId":"test-key"}"#,
        Some("?"),
        |c, o| unsafe {
            let rc = offblocks_auth_register_signing_key(c, ptr::null(), o);
            assert_eq!(
                offblocks_client_key_id(c, &mut ptr::null_mut()),
                OFFBLOCKS_OK
            );
            rc
        },
    );
    assert_eq!(out.unwrap(), "test-key");
}

#[test]
fn signing_key_delete_forgets_the_key_id_and_token_is_json() {
    let mut s = server();
    let _m = s
        .server
        .mock("DELETE", "/v1/auth/signing")
        .with_status(204)
        .create();
    let mut out: *mut c_char = SENTINEL;
    // SAFETY: live handle, valid out-pointers.
    unsafe {
        assert_eq!(offblocks_auth_token(s.client, &mut out), OFFBLOCKS_OK);
        let token = take_json(out);
        assert_eq!(token["token"], "tok-1");
        assert_eq!(token["tokenType"], "Bearer");
        assert_eq!(
            offblocks_auth_delete_signing_key(s.client, ptr::null()),
            OFFBLOCKS_OK
        );
        assert_eq!(offblocks_client_key_id(s.client, &mut out), OFFBLOCKS_OK);
        assert!(out.is_null());
    }
}

#[test]
fn server_errors_carry_status_body_and_request_id() {
    let mut s = server();
    let _conflict = s
        .server
        .mock("POST", "/v1/customers")
        .with_status(409)
        .with_header("x-request-id", "req-409")
        .with_body(r#"{"message":"customer exists"}"#)
        .create();
    let _missing = s
        .server
        .mock("GET", "/v1/customers/nope")
        .with_status(404)
        .with_body("gone\0away")
        .create();
    let _garbage = s
        .server
        .mock("GET", "/v1/customers/bad")
        .with_status(200)
        .with_body("{")
        .create();
    let flaky = s
        .server
        .mock("GET", "/v1/accounts")
        .with_status(503)
        .expect(3)
        .create();
    let body = cs(r#"{"chainId":"eip155:1:0x1","externalId":"x"}"#);
    let mut out: *mut c_char = SENTINEL;
    // SAFETY: live handle, valid strings and out-pointers.
    unsafe {
        let rc = offblocks_customers_create(s.client, body.as_ptr(), ptr::null(), &mut out);
        let message = expect_err(rc, OFFBLOCKS_CONFLICT);
        assert!(message.contains("customer exists"), "{message}");
        let (_, _, status, request_id, sent) = last_error();
        assert_eq!((status, request_id.as_deref()), (409, Some("req-409")));
        assert_eq!(sent.as_deref(), Some(r#"{"message":"customer exists"}"#));

        let rc = offblocks_customers_get(s.client, cs("nope").as_ptr(), &mut out);
        expect_err(rc, OFFBLOCKS_API);
        assert_eq!(last_error().2, 404);
        assert_eq!(
            last_error().4.as_deref(),
            Some("gone\u{fffd}away"),
            "NUL replaced"
        );
        assert!(!offblocks_last_error_retryable());

        let rc = offblocks_customers_get(s.client, cs("bad").as_ptr(), &mut out);
        expect_err(rc, OFFBLOCKS_DECODE);

        let rc = offblocks_accounts_list(s.client, &mut out);
        expect_err(rc, OFFBLOCKS_API);
        assert!(offblocks_last_error_retryable());
        flaky.assert();

        let bad = [
            (r#"{"chainId":"x"}"#, "externalId"),
            (r#"{"chainId":"x","externalId":"y","extra":1}"#, "extra"),
            ("{\"chainId\":", "EOF"),
        ];
        for (json, needle) in bad {
            let rc = offblocks_customers_create(s.client, cs(json).as_ptr(), ptr::null(), &mut out);
            assert!(expect_err(rc, OFFBLOCKS_INVALID_JSON).contains(needle));
        }
        let rc = offblocks_customers_create(s.client, body.as_ptr(), cs("nope").as_ptr(), &mut out);
        expect_err(rc, OFFBLOCKS_INVALID_INPUT);
        let rc = offblocks_customers_get(s.client, cs("").as_ptr(), &mut out);
        expect_err(rc, OFFBLOCKS_INVALID_INPUT);
    }
    assert_eq!(out, SENTINEL);
}
