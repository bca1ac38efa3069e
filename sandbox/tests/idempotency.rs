//! Idempotency keys: replay, reuse with another body, in-flight conflicts, expiry.

mod common;

use common::{sandbox, Client, Opts, Wallet};
use offblocks_sandbox::{FaultKind, FaultRule};
use serde_json::json;
use std::time::Duration;

fn with_key(key: &str) -> Opts {
    Opts {
        idempotency_key: Some(key.to_string()),
        ..Opts::default()
    }
}

#[test]
fn same_key_same_body_replays_the_identical_response() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"chainId": Wallet::new().chain_id(1), "externalId": "a"});
    let first = client.request("POST", "/v1/customers", Some(&body), with_key(&key));
    assert_eq!(first.status, 201);
    assert_eq!(first.header("Idempotent-Replayed"), None);
    // Re-signed (new created time), same key and body: the stored answer comes back.
    let second = client.request(
        "POST",
        "/v1/customers",
        Some(&body),
        with_key(&key.to_uppercase()),
    );
    assert_eq!(second.status, 201);
    assert_eq!(second.body, first.body);
    assert_eq!(second.header("X-Request-Id"), first.header("X-Request-Id"));
    assert_eq!(second.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(sandbox.customers().len(), 1);
    // Errors are replayed too (a 409 is an answer).
    let other_key = uuid::Uuid::new_v4().to_string();
    let dup = client.request("POST", "/v1/customers", Some(&body), with_key(&other_key));
    assert_eq!(dup.status, 409);
    let again = client.request("POST", "/v1/customers", Some(&body), with_key(&other_key));
    assert_eq!(
        (again.status, again.header("Idempotent-Replayed")),
        (409, Some("true"))
    );
}

#[test]
fn same_key_different_body_or_path_is_422() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"chainId": Wallet::new().chain_id(1), "externalId": "a"});
    assert_eq!(
        client
            .request("POST", "/v1/customers", Some(&body), with_key(&key))
            .status,
        201
    );
    let changed = json!({"chainId": Wallet::new().chain_id(1), "externalId": "b"});
    let resp = client.request("POST", "/v1/customers", Some(&changed), with_key(&key));
    assert_eq!(
        (resp.status, resp.code().as_str()),
        (422, "idempotency_key_reused")
    );
    let resp = client.request("PUT", "/v1/webhooks", Some(&body), with_key(&key));
    assert_eq!(resp.status, 422);
}

#[test]
fn in_flight_key_is_409_with_retry_after() {
    let sandbox = sandbox();
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"chainId": Wallet::new().chain_id(1), "externalId": "slow"});
    sandbox.add_fault(
        FaultRule::new(
            "/v1/customers",
            FaultKind::Slow(Duration::from_millis(2000)),
        )
        .method("POST")
        .times(1),
    );
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        let slow = scope.spawn(|| {
            let mut client = Client::ready(&sandbox);
            let bytes = client.build("POST", "/v1/customers", Some(&body), &with_key(&key));
            ready_tx.send(()).unwrap();
            client.raw(&bytes).unwrap()
        });
        let mut client = Client::ready(&sandbox);
        // Let the slow request claim the key (and the one-shot Slow fault) first.
        ready_rx.recv().unwrap();
        std::thread::sleep(Duration::from_millis(300));
        let mut conflict = None;
        for _ in 0..50 {
            let resp = client.request("POST", "/v1/customers", Some(&body), with_key(&key));
            if resp.status == 409 {
                conflict = Some(resp);
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let conflict = conflict.expect("the retry never saw the key in flight");
        assert_eq!(conflict.code(), "idempotency_key_in_use");
        assert_eq!(conflict.header("Retry-After"), Some("1"));
        let first = slow.join().unwrap();
        assert_eq!(first.status, 201);
        let replay = client.request("POST", "/v1/customers", Some(&body), with_key(&key));
        assert_eq!(replay.body, first.body);
    });
}

#[test]
fn keys_expire_after_an_hour() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"chainId": Wallet::new().chain_id(1), "externalId": "a"});
    assert_eq!(
        client
            .request("POST", "/v1/customers", Some(&body), with_key(&key))
            .status,
        201
    );
    sandbox.clock().advance(Duration::from_secs(3599));
    client.login();
    let replay = client.request("POST", "/v1/customers", Some(&body), with_key(&key));
    assert_eq!(replay.header("Idempotent-Replayed"), Some("true"));
    sandbox.clock().advance(Duration::from_secs(2));
    let fresh = client.request("POST", "/v1/customers", Some(&body), with_key(&key));
    assert_eq!(
        (fresh.status, fresh.code().as_str()),
        (409, "customer_exists")
    );
    assert_eq!(fresh.header("Idempotent-Replayed"), None);
}

#[test]
fn key_is_required_and_must_be_a_uuid() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    let resp = client.request(
        "PATCH",
        "/v1/customers/x/deactivate",
        None,
        with_key("not-a-uuid"),
    );
    assert_eq!(
        (resp.status, resp.code().as_str()),
        (400, "invalid_idempotency_key")
    );
    let bytes = client.build("DELETE", "/v1/webhooks/x", None, &Opts::default());
    let text = String::from_utf8(bytes).unwrap();
    let stripped: Vec<&str> = text
        .split("\r\n")
        .filter(|l| !l.starts_with("Idempotency-Key"))
        .collect();
    let resp = client.raw(stripped.join("\r\n").as_bytes()).unwrap();
    // The signature covered idempotency-key, which is now absent: still refused.
    assert_eq!(resp.status, 401);
}

#[test]
fn server_errors_are_not_stored() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"chainId": Wallet::new().chain_id(1), "externalId": "a"});
    sandbox.add_fault(FaultRule::new("/v1/customers", FaultKind::Status(503)).times(1));
    assert_eq!(
        client
            .request("POST", "/v1/customers", Some(&body), with_key(&key))
            .status,
        503
    );
    let retry = client.request("POST", "/v1/customers", Some(&body), with_key(&key));
    assert_eq!(
        (retry.status, retry.header("Idempotent-Replayed")),
        (201, None)
    );
}

#[test]
fn webhooks_crud() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    let body = json!({"callbackUrl": "https://example.com/hook", "types": ["customer.updated"]});
    let created = client.send("PUT", "/v1/webhooks", Some(&body));
    assert_eq!(created.status, 200);
    let id = created.json()["id"].as_str().unwrap().to_string();
    let replace =
        json!({"id": id, "callbackUrl": "http://127.0.0.1:9/x", "types": ["account.updated"]});
    let replaced = client.send("PUT", "/v1/webhooks", Some(&replace)).json();
    assert_eq!(
        (replaced["id"].clone(), replaced["types"][0].clone()),
        (json!(id), json!("account.updated"))
    );
    assert_eq!(
        client.get("/v1/webhooks").json().as_array().unwrap().len(),
        1
    );
    assert_eq!(
        client.get(&format!("/v1/webhooks/{id}")).json()["callbackUrl"],
        "http://127.0.0.1:9/x"
    );
    for bad in [
        json!({"callbackUrl": "ftp://example.com", "types": ["a.b"]}),
        json!({"callbackUrl": "https://example.com", "types": []}),
        json!({"callbackUrl": "https://", "types": ["a.b"]}),
    ] {
        assert_eq!(
            client.send("PUT", "/v1/webhooks", Some(&bad)).code(),
            "invalid_request",
            "{bad}"
        );
    }
    assert_eq!(
        client
            .send("DELETE", &format!("/v1/webhooks/{id}"), None)
            .status,
        204
    );
    assert_eq!(
        client
            .send("DELETE", &format!("/v1/webhooks/{id}"), None)
            .status,
        404
    );
    assert_eq!(client.get(&format!("/v1/webhooks/{id}")).status, 404);
}
