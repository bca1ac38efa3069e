//! Tokens, signing-key registration and credentials.

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::{sandbox, Client, Opts};
use serde_json::json;
use std::time::Duration;

#[test]
fn tokens_are_issued_checked_and_expire() {
    let sandbox = sandbox();
    let mut client = Client::connect(&sandbox);
    let unsigned = Opts {
        unsigned: true,
        ..Opts::default()
    };
    let bad = json!({"apiKey": sandbox.api_key(), "apiSecret": "wrong"});
    let resp = client.request("POST", "/v1/auth/token", Some(&bad), unsigned.clone());
    assert_eq!(
        (resp.status, resp.code().as_str()),
        (401, "invalid_credentials")
    );
    let missing = json!({"apiKey": sandbox.api_key()});
    assert_eq!(
        client
            .request("POST", "/v1/auth/token", Some(&missing), unsigned)
            .status,
        400
    );
    client.login();
    let now = sandbox.clock().now_secs();
    client.register_key();
    assert_eq!(client.get("/v1/customers").status, 200);
    // An unknown token.
    let real = client.token.replace("nope".into());
    let resp = client.get("/v1/customers");
    assert_eq!((resp.status, resp.code().as_str()), (401, "invalid_token"));
    client.token = real;
    // An expired one (the client signs with the sandbox clock, so only the token ages).
    sandbox.clock().advance(Duration::from_secs(3600));
    let resp = client.get("/v1/customers");
    assert_eq!((resp.status, resp.code().as_str()), (401, "invalid_token"));
    client.login();
    assert_eq!(client.get("/v1/customers").status, 200);
    assert!(sandbox.clock().now_secs() >= now + 3600);
}

#[test]
fn token_response_shape() {
    let sandbox = sandbox();
    let mut client = Client::connect(&sandbox);
    let creds = json!({"apiKey": sandbox.api_key(), "apiSecret": sandbox.api_secret()});
    let resp = client.request(
        "POST",
        "/v1/auth/token",
        Some(&creds),
        Opts {
            unsigned: true,
            ..Opts::default()
        },
    );
    let body = resp.json();
    assert_eq!(body["tokenType"], "Bearer");
    let expires = body["expiresAt"].as_i64().unwrap();
    assert!((expires - sandbox.clock().now_secs() - 3600).abs() <= 2);
    assert!(body["token"].as_str().unwrap().len() > 20);
}

#[test]
fn signing_key_registration_rules() {
    let sandbox = sandbox();
    let mut client = Client::connect(&sandbox);
    client.login();
    let unsigned = Opts {
        unsigned: true,
        ..Opts::default()
    };
    let put = |client: &mut Client<'_>, key: String| {
        client.request(
            "PUT",
            "/v1/auth/signing",
            Some(&json!({"publicKey": key})),
            unsigned.clone(),
        )
    };
    // The PEM itself instead of its base64.
    let pem = client.public_pem();
    let resp = put(&mut client, pem.clone());
    assert_eq!(
        (resp.status, resp.code().as_str()),
        (400, "invalid_public_key")
    );
    let private = "-----BEGIN EC PRIVATE KEY-----\nMIGkAgEBBDA=\n-----END EC PRIVATE KEY-----\n";
    let resp = put(&mut client, STANDARD.encode(private));
    assert_eq!(
        (resp.status, resp.code().as_str()),
        (400, "private_key_sent")
    );
    // A P-256 key is not P-384.
    let p256 = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf\nw0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==\n-----END PUBLIC KEY-----\n";
    assert_eq!(
        put(&mut client, STANDARD.encode(p256)).code(),
        "invalid_public_key"
    );
    // No Idempotency-Key.
    let body = json!({"publicKey": STANDARD.encode(client.public_pem())});
    let bytes = client.build("PUT", "/v1/auth/signing", Some(&body), &unsigned);
    let without: String = String::from_utf8(bytes)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("Idempotency-Key"))
        .collect::<Vec<_>>()
        .join("\r\n");
    let resp = client.raw(without.as_bytes()).unwrap();
    assert_eq!(resp.code(), "missing_idempotency_key");
    // Success, and the same key again gives the same id.
    let first = put(&mut client, STANDARD.encode(&pem));
    let second = put(&mut client, STANDARD.encode(&pem));
    assert_eq!(first.status, 200);
    assert_eq!(first.json()["keyId"], second.json()["keyId"]);
    assert_eq!(
        sandbox.register_signing_key(&client.public_pem()),
        first.json()["keyId"].as_str().unwrap()
    );
}

#[test]
fn deleting_the_signing_key_stops_its_signatures() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    assert_eq!(client.send("DELETE", "/v1/auth/signing", None).status, 204);
    let resp = client.get("/v1/customers");
    assert_eq!((resp.status, resp.code().as_str()), (401, "unknown_key_id"));
}

#[test]
fn credentials_can_be_replaced_and_revoked() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    let creds = json!({"apiKey": "11111111-2222-4333-8444-555555555555", "apiSecret": "s3cret"});
    assert_eq!(
        client
            .send("PUT", "/v1/auth/credentials", Some(&creds))
            .status,
        204
    );
    assert_eq!(client.get("/v1/customers").code(), "invalid_token");
    let unsigned = Opts {
        unsigned: true,
        ..Opts::default()
    };
    let old = json!({"apiKey": sandbox.api_key(), "apiSecret": sandbox.api_secret()});
    assert_eq!(
        client
            .request("POST", "/v1/auth/token", Some(&old), unsigned.clone())
            .status,
        401
    );
    let resp = client.request("POST", "/v1/auth/token", Some(&creds), unsigned.clone());
    assert_eq!(resp.status, 200);
    client.token = Some(resp.json()["token"].as_str().unwrap().to_string());
    assert_eq!(
        client.get("/v1/customers").status,
        200,
        "signing keys survive rotation"
    );
    assert_eq!(
        client.send("DELETE", "/v1/auth/credentials", None).status,
        204
    );
    assert_eq!(client.get("/v1/customers").code(), "invalid_token");
    assert_eq!(
        client
            .request("POST", "/v1/auth/token", Some(&creds), unsigned)
            .status,
        401
    );
}

#[test]
fn signature_clock_checks_use_the_sandbox_clock() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    // The server's clock runs 60 s behind the client's: created is in its future.
    let signed_now = client.build("GET", "/v1/customers", None, &Opts::default());
    sandbox.clock().set_offset(-60);
    let resp = client.raw(&signed_now).unwrap();
    assert_eq!(
        (resp.status, resp.code().as_str()),
        (401, "signature_created_in_future")
    );
    assert!(resp.json()["serverTime"].is_i64());
    sandbox.clock().set_offset(400);
    let resp = client.raw(&signed_now).unwrap();
    assert_eq!(resp.code(), "signature_too_old");
}
