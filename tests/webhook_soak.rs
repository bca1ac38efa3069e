//! The webhook soak: many onboardings driven only by webhook events, while the emulator
//! duplicates and reorders every delivery and KYC and the account's deployment take
//! their time. Each flow starts with `onboard_or_wait` and is resumed only when the
//! inbox hands over its customer or account (nothing polls). Afterwards every flow must
//! be done and the server must hold exactly one customer and one account per flow.
//!
//! The test command runs 200 onboardings on 8 threads; more:
//!
//!     OFFBLOCKS_WEBHOOK_SOAK_FLOWS=2000 cargo test --release --test webhook_soak -- --nocapture

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use offblocks::inbox::{Received, WebhookInbox};
use offblocks::models::{NewWebhook, WebhookType};
use offblocks::time::Timestamp;
use offblocks::wallet::{ChainId, Wallet};
use offblocks::{Client, Onboarding, OnboardingRequest, SigningKey};
use offblocks_sandbox::{Sandbox, SandboxConfig, WebhookFaults};

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// One flow as the driver sees it.
#[derive(Default)]
struct Flow {
    customer: Option<String>,
    /// A run is under way or queued.
    running: bool,
    /// Events that arrived while it ran (entity id, `updatedAt`): run again when one is
    /// newer than what the run ended waiting on.
    dirty: Vec<(String, Timestamp)>,
    done: bool,
    runs: usize,
    /// What the last run waited on: the entity's id and `updatedAt`.
    waiting: Option<(String, Timestamp)>,
}

impl Flow {
    /// Whether the last run ended waiting on `entity` as of `updated` or later.
    fn seen(&self, entity: &str, updated: Timestamp) -> bool {
        self.waiting
            .as_ref()
            .is_some_and(|(id, at)| id == entity && updated <= *at)
    }
}

/// What the workers and the endpoint share.
#[derive(Default)]
struct Tracker {
    flows: Vec<Flow>,
    by_customer: HashMap<String, usize>,
    /// Events for customers no run has reported yet: (entity id, `updatedAt`).
    early: HashMap<String, Vec<(String, Timestamp)>>,
    queue: VecDeque<usize>,
    done: usize,
    failed: Vec<String>,
    handed: usize,
    duplicates: usize,
    stale: usize,
}

impl Tracker {
    /// `entity` of `customer` was handed over as of `updated`: resume its flow (once,
    /// however many events arrive), unless the flow already waits on that state or a
    /// later one.
    fn event(&mut self, customer: &str, entity: &str, updated: Timestamp) {
        let Some(&i) = self.by_customer.get(customer) else {
            let early = self.early.entry(customer.to_owned()).or_default();
            early.push((entity.to_owned(), updated));
            return;
        };
        let flow = &mut self.flows[i];
        if flow.done {
        } else if flow.running {
            flow.dirty.push((entity.to_owned(), updated));
        } else if !flow.seen(entity, updated) {
            flow.running = true;
            self.queue.push_back(i);
        }
    }
}

struct Shared {
    tracker: Mutex<Tracker>,
    wake: Condvar,
}

#[test]
fn webhook_driven_onboardings_complete_from_events_alone() {
    let flows = env_usize("OFFBLOCKS_WEBHOOK_SOAK_FLOWS").unwrap_or(200);
    let threads = env_usize("OFFBLOCKS_WEBHOOK_SOAK_THREADS").unwrap_or(8);
    let sandbox = Sandbox::start(SandboxConfig {
        // Deployment by time only: a read never moves an account on.
        activation_polls: 0,
        verification_delay: Duration::from_millis(300),
        webhook_faults: WebhookFaults {
            duplicate: 0.5,
            reorder: true,
            reorder_window: Duration::from_millis(100),
            ..WebhookFaults::default()
        },
        ..SandboxConfig::default()
    })
    .unwrap();
    let client = Client::builder()
        .base_url(sandbox.url())
        .credentials(sandbox.api_key(), sandbox.api_secret())
        .signing_key(SigningKey::generate().unwrap())
        .build()
        .unwrap();
    client.auth().register_signing_key().unwrap();
    let shared = Arc::new(Shared {
        tracker: Mutex::new(Tracker {
            flows: (0..flows).map(|_| Flow::default()).collect(),
            queue: (0..flows).collect(),
            ..Tracker::default()
        }),
        wake: Condvar::new(),
    });
    for flow in &mut shared.tracker.lock().unwrap().flows {
        flow.running = true;
    }

    // The endpoint: each delivery through the inbox, then to the tracker.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let inbox = WebhookInbox::new(client.clone());
    let endpoint = Arc::clone(&shared);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let body = read_body(&mut stream);
            let status = match inbox.receive(&body) {
                Ok(received) => {
                    let mut t = endpoint.tracker.lock().unwrap();
                    match received {
                        Received::Customer(c) => {
                            t.handed += 1;
                            t.event(&c.id, &c.id, c.updated_at);
                        }
                        Received::Account(a) => {
                            t.handed += 1;
                            t.event(&a.customer_id, &a.id, a.updated_at);
                        }
                        Received::Duplicate { .. } => t.duplicates += 1,
                        Received::Stale { .. } => t.stale += 1,
                        _ => {}
                    }
                    drop(t);
                    endpoint.wake.notify_all();
                    "204 No Content"
                }
                Err(_) => "500 Internal Server Error",
            };
            let answer = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n");
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    client
        .webhooks()
        .put(&NewWebhook {
            id: None,
            callback_url: url,
            types: vec![WebhookType::CustomerUpdated, WebhookType::AccountUpdated],
        })
        .unwrap();

    let started = Instant::now();
    let deadline = started + Duration::from_secs(120);
    let wallets: Arc<Vec<Wallet>> =
        Arc::new((0..flows).map(|_| Wallet::random().unwrap()).collect());
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (shared, client, wallets) =
                (Arc::clone(&shared), client.clone(), Arc::clone(&wallets));
            std::thread::spawn(move || work(&shared, &client, &wallets, deadline))
        })
        .collect();
    {
        let mut t = shared.tracker.lock().unwrap();
        while t.done + t.failed.len() < flows && Instant::now() < deadline {
            t = shared
                .wake
                .wait_timeout(t, Duration::from_millis(200))
                .unwrap()
                .0;
        }
    }
    shared.wake.notify_all();
    for w in workers {
        w.join().unwrap();
    }
    let elapsed = started.elapsed();
    let t = shared.tracker.lock().unwrap();
    let runs: usize = t.flows.iter().map(|f| f.runs).sum();
    let customers = sandbox.customers();
    let accounts = sandbox.accounts();
    let external: HashSet<&str> = customers
        .iter()
        .map(|c| c["externalId"].as_str().unwrap())
        .collect();
    let owners: HashSet<&str> = accounts
        .iter()
        .map(|a| a["customerId"].as_str().unwrap())
        .collect();
    let deliveries = sandbox.webhook_deliveries();
    let copies = deliveries.iter().filter(|d| d.duplicate).count();
    println!(
        "webhook soak: {flows} flows on {threads} threads in {elapsed:?}: {} done, {} failed, \
         {runs} runs of onboard_or_wait; {} deliveries ({copies} duplicated copies): {} \
         handed over, {} duplicates and {} stale dropped; {} customers, {} accounts",
        t.done,
        t.failed.len(),
        deliveries.len(),
        t.handed,
        t.duplicates,
        t.stale,
        customers.len(),
        accounts.len()
    );
    assert!(t.failed.is_empty(), "failed flows: {:?}", t.failed);
    assert_eq!(t.done, flows, "every flow done (none lost)");
    assert_eq!(customers.len(), flows, "one customer per flow");
    assert_eq!(external.len(), flows, "no external id twice");
    assert_eq!(accounts.len(), flows, "one account per flow");
    assert_eq!(owners.len(), flows, "no customer with two accounts");
    assert!(
        accounts.iter().all(|a| a["status"] == "active"),
        "every account active"
    );
    assert!(copies > 0, "the fault mode duplicated deliveries");
}

/// Runs queued flows until every flow is done or failed, or the deadline passes.
fn work(shared: &Shared, client: &Client, wallets: &[Wallet], deadline: Instant) {
    loop {
        let i = {
            let mut t = shared.tracker.lock().unwrap();
            loop {
                if t.done + t.failed.len() == t.flows.len() || Instant::now() >= deadline {
                    return;
                }
                if let Some(i) = t.queue.pop_front() {
                    t.flows[i].runs += 1;
                    break i;
                }
                t = shared
                    .wake
                    .wait_timeout(t, Duration::from_millis(200))
                    .unwrap()
                    .0;
            }
        };
        let req = OnboardingRequest::new(format!("webhook-soak-{i}"), ChainId::eip155(300));
        let outcome = client.onboard_or_wait(&req, &wallets[i], &mut |_| {});
        let mut t = shared.tracker.lock().unwrap();
        match outcome {
            Ok(Onboarding::Done(_)) => {
                t.flows[i].done = true;
                t.flows[i].running = false;
                t.done += 1;
            }
            Ok(Onboarding::Waiting(w)) => {
                let waiting = match &w.account {
                    Some(a) => (a.id.clone(), a.updated_at),
                    None => (w.customer.id.clone(), w.customer.updated_at),
                };
                let id = w.customer.id;
                t.by_customer.insert(id.clone(), i);
                let early = t.early.remove(&id).unwrap_or_default();
                let flow = &mut t.flows[i];
                flow.customer = Some(id);
                flow.waiting = Some(waiting);
                let newer = std::mem::take(&mut flow.dirty)
                    .into_iter()
                    .chain(early)
                    .any(|(entity, at)| !flow.seen(&entity, at));
                if newer {
                    t.queue.push_back(i);
                } else {
                    flow.running = false;
                }
            }
            Ok(other) => t.failed.push(format!("flow {i}: {other:?}")),
            Err(e) => t.failed.push(format!("flow {i}: {e}")),
        }
        drop(t);
        shared.wake.notify_all();
    }
}

/// The body of one HTTP/1.1 request, by its `Content-Length`.
fn read_body(stream: &mut std::net::TcpStream) -> Vec<u8> {
    let mut reader = BufReader::new(stream);
    let (mut line, mut length) = (String::new(), 0);
    while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        line.clear();
    }
    let mut body = vec![0; length.min(64 * 1024)];
    let _ = reader.read_exact(&mut body);
    body
}
