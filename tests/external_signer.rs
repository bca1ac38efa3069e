//! The request-signing key outside the process: every request of a whole onboarding is
//! signed by another process (`openssl dgst -sha384 -sign`, a stand-in for a KMS that
//! answers DER), and the emulator, which verifies with its own code, accepts them all.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use offblocks::wallet::{ChainId, Wallet};
use offblocks::{Client, Error, OnboardingRequest, SigningKey};
use offblocks_sandbox::{Sandbox, SandboxConfig};

/// Signs `base` in a child `openssl` process with the PEM key at `key_path` (DER out).
fn openssl_sign(key_path: &std::path::Path, base: &[u8]) -> offblocks::Result<Vec<u8>> {
    let mut child = Command::new("openssl")
        .args(["dgst", "-sha384", "-sign"])
        .arg(key_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Signer(format!("cannot start openssl: {e}")))?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(base)
        .map_err(|e| Error::Signer(format!("openssl stdin: {e}")))?;
    let out = child
        .wait_with_output()
        .map_err(|e| Error::Signer(format!("openssl: {e}")))?;
    if !out.status.success() {
        return Err(Error::Signer(format!(
            "openssl failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(out.stdout)
}

#[test]
fn an_onboarding_signed_by_another_process_is_accepted() {
    assert!(
        Command::new("openssl").arg("version").output().is_ok(),
        "this test needs the openssl command (scripts/test-all.sh installs it)"
    );
    let held = SigningKey::generate().unwrap();
    let dir = std::env::temp_dir().join(format!("offblocks-kms-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_path = dir.join("request-key.pem");
    std::fs::write(&key_path, held.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
    let public = held.public_key_pem();
    drop(held);

    let signed = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&signed);
    let path = key_path.clone();
    let key = SigningKey::external(&public, move |base: &[u8]| {
        counter.fetch_add(1, Ordering::SeqCst);
        openssl_sign(&path, base)
    })
    .unwrap();

    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let client = Client::builder()
        .base_url(sandbox.url())
        .credentials(sandbox.api_key(), sandbox.api_secret())
        .signing_key(key)
        .build()
        .unwrap();
    assert_eq!(client.signing_public_key_pem(), public);
    client.auth().register_signing_key().unwrap();
    let done = client
        .onboard(
            &OnboardingRequest::new("kms-1", ChainId::eip155(300)),
            &Wallet::random().unwrap(),
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(done.account.status.as_str(), "active");
    // Every signed request went through the other process, and the emulator refused none.
    let log = sandbox.request_log();
    let signed_requests = log
        .iter()
        .filter(|r| {
            r.headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("signature"))
        })
        .count();
    assert!(signed_requests >= 6, "{signed_requests} signed requests");
    assert_eq!(signed.load(Ordering::SeqCst), signed_requests);
    assert!(
        log.iter().all(|r| r.status != 401),
        "a signature was refused"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_signer_using_another_key_fails_before_sending() {
    let registered = SigningKey::generate().unwrap();
    let other = SigningKey::generate().unwrap();
    let key = SigningKey::external(&registered.public_key_pem(), move |base: &[u8]| {
        Ok(other.sign(base)?.to_vec())
    })
    .unwrap();
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let client = Client::builder()
        .base_url(sandbox.url())
        .credentials(sandbox.api_key(), sandbox.api_secret())
        .signing_key(key)
        .key_id(sandbox.register_signing_key(&registered.public_key_pem()))
        .build()
        .unwrap();
    let sent_before = sandbox.request_log().len();
    let err = client.customers().list().unwrap_err();
    assert!(matches!(err, Error::Signer(_)), "{err:?}");
    // Only the token request (unsigned) reached the server.
    let log = sandbox.request_log();
    assert!(
        log[sent_before..]
            .iter()
            .all(|r| r.path.ends_with("/auth/token")),
        "{log:?}"
    );
}
