//! The whole onboarding flow's latency from Rust (token and key registration done once,
//! before timing; then customer, challenge, verification, account, challenge,
//! activation per flow, each with a fresh wallet), against the in-process emulator or
//! the server named by `OFFBLOCKS_BASE_URL` (see `benches/common`).
//!
//! Run: `cargo bench --bench onboarding [-- RUNS]` (default 40 runs after 3 warm-ups).

mod common;

use std::time::Instant;

use offblocks::wallet::{ChainId, Wallet};
use offblocks::OnboardingRequest;

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(40);
    let server = common::Server::from_env();
    let client = server.client();
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let flow = |i: usize| {
        let wallet = Wallet::random().expect("wallet");
        let mut request = OnboardingRequest::new(format!("rs-{tag}-{i}"), ChainId::eip155(300));
        // No sleeping between polls: the figure is the work, not the waiting.
        request.poll_interval = std::time::Duration::ZERO;
        let t = Instant::now();
        let done = client
            .onboard(&request, &wallet, &mut |_| {})
            .expect("onboarded");
        assert_eq!(done.account.status.as_str(), "active");
        common::ms(t.elapsed())
    };
    for i in 0..3 {
        flow(i);
    }
    let mut samples: Vec<f64> = (0..runs).map(|i| flow(1000 + i)).collect();
    let median = common::quantile(&mut samples, 0.5);
    let p90 = common::quantile(&mut samples, 0.9);
    println!("rust onboarding: median {median:.2} ms, p90 {p90:.2} ms over {runs} flows");
    common::record(serde_json::json!({
        "bench": "onboarding", "lang": "rust", "runs": runs,
        "median_ms": median, "p90_ms": p90,
    }));
}
