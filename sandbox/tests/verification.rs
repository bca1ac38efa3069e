//! KYC that takes time: with a verification delay the simulator's verify leaves the
//! customer `verifying` until the delay has passed (sandbox clock), and the account's
//! deployment waits as long; each change is announced by its webhook.

mod common;

use common::{b64decode, Client, Wallet};
use offblocks_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};
use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

/// `POST` to the control API; the answer's JSON.
fn control(sandbox: &Sandbox, path: &str, body: &Value) -> Value {
    let host = sandbox.local_addr();
    let body = body.to_string();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    common::read_response(&mut BufReader::new(stream))
        .unwrap()
        .json()
}

fn delayed(delay: Duration) -> Sandbox {
    Sandbox::start(SandboxConfig {
        activation_polls: 0,
        verification_delay: delay,
        ..SandboxConfig::default()
    })
    .unwrap()
}

/// A customer that signed its challenge (`screening`); returns its id and wallet.
fn signed_customer(client: &mut Client<'_>) -> (String, Wallet) {
    let wallet = Wallet::new();
    let body =
        json!({"chainId": wallet.chain_id(280), "externalId": uuid::Uuid::new_v4().to_string()});
    let customer = client.send("POST", "/v1/customers", Some(&body)).json();
    let id = customer["id"].as_str().unwrap().to_string();
    let challenge = customer["challenge"].as_str().unwrap();
    let sign = json!({"ownerId": wallet.chain_id(280), "challenge": challenge,
        "signature": wallet.sign_hex_field(&b64decode(challenge))});
    let path = format!("/v1/customers/{id}/challenge/sign");
    assert_eq!(client.send("POST", &path, Some(&sign)).status, 204);
    (id, wallet)
}

fn status(client: &mut Client<'_>, path: &str) -> Value {
    client.get(path).json()["status"].clone()
}

/// The statuses announced for `entity`, in the order they were queued.
fn announced(sandbox: &Sandbox, entity: &str) -> Vec<String> {
    sandbox
        .webhook_deliveries()
        .into_iter()
        .filter(|d| d.entity_id == entity && !d.duplicate)
        .map(|d| d.status)
        .collect()
}

#[test]
fn a_verify_takes_the_delay_and_each_change_is_announced() {
    let sandbox = delayed(Duration::from_secs(60));
    let mut client = Client::ready(&sandbox);
    // A subscription to a port nobody listens on: deliveries are queued and recorded.
    let hook = json!({"callbackUrl": "http://127.0.0.1:9/hooks",
        "types": ["customer.updated", "account.updated"]});
    assert_eq!(client.send("PUT", "/v1/webhooks", Some(&hook)).status, 200);
    let (id, wallet) = signed_customer(&mut client);
    let customer = format!("/v1/customers/{id}");
    let verify = format!("/v1/simulator/customers/{id}/verify");
    let resp = client.send("PATCH", &verify, None);
    assert_eq!(
        (resp.status, resp.json()["status"].clone()),
        (202, json!("verifying"))
    );
    assert_eq!(status(&mut client, &customer), "verifying");
    // A second verify neither activates nor moves the time.
    sandbox.clock().advance(Duration::from_secs(40));
    assert_eq!(
        client.send("PATCH", &verify, None).json()["status"],
        "verifying"
    );
    sandbox.clock().advance(Duration::from_secs(21));
    assert_eq!(sandbox.customers()[0]["status"], "active");
    assert_eq!(status(&mut client, &customer), "active");
    assert_eq!(client.send("PATCH", &verify, None).status, 409);
    // An account opens now, and deploys after the same delay.
    let open = json!({"type": "card_account", "currencies": ["EUR"]});
    let created = client.send("POST", &format!("{customer}/accounts"), Some(&open));
    assert_eq!(created.status, 201, "{:?}", created.json());
    let account = created.json();
    let account_id = account["id"].as_str().unwrap().to_string();
    let challenge = account["challenge"].as_str().unwrap();
    let sign = json!({"ownerId": wallet.chain_id(280), "challenge": challenge,
        "signature": wallet.sign_raw_field(&b64decode(challenge))});
    let path = format!("/v1/accounts/{account_id}/challenge/sign");
    assert_eq!(client.send("POST", &path, Some(&sign)).status, 204);
    let path = format!("/v1/accounts/{account_id}");
    assert_eq!(status(&mut client, &path), "pending");
    sandbox.clock().advance(Duration::from_secs(61));
    assert_eq!(status(&mut client, &path), "active");
    assert_eq!(
        announced(&sandbox, &id),
        ["initiating", "screening", "verifying", "active"]
    );
    assert_eq!(
        announced(&sandbox, &account_id),
        ["initiating", "pending", "active"]
    );
}

#[test]
fn the_delay_changes_at_runtime_and_zero_verifies_at_once() {
    let sandbox = delayed(Duration::ZERO);
    let mut client = Client::ready(&sandbox);
    let (first, _) = signed_customer(&mut client);
    let resp = client.send(
        "PATCH",
        &format!("/v1/simulator/customers/{first}/verify"),
        None,
    );
    assert_eq!(resp.json()["status"], "active");
    // Through the control API, as other languages' tests do.
    let set = control(
        &sandbox,
        "/_sandbox/settings",
        &json!({"verificationDelayMs": 5000}),
    );
    assert_eq!(set["verificationDelayMs"], 5000);
    let (second, _) = signed_customer(&mut client);
    let verify = format!("/v1/simulator/customers/{second}/verify");
    assert_eq!(
        client.send("PATCH", &verify, None).json()["status"],
        "verifying"
    );
    sandbox.clock().advance(Duration::from_secs(6));
    assert_eq!(
        status(&mut client, &format!("/v1/customers/{second}")),
        "active"
    );
    // And from Rust.
    sandbox.set_verification_delay(Duration::ZERO);
    let (third, _) = signed_customer(&mut client);
    let verify = format!("/v1/simulator/customers/{third}/verify");
    assert_eq!(
        client.send("PATCH", &verify, None).json()["status"],
        "active"
    );
    let bad = control(
        &sandbox,
        "/_sandbox/settings",
        &json!({"verificationDelay": 1}),
    );
    assert_eq!(bad["error"], "invalid_request");
}
