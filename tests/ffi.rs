//! The C ABI called directly from Rust, without a server: configuration, NULLs, bad
//! UTF-8, bad JSON, huge inputs, keys, dry runs, webhook events, the last error.

#[path = "common/ffi.rs"]
mod support;

use std::ffi::c_char;
use std::ptr;

use offblocks::ffi::offblocks_result::*;
use offblocks::ffi::*;
use support::*;

#[test]
fn config_json_is_strict() {
    let pem = generated_pem();
    let good = config("http://127.0.0.1:9/v1", &pem, None);
    let c = client(&good).expect("a valid configuration");
    // SAFETY: a live handle, freed once.
    unsafe { offblocks_client_free(c) };

    let cases: &[(&str, offblocks_result, &str)] = &[
        ("", OFFBLOCKS_INVALID_JSON, "EOF"),
        ("{", OFFBLOCKS_INVALID_JSON, "EOF"),
        ("[]", OFFBLOCKS_INVALID_JSON, "config_json"),
        ("null", OFFBLOCKS_INVALID_JSON, "config_json"),
        (r#"{"baseUrll":"x"}"#, OFFBLOCKS_INVALID_JSON, "baseUrll"),
        (
            r#"{"retry":{"maxAttempt":1}}"#,
            OFFBLOCKS_INVALID_JSON,
            "maxAttempt",
        ),
        (
            r#"{"timeoutMs":"soon"}"#,
            OFFBLOCKS_INVALID_JSON,
            "wrong type",
        ),
        (
            r#"{"baseUrl":"http://127.0.0.1/v1","environment":"live"}"#,
            OFFBLOCKS_CONFIG,
            "not both",
        ),
        (r#"{"environment":"prod"}"#, OFFBLOCKS_CONFIG, "environment"),
        (r#"{"environment":"live"}"#, OFFBLOCKS_CONFIG, "api key"),
        (r#"{"digest":"md5"}"#, OFFBLOCKS_CONFIG, "digest"),
        (
            r#"{"coveredComponents":["@nope"]}"#,
            OFFBLOCKS_CONFIG,
            "@nope",
        ),
        (
            r#"{"signingKeyPem":"x","generateSigningKey":true}"#,
            OFFBLOCKS_CONFIG,
            "not both",
        ),
        (
            r#"{"signingKeyPem":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"}"#,
            OFFBLOCKS_KEY,
            "pkcs#8",
        ),
        (
            r#"{"apiKey":"k","apiSecret":"s"}"#,
            OFFBLOCKS_CONFIG,
            "signing key",
        ),
    ];
    for (json, code, needle) in cases {
        let rc = client(json).unwrap_err();
        let message = expect_err(rc, *code);
        assert!(
            message.to_lowercase().contains(&needle.to_lowercase()),
            "{json}: {message}"
        );
    }

    let remote_http = r#"{"baseUrl":"http://api.example.com/v1","apiKey":"k","apiSecret":"s","generateSigningKey":true}"#;
    expect_err(client(remote_http).unwrap_err(), OFFBLOCKS_CONFIG);
    let allowed = remote_http.replace("true}", r#"true,"allowInsecureHttp":true}"#);
    // SAFETY: a live handle, freed once.
    unsafe { offblocks_client_free(client(&allowed).unwrap()) };
    let zero = good.replace(r#""timeoutMs":5000"#, r#""timeoutMs":0"#);
    expect_err(client(&zero).unwrap_err(), OFFBLOCKS_CONFIG);
}

#[test]
fn config_errors_never_show_secrets() {
    let pem = generated_pem();
    let wrong_type = r#"{"apiKey":"k","apiSecret":["hunter2-secret"],"generateSigningKey":true}"#;
    let message = expect_err(client(wrong_type).unwrap_err(), OFFBLOCKS_INVALID_JSON);
    assert!(!message.contains("hunter2"), "{message}");
    let bad_key = pem.replace("MI", "Zz");
    let cfg = config("http://127.0.0.1:9/v1", &bad_key, None);
    let message = expect_err(client(&cfg).unwrap_err(), OFFBLOCKS_KEY);
    assert!(
        !message.contains("Zz") && !message.contains("s3cr3t"),
        "{message}"
    );
}

#[test]
fn every_pointer_argument_is_checked() {
    let pem = generated_pem();
    let c = client(&config("http://127.0.0.1:9/v1", &pem, Some("k"))).unwrap();
    let id = cs("id-1");
    let mut out: *mut c_char = SENTINEL;
    let mut out_client: *mut offblocks_client = SENTINEL.cast();
    let null_c: *const offblocks_client = ptr::null();
    let null_s: *const c_char = ptr::null();
    // SAFETY: every pointer is NULL or valid; the library must refuse the NULLs.
    let results = unsafe {
        [
            offblocks_client_new(null_s, &mut out_client),
            offblocks_client_new(cs("{}").as_ptr(), ptr::null_mut()),
            offblocks_client_key_id(null_c, &mut out),
            offblocks_client_key_id(c, ptr::null_mut()),
            offblocks_client_set_key_id(null_c, id.as_ptr()),
            offblocks_customers_get(c, null_s, &mut out),
            offblocks_customers_get(null_c, id.as_ptr(), &mut out),
            offblocks_customers_get(c, id.as_ptr(), ptr::null_mut()),
            offblocks_customers_create(c, null_s, null_s, &mut out),
            offblocks_customers_list(null_c, &mut out),
            offblocks_customers_submit_challenge(c, id.as_ptr(), null_s, null_s),
            offblocks_accounts_create(c, null_s, null_s, null_s, &mut out),
            offblocks_accounts_list_for_customer(c, null_s, &mut out),
            offblocks_accounts_close(c, null_s, null_s),
            offblocks_webhooks_put(c, null_s, null_s, &mut out),
            offblocks_webhook_event_parse(null_s, &mut out),
            offblocks_auth_rotate_credentials(c, id.as_ptr(), null_s, null_s),
            offblocks_auth_register_signing_key(c, null_s, ptr::null_mut()),
            offblocks_signing_key_generate(ptr::null_mut()),
            offblocks_signing_key_public_pem(null_s, &mut out),
            offblocks_client_dry_run(c, null_s, id.as_ptr(), null_s, null_s, null_s, &mut out),
            offblocks_client_dry_run(c, id.as_ptr(), null_s, null_s, null_s, null_s, &mut out),
        ]
    };
    for (i, rc) in results.iter().enumerate() {
        assert_eq!(*rc, OFFBLOCKS_NULL_ARGUMENT, "call #{i}");
    }
    assert!(last_error().1.contains("must not be NULL"));
    assert_eq!(out, SENTINEL, "failures leave out-parameters alone");
    assert_eq!(out_client, SENTINEL.cast());
    // SAFETY: NULL is a no-op for every _free; `c` is live and freed once.
    unsafe {
        offblocks_string_free(ptr::null_mut());
        offblocks_client_free(ptr::null_mut());
        offblocks_client_free(c);
    }
}

#[test]
fn invalid_utf8_is_refused() {
    let bad = b"{\"apiKey\":\"\xff\xfe\"}\0";
    let mut out = ptr::null_mut();
    // SAFETY: a NUL-terminated (non-UTF-8) string and a valid out-pointer.
    let rc = unsafe { offblocks_client_new(bad.as_ptr().cast(), &mut out) };
    let message = expect_err(rc, OFFBLOCKS_INVALID_UTF8);
    assert!(
        message.contains("config_json") && message.contains("byte 11"),
        "{message}"
    );
    let mut s: *mut c_char = SENTINEL;
    // SAFETY: as above.
    let rc = unsafe { offblocks_webhook_event_parse(c"\xc3\x28".as_ptr(), &mut s) };
    expect_err(rc, OFFBLOCKS_INVALID_UTF8);
    assert_eq!(s, SENTINEL);
}

#[test]
fn huge_inputs_are_handled() {
    // 8 MiB of JSON nesting and of text: errors or results, never a crash.
    let deep = "[".repeat(8 << 20) + "\0";
    let mut out = ptr::null_mut();
    // SAFETY: NUL-terminated string, valid out-pointer.
    let rc = unsafe { offblocks_client_new(deep.as_ptr().cast(), &mut out) };
    expect_err(rc, OFFBLOCKS_INVALID_JSON);
    let pem = generated_pem();
    let c = client(&config("http://127.0.0.1:9/v1", &pem, Some("k"))).unwrap();
    let body = format!("{{\"blob\":\"{}\"}}", "x".repeat(8 << 20));
    let (m, p, b, t) = (cs("POST"), cs("/customers"), cs(&body), cs("tok"));
    let mut json = ptr::null_mut();
    // SAFETY: valid strings and out-pointer; `c` is live.
    let rc = unsafe {
        offblocks_client_dry_run(
            c,
            m.as_ptr(),
            p.as_ptr(),
            b.as_ptr(),
            ptr::null(),
            t.as_ptr(),
            &mut json,
        )
    };
    assert_eq!(rc, OFFBLOCKS_OK, "{}", last_error().1);
    // SAFETY: returned by the library.
    let shown = unsafe { take_json(json) };
    assert!(shown["signatureBase"]
        .as_str()
        .unwrap()
        .contains("content-digest"));
    // SAFETY: live handle.
    unsafe { offblocks_client_free(c) };
}

#[test]
fn signing_keys_generate_and_show_their_public_half() {
    let pem = generated_pem();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    let (private, mut out) = (cs(&pem), ptr::null_mut());
    // SAFETY: valid string and out-pointer.
    let rc = unsafe { offblocks_signing_key_public_pem(private.as_ptr(), &mut out) };
    assert_eq!(rc, OFFBLOCKS_OK);
    // SAFETY: returned by the library.
    assert!(unsafe { take(out) }.starts_with("-----BEGIN PUBLIC KEY-----"));
    let mut untouched: *mut c_char = SENTINEL;
    // SAFETY: valid string and out-pointer.
    let rc = unsafe { offblocks_signing_key_public_pem(cs("nope").as_ptr(), &mut untouched) };
    expect_err(rc, OFFBLOCKS_KEY);
    assert_eq!(untouched, SENTINEL);
}

#[test]
fn dry_run_shows_the_signed_request_and_refuses_nonsense() {
    let pem = generated_pem();
    let c = client(&config("http://127.0.0.1:9/v1", &pem, Some("kid-1"))).unwrap();
    let call = |method: &str, path: &str, key: Option<&str>| {
        let (m, p, t) = (cs(method), cs(path), cs("tok-xyz"));
        let (b, k) = (cs(r#"{"a":1}"#), key.map(cs));
        let mut out: *mut c_char = SENTINEL;
        let kp = k.as_ref().map_or(ptr::null(), |k| k.as_ptr());
        // SAFETY: valid strings and out-pointer; `c` is live.
        let rc = unsafe {
            offblocks_client_dry_run(
                c,
                m.as_ptr(),
                p.as_ptr(),
                b.as_ptr(),
                kp,
                t.as_ptr(),
                &mut out,
            )
        };
        (rc, out)
    };
    let key = "0b6f1f3e-8d4c-4b7a-9f55-2f8a7c1d9e01";
    let (rc, out) = call("post", "/customers?x=1", Some(key));
    assert_eq!(rc, OFFBLOCKS_OK, "{}", last_error().1);
    // SAFETY: returned by the library.
    let json = unsafe { take_json(out) };
    assert_eq!(json["method"], "POST");
    assert_eq!(json["url"], "http://127.0.0.1:9/v1/customers?x=1");
    let headers = json["headers"].as_array().unwrap();
    let header = |n: &str| headers.iter().find(|h| h[0] == n).map(|h| h[1].clone());
    assert_eq!(header("Idempotency-Key").unwrap(), key);
    assert_eq!(header("Authorization").unwrap(), "Bearer tok-xyz");
    assert!(header("Signature-Input")
        .unwrap()
        .as_str()
        .unwrap()
        .contains("keyid=\"kid-1\""));
    assert!(json["signatureBase"]
        .as_str()
        .unwrap()
        .starts_with("\"@method\": POST\n"));

    expect_err(call("TRACE", "/x", None).0, OFFBLOCKS_INVALID_INPUT);
    expect_err(call("GET", "x", None).0, OFFBLOCKS_INVALID_INPUT);
    expect_err(
        call("POST", "/x", Some("not-a-uuid")).0,
        OFFBLOCKS_INVALID_INPUT,
    );
    let (rc, out) = call("GET", "/x", None);
    assert_eq!(rc, OFFBLOCKS_OK);
    // SAFETY: returned by the library.
    let json = unsafe { take_json(out) };
    let headers = json["headers"].as_array().unwrap();
    assert!(
        !headers.iter().any(|h| h[0] == "Idempotency-Key"),
        "GET has none"
    );
    // SAFETY: live handle; NULL key id forgets it.
    assert_eq!(
        unsafe { offblocks_client_set_key_id(c, ptr::null()) },
        OFFBLOCKS_OK
    );
    let message = expect_err(call("GET", "/x", None).0, OFFBLOCKS_CONFIG);
    assert!(message.contains("key id"), "{message}");
    // SAFETY: live handle.
    unsafe { offblocks_client_free(c) };
}

#[test]
fn key_id_round_trips() {
    let pem = generated_pem();
    let c = client(&config("http://127.0.0.1:9/v1", &pem, None)).unwrap();
    let mut out: *mut c_char = SENTINEL;
    // SAFETY: live handle, valid out-pointer.
    assert_eq!(
        unsafe { offblocks_client_key_id(c, &mut out) },
        OFFBLOCKS_OK
    );
    assert!(out.is_null(), "no key id yet");
    let id = cs("kid-9");
    // SAFETY: live handle, valid strings and out-pointer.
    unsafe {
        assert_eq!(offblocks_client_set_key_id(c, id.as_ptr()), OFFBLOCKS_OK);
        assert_eq!(offblocks_client_key_id(c, &mut out), OFFBLOCKS_OK);
        assert_eq!(take(out), "kid-9");
        offblocks_client_free(c);
    }
}

#[test]
fn connection_refused_is_a_retryable_transport_error() {
    let pem = generated_pem();
    let cfg = config("http://127.0.0.1:1/v1", &pem, Some("k"));
    let cfg = cfg.replace(r#""maxAttempts":3"#, r#""maxAttempts":1"#);
    let c = client(&cfg).unwrap();
    let mut out: *mut c_char = SENTINEL;
    // SAFETY: live handle, valid out-pointer.
    let rc = unsafe { offblocks_customers_list(c, &mut out) };
    expect_err(rc, OFFBLOCKS_TRANSPORT);
    assert_eq!(out, SENTINEL);
    assert_eq!(last_error().2, 0, "no HTTP status");
    assert!(offblocks_last_error_retryable());
    assert!(offblocks_last_error_body().is_null());
    // A later success clears the last error.
    // SAFETY: live handle, valid out-pointer.
    assert_eq!(
        unsafe { offblocks_client_key_id(c, &mut out) },
        OFFBLOCKS_OK
    );
    // SAFETY: returned by the library.
    unsafe { take(out) };
    assert_eq!(last_error().0, OFFBLOCKS_OK);
    assert_eq!(last_error().1, "");
    // SAFETY: live handle.
    unsafe { offblocks_client_free(c) };
}

#[test]
fn last_error_is_per_thread() {
    let mut out = ptr::null_mut();
    // SAFETY: NULL is refused; out is valid.
    let rc = unsafe { offblocks_client_new(ptr::null(), &mut out) };
    expect_err(rc, OFFBLOCKS_NULL_ARGUMENT);
    std::thread::spawn(|| assert_eq!(last_error().0, OFFBLOCKS_OK))
        .join()
        .unwrap();
    assert_eq!(last_error().0, OFFBLOCKS_NULL_ARGUMENT);
}

#[test]
fn webhook_events_parse_into_tagged_json() {
    let body = r#"{"eventId":"ev-1","webhookType":"customer.updated","id":"c-1","externalId":"u","chainId":"eip155:1:0x1","status":"active","createdAt":"2024-01-12T14:53:02.65345725Z","updatedAt":"2024-01-12T14:53:02.65345725Z"}"#;
    let mut out = ptr::null_mut();
    // SAFETY: valid string and out-pointer.
    assert_eq!(
        unsafe { offblocks_webhook_event_parse(cs(body).as_ptr(), &mut out) },
        OFFBLOCKS_OK
    );
    // SAFETY: returned by the library.
    let json = unsafe { take_json(out) };
    assert_eq!(json["eventId"], "ev-1");
    assert_eq!(json["entity"], "customer");
    assert_eq!(json["data"]["status"], "active");
    let other = r#"{"eventId":"ev-2","webhookType":"card.issued","x":1}"#;
    // SAFETY: valid string and out-pointer.
    assert_eq!(
        unsafe { offblocks_webhook_event_parse(cs(other).as_ptr(), &mut out) },
        OFFBLOCKS_OK
    );
    // SAFETY: returned by the library.
    assert_eq!(unsafe { take_json(out) }["data"]["x"], 1);
    for garbage in [
        "",
        "[]",
        "{}",
        r#"{"eventId":"e","webhookType":"account.updated"}"#,
    ] {
        let mut out: *mut c_char = SENTINEL;
        // SAFETY: valid string and out-pointer.
        let rc = unsafe { offblocks_webhook_event_parse(cs(garbage).as_ptr(), &mut out) };
        expect_err(rc, OFFBLOCKS_DECODE);
        assert_eq!(out, SENTINEL);
    }
}

#[test]
fn handles_of_another_type_freed_or_unknown_are_refused() {
    let c = client(&config("http://127.0.0.1:9/v1", &generated_pem(), None)).unwrap();
    let mut w = ptr::null_mut();
    let mut out = ptr::null_mut();
    // SAFETY: every pointer given is checked by the library before any use: that is
    // what this test shows (none is read once freed, none of the wrong type is used).
    unsafe {
        assert_eq!(offblocks_wallet_new_random(&mut w), OFFBLOCKS_OK);
        let message = expect_err(
            offblocks_client_key_id(w.cast(), &mut out),
            OFFBLOCKS_INVALID_HANDLE,
        );
        assert!(
            message.contains("wallet handle, not an offblocks_client"),
            "{message}"
        );
        expect_err(offblocks_client_free(w.cast()), OFFBLOCKS_INVALID_HANDLE);
        expect_err(offblocks_wallet_free(c.cast()), OFFBLOCKS_INVALID_HANDLE);
        let mut stack = [0u64; 4];
        expect_err(
            offblocks_client_key_id(stack.as_mut_ptr().cast(), &mut out),
            OFFBLOCKS_INVALID_HANDLE,
        );
        assert_eq!(offblocks_client_key_id(c, &mut out), OFFBLOCKS_OK);
        assert_eq!(offblocks_wallet_free(w), OFFBLOCKS_OK);
        let message = expect_err(offblocks_wallet_free(w), OFFBLOCKS_INVALID_HANDLE);
        assert!(message.contains("freed already"), "{message}");
        assert_eq!(offblocks_client_free(c), OFFBLOCKS_OK);
        expect_err(offblocks_client_free(c), OFFBLOCKS_INVALID_HANDLE);
        assert_eq!(offblocks_client_free(ptr::null_mut()), OFFBLOCKS_OK);
    }
}
