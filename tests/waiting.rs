//! Onboarding that does not hold a thread while OffBlocks has the next move: it returns
//! `Waiting`, and a later run continues where it stopped, creating nothing twice.

use std::time::Duration;

use offblocks::wallet::{ChainId, Wallet};
use offblocks::{Client, Environment, Error, Onboarding, OnboardingRequest, SigningKey, Step};
use offblocks_sandbox::{Sandbox, SandboxConfig};

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

#[test]
fn a_flow_returns_while_waiting_and_resumes_to_done() {
    // The account deploys a minute after its challenge is signed, by the sandbox clock.
    let sandbox = Sandbox::start(SandboxConfig {
        activation_polls: 0,
        activation_delay: Duration::from_secs(60),
        ..SandboxConfig::default()
    })
    .unwrap();
    let client = client_for(&sandbox);
    let wallet = Wallet::random().unwrap();
    let mut req = OnboardingRequest::new("waits-1", ChainId::eip155(300));
    // KYC is someone else's move here: no simulator from the flow.
    req.simulate_verification = Some(false);
    let first = client.onboard_or_wait(&req, &wallet, &mut |_| {}).unwrap();
    let Onboarding::Waiting(w) = first else {
        panic!("{first:?}")
    };
    assert_eq!(w.step, Step::WaitCustomer);
    assert!(w.account.is_none());
    assert_eq!(sandbox.accounts().len(), 0);
    // Running again before anything moved: still waiting, nothing new.
    let again = client.onboard_or_wait(&req, &wallet, &mut |_| {}).unwrap();
    assert!(matches!(again, Onboarding::Waiting(ref w) if w.step == Step::WaitCustomer));
    // KYC passes (here: the simulator, standing for OffBlocks' reviewers).
    client.simulator().verify_customer(&w.customer.id).unwrap();
    let state = client.onboard_or_wait(&req, &wallet, &mut |_| {}).unwrap();
    let Onboarding::Waiting(w) = state else {
        panic!("{state:?}")
    };
    assert_eq!(w.step, Step::WaitAccount);
    assert_eq!(
        w.account.as_ref().map(|a| a.status.as_str()),
        Some("pending")
    );
    // The deployment finishes.
    sandbox.clock().advance(Duration::from_secs(61));
    let state = client.onboard_or_wait(&req, &wallet, &mut |_| {}).unwrap();
    let Onboarding::Done(done) = state else {
        panic!("{state:?}")
    };
    assert_eq!(done.account.status.as_str(), "active");
    assert_eq!(sandbox.customers().len(), 1);
    assert_eq!(sandbox.accounts().len(), 1);
    // The same request through `onboard` finds it all done.
    let again = client.onboard(&req, &wallet, &mut |_| {}).unwrap();
    assert_eq!(again, done);
}

#[test]
fn the_simulator_follows_the_environment() {
    // Production: asking for it is refused before anything is sent (no server here).
    let live = Client::builder()
        .environment(Environment::Live)
        .credentials("k", "s")
        .signing_key(SigningKey::generate().unwrap())
        .key_id("kid")
        .build()
        .unwrap();
    let mut req = OnboardingRequest::new("prod-1", ChainId::eip155(300));
    req.simulate_verification = Some(true);
    let err = live
        .onboard(&req, &Wallet::random().unwrap(), &mut |_| {})
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert!(
        err.to_string().contains("production has no simulator"),
        "{err}"
    );
    // A loopback emulator: on by default, so the flow finishes by itself.
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let client = client_for(&sandbox);
    let mut req = OnboardingRequest::new("local-1", ChainId::eip155(300));
    req.timeout = Duration::from_secs(30);
    assert_eq!(req.simulate_verification, None);
    client
        .onboard(&req, &Wallet::random().unwrap(), &mut |_| {})
        .unwrap();
}
