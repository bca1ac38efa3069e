//! What operators ask of a payment SDK: a proxy, and a hook that sees every attempt of
//! every call (with the request ids of successful calls too).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use offblocks::models::NewCustomer;
use offblocks::{Attempt, Client, ClientBuilder, RetryPolicy, SigningKey};
use offblocks_sandbox::{ConnectProxy, FaultKind, FaultRule, Sandbox, SandboxConfig};

const OWNER: &str = "eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

fn builder(sandbox: &Sandbox) -> ClientBuilder {
    Client::builder()
        .base_url(sandbox.url())
        .credentials(sandbox.api_key(), sandbox.api_secret())
        .signing_key(SigningKey::generate().unwrap())
        .retry(RetryPolicy {
            max_attempts: 3,
            base_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
            ..RetryPolicy::default()
        })
}

#[test]
fn every_call_goes_through_the_configured_proxy() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let proxy = ConnectProxy::start().unwrap();
    let with_password = proxy.url().replace("http://", "http://ops:pr0xy-pa55@");
    let client = builder(&sandbox).proxy(with_password).build().unwrap();
    client.auth().register_signing_key().unwrap();
    client.customers().list().unwrap();
    let tunnels = proxy.tunnels();
    let url = sandbox.url();
    let target = url.trim_start_matches("http://").trim_end_matches("/v1");
    assert!(!tunnels.is_empty());
    for t in &tunnels {
        assert_eq!(t.target, target);
        // Basic base64("ops:pr0xy-pa55").
        assert_eq!(
            t.proxy_authorization.as_deref(),
            Some("Basic b3BzOnByMHh5LXBhNTU=")
        );
    }
    // The password never shows: not in the client's Debug, not in errors.
    assert!(!format!("{client:?}").contains("pr0xy-pa55"));
}

#[test]
fn a_dead_proxy_is_a_transport_error_that_names_no_password() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://ops:pr0xy-pa55@{}", dead.local_addr().unwrap());
    drop(dead);
    let client = builder(&sandbox)
        .proxy(url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.auth().token().unwrap_err();
    assert!(matches!(err, offblocks::Error::Transport { .. }), "{err}");
    assert!(!err.to_string().contains("pr0xy-pa55"), "{err}");
}

#[test]
fn proxies_other_than_http_are_refused_at_build() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    for url in ["socks5://127.0.0.1:1080", "ftp://p:1", "not a url"] {
        let err = builder(&sandbox).proxy(url).build().unwrap_err();
        assert!(matches!(err, offblocks::Error::Config(_)), "{url}: {err}");
    }
}

#[test]
fn the_observer_sees_every_attempt_and_no_secret() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let seen: Arc<Mutex<Vec<Attempt>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let client = builder(&sandbox)
        .observer(move |a| sink.lock().unwrap().push(a.clone()))
        .build()
        .unwrap();
    client.auth().register_signing_key().unwrap();
    let mut rule = FaultRule::new("/v1/customers", FaultKind::Status(503));
    rule.method = Some("POST".into());
    rule.remaining = Some(1);
    sandbox.add_fault(rule);
    let customer = client
        .customers()
        .create(&NewCustomer {
            chain_id: OWNER.into(),
            external_id: "observed".into(),
        })
        .unwrap();
    client.customers().get(&customer.id).unwrap();

    let seen = seen.lock().unwrap().clone();
    let summary: Vec<(&str, &str, u32, Option<u16>)> = seen
        .iter()
        .map(|a| (a.method, a.path.as_str(), a.attempt, a.status))
        .collect();
    let get_path = format!("/v1/customers/{}", customer.id);
    assert_eq!(
        summary,
        [
            ("POST", "/v1/auth/token", 1, Some(200)),
            ("PUT", "/v1/auth/signing", 1, Some(200)),
            ("POST", "/v1/customers", 1, Some(503)),
            ("POST", "/v1/customers", 2, Some(201)),
            ("GET", get_path.as_str(), 1, Some(200)),
        ]
    );
    // The retry kept its Idempotency-Key; every answer's request id is there, the
    // successful ones' included, and each is the server's own.
    assert_eq!(seen[2].idempotency_key, seen[3].idempotency_key);
    assert!(seen[2].idempotency_key.is_some() && seen[4].idempotency_key.is_none());
    let logged: Vec<String> = sandbox
        .request_log()
        .into_iter()
        .map(|r| r.request_id)
        .collect();
    for a in &seen {
        let id = a.request_id.as_deref().expect("a request id");
        assert!(
            logged.iter().any(|l| l == id),
            "{id} not in the server's log"
        );
        assert!(a.error.is_none() && a.duration > Duration::ZERO);
    }
    let dump = format!("{seen:?}");
    assert!(
        !dump.contains(sandbox.api_secret()) && !dump.contains("Bearer"),
        "{dump}"
    );
}

#[test]
fn the_observer_sees_transport_failures() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", dead.local_addr().unwrap());
    drop(dead);
    let seen: Arc<Mutex<Vec<Attempt>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let client = Client::builder()
        .base_url(url)
        .credentials("k", "s")
        .signing_key(SigningKey::generate().unwrap())
        .retry(RetryPolicy {
            max_attempts: 2,
            base_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            ..RetryPolicy::default()
        })
        .observer(move |a| sink.lock().unwrap().push(a.clone()))
        .build()
        .unwrap();
    assert!(client.auth().token().is_err());
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    for (i, a) in seen.iter().enumerate() {
        assert_eq!((a.attempt, a.status), (i as u32 + 1, None));
        assert!(a.error.is_some() && a.request_id.is_none());
    }
}
