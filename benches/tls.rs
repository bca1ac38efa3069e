//! What HTTPS costs, against two in-process emulators started side by side (one plain
//! http, one `TlsMode::Valid`), in the same run:
//!
//! 1. onboarding latency over HTTPS / over plain http: whole flows (fresh wallet each,
//!    no sleeping between polls), alternating between the two servers; target ≤ 1.15×;
//! 2. TCP connections an onboarding opens over HTTPS (accepts counted by the emulator):
//!    a fresh client's first flow (token and key registration included), and each later
//!    flow of a long-lived client; target ≤ 2;
//! 3. signed `GET /v1/customers/{id}` per second over HTTPS, the SDK against bare ureq
//!    with the same TLS (rustls + ring, the emulator's CA as the only root, one
//!    keep-alive connection) and one P-384 sign per request, in interleaved rounds;
//!    target ≥ 0.9×.
//!
//! Run: `cargo bench --bench tls [-- FLOWS]` (default 30 flows per server after 3
//! warm-ups each).

mod common;

use std::time::{Duration, Instant};

use offblocks::models::NewCustomer;
use offblocks::wallet::{ChainId, Wallet};
use offblocks::{Client, OnboardingRequest, SigningKey};
use offblocks_sandbox::{Sandbox, SandboxConfig, TlsMode};

const ROUNDS: usize = 101;
const PER_ROUND: usize = 5;

fn start(tls: Option<TlsMode>) -> Sandbox {
    Sandbox::start(SandboxConfig {
        tls,
        ..SandboxConfig::default()
    })
    .expect("emulator starts")
}

fn client(sandbox: &Sandbox, key: SigningKey) -> Client {
    let mut builder = Client::builder()
        .base_url(sandbox.url())
        .credentials(sandbox.api_key(), sandbox.api_secret())
        .signing_key(key);
    if let Some(ca) = sandbox.ca_pem() {
        builder = builder.ca_pem(ca);
    }
    let client = builder.build().expect("client");
    client
        .auth()
        .register_signing_key()
        .expect("key registered");
    client
}

fn onboard(client: &Client, id: String) -> f64 {
    let wallet = Wallet::random().expect("wallet");
    let mut request = OnboardingRequest::new(id, ChainId::eip155(300));
    request.poll_interval = Duration::ZERO;
    let t = Instant::now();
    let done = client
        .onboard(&request, &wallet, &mut |_| {})
        .expect("onboarded");
    assert_eq!(done.account.status.as_str(), "active");
    common::ms(t.elapsed())
}

fn main() {
    let flows: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(30);
    let plain = start(None);
    let tls = start(Some(TlsMode::Valid));
    let tag = uuid::Uuid::new_v4().simple().to_string();

    // 2. Connections: a fresh client's first onboarding, then later ones.
    let before = tls.connections_accepted();
    let https = client(&tls, SigningKey::generate().expect("key"));
    onboard(&https, format!("c-{tag}-first"));
    let first_flow = tls.connections_accepted() - before;
    let before = tls.connections_accepted();
    for i in 0..10 {
        onboard(&https, format!("c-{tag}-{i}"));
    }
    let later_per_flow = (tls.connections_accepted() - before) as f64 / 10.0;
    println!(
        "TCP connections over HTTPS: {first_flow} for a fresh client's first onboarding \
         (token, key registration and the flow), {later_per_flow:.1} per later onboarding; \
         target <= 2: {}",
        if first_flow <= 2 { "met" } else { "MISSED" }
    );

    // 1. Latency, alternating.
    let http = client(&plain, SigningKey::generate().expect("key"));
    for i in 0..3 {
        onboard(&http, format!("w-{tag}-h{i}"));
        onboard(&https, format!("w-{tag}-s{i}"));
    }
    let (mut over_http, mut over_https) = (Vec::new(), Vec::new());
    for i in 0..flows {
        if i % 2 == 0 {
            over_http.push(onboard(&http, format!("l-{tag}-h{i}")));
            over_https.push(onboard(&https, format!("l-{tag}-s{i}")));
        } else {
            over_https.push(onboard(&https, format!("l-{tag}-s{i}")));
            over_http.push(onboard(&http, format!("l-{tag}-h{i}")));
        }
    }
    let http_median = common::quantile(&mut over_http, 0.5);
    let https_median = common::quantile(&mut over_https, 0.5);
    let latency_ratio = https_median / http_median;
    println!(
        "onboarding median: http {http_median:.2} ms, https {https_median:.2} ms over {flows} \
         flows each; https/http {latency_ratio:.3}; target <= 1.15: {}",
        if latency_ratio <= 1.15 {
            "met"
        } else {
            "MISSED"
        }
    );

    // 1b. A fresh client per onboarding: the handshake, token and key registration too.
    let fresh = |sandbox: &Sandbox, id: String| {
        let t = Instant::now();
        let c = client(sandbox, SigningKey::generate().expect("key"));
        onboard(&c, id);
        common::ms(t.elapsed())
    };
    let (mut cold_http, mut cold_https) = (Vec::new(), Vec::new());
    for i in 0..10 {
        cold_http.push(fresh(&plain, format!("f-{tag}-h{i}")));
        cold_https.push(fresh(&tls, format!("f-{tag}-s{i}")));
    }
    let cold_ratio = common::quantile(&mut cold_https, 0.5) / common::quantile(&mut cold_http, 0.5);
    println!(
        "onboarding with a fresh client each (key generation, handshake, token, key \
         registration, flow): https/http median {cold_ratio:.3} over 10 each"
    );

    // 3. Signed GETs over HTTPS: the SDK against bare ureq with the same TLS.
    let (bare_rps, sdk_rps, ratio) = signed_gets(&tls);
    println!(
        "signed GET over HTTPS, one connection: bare ureq + p384 {bare_rps:.0} req/s, SDK \
         {sdk_rps:.0} req/s; SDK/bare median {ratio:.3} over {ROUNDS} rounds of {PER_ROUND}; \
         target >= 0.9: {}",
        if ratio >= 0.9 { "met" } else { "MISSED" }
    );
    common::record(serde_json::json!({
        "bench": "tls", "flows": flows,
        "onboarding_http_median_ms": http_median, "onboarding_https_median_ms": https_median,
        "onboarding_https_over_http": latency_ratio, "fresh_client_https_over_http": cold_ratio,
        "connections_first_onboarding": first_flow, "connections_per_later_onboarding": later_per_flow,
        "bare_rps": bare_rps, "sdk_rps": sdk_rps, "sdk_over_bare_median": ratio,
    }));
}

/// (bare req/s, SDK req/s, median per-round SDK/bare).
fn signed_gets(sandbox: &Sandbox) -> (f64, f64, f64) {
    let signing_key = SigningKey::generate().expect("key");
    let pem = signing_key.to_pkcs8_pem().expect("pem");
    let client = client(sandbox, signing_key);
    let owner = Wallet::random().unwrap().account_id(&ChainId::eip155(300));
    let customer = client
        .customers()
        .create(&NewCustomer {
            chain_id: owner.to_string(),
            external_id: format!("tls-bench-{}", uuid::Uuid::new_v4().simple()),
        })
        .expect("customer");
    let key: p384::ecdsa::SigningKey =
        p384::pkcs8::DecodePrivateKey::from_pkcs8_pem(&pem).expect("bare key");
    let key_id = client.key_id().expect("registered");
    let ca = ureq::tls::Certificate::from_pem(sandbox.ca_pem().expect("tls").as_bytes())
        .expect("ca pem");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::new_with_certs(&[ca]))
                .build(),
        )
        .build()
        .into();
    let token = client.auth().token().expect("token").value;
    let url = format!("{}/customers/{}", sandbox.url(), customer.id);
    let authorization = format!("Bearer {}", token.expose());
    let (bare_rps, sdk_rps, mut ratios) = common::interleaved_rps(
        ROUNDS,
        PER_ROUND,
        || common::bare_signed_get(&agent, &key, &key_id, &url, &authorization),
        || client.customers().get(&customer.id).expect("sdk request"),
    );
    (bare_rps, sdk_rps, common::quantile(&mut ratios, 0.5))
}
