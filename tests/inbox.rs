//! The webhook inbox against the emulator's real deliveries: what it hands over comes from
//! the signed API, never from the delivery's body; duplicates and stale events are dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use offblocks::inbox::{EventStore, MemoryEventStore, Received, WebhookInbox, MAX_DELIVERY_BYTES};
use offblocks::models::{CustomerStatus, NewWebhook, WebhookType};
use offblocks::wallet::{ChainId, Wallet};
use offblocks::{Client, Error, OnboardingRequest, SigningKey};
use offblocks_sandbox::{Sandbox, SandboxConfig, WebhookFaults};

fn client_for(sandbox: &Sandbox) -> Client {
    let client = Client::builder()
        .base_url(sandbox.url())
        .credentials(sandbox.api_key(), sandbox.api_secret())
        .signing_key(SigningKey::generate().unwrap())
        .build()
        .unwrap();
    client.auth().register_signing_key().unwrap();
    client
}

/// A loopback endpoint acknowledging every delivery and passing its body on.
fn endpoint() -> (String, mpsc::Receiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/offblocks", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut line, mut length) = (String::new(), 0);
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
                line.clear();
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
            if tx.send(body).is_err() {
                return;
            }
        }
    });
    (url, rx)
}

fn subscribe(client: &Client, url: &str) {
    client
        .webhooks()
        .put(&NewWebhook {
            id: None,
            callback_url: url.into(),
            types: vec![WebhookType::CustomerUpdated, WebhookType::AccountUpdated],
        })
        .unwrap();
}

/// Every delivery until `quiet` passes without one.
fn drain(rx: &mpsc::Receiver<Vec<u8>>, quiet: Duration) -> Vec<Vec<u8>> {
    let mut all = Vec::new();
    while let Ok(body) = rx.recv_timeout(quiet) {
        all.push(body);
    }
    all
}

#[test]
fn duplicated_and_reordered_deliveries_hand_over_each_state_once() {
    let sandbox = Sandbox::start(SandboxConfig {
        activation_polls: 0,
        webhook_faults: WebhookFaults {
            duplicate: 1.0,
            reorder: true,
            ..WebhookFaults::default()
        },
        ..SandboxConfig::default()
    })
    .unwrap();
    let client = client_for(&sandbox);
    let (url, rx) = endpoint();
    subscribe(&client, &url);
    let wallet = Wallet::random().unwrap();
    let done = client
        .onboard(
            &OnboardingRequest::new("inbox-1", ChainId::eip155(300)),
            &wallet,
            &mut |_| {},
        )
        .unwrap();
    let deliveries = drain(&rx, Duration::from_millis(800));
    assert!(deliveries.len() >= 8, "{} deliveries", deliveries.len());
    let inbox = WebhookInbox::new(client.clone());
    let mut handed = Vec::new();
    let mut duplicates = 0;
    for body in &deliveries {
        match inbox.receive(body).unwrap() {
            Received::Customer(c) => handed.push((c.id.clone(), c.updated_at)),
            Received::Account(a) => handed.push((a.id.clone(), a.updated_at)),
            Received::Duplicate { .. } => duplicates += 1,
            Received::Stale { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    // Every event came twice: half are duplicates.
    assert_eq!(duplicates * 2, deliveries.len());
    // Each entity's state was handed over at most once per updatedAt, never going back.
    for id in [&done.customer.id, &done.account.id] {
        let times: Vec<_> = handed
            .iter()
            .filter(|(e, _)| e == id)
            .map(|(_, t)| *t)
            .collect();
        assert!(!times.is_empty(), "nothing handed over for {id}");
        assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    }
}

#[test]
fn a_forged_delivery_hands_over_the_servers_state_not_its_own() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let client = client_for(&sandbox);
    let wallet = Wallet::random().unwrap();
    let customer = client
        .customers()
        .create(&offblocks::models::NewCustomer {
            chain_id: wallet.account_id(&ChainId::eip155(300)).to_string(),
            external_id: "forged-1".into(),
        })
        .unwrap();
    let inbox = WebhookInbox::new(client.clone());
    let forged = serde_json::json!({
        "webhookType": "customer.updated",
        "eventId": "e-forged",
        "id": customer.id,
        "externalId": "forged-1",
        "chainId": customer.chain_id,
        "status": "active",
        "createdAt": "2030-01-01T00:00:00Z",
        "updatedAt": "2030-01-01T00:00:00Z",
    });
    match inbox.receive(forged.to_string().as_bytes()).unwrap() {
        Received::Customer(c) => assert_eq!(c.status, CustomerStatus::Initiating),
        other => panic!("{other:?}"),
    }
    // An entity that does not exist: the fetch fails, nothing is recorded.
    let mut unknown = forged.clone();
    unknown["id"] = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d".into();
    unknown["eventId"] = "e-unknown".into();
    let err = inbox.receive(unknown.to_string().as_bytes()).unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    assert!(!inbox.store().seen("e-unknown").unwrap());
}

#[test]
fn malformed_and_oversized_deliveries_are_refused() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let inbox = WebhookInbox::with_store(client_for(&sandbox), MemoryEventStore::with_capacity(8));
    let big = vec![b' '; MAX_DELIVERY_BYTES + 1];
    assert!(matches!(inbox.receive(&big), Err(Error::InvalidInput(_))));
    assert!(matches!(inbox.receive(b"[1,2]"), Err(Error::Decode { .. })));
    assert!(matches!(
        inbox.receive(b"{\"eventId\":\"x\"}"),
        Err(Error::Decode { .. })
    ));
    let long_id = format!(
        r#"{{"webhookType":"card.created","eventId":"{}","id":"c"}}"#,
        "e".repeat(200)
    );
    assert!(matches!(
        inbox.receive(long_id.as_bytes()),
        Err(Error::InvalidInput(_))
    ));
    let other = br#"{"webhookType":"card.created","eventId":"e1","id":"x"}"#;
    assert!(matches!(
        inbox.receive(other).unwrap(),
        Received::Ignored { .. }
    ));
}

/// One delivery as the endpoint received it: headers (names lowercased) and body.
struct Delivery {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Delivery {
    fn header_pairs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }
}

/// Like [`endpoint`], keeping each delivery's headers.
fn endpoint_with_headers() -> (String, mpsc::Receiver<Delivery>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/signed", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut line, mut headers) = (String::new(), Vec::new());
            reader.read_line(&mut line).unwrap();
            line.clear();
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                if let Some((n, v)) = line.trim_end().split_once(':') {
                    headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
                }
                line.clear();
            }
            let length = headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .map_or(0, |(_, v)| v.parse().unwrap());
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
            if tx.send(Delivery { headers, body }).is_err() {
                return;
            }
        }
    });
    (url, rx)
}

/// An emulator signing its deliveries, a client, and the first customer delivery.
fn signed_delivery() -> (Sandbox, Client, Delivery) {
    let sandbox = Sandbox::start(SandboxConfig {
        webhook_signing_key: Some(offblocks_sandbox::generate_webhook_signing_key()),
        ..SandboxConfig::default()
    })
    .unwrap();
    let client = client_for(&sandbox);
    let (url, rx) = endpoint_with_headers();
    subscribe(&client, &url);
    let wallet = Wallet::random().unwrap();
    client
        .customers()
        .create(&offblocks::models::NewCustomer {
            chain_id: wallet.account_id(&ChainId::eip155(300)).to_string(),
            external_id: "signed-1".into(),
        })
        .unwrap();
    let delivery = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    (sandbox, client, delivery)
}

#[test]
fn signed_deliveries_are_verified_before_anything_else() {
    let (sandbox, client, delivery) = signed_delivery();
    let pem = sandbox.webhook_public_key_pem().unwrap();
    let inbox = WebhookInbox::builder(client.clone())
        .verify_with(&pem)
        .build()
        .unwrap();
    assert!(inbox.verifies_signatures());
    let headers = delivery.header_pairs();
    let refused = |body: &[u8], headers: &[(&str, &str)]| {
        let err = inbox.receive_delivery(body, headers).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err}");
        err.to_string()
    };
    // The body altered: its digest no longer matches.
    let mut altered = delivery.body.clone();
    let at = altered.iter().position(|b| *b == b'{').unwrap();
    altered.insert(at + 1, b' ');
    assert!(refused(&altered, &headers).contains("does not match the body"));
    // The digest altered with the body: the signature no longer verifies.
    let digest = offblocks::httpsig::content_digest(&altered, Default::default());
    let mut forged: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(n, _)| *n != "content-digest")
        .copied()
        .collect();
    forged.push(("content-digest", &digest));
    assert!(refused(&altered, &forged).contains("does not verify"));
    // Unsigned: refused while verification is on.
    assert!(refused(&delivery.body, &[]).contains("unsigned"));
    assert!(inbox.receive(&delivery.body).is_err());
    // Another key.
    let other = WebhookInbox::builder(client.clone())
        .verify_with(&SigningKey::generate().unwrap().public_key_pem())
        .build()
        .unwrap();
    let err = other
        .receive_delivery(&delivery.body, &headers)
        .unwrap_err();
    assert!(err.to_string().contains("does not verify"), "{err}");
    // Nothing refused was recorded; the genuine delivery is handed over.
    let event: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
    let event_id = event["eventId"].as_str().unwrap();
    assert!(!inbox.store().seen(event_id).unwrap());
    assert!(matches!(
        inbox.receive_delivery(&delivery.body, &headers).unwrap(),
        Received::Customer(_)
    ));
    assert!(inbox.store().seen(event_id).unwrap());
}

#[test]
fn without_a_key_unsigned_and_signed_deliveries_are_accepted() {
    let (_sandbox, client, delivery) = signed_delivery();
    let inbox = WebhookInbox::builder(client).build().unwrap();
    assert!(!inbox.verifies_signatures());
    let mut body: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
    assert!(matches!(
        inbox
            .receive_delivery(&delivery.body, &delivery.header_pairs())
            .unwrap(),
        Received::Customer(_)
    ));
    body["eventId"] = "another-event".into();
    body["updatedAt"] = "2099-01-01T00:00:00Z".into();
    // With the signature of another body, and unsigned: neither verified, both re-fetched
    // (and stale: the server's state was handed over already).
    let altered = body.to_string();
    assert!(matches!(
        inbox
            .receive_delivery(altered.as_bytes(), &delivery.header_pairs())
            .unwrap(),
        Received::Stale { .. }
    ));
    body["eventId"] = "a-third-event".into();
    assert!(matches!(
        inbox.receive(body.to_string().as_bytes()).unwrap(),
        Received::Stale { .. }
    ));
}

#[test]
fn a_bad_key_or_a_stale_signature_is_refused() {
    let (sandbox, client, delivery) = signed_delivery();
    let err = WebhookInbox::builder(client.clone())
        .verify_with("not a key")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Key(_)), "{err}");
    // A delivery signed at most a second ago, checked with no age allowed once a whole
    // second has passed.
    let inbox = WebhookInbox::builder(client)
        .verify_with(&sandbox.webhook_public_key_pem().unwrap())
        .max_signature_age(Duration::ZERO)
        .build()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    let err = inbox
        .receive_delivery(&delivery.body, &delivery.header_pairs())
        .unwrap_err();
    assert!(err.to_string().contains("before now"), "{err}");
}
