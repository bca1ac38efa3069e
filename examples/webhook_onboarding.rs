//! Onboarding driven by webhooks: no thread polls while KYC or the account's deployment
//! takes its time.
//!
//! 1. a local HTTP endpoint (`std::net::TcpListener` on 127.0.0.1) hands each delivery
//!    to a [`WebhookInbox`], which drops duplicates and stale events and re-fetches the
//!    entity through the signed API (a delivery is untrusted);
//! 2. the endpoint is subscribed to `customer.updated` and `account.updated`;
//! 3. `onboard_or_wait` runs as far as it can and returns `Waiting` while OffBlocks has
//!    the next move;
//! 4. each customer or account the inbox hands over runs `onboard_or_wait` again, which
//!    continues where it stopped (creating nothing twice) until `Done`.
//!
//! With no settings it starts the local OffBlocks emulator in-process (HTTPS, as
//! production), with KYC taking 2 s (`verification_delay`) and webhook deliveries
//! duplicated and reordered:
//!
//!     cargo run --release --example webhook_onboarding
//!
//! Against another server, set the variables of `examples/onboarding.rs`
//! (`OFFBLOCKS_BASE_URL`, `OFFBLOCKS_API_KEY`, `OFFBLOCKS_API_SECRET`,
//! `OFFBLOCKS_SIGNING_KEY`, optionally `OFFBLOCKS_KEY_ID`, `OFFBLOCKS_WALLET_KEY`,
//! `OFFBLOCKS_CHAIN`, `OFFBLOCKS_SIMULATE_VERIFY`, `OFFBLOCKS_CA_FILE`) and
//! `OFFBLOCKS_WEBHOOK_URL`, the public URL that reaches the local endpoint (a tunnel),
//! with `OFFBLOCKS_WEBHOOK_PORT` the endpoint's port on 127.0.0.1 (default: any free
//! one). `OFFBLOCKS_WEBHOOK_WAIT_SECS` bounds the wait for the next event (default 120).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::{mpsc, Arc};
use std::time::Duration;

use offblocks::inbox::{Received, WebhookInbox, MAX_DELIVERY_BYTES};
use offblocks::models::{NewWebhook, WebhookType};
use offblocks::wallet::{ChainId, Wallet};
use offblocks::{Client, Onboarding, OnboardingRequest, Progress, SigningKey};
use offblocks_sandbox::{Sandbox, SandboxConfig, TlsMode, WebhookFaults};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("webhook onboarding failed: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    // Keeps the emulator alive for the whole run when we started it.
    let mut _sandbox = None;
    let client = match env("OFFBLOCKS_BASE_URL") {
        None => {
            let sandbox = Sandbox::start(SandboxConfig {
                tls: Some(TlsMode::Valid),
                verification_delay: Duration::from_secs(2),
                activation_polls: 0,
                webhook_faults: WebhookFaults {
                    duplicate: 0.5,
                    reorder: true,
                    ..WebhookFaults::default()
                },
                ..SandboxConfig::default()
            })
            .map_err(|e| format!("cannot start the local emulator: {e}"))?;
            println!(
                "local OffBlocks emulator at {} (KYC takes 2 s)",
                sandbox.url()
            );
            let builder = Client::builder()
                .base_url(sandbox.url())
                .credentials(sandbox.api_key(), sandbox.api_secret())
                .signing_key(SigningKey::generate().map_err(|e| e.to_string())?)
                .ca_pem(sandbox.ca_pem().unwrap_or_default());
            _sandbox = Some(sandbox);
            builder.build().map_err(|e| e.to_string())?
        }
        Some(url) => {
            let need = |name: &str| env(name).ok_or_else(|| format!("{name} is not set"));
            let key_path = need("OFFBLOCKS_SIGNING_KEY")?;
            let pem = std::fs::read_to_string(&key_path)
                .map_err(|e| format!("cannot read {key_path}: {e}"))?;
            let mut builder = Client::builder()
                .base_url(url)
                .credentials(need("OFFBLOCKS_API_KEY")?, need("OFFBLOCKS_API_SECRET")?)
                .signing_key_pem(&pem)
                .map_err(|e| format!("{key_path}: {e}"))?;
            if let Some(id) = env("OFFBLOCKS_KEY_ID") {
                builder = builder.key_id(id);
            }
            if let Some(path) = env("OFFBLOCKS_CA_FILE") {
                builder = builder.ca_file(path);
            }
            builder.build().map_err(|e| e.to_string())?
        }
    };
    println!("api: {}", client.base_url().as_str());
    if client.key_id().is_none() {
        let id = client
            .auth()
            .register_signing_key()
            .map_err(|e| format!("registering the signing key: {e}"))?;
        println!("registered the request-signing key as {id}");
    }

    // 1. The endpoint, and 2. its subscription.
    let port: u16 = match env("OFFBLOCKS_WEBHOOK_PORT") {
        Some(p) => p
            .parse()
            .map_err(|_| format!("OFFBLOCKS_WEBHOOK_PORT: not a port: {p}"))?,
        None => 0,
    };
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let callback = env("OFFBLOCKS_WEBHOOK_URL")
        .unwrap_or_else(|| format!("http://{local}/offblocks/webhooks"));
    let inbox = Arc::new(WebhookInbox::new(client.clone()));
    let (events, arrived) = mpsc::channel();
    std::thread::spawn(move || serve(&listener, &inbox, &events));
    let hook = client
        .webhooks()
        .put(&NewWebhook {
            id: None,
            callback_url: callback.clone(),
            types: vec![WebhookType::CustomerUpdated, WebhookType::AccountUpdated],
        })
        .map_err(|e| format!("subscribing {callback}: {e}"))?;
    println!("webhook {} → {callback} (listening on {local})", hook.id);

    // 3. The flow, as far as it goes without waiting.
    let wallet = match env("OFFBLOCKS_WALLET_KEY") {
        Some(hex) => Wallet::from_hex(&hex).map_err(|e| format!("OFFBLOCKS_WALLET_KEY: {e}"))?,
        None => Wallet::random().map_err(|e| e.to_string())?,
    };
    let chain_text = env("OFFBLOCKS_CHAIN").unwrap_or_else(|| "eip155:300".into());
    let chain = ChainId::parse(&chain_text).map_err(|e| format!("OFFBLOCKS_CHAIN: {e}"))?;
    let external_id = uuid::Uuid::new_v4().to_string();
    let mut request = OnboardingRequest::new(external_id.clone(), chain);
    request.simulate_verification = match env("OFFBLOCKS_SIMULATE_VERIFY").as_deref() {
        None => None,
        Some("0" | "false" | "off" | "no") => Some(false),
        Some(_) => Some(true),
    };
    println!(
        "onboarding external id {external_id} for {}",
        wallet.address()
    );
    let wait = Duration::from_secs(
        env("OFFBLOCKS_WEBHOOK_WAIT_SECS")
            .map(|s| {
                s.parse()
                    .map_err(|_| format!("OFFBLOCKS_WEBHOOK_WAIT_SECS: {s}"))
            })
            .transpose()?
            .unwrap_or(120),
    );
    let mut print = |p: &Progress| {
        println!(
            "  [{:>7.1} ms] {:<24} {:<11} {}",
            p.elapsed.as_secs_f64() * 1000.0,
            p.step.as_str(),
            p.status,
            p.message
        );
    };
    let mut run = 1;
    loop {
        println!("run {run} of onboard_or_wait");
        let state = client
            .onboard_or_wait(&request, &wallet, &mut print)
            .map_err(|e| e.to_string())?;
        let waiting = match state {
            Onboarding::Done(done) => {
                println!(
                    "done: customer {} ({}), account {} ({}) at {}",
                    done.customer.id,
                    done.customer.status,
                    done.account.id,
                    done.account.status,
                    done.account.chain_id.as_deref().unwrap_or("-")
                );
                return Ok(());
            }
            Onboarding::Waiting(w) => w,
            other => return Err(format!("unexpected state {other:?}")),
        };
        println!(
            "waiting on {} (customer {} {}); no polling: the next webhook resumes",
            waiting.step.as_str(),
            waiting.customer.id,
            waiting.customer.status
        );
        // 4. Wait for an event about this customer or its account, then resume.
        loop {
            let received = arrived
                .recv_timeout(wait)
                .map_err(|_| format!("no webhook event in {wait:?}"))?;
            let ours = match &received {
                Received::Customer(c) => {
                    println!("event: customer {} is {}", c.id, c.status);
                    c.id == waiting.customer.id
                }
                Received::Account(a) => {
                    println!("event: account {} is {}", a.id, a.status);
                    a.customer_id == waiting.customer.id
                }
                Received::Duplicate { event_id } => {
                    println!("event {event_id}: a duplicate, dropped");
                    false
                }
                Received::Stale { entity_id } => {
                    println!("event for {entity_id}: stale, dropped");
                    false
                }
                other => {
                    println!("event: {other:?}, nothing to do");
                    false
                }
            };
            if ours {
                break;
            }
        }
        run += 1;
    }
}

/// Answers each delivery: `204` once the inbox handled it (passing on what it made of
/// it), `500` when it failed (OffBlocks then retries), `413` for an oversized body.
fn serve(listener: &TcpListener, inbox: &WebhookInbox, events: &mpsc::Sender<Received>) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let status = match read_body(&stream) {
            Err(status) => status,
            Ok(body) => match inbox.receive(&body) {
                Ok(received) => {
                    let _ = events.send(received);
                    "204 No Content"
                }
                Err(e) => {
                    eprintln!("delivery refused: {e}");
                    "500 Internal Server Error"
                }
            },
        };
        let answer = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        let _ = stream.write_all(answer.as_bytes());
    }
}

/// The body of one HTTP/1.1 request (by `Content-Length`), or the status to answer.
fn read_body(stream: &TcpStream) -> Result<Vec<u8>, &'static str> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let mut length = None;
    let mut first = true;
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return Err("400 Bad Request"),
            Ok(_) => {}
        }
        if first {
            if !line.starts_with("POST ") {
                return Err("405 Method Not Allowed");
            }
            first = false;
            continue;
        }
        if line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let length = length.ok_or("411 Length Required")?;
    if length > MAX_DELIVERY_BYTES {
        return Err("413 Content Too Large");
    }
    let mut body = vec![0; length];
    reader
        .read_exact(&mut body)
        .map_err(|_| "400 Bad Request")?;
    Ok(body)
}
