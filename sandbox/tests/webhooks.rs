//! Webhook delivery: every status change POSTed to its subscriptions, retried until a
//! 2xx, and the duplicate/reorder fault mode.

mod common;

use common::{active_customer, sandbox, Client};
use offblocks_sandbox::{Sandbox, SandboxConfig, WebhookDelivery, WebhookFaults};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A loopback endpoint that answers `503` to the first `fail_first` deliveries, then `204`,
/// and keeps the bodies it acknowledged.
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Value>>>,
}

impl Receiver {
    fn start(fail_first: usize) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&received);
        std::thread::spawn(move || {
            let mut seen = 0;
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0;
                let mut line = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                seen += 1;
                let status = if seen <= fail_first {
                    "503 Busy"
                } else {
                    "204 No Content"
                };
                if seen > fail_first {
                    kept.lock()
                        .unwrap()
                        .push(serde_json::from_slice(&body).unwrap());
                }
                let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n");
            }
        });
        Receiver { url, received }
    }

    fn bodies(&self) -> Vec<Value> {
        self.received.lock().unwrap().clone()
    }
}

fn subscribe(client: &mut Client<'_>, url: &str, types: &[&str]) {
    let resp = client.send(
        "PUT",
        "/v1/webhooks",
        Some(&json!({"callbackUrl": url, "types": types})),
    );
    assert_eq!(resp.status, 200, "{:?}", resp.json());
}

/// Waits until `done` holds for the deliveries (at most 10 s).
fn wait_for(sandbox: &Sandbox, done: impl Fn(&[WebhookDelivery]) -> bool) -> Vec<WebhookDelivery> {
    let start = Instant::now();
    loop {
        let deliveries = sandbox.webhook_deliveries();
        if done(&deliveries) {
            return deliveries;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "gave up: {deliveries:#?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn statuses(deliveries: &[WebhookDelivery], entity: &str) -> Vec<String> {
    deliveries
        .iter()
        .filter(|d| d.entity_id == entity && !d.duplicate)
        .map(|d| d.status.clone())
        .collect()
}

#[test]
fn every_status_change_is_delivered_until_acknowledged() {
    let sandbox = sandbox();
    let receiver = Receiver::start(2);
    let mut client = Client::ready(&sandbox);
    subscribe(&mut client, &receiver.url, &["customer.updated"]);
    let (id, _) = active_customer(&mut client);
    // initiating (created), screening (signed); verifying then active come from the
    // simulator's verify, which passes screening on its way.
    let deliveries = wait_for(&sandbox, |d| {
        d.iter().any(|d| d.status == "active") && d.iter().all(|d| d.acknowledged)
    });
    let seen = statuses(&deliveries, &id);
    assert_eq!(
        seen.first().map(String::as_str),
        Some("initiating"),
        "{seen:?}"
    );
    assert_eq!(seen.last().map(String::as_str), Some("active"), "{seen:?}");
    assert!(deliveries
        .iter()
        .all(|d| d.webhook_type == "customer.updated"));
    // The first two attempts were refused with 503 and retried.
    assert!(deliveries.iter().any(|d| d.attempts > 1 && d.acknowledged));
    let body = receiver
        .bodies()
        .into_iter()
        .find(|b| b["status"] == "active")
        .unwrap();
    assert_eq!(body["webhookType"], "customer.updated");
    assert_eq!(body["id"], id.as_str());
    assert!(body["eventId"].as_str().is_some_and(|e| e.len() == 36));
    assert!(body["updatedAt"].as_str().is_some());
}

#[test]
fn account_changes_reach_account_subscriptions_only() {
    let sandbox = sandbox();
    let accounts = Receiver::start(0);
    let customers = Receiver::start(0);
    let mut client = Client::ready(&sandbox);
    subscribe(&mut client, &accounts.url, &["account.updated"]);
    subscribe(&mut client, &customers.url, &["customer.updated"]);
    let (customer, _) = active_customer(&mut client);
    let created = client.send(
        "POST",
        &format!("/v1/customers/{customer}/accounts"),
        Some(&json!({"type": "card_account", "currencies": ["EUR"]})),
    );
    assert_eq!(created.status, 201, "{:?}", created.json());
    let account = created.json()["id"].as_str().unwrap().to_string();
    let deliveries = wait_for(&sandbox, |d| {
        d.iter().any(|d| d.entity_id == account && d.acknowledged)
    });
    for d in &deliveries {
        let to = if d.webhook_type == "account.updated" {
            &accounts.url
        } else {
            &customers.url
        };
        assert_eq!(&d.callback_url, to, "{d:?}");
    }
    assert_eq!(statuses(&deliveries, &account), ["initiating"]);
}

#[test]
fn the_fault_mode_duplicates_and_reorders() {
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
    let receiver = Receiver::start(0);
    let mut client = Client::ready(&sandbox);
    subscribe(&mut client, &receiver.url, &["customer.updated"]);
    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(active_customer(&mut client).0);
    }
    let deliveries = wait_for(&sandbox, |d| {
        d.len() >= 2 * 4 * 3 && d.iter().all(|d| d.acknowledged)
    });
    // Each event twice, under the same event id.
    for event in deliveries.iter().filter(|d| !d.duplicate) {
        let copies = deliveries
            .iter()
            .filter(|d| d.event_id == event.event_id)
            .count();
        assert_eq!(copies, 2, "{event:?}");
    }
    // Out of order: some later change arrived before an earlier one.
    let order: Vec<(String, String)> = receiver
        .bodies()
        .iter()
        .map(|b| {
            (
                b["id"].as_str().unwrap().to_string(),
                b["updatedAt"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let reordered = order.windows(2).any(|w| w[1].1 < w[0].1);
    assert!(reordered, "{order:?}");
}

#[test]
fn callbacks_off_loopback_are_not_delivered() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    subscribe(
        &mut client,
        "https://hooks.example/offblocks",
        &["customer.updated"],
    );
    active_customer(&mut client);
    let deliveries = wait_for(&sandbox, |d| d.len() >= 2 && d.iter().all(|d| d.discarded));
    assert!(deliveries
        .iter()
        .all(|d| d.attempts == 1 && d.last_status.is_none()));
}

#[test]
fn the_control_api_lists_deliveries_and_sets_faults() {
    let sandbox = sandbox();
    let mut client = Client::ready(&sandbox);
    let resp = client.send(
        "POST",
        "/_sandbox/webhooks/faults",
        Some(&json!({"duplicate": 2})),
    );
    assert_eq!(resp.status, 400);
    let resp = client.send(
        "POST",
        "/_sandbox/webhooks/faults",
        Some(&json!({"attempts": 1})),
    );
    assert_eq!(resp.status, 200, "{:?}", resp.json());
    let receiver = Receiver::start(usize::MAX);
    subscribe(&mut client, &receiver.url, &["customer.updated"]);
    active_customer(&mut client);
    wait_for(&sandbox, |d| !d.is_empty() && d.iter().all(|d| d.discarded));
    let listed = client.get("/_sandbox/webhooks").json();
    let first = &listed.as_array().unwrap()[0];
    assert_eq!(first["attempts"], 1);
    assert_eq!(first["lastStatus"], 503);
    assert_eq!(first["discarded"], true);
}
