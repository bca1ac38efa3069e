//! The fault soak: many onboardings against the emulator while it drops connections
//! (before and after committing), answers 500/503/429, stalls past the client's timeout
//! and jumps its clock. Afterwards the server must hold exactly one customer and one
//! account per onboarding: nothing duplicated, nothing lost. A flow may fail, but only
//! with an error that says what went wrong and that a re-run can finish; the test
//! re-runs every failed flow with the faults off and checks it completes without
//! creating anything twice.
//!
//! The test command runs a short soak (120 onboardings). The long one:
//!
//!     OFFBLOCKS_SOAK_FLOWS=2000 cargo test --release --test soak -- --nocapture

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use offblocks::wallet::{ChainId, Wallet};
use offblocks::{Client, Error, OnboardingRequest, RetryPolicy, SigningKey};
use offblocks_sandbox::{FaultKind, FaultRule, Sandbox, SandboxConfig};

const SHORT_FLOWS: usize = 120;

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Every kind of fault, on every `/v1` route, each at its own rate.
fn faults() -> Vec<FaultRule> {
    let any = |kind: FaultKind, rate: f64| FaultRule::new("/v1/", kind).rate(rate);
    vec![
        any(FaultKind::DropAfterCommit, 0.03),
        any(FaultKind::DropBeforeCommit, 0.02),
        any(FaultKind::Status(503), 0.03),
        any(FaultKind::Status(500), 0.02),
        any(
            FaultKind::TooManyRequests {
                retry_after_secs: 0,
            },
            0.03,
        ),
        any(FaultKind::Slow(Duration::from_millis(30)), 0.03),
        // Longer than the client's timeout: it retries while the first attempt is still
        // being processed, and must get the in-flight 409 and then the replay.
        any(FaultKind::Slow(Duration::from_millis(1500)), 0.003),
    ]
}

fn client(sb: &Sandbox) -> Client {
    let client = Client::builder()
        .base_url(sb.url())
        .credentials(sb.api_key(), sb.api_secret())
        .signing_key(SigningKey::generate().unwrap())
        .timeout(Duration::from_secs(1))
        // Few attempts, so that some flows do fail under the faults and the resume path
        // is exercised too.
        .retry(RetryPolicy {
            max_attempts: 3,
            base_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(200),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    client.auth().register_signing_key().unwrap();
    client
}

fn request(external_id: &str) -> OnboardingRequest {
    let mut r = OnboardingRequest::new(external_id, ChainId::eip155(300));
    r.poll_interval = Duration::from_millis(2);
    r.timeout = Duration::from_secs(120);
    r
}

/// An error a caller can act on: the transport or the server said no, with the
/// server's answer attached. Decoding failures, state surprises and signing refusals
/// would mean the SDK misread something, and fail the soak.
fn is_clear(err: &Error) -> bool {
    match err {
        Error::Transport { message, .. } => !message.is_empty(),
        Error::Api(api) => api.status >= 400,
        Error::Timeout(_) => true,
        // The server's clock jumped minutes ahead: its challenge is refused as issued in
        // the future of ours (and the flow resumes once the clock is back).
        Error::ChallengeRefused(offblocks::wallet::Refusal::IssuedInFuture { .. }) => true,
        _ => false,
    }
}

fn kind(err: &Error) -> String {
    match err {
        Error::Transport { .. } => "transport".into(),
        Error::Api(api) => format!("api {}", api.status),
        other => format!("{other:?}").chars().take(40).collect(),
    }
}

#[test]
fn onboardings_under_faults_create_everything_exactly_once() {
    let flows = env_usize("OFFBLOCKS_SOAK_FLOWS").unwrap_or(SHORT_FLOWS);
    let threads = env_usize("OFFBLOCKS_SOAK_THREADS").unwrap_or(4).max(1);
    let sb = Arc::new(Sandbox::start(SandboxConfig::default()).expect("emulator starts"));
    let client = client(&sb);
    for rule in faults() {
        sb.add_fault(rule);
    }

    // The server's clock jumps now and then, both ways, further than the signature
    // window allows; the client has to follow it.
    let done = Arc::new(AtomicBool::new(false));
    let skewer = {
        let (sb, done) = (Arc::clone(&sb), Arc::clone(&done));
        std::thread::spawn(move || {
            let offsets = [0, -45, 30, 400, -20, 0, 120];
            let mut jumps = 0usize;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(700));
                sb.clock().set_offset(offsets[jumps % offsets.len()]);
                jumps += 1;
            }
            jumps
        })
    };

    let started = Instant::now();
    let wallets: Vec<Wallet> = (0..flows).map(|_| Wallet::random().unwrap()).collect();
    let wallets = Arc::new(wallets);
    let results = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (client, wallets, results) =
                (client.clone(), Arc::clone(&wallets), Arc::clone(&results));
            std::thread::spawn(move || {
                for i in (t..wallets.len()).step_by(threads) {
                    let id = format!("soak-{i}");
                    let outcome = client.onboard(&request(&id), &wallets[i], &mut |_| {});
                    results.lock().unwrap().push((i, outcome));
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("no worker panicked");
    }
    done.store(true, Ordering::Relaxed);
    let jumps = skewer.join().unwrap();
    let soak_time = started.elapsed();

    let results = std::mem::take(&mut *results.lock().unwrap());
    assert_eq!(results.len(), flows);
    let mut failed = Vec::new();
    let mut failures: BTreeMap<String, usize> = BTreeMap::new();
    let mut ids = HashMap::new();
    for (i, outcome) in results {
        match outcome {
            Ok(done) => {
                assert_eq!(done.account.status.as_str(), "active");
                ids.insert(i, (done.customer.id, done.account.id));
            }
            Err(e) => {
                assert!(is_clear(&e), "flow {i}: unclear error {e:?}");
                assert!(!e.to_string().is_empty());
                *failures.entry(kind(&e)).or_default() += 1;
                failed.push(i);
            }
        }
    }
    let faults_seen = sb
        .request_log()
        .iter()
        .filter(|r| r.status >= 429 || r.dropped)
        .count();

    // Faults off, clock back: every failed flow resumes and finishes.
    sb.clear_faults();
    sb.clock().set_offset(0);
    for &i in &failed {
        let done = client
            .onboard(&request(&format!("soak-{i}")), &wallets[i], &mut |_| {})
            .unwrap_or_else(|e| panic!("flow {i} could not resume: {e}"));
        ids.insert(i, (done.customer.id, done.account.id));
    }

    // Exactly one customer per external id and one account per customer, and they are
    // the ones the flows reported.
    let customers = sb.customers();
    let accounts = sb.accounts();
    assert_eq!(customers.len(), flows, "customers on the server");
    assert_eq!(accounts.len(), flows, "accounts on the server");
    let mut by_external: HashMap<String, String> = HashMap::new();
    for c in &customers {
        let ext = c["externalId"].as_str().unwrap().to_owned();
        let id = c["id"].as_str().unwrap().to_owned();
        assert!(
            by_external.insert(ext.clone(), id).is_none(),
            "duplicate {ext}"
        );
    }
    let mut account_of: HashMap<String, String> = HashMap::new();
    for a in &accounts {
        let owner = a["customerId"].as_str().unwrap().to_owned();
        assert_eq!(a["status"], "active", "{a}");
        let id = a["id"].as_str().unwrap().to_owned();
        assert!(
            account_of.insert(owner.clone(), id).is_none(),
            "two accounts for {owner}"
        );
    }
    for (i, (customer, account)) in &ids {
        assert_eq!(by_external.get(&format!("soak-{i}")), Some(customer));
        assert_eq!(account_of.get(customer), Some(account));
    }
    assert_eq!(ids.len(), flows);

    println!(
        "soak: {flows} onboardings on {threads} threads in {:.1} s; {} failed under faults \
         ({failures:?}) and resumed; {faults_seen} faulted answers in the last {} requests; \
         {jumps} clock jumps; learned offset now {} s",
        soak_time.as_secs_f64(),
        failed.len(),
        sb.request_log().len(),
        client.clock_offset_secs(),
    );
}
