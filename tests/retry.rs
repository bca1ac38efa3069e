//! Retries, token refresh and error shapes against mockito.

mod common;

use common::{fixture, record, Fixture, Log};
use offblocks::models::NewCustomer;
use offblocks::Error;

const CUSTOMER: &str = r#"{"id":"c1","externalId":"e1","chainId":"eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","status":"initiating","createdAt":"2024-01-12T14:53:02Z","updatedAt":"2024-01-12T14:53:02.1Z","challenge":"Y2g="}"#;

fn new_customer() -> NewCustomer {
    NewCustomer {
        chain_id: "eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".into(),
        external_id: "e1".into(),
    }
}

/// Mounts `responses` in order on POST /v1/customers (the last one repeats).
fn sequence(
    server: &mut mockito::ServerGuard,
    responses: Vec<(usize, &'static str, Option<&'static str>)>,
) -> (Log, Vec<mockito::Mock>) {
    let log = Log::default();
    let n = responses.len();
    let mocks = responses
        .into_iter()
        .enumerate()
        .map(|(i, (status, body, retry_after))| {
            let sink = log.clone();
            let mut m = server
                .mock("POST", "/v1/customers")
                .with_status(status)
                .with_header("x-request-id", &format!("req-{i}"))
                .with_body_from_request(move |req| {
                    record(&sink, req);
                    body.as_bytes().to_vec()
                });
            if let Some(ra) = retry_after {
                m = m.with_header("retry-after", ra);
            }
            if i + 1 < n {
                m = m.expect(1);
            }
            m.create()
        })
        .collect();
    (log, mocks)
}

#[test]
fn retry_503_then_201_keeps_the_idempotency_key_and_body() {
    let Fixture {
        mut server, client, ..
    } = fixture();
    let (log, mocks) = sequence(
        &mut server,
        vec![(503, "busy", None), (201, CUSTOMER, None)],
    );
    let c = client.customers().create(&new_customer()).unwrap();
    assert_eq!(c.id, "c1");
    for m in &mocks {
        m.assert();
    }
    let seen = log.lock().unwrap();
    assert_eq!(seen.len(), 2, "one logical create, two attempts");
    assert_eq!(
        seen[0].header("idempotency-key"),
        seen[1].header("idempotency-key")
    );
    assert_eq!(seen[0].body, seen[1].body);
    assert_eq!(
        seen[0].header("content-digest"),
        seen[1].header("content-digest")
    );
    // Each attempt is signed afresh (the signature headers exist on both).
    assert!(seen[1].header("signature").is_some());
}

#[test]
fn retry_429_honours_retry_after() {
    let Fixture {
        mut server, client, ..
    } = fixture();
    let (log, _m) = sequence(
        &mut server,
        vec![(429, "slow down", Some("1")), (201, CUSTOMER, None)],
    );
    let start = std::time::Instant::now();
    client.customers().create(&new_customer()).unwrap();
    assert!(
        start.elapsed() >= std::time::Duration::from_secs(1),
        "waited Retry-After"
    );
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[test]
fn a_400_is_not_retried_and_keeps_everything() {
    let Fixture {
        mut server, client, ..
    } = fixture();
    let (log, _m) = sequence(
        &mut server,
        vec![(
            400,
            r#"{"error":"invalid_body","message":"bad chain id"}"#,
            None,
        )],
    );
    let err = client.customers().create(&new_customer()).unwrap_err();
    assert_eq!(log.lock().unwrap().len(), 1);
    let api = err.api().expect("api error");
    assert_eq!(api.status, 400);
    assert_eq!(api.request_id.as_deref(), Some("req-0"));
    assert_eq!(api.message().as_deref(), Some("bad chain id"));
    assert!(!api.retryable);
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("bad chain id"), "{err}");
}

#[test]
fn a_409_exists_is_a_conflict_with_its_body() {
    let Fixture {
        mut server, client, ..
    } = fixture();
    let body = r#"{"error":"customer_exists","customerId":"c1"}"#;
    let (log, _m) = sequence(&mut server, vec![(409, body, None)]);
    let err = client.customers().create(&new_customer()).unwrap_err();
    assert_eq!(log.lock().unwrap().len(), 1);
    match err {
        Error::Conflict(api) => assert_eq!(api.json.unwrap()["customerId"], "c1"),
        other => panic!("expected Conflict, got {other:?}"),
    }
}

#[test]
fn a_409_in_flight_is_retried() {
    let Fixture {
        mut server, client, ..
    } = fixture();
    let (log, _m) = sequence(
        &mut server,
        vec![
            (409, r#"{"error":"idempotency_key_in_use"}"#, None),
            (201, CUSTOMER, None),
        ],
    );
    client.customers().create(&new_customer()).unwrap();
    let seen = log.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].header("idempotency-key"),
        seen[1].header("idempotency-key")
    );
}

#[test]
fn retries_stop_at_max_attempts() {
    let Fixture {
        mut server, client, ..
    } = fixture();
    let (log, _m) = sequence(&mut server, vec![(500, "boom", None)]);
    let err = client.customers().create(&new_customer()).unwrap_err();
    assert_eq!(log.lock().unwrap().len(), 4, "max_attempts = 4");
    assert_eq!(err.status(), Some(500));
    assert!(err.is_retryable());
}

#[test]
fn a_401_fetches_a_new_token_and_retries_once_with_the_same_key() {
    let Fixture {
        mut server,
        client,
        token_mock,
        ..
    } = fixture();
    let (log, _m) = sequence(
        &mut server,
        vec![(401, "expired", None), (201, CUSTOMER, None)],
    );
    client.customers().create(&new_customer()).unwrap();
    let seen = log.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].header("idempotency-key"),
        seen[1].header("idempotency-key")
    );
    drop(seen);
    // Two token fetches: the first, and the refresh after the 401.
    token_mock.expect(2).assert();
}

#[test]
fn a_second_401_is_returned() {
    let Fixture {
        mut server, client, ..
    } = fixture();
    let (log, _m) = sequence(&mut server, vec![(401, "no", None)]);
    let err = client.customers().create(&new_customer()).unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(log.lock().unwrap().len(), 2, "refreshed once, then gave up");
}

#[test]
fn the_token_is_cached_across_calls() {
    let Fixture {
        mut server,
        client,
        token_mock,
        ..
    } = fixture();
    let _m = server
        .mock("GET", "/v1/customers")
        .with_body("[]")
        .expect(3)
        .create();
    for _ in 0..3 {
        client.customers().list().unwrap();
    }
    token_mock.expect(1).assert();
}

#[test]
fn a_token_close_to_expiry_is_refreshed() {
    let Fixture {
        mut server,
        client,
        token_mock,
        ..
    } = fixture();
    token_mock.remove();
    // Expires in 30 s: under the 60 s margin, so every call fetches a new one.
    let soon = common::now() + 30;
    let tokens = server
        .mock("POST", "/v1/auth/token")
        .with_body(format!(r#"{{"token":"t","expiresAt":{soon}}}"#))
        .expect(2)
        .create();
    let _m = server.mock("GET", "/v1/customers").with_body("[]").create();
    client.customers().list().unwrap();
    client.customers().list().unwrap();
    tokens.assert();
}

#[test]
fn a_dropped_server_is_a_retryable_transport_error() {
    // A port nobody listens on: the connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = offblocks::Client::builder()
        .base_url(format!("http://127.0.0.1:{port}/v1"))
        .credentials("k", "s")
        .signing_key(offblocks::SigningKey::generate().unwrap())
        .key_id("k1")
        .retry(common::fast_retry())
        .build()
        .unwrap();
    let err = client.customers().list().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                retryable: true,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn bad_json_is_a_decode_error_naming_the_field() {
    let Fixture {
        mut server, client, ..
    } = fixture();
    let _m = server
        .mock("GET", "/v1/customers")
        .with_body(r#"[{"id":"c1"}]"#)
        .create();
    match client.customers().list().unwrap_err() {
        Error::Decode { path, message } => {
            assert_eq!(path, "$[0]");
            assert!(message.contains("externalId"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_fields_and_enum_values_are_tolerated() {
    let Fixture {
        mut server, client, ..
    } = fixture();
    let body = r#"{"id":"c1","externalId":"e","chainId":"x","status":"frozen","createdAt":"2024-01-12T14:53:02.123456789Z","updatedAt":"2024-01-12T14:53:02Z","newField":{"a":1}}"#;
    let _m = server
        .mock("GET", "/v1/customers/c1")
        .with_body(body)
        .create();
    let c = client.customers().get("c1").unwrap();
    assert_eq!(c.status.as_str(), "frozen");
    assert!(matches!(
        c.status,
        offblocks::models::CustomerStatus::Unknown(_)
    ));
}

#[test]
fn caller_supplied_idempotency_key_is_sent() {
    let Fixture {
        mut server, client, ..
    } = fixture();
    let (log, _m) = sequence(&mut server, vec![(201, CUSTOMER, None)]);
    let key = "6f1c2a9e-3b7d-4c1e-9f2a-0d8b7c6e5f4a";
    client
        .customers()
        .idempotency_key(key)
        .create(&new_customer())
        .unwrap();
    assert_eq!(log.lock().unwrap()[0].header("idempotency-key"), Some(key));
    let err = client
        .customers()
        .idempotency_key("not-a-uuid")
        .create(&new_customer())
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)));
}
