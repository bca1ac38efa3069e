//! Accounts: creation rules, challenges, signing, activation and the state machine.

mod common;

use common::{active_customer, b64decode, Client, Wallet};
use offblocks_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};
use std::time::Duration;

fn start(polls: u32, delay: u64, verify: bool) -> Sandbox {
    Sandbox::start(SandboxConfig {
        activation_polls: polls,
        activation_delay: Duration::from_secs(delay),
        verify_account_signatures: verify,
        ..SandboxConfig::default()
    })
    .unwrap()
}

fn open(client: &mut Client<'_>, customer: &str) -> Value {
    let body = json!({"type": "CARD_ACCOUNT", "currencies": ["EUR"]});
    let resp = client.send(
        "POST",
        &format!("/v1/customers/{customer}/accounts"),
        Some(&body),
    );
    assert_eq!(resp.status, 201, "{:?}", resp.json());
    resp.json()
}

fn sign(client: &mut Client<'_>, wallet: &Wallet, account: &str, challenge: &str) -> common::Resp {
    let message = b64decode(challenge);
    let body = json!({"ownerId": wallet.chain_id(280), "challenge": challenge, "signature": wallet.sign_raw_field(&message)});
    client.send(
        "POST",
        &format!("/v1/accounts/{account}/challenge/sign"),
        Some(&body),
    )
}

#[test]
fn creation_rules() {
    let sandbox = start(0, 0, true);
    let mut client = Client::ready(&sandbox);
    let wallet = Wallet::new();
    let pending = client
        .send(
            "POST",
            "/v1/customers",
            Some(&json!({"chainId": wallet.chain_id(280), "externalId": "p"})),
        )
        .json();
    let pending_id = pending["id"].as_str().unwrap();
    let body = json!({"type": "card_account", "currencies": ["EUR"]});
    let resp = client.send(
        "POST",
        &format!("/v1/customers/{pending_id}/accounts"),
        Some(&body),
    );
    assert_eq!(
        (resp.status, resp.code().as_str()),
        (400, "customer_not_active")
    );
    assert_eq!(
        client
            .send("POST", "/v1/customers/nope/accounts", Some(&body))
            .status,
        404
    );
    let (customer, _) = active_customer(&mut client);
    let path = format!("/v1/customers/{customer}/accounts");
    for bad in [
        json!({"type": "savings", "currencies": ["EUR"]}),
        json!({"type": "card_account", "currencies": []}),
        json!({"type": "card_account", "currencies": ["EUR", "USD"]}),
        json!({"type": "card_account", "currencies": ["EURO"]}),
        json!({"type": "card_account", "currencies": ["eur"]}),
        json!({"type": "card_account"}),
    ] {
        let resp = client.send("POST", &path, Some(&bad));
        assert_eq!(
            (resp.status, resp.code().as_str()),
            (400, "invalid_request"),
            "{bad}"
        );
    }
    let account = open(&mut client, &customer);
    assert_eq!(account["type"], "card_account");
    assert_eq!(account["status"], "initiating");
    assert_eq!(account["chainId"], Value::Null);
    assert_eq!(account["customerId"], customer.as_str());
    let challenge = String::from_utf8(b64decode(account["challenge"].as_str().unwrap())).unwrap();
    assert!(
        uuid::Uuid::parse_str(&challenge).is_ok(),
        "sandbox challenges are UUID strings"
    );
    assert_eq!(
        client.get("/v1/accounts").json().as_array().unwrap().len(),
        1
    );
    assert_eq!(client.get(&path).json().as_array().unwrap().len(), 1);
    assert_eq!(
        client
            .get(&format!("/v1/customers/{pending_id}/accounts"))
            .json(),
        json!([])
    );
    assert_eq!(client.get("/v1/accounts/nope").status, 404);
}

#[test]
fn challenges_rotate_and_failures_issue_new_ones() {
    let sandbox = start(0, 0, true);
    let mut client = Client::ready(&sandbox);
    let (customer, wallet) = active_customer(&mut client);
    let account = open(&mut client, &customer);
    let id = account["id"].as_str().unwrap().to_string();
    let first = account["challenge"].as_str().unwrap().to_string();
    let second = client.get(&format!("/v1/accounts/{id}/challenge")).json()["challenge"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(first, second);
    let resp = sign(&mut client, &wallet, &id, &first);
    assert_eq!(
        (resp.status, resp.code().as_str()),
        (400, "challenge_mismatch")
    );
    // After a failure even the challenge fetched before is dead.
    let resp = sign(&mut client, &Wallet::new(), &id, &second);
    assert_eq!(resp.code(), "challenge_mismatch");
    let third = client.get(&format!("/v1/accounts/{id}/challenge")).json()["challenge"]
        .as_str()
        .unwrap()
        .to_string();
    let other = Wallet::new();
    let message = b64decode(&third);
    let forged = json!({"ownerId": wallet.chain_id(280), "challenge": third, "signature": other.sign_raw_field(&message)});
    let resp = client.send(
        "POST",
        &format!("/v1/accounts/{id}/challenge/sign"),
        Some(&forged),
    );
    assert_eq!(resp.code(), "invalid_signature");
    let fourth = client.get(&format!("/v1/accounts/{id}/challenge")).json()["challenge"]
        .as_str()
        .unwrap()
        .to_string();
    let resp = sign(&mut client, &wallet, &id, &fourth);
    assert_eq!(resp.status, 204);
    let active = client.get(&format!("/v1/accounts/{id}")).json();
    assert_eq!(active["status"], "active");
    let chain_id = active["chainId"].as_str().unwrap();
    assert!(chain_id.starts_with("eip155:280:0x") && chain_id.len() == "eip155:280:".len() + 42);
    assert_eq!(
        client.get(&format!("/v1/accounts/{id}/challenge")).code(),
        "invalid_state"
    );
}

#[test]
fn unverified_mode_accepts_any_65_byte_signature() {
    let sandbox = start(0, 0, false);
    let mut client = Client::ready(&sandbox);
    let (customer, wallet) = active_customer(&mut client);
    let account = open(&mut client, &customer);
    let id = account["id"].as_str().unwrap();
    let challenge = account["challenge"].as_str().unwrap();
    // The docs' example signature (made for another challenge) decodes to 65 bytes.
    let docs =
        "IfvwaW1eCqLvQaK0/7YjvK8HBGHWHPclHHQWH4L+w6Q3CFS8CjSzq0h8G8AhzTGMc0xRrik3TyvrDm8t1JtL9Bw=";
    let body = json!({"ownerId": wallet.chain_id(280), "challenge": challenge, "signature": "c2lnbmF0dXJl"});
    let resp = client.send(
        "POST",
        &format!("/v1/accounts/{id}/challenge/sign"),
        Some(&body),
    );
    assert_eq!(
        resp.code(),
        "invalid_signature",
        "a signature is still required"
    );
    let challenge = client.get(&format!("/v1/accounts/{id}/challenge")).json()["challenge"].clone();
    let body = json!({"ownerId": wallet.chain_id(280), "challenge": challenge, "signature": docs});
    assert_eq!(
        client
            .send(
                "POST",
                &format!("/v1/accounts/{id}/challenge/sign"),
                Some(&body)
            )
            .status,
        204
    );
}

#[test]
fn activation_after_polls() {
    let sandbox = start(2, 0, true);
    let mut client = Client::ready(&sandbox);
    let (customer, wallet) = active_customer(&mut client);
    let account = open(&mut client, &customer);
    let id = account["id"].as_str().unwrap();
    assert_eq!(
        sign(
            &mut client,
            &wallet,
            id,
            account["challenge"].as_str().unwrap()
        )
        .status,
        204
    );
    let path = format!("/v1/accounts/{id}");
    assert_eq!(client.get(&path).json()["status"], "pending");
    assert_eq!(
        client.get("/v1/accounts").json()[0]["status"],
        "pending",
        "lists are not polls"
    );
    assert_eq!(client.get(&path).json()["status"], "pending");
    let active = client.get(&path).json();
    assert_eq!(active["status"], "active");
    assert!(active["chainId"].is_string());
    assert_eq!(sandbox.accounts()[0]["status"], "active");
}

#[test]
fn activation_after_delay_and_transitions() {
    let sandbox = start(0, 30, true);
    let mut client = Client::ready(&sandbox);
    let (customer, wallet) = active_customer(&mut client);
    let account = open(&mut client, &customer);
    let id = account["id"].as_str().unwrap();
    let activate = format!("/v1/accounts/{id}/activate");
    let deactivate = format!("/v1/accounts/{id}/deactivate");
    assert_eq!(
        client.send("PATCH", &activate, None).code(),
        "invalid_state"
    );
    assert_eq!(
        sign(
            &mut client,
            &wallet,
            id,
            account["challenge"].as_str().unwrap()
        )
        .status,
        204
    );
    for _ in 0..3 {
        assert_eq!(
            client.get(&format!("/v1/accounts/{id}")).json()["status"],
            "pending"
        );
    }
    assert_eq!(
        client.send("PATCH", &deactivate, None).code(),
        "invalid_state"
    );
    sandbox.clock().advance(Duration::from_secs(31));
    assert_eq!(sandbox.accounts()[0]["status"], "active");
    assert_eq!(client.send("PATCH", &activate, None).status, 409);
    let resp = client.send("PATCH", &deactivate, None);
    assert_eq!(
        (resp.status, resp.json()["status"].clone()),
        (200, json!("inactive"))
    );
    let resp = client.send("PATCH", &activate, None);
    assert_eq!(
        (resp.status, resp.json()["status"].clone()),
        (200, json!("active"))
    );
    let resp = client.send("DELETE", &format!("/v1/accounts/{id}"), None);
    assert_eq!(
        (resp.status, resp.json()["status"].clone()),
        (200, json!("closed"))
    );
    assert_eq!(
        client
            .send("DELETE", &format!("/v1/accounts/{id}"), None)
            .status,
        409
    );
    assert_eq!(client.send("PATCH", &activate, None).status, 409);
}
