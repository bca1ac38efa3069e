//! Customers: creation rules, the EIP-4361 challenge, signing, and the state machine.

mod common;

use common::{active_customer, b64decode, sandbox, Client, Wallet};
use serde_json::{json, Value};
use std::time::Duration;

fn create(client: &mut Client<'_>, chain_id: &str, external_id: &str) -> common::Resp {
    client.send(
        "POST",
        "/v1/customers",
        Some(&json!({"chainId": chain_id, "externalId": external_id})),
    )
}

fn sign_body(wallet: &Wallet, chain: u64, challenge: &str) -> Value {
    let message = b64decode(challenge);
    json!({"ownerId": wallet.chain_id(chain), "challenge": challenge, "signature": wallet.sign_hex_field(&message)})
}

fn status(client: &mut Client<'_>, id: &str) -> String {
    client.get(&format!("/v1/customers/{id}")).json()["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn creation_validates_and_detects_duplicates() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    let wallet = Wallet::new();
    let resp = create(&mut client, &wallet.chain_id(280), "ext-1");
    assert_eq!(resp.status, 201);
    let customer = resp.json();
    let id = customer["id"].as_str().unwrap();
    assert_eq!(customer["status"], "initiating");
    assert_eq!(customer["chainId"], wallet.chain_id(280));
    let created_at = customer["createdAt"].as_str().unwrap();
    assert_eq!(created_at.len(), "2024-01-12T14:53:02.653457250Z".len());
    // Duplicates: same externalId, or the same address in another case.
    let dup = create(&mut client, &Wallet::new().chain_id(280), "ext-1");
    assert_eq!((dup.status, dup.code().as_str()), (409, "customer_exists"));
    assert_eq!(dup.json()["customerId"], id);
    let lower = format!("eip155:280:{}", wallet.address().to_lowercase());
    let dup = create(&mut client, &lower, "ext-2");
    assert_eq!(dup.json()["customerId"], id);
    // The same address on another chain is another customer.
    assert_eq!(
        create(&mut client, &wallet.chain_id(1), "ext-3").status,
        201
    );
    let invalid = [
        "eip155:280:0x43158f45b5EbD7b1179130131DF00393928C2691", // broken EIP-55 checksum
        "eip155:280:0x1234",
        "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:7S3P4HxJpyyigGzodYwHtCxZyUQe9JiBMHyRWXArAaKv",
        "eip155:abc:0x22227A31dd842196A246d8f3b775998560eAa61d",
        "0x22227A31dd842196A246d8f3b775998560eAa61d",
    ];
    for chain_id in invalid {
        let resp = create(&mut client, chain_id, "ext-x");
        assert_eq!(
            (resp.status, resp.code().as_str()),
            (400, "invalid_chain_id"),
            "{chain_id}"
        );
    }
    let resp = client.send(
        "POST",
        "/v1/customers",
        Some(&json!({"chainId": wallet.chain_id(5)})),
    );
    assert_eq!(resp.code(), "invalid_request");
    assert_eq!(
        client.get("/v1/customers").json().as_array().unwrap().len(),
        2
    );
    assert_eq!(client.get("/v1/customers/unknown").status, 404);
}

#[test]
fn the_challenge_is_an_eip4361_message_for_this_host() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    let wallet = Wallet::new();
    let customer = create(&mut client, &wallet.chain_id(280), "e").json();
    let text = String::from_utf8(b64decode(customer["challenge"].as_str().unwrap())).unwrap();
    let host = sandbox.local_addr().to_string();
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines.len(), 11);
    assert_eq!(
        lines[0],
        format!("{host} wants you to sign in with your Ethereum account:")
    );
    assert_eq!(lines[1], wallet.address());
    assert_eq!(lines[2], "");
    assert!(lines[3].starts_with("OffBlocks wants to verify ownership of your wallet."));
    assert_eq!(lines[5], format!("URI: http://{host}"));
    assert_eq!(lines[6], "Version: 1");
    assert_eq!(lines[7], "Chain ID: 280");
    let nonce = lines[8].strip_prefix("Nonce: ").unwrap();
    assert!(nonce.len() == 16 && nonce.chars().all(|c| c.is_ascii_alphanumeric()));
    assert!(lines[9].starts_with("Issued At: ") && lines[9].ends_with('Z'));
    assert!(lines[10].starts_with("Expiration Time: "));
    // GET returns the same challenge while it is valid.
    let id = customer["id"].as_str().unwrap();
    let again = client.get(&format!("/v1/customers/{id}/challenge")).json();
    assert_eq!(again["challenge"], customer["challenge"]);
}

#[test]
fn challenge_domain_can_be_configured() {
    let sandbox = offblocks_sandbox::Sandbox::start(offblocks_sandbox::SandboxConfig {
        challenge_domain: Some("api.sandbox.offblocks.xyz".into()),
        ..Default::default()
    })
    .unwrap();
    let mut client = Client::ready(&sandbox);
    let customer = create(&mut client, &Wallet::new().chain_id(324), "e").json();
    let text = String::from_utf8(b64decode(customer["challenge"].as_str().unwrap())).unwrap();
    assert!(text.starts_with("api.sandbox.offblocks.xyz wants you"));
    assert!(text.contains("\nURI: https://api.sandbox.offblocks.xyz\n"));
}

#[test]
fn failed_signs_issue_a_new_challenge() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    let wallet = Wallet::new();
    let customer = create(&mut client, &wallet.chain_id(280), "e").json();
    let id = customer["id"].as_str().unwrap();
    let path = format!("/v1/customers/{id}/challenge/sign");
    let mut challenge = customer["challenge"].as_str().unwrap().to_string();
    let attempt = |client: &mut Client<'_>, body: Value, code: &str, challenge: &mut String| {
        let resp = client.send("POST", &path, Some(&body));
        assert_eq!(
            (resp.status, resp.code()),
            (400, code.to_string()),
            "{:?}",
            resp.json()
        );
        let fresh = client.get(&format!("/v1/customers/{id}/challenge")).json()["challenge"]
            .as_str()
            .unwrap()
            .to_string();
        assert_ne!(
            &fresh, challenge,
            "a failed sign must replace the challenge"
        );
        *challenge = fresh;
    };
    // Signed by another wallet.
    let other = Wallet::new();
    let mut body = sign_body(&other, 280, &challenge);
    body["ownerId"] = json!(wallet.chain_id(280));
    attempt(&mut client, body, "invalid_signature", &mut challenge);
    // Owner on another chain, or another address.
    attempt(
        &mut client,
        sign_body(&wallet, 1, &challenge),
        "owner_mismatch",
        &mut challenge,
    );
    let mut body = sign_body(&wallet, 280, &challenge);
    body["ownerId"] = json!("eip155:280:0x43158f45b5EbD7b1179130131DF00393928C2691");
    attempt(&mut client, body, "owner_mismatch", &mut challenge);
    // The old challenge is dead.
    let stale = customer["challenge"].as_str().unwrap();
    attempt(
        &mut client,
        sign_body(&wallet, 280, stale),
        "challenge_mismatch",
        &mut challenge,
    );
    // A signature that is not 65 bytes.
    let mut body = sign_body(&wallet, 280, &challenge);
    body["signature"] = json!("c2lnbmF0dXJl");
    attempt(&mut client, body, "invalid_signature", &mut challenge);
    // Expired: an hour later the current challenge cannot be signed; GET re-issues.
    sandbox.clock().advance(Duration::from_secs(3601));
    client.login();
    attempt(
        &mut client,
        sign_body(&wallet, 280, &challenge),
        "challenge_expired",
        &mut challenge,
    );
    sandbox.clock().advance(Duration::from_secs(3601));
    client.login();
    let fresh = client.get(&format!("/v1/customers/{id}/challenge")).json()["challenge"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(fresh, challenge);
    // The raw 65-byte encoding works too.
    let message = b64decode(&fresh);
    let body = json!({"ownerId": wallet.chain_id(280), "challenge": fresh, "signature": wallet.sign_raw_field(&message)});
    assert_eq!(client.send("POST", &path, Some(&body)).status, 204);
}

#[test]
fn state_machine() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    let wallet = Wallet::new();
    let customer = create(&mut client, &wallet.chain_id(280), "e").json();
    let id = customer["id"].as_str().unwrap().to_string();
    let verify = format!("/v1/simulator/customers/{id}/verify");
    let deactivate = format!("/v1/customers/{id}/deactivate");
    let resp = client.send("PATCH", &verify, None);
    assert_eq!((resp.status, resp.code().as_str()), (409, "invalid_state"));
    assert_eq!(
        client.send("PATCH", &deactivate, None).code(),
        "invalid_state"
    );
    let body = sign_body(&wallet, 280, customer["challenge"].as_str().unwrap());
    assert_eq!(
        client
            .send(
                "POST",
                &format!("/v1/customers/{id}/challenge/sign"),
                Some(&body)
            )
            .status,
        204
    );
    assert_eq!(sandbox.customers()[0]["status"], "screening");
    assert_eq!(status(&mut client, &id), "screening");
    assert_eq!(status(&mut client, &id), "verifying");
    let resp = client.send(
        "POST",
        &format!("/v1/customers/{id}/challenge/sign"),
        Some(&body),
    );
    assert_eq!(resp.code(), "invalid_state");
    assert_eq!(
        client.get(&format!("/v1/customers/{id}/challenge")).code(),
        "invalid_state"
    );
    let resp = client.send("PATCH", &verify, None);
    assert_eq!(resp.status, 202);
    assert_eq!(resp.json()["status"], "active");
    assert_eq!(client.send("PATCH", &verify, None).status, 409);
    assert_eq!(
        client
            .send(
                "PATCH",
                &format!("/v1/simulator/customers/{id}/reject"),
                None
            )
            .status,
        409
    );
    let resp = client.send("PATCH", &deactivate, None);
    assert_eq!(
        (resp.status, resp.json()["status"].clone()),
        (200, json!("inactive"))
    );
    assert_eq!(client.send("PATCH", &deactivate, None).status, 409);
    // Rejection is final.
    let (other, _) = {
        let w = Wallet::new();
        let c = create(&mut client, &w.chain_id(280), "r").json();
        (c["id"].as_str().unwrap().to_string(), w)
    };
    let resp = client.send(
        "PATCH",
        &format!("/v1/simulator/customers/{other}/reject"),
        None,
    );
    assert_eq!(
        (resp.status, resp.json()["status"].clone()),
        (202, json!("rejected"))
    );
    assert_eq!(
        client
            .send(
                "PATCH",
                &format!("/v1/simulator/customers/{other}/verify"),
                None
            )
            .status,
        409
    );
    assert_eq!(
        client
            .send("PATCH", "/v1/simulator/customers/nope/verify", None)
            .status,
        404
    );
}

#[test]
fn helper_onboards_to_active() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    let (id, _) = active_customer(&mut client);
    assert_eq!(status(&mut client, &id), "active");
}
