//! The server over real TCP: keep-alive, framing, routing, fault injection, control API.

mod common;

use common::{read_response, sandbox, Client, Opts};
use offblocks_sandbox::{FaultKind, FaultRule};
use serde_json::json;
use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

fn raw_exchange(sandbox: &offblocks_sandbox::Sandbox, request: &str) -> Option<common::Resp> {
    let mut stream = TcpStream::connect(sandbox.local_addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    read_response(&mut BufReader::new(stream))
}

#[test]
fn keep_alive_serves_two_requests_on_one_connection() {
    let sandbox = sandbox();
    let mut client = Client::connect(&sandbox);
    client.login();
    let first = client.get("/v1/customers");
    // Unsigned: refused, but on the same connection, which stays open.
    assert_eq!(first.status, 401);
    assert_eq!(first.code(), "missing_signature");
    client.register_key();
    let second = client.get("/v1/customers");
    assert_eq!(second.status, 200);
    assert_eq!(second.json(), json!([]));
    let ids: Vec<&str> = [&first, &second]
        .iter()
        .map(|r| r.header("X-Request-Id").unwrap())
        .collect();
    assert_ne!(ids[0], ids[1]);
    assert!(uuid::Uuid::parse_str(ids[0]).is_ok());
    assert!(second.header("Date").is_some_and(|d| d.ends_with(" GMT")));
    assert_eq!(sandbox.request_log().len(), 4);
}

#[test]
fn drop_after_commit_closes_without_answering_but_commits() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    sandbox.add_fault(
        FaultRule::new("/v1/customers", FaultKind::DropAfterCommit)
            .method("POST")
            .times(1),
    );
    let wallet = common::Wallet::new();
    let body = json!({"chainId": wallet.chain_id(1), "externalId": "drop-1"});
    let key = uuid::Uuid::new_v4().to_string();
    let opts = Opts {
        idempotency_key: Some(key.clone()),
        ..Opts::default()
    };
    assert!(client
        .try_request("POST", "/v1/customers", Some(&body), opts.clone())
        .is_none());
    assert_eq!(sandbox.customers().len(), 1, "the request was committed");
    let logged = sandbox.request_log().pop().unwrap();
    assert!(logged.dropped);
    assert_eq!(logged.status, 201);
    // The retry with the same key replays the committed answer.
    client.reconnect();
    let retry = client.request("POST", "/v1/customers", Some(&body), opts);
    assert_eq!(retry.status, 201);
    assert_eq!(retry.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(
        retry.header("X-Request-Id"),
        Some(logged.request_id.as_str())
    );
    assert_eq!(sandbox.customers().len(), 1);
}

#[test]
fn drop_before_commit_and_status_faults_do_not_process() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    let wallet = common::Wallet::new();
    let body = json!({"chainId": wallet.chain_id(1), "externalId": "x"});
    sandbox.add_fault(FaultRule::new("/v1/customers", FaultKind::DropBeforeCommit).times(1));
    assert!(client
        .try_request("POST", "/v1/customers", Some(&body), Opts::default())
        .is_none());
    assert!(sandbox.customers().is_empty());
    client.reconnect();
    sandbox.add_fault(FaultRule::new("/v1/customers", FaultKind::Status(503)).times(1));
    let resp = client.send("POST", "/v1/customers", Some(&body));
    assert_eq!((resp.status, resp.code().as_str()), (503, "injected_fault"));
    sandbox.add_fault(
        FaultRule::new(
            "/v1/",
            FaultKind::TooManyRequests {
                retry_after_secs: 7,
            },
        )
        .times(1),
    );
    let resp = client.get("/v1/accounts");
    assert_eq!(resp.status, 429);
    assert_eq!(resp.header("Retry-After"), Some("7"));
    assert!(sandbox.customers().is_empty());
    sandbox.add_fault(FaultRule::new("/v1/", FaultKind::Status(500)));
    sandbox.clear_faults();
    assert_eq!(
        client.send("POST", "/v1/customers", Some(&body)).status,
        201
    );
}

#[test]
fn framing_and_routing_errors() {
    let sandbox = sandbox();
    let host = sandbox.local_addr();
    let chunked = format!("POST /v1/auth/token HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assert_eq!(raw_exchange(&sandbox, &chunked).unwrap().status, 411);
    let no_host = "GET /v1/customers HTTP/1.1\r\n\r\n";
    assert_eq!(raw_exchange(&sandbox, no_host).unwrap().status, 400);
    let garbage = "HELLO\r\n\r\n";
    assert_eq!(raw_exchange(&sandbox, garbage).unwrap().status, 400);
    let unknown = format!("GET /v1/nope HTTP/1.1\r\nHost: {host}\r\n\r\n");
    let resp = raw_exchange(&sandbox, &unknown).unwrap();
    assert_eq!((resp.status, resp.code().as_str()), (404, "not_found"));
    assert!(resp.header("X-Request-Id").is_some());
    let wrong_method = format!("DELETE /v1/customers HTTP/1.1\r\nHost: {host}\r\n\r\n");
    let resp = raw_exchange(&sandbox, &wrong_method).unwrap();
    assert_eq!(resp.status, 405);
    assert_eq!(resp.header("Allow"), Some("GET, POST"));
    let bad_json = "{not json";
    let digest = {
        use base64::Engine as _;
        use sha2::Digest as _;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(bad_json))
    };
    let req = format!(
        "POST /v1/auth/token HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Digest: sha-256=:{digest}:\r\nContent-Length: {}\r\n\r\n{bad_json}",
        bad_json.len()
    );
    let resp = raw_exchange(&sandbox, &req).unwrap();
    assert_eq!((resp.status, resp.code().as_str()), (400, "invalid_json"));
    assert!(!resp.json()["message"].as_str().unwrap().is_empty());
    // Body without Content-Digest.
    let req = format!(
        "POST /v1/auth/token HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}"
    );
    assert_eq!(
        raw_exchange(&sandbox, &req).unwrap().code(),
        "missing_content_digest"
    );
}

#[test]
fn expect_continue_and_http10() {
    let sandbox = sandbox();
    let host = sandbox.local_addr();
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let body = "{}";
    write!(stream, "POST /v1/auth/token HTTP/1.1\r\nHost: {host}\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n").unwrap();
    assert_eq!(read_response(&mut reader).unwrap().status, 100);
    stream.write_all(body.as_bytes()).unwrap();
    assert_eq!(
        read_response(&mut reader).unwrap().code(),
        "missing_content_digest"
    );
    let resp = raw_exchange(&sandbox, "GET /v1/accounts HTTP/1.0\r\n\r\n").unwrap();
    assert_eq!(resp.status, 401);
    assert_eq!(resp.header("Connection"), Some("close"));
}

#[test]
fn control_api_drives_clock_faults_and_state() {
    let sandbox = sandbox();
    let host = sandbox.local_addr();
    let post = |path: &str, body: &str| {
        format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len())
    };
    let before = sandbox.clock().now();
    let resp = raw_exchange(
        &sandbox,
        &post("/_sandbox/clock/advance", r#"{"seconds": 3600}"#),
    )
    .unwrap();
    assert_eq!(resp.status, 200);
    assert!(sandbox.clock().now() - before >= 3600.0);
    let fault = r#"{"method":"GET","pathPrefix":"/v1/accounts","kind":"status","status":502,"rate":1.0,"remaining":1}"#;
    assert_eq!(
        raw_exchange(&sandbox, &post("/_sandbox/faults", fault))
            .unwrap()
            .status,
        201
    );
    let get = format!("GET /v1/accounts HTTP/1.1\r\nHost: {host}\r\n\r\n");
    assert_eq!(raw_exchange(&sandbox, &get).unwrap().status, 502);
    assert_eq!(raw_exchange(&sandbox, &get).unwrap().status, 401);
    assert_eq!(
        raw_exchange(&sandbox, &post("/_sandbox/faults", r#"{"kind":"nope"}"#))
            .unwrap()
            .status,
        400
    );
    let delete = format!("DELETE /_sandbox/faults HTTP/1.1\r\nHost: {host}\r\n\r\n");
    assert_eq!(raw_exchange(&sandbox, &delete).unwrap().status, 204);
    let state = raw_exchange(
        &sandbox,
        &format!("GET /_sandbox/state HTTP/1.1\r\nHost: {host}\r\n\r\n"),
    )
    .unwrap();
    assert_eq!(
        state.json(),
        json!({"customers": [], "accounts": [], "signingKeys": []})
    );
    let log = raw_exchange(
        &sandbox,
        &format!("GET /_sandbox/requests HTTP/1.1\r\nHost: {host}\r\n\r\n"),
    )
    .unwrap();
    assert_eq!(log.json().as_array().unwrap().len(), 2);
}

#[test]
fn idle_connections_survive_and_drop_stops_the_server() {
    let sandbox = sandbox();
    let addr = sandbox.local_addr();
    let _idle = TcpStream::connect(addr).unwrap();
    let mut client = Client::ready(&sandbox);
    assert_eq!(client.get("/v1/webhooks").status, 200);
    drop(client);
    drop(sandbox);
    assert!(TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err());
}
