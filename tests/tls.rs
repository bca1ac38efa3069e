//! The production road: HTTPS to the emulator with its throwaway CA given through the
//! trust settings, through a CONNECT proxy too, and every hostile certificate refused
//! with its own typed, non-retryable error before any byte of a request is sent.

use std::time::Duration;

use offblocks::wallet::{ChainId, Wallet};
use offblocks::{Client, ClientBuilder, Error, OnboardingRequest, RetryPolicy, SigningKey};
use offblocks::{RootStore, TlsFailure};
use offblocks_sandbox::{ConnectProxy, Sandbox, SandboxConfig, TlsMode};

fn tls_sandbox(mode: TlsMode) -> Sandbox {
    Sandbox::start(SandboxConfig {
        activation_polls: 0,
        tls: Some(mode),
        ..SandboxConfig::default()
    })
    .unwrap()
}

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

fn onboard(client: &Client, external_id: &str) {
    client.auth().register_signing_key().unwrap();
    let wallet = Wallet::random().unwrap();
    let req = OnboardingRequest::new(external_id, ChainId::eip155(300));
    let done = client.onboard(&req, &wallet, &mut |_| {}).unwrap();
    assert_eq!(done.account.status.as_str(), "active");
}

#[test]
fn a_whole_onboarding_goes_over_https_with_the_ca_given_as_pem() {
    let sandbox = tls_sandbox(TlsMode::Valid);
    assert!(sandbox.url().starts_with("https://127.0.0.1:"));
    let client = builder(&sandbox)
        .ca_pem(sandbox.ca_pem().unwrap())
        .build()
        .unwrap();
    onboard(&client, "tls-pem");
    assert!(sandbox.tls_bytes_received() > 0);
    // The challenge names the https origin the client called.
    assert!(!sandbox.request_log().is_empty());
}

#[test]
fn the_ca_is_read_from_a_file_and_a_matching_pin_is_accepted() {
    let sandbox = tls_sandbox(TlsMode::Valid);
    let dir = std::env::temp_dir().join(format!("offblocks-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ca.pem");
    std::fs::write(&path, sandbox.ca_pem().unwrap()).unwrap();
    let client = builder(&sandbox)
        .ca_file(path.display().to_string())
        .spki_pin(sandbox.server_spki_pin().unwrap())
        .build()
        .unwrap();
    onboard(&client, "tls-file");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn https_goes_through_the_connect_proxy() {
    let sandbox = tls_sandbox(TlsMode::Valid);
    let proxy = ConnectProxy::start().unwrap();
    let client = builder(&sandbox)
        .ca_pem(sandbox.ca_pem().unwrap())
        .proxy(proxy.url())
        .build()
        .unwrap();
    onboard(&client, "tls-proxy");
    let target = sandbox.local_addr().to_string();
    let tunnels = proxy.tunnels();
    assert!(!tunnels.is_empty());
    assert!(tunnels.iter().all(|t| t.target == target), "{tunnels:?}");
}

#[test]
fn one_onboarding_opens_few_connections() {
    let sandbox = tls_sandbox(TlsMode::Valid);
    let client = builder(&sandbox)
        .ca_pem(sandbox.ca_pem().unwrap())
        .build()
        .unwrap();
    onboard(&client, "tls-reuse");
    let opened = sandbox.connections_accepted();
    let calls = sandbox.request_log().len() as u64;
    assert!(calls >= 6, "{calls} calls");
    assert!(opened <= 2, "{opened} TCP connections for {calls} calls");
}

/// The call fails with this TLS failure, is not retried, and the server got nothing of
/// it: no request parsed, no byte inside a TLS session.
fn refused(sandbox: &Sandbox, client: &Client, want: TlsFailure) -> String {
    let err = client.auth().token().unwrap_err();
    let Error::Tls { kind, message } = &err else {
        panic!("expected a TLS error, got {err:?}");
    };
    assert_eq!(*kind, want, "{message}");
    assert!(!err.is_retryable());
    assert!(
        sandbox.request_log().is_empty(),
        "a request reached the server"
    );
    assert_eq!(
        sandbox.tls_bytes_received(),
        0,
        "bytes sent after the handshake"
    );
    // One connection: a refused handshake is not retried.
    assert_eq!(sandbox.connections_accepted(), 1);
    assert!(!message.contains(sandbox.api_secret()));
    err.to_string()
}

#[test]
fn a_private_ca_not_given_is_an_untrusted_chain() {
    let sandbox = tls_sandbox(TlsMode::Valid);
    let client = builder(&sandbox).build().unwrap();
    let text = refused(&sandbox, &client, TlsFailure::UntrustedChain);
    assert!(text.contains("ca_pem or ca_file"), "{text}");
}

#[test]
fn a_certificate_from_another_ca_is_an_untrusted_chain() {
    let sandbox = tls_sandbox(TlsMode::Untrusted);
    let client = builder(&sandbox)
        .ca_pem(sandbox.ca_pem().unwrap())
        .build()
        .unwrap();
    refused(&sandbox, &client, TlsFailure::UntrustedChain);
}

#[test]
fn a_certificate_for_another_host_is_a_host_mismatch() {
    let sandbox = tls_sandbox(TlsMode::WrongHost);
    let client = builder(&sandbox)
        .ca_pem(sandbox.ca_pem().unwrap())
        .build()
        .unwrap();
    let text = refused(&sandbox, &client, TlsFailure::HostMismatch);
    assert!(
        text.contains("certificate for other.example does not match 127.0.0.1"),
        "{text}"
    );
}

#[test]
fn an_expired_certificate_is_expired() {
    let sandbox = tls_sandbox(TlsMode::Expired);
    let client = builder(&sandbox)
        .ca_pem(sandbox.ca_pem().unwrap())
        .build()
        .unwrap();
    let text = refused(&sandbox, &client, TlsFailure::Expired);
    assert!(text.contains("expired on "), "{text}");
}

#[test]
fn a_pin_that_matches_no_key_is_a_pin_mismatch() {
    let sandbox = tls_sandbox(TlsMode::Valid);
    let client = builder(&sandbox)
        .ca_pem(sandbox.ca_pem().unwrap())
        .spki_pin("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        .build()
        .unwrap();
    let text = refused(&sandbox, &client, TlsFailure::PinMismatch);
    assert!(
        text.contains(sandbox.server_spki_pin().unwrap()),
        "names the key it saw: {text}"
    );
}

#[test]
fn plain_http_on_the_tls_port_is_a_handshake_failure() {
    let sandbox = tls_sandbox(TlsMode::Plain);
    let client = builder(&sandbox)
        .ca_pem(sandbox.ca_pem().unwrap())
        .build()
        .unwrap();
    let err = client.auth().token().unwrap_err();
    let Error::Tls { kind, message } = &err else {
        panic!("expected a TLS error, got {err:?}");
    };
    assert_eq!(*kind, TlsFailure::Handshake, "{message}");
    assert!(message.contains("plain http"), "{message}");
    assert!(!err.is_retryable());
    assert!(sandbox.request_log().is_empty());
    assert_eq!(sandbox.connections_accepted(), 1);
}

#[test]
fn bad_trust_settings_are_refused_at_build() {
    let sandbox = tls_sandbox(TlsMode::Valid);
    let cases = [
        builder(&sandbox).ca_pem("not pem"),
        builder(&sandbox).ca_file("/nonexistent/ca.pem"),
        builder(&sandbox).spki_pin("short"),
    ];
    for b in cases {
        let err = b.build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err}");
    }
    if !cfg!(feature = "platform-verifier") {
        let err = builder(&sandbox)
            .root_store(RootStore::Platform)
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("platform-verifier"), "{err}");
    }
}

#[cfg(feature = "platform-verifier")]
#[test]
fn the_platform_verifier_takes_the_extra_anchors_too() {
    let sandbox = tls_sandbox(TlsMode::Valid);
    let client = builder(&sandbox)
        .root_store(RootStore::Platform)
        .ca_pem(sandbox.ca_pem().unwrap())
        .build()
        .unwrap();
    onboard(&client, "tls-platform");
    let other = tls_sandbox(TlsMode::Valid);
    let client = builder(&other)
        .root_store(RootStore::Platform)
        .build()
        .unwrap();
    refused(&other, &client, TlsFailure::UntrustedChain);
}
