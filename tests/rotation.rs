//! Rotating the request-signing key while other threads keep making signed calls: none
//! fails, the emulator ends with only the newest key, and later calls carry its id.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use offblocks::{Client, Error, SigningKey};
use offblocks_sandbox::{RefusalStyle, Sandbox, SandboxConfig};

const THREADS: usize = 4;
const ROTATIONS: usize = 5;

fn key_id_of(headers: &[(String, String)]) -> Option<String> {
    let input = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("signature-input"))?
        .1
        .clone();
    let start = input.find("keyid=\"")? + "keyid=\"".len();
    let end = input[start..].find('"')? + start;
    Some(input[start..end].to_owned())
}

fn rotate_under_load(style: RefusalStyle) {
    let sandbox = Sandbox::start(SandboxConfig {
        refusal_style: style,
        ..SandboxConfig::default()
    })
    .unwrap();
    let client = Client::builder()
        .base_url(sandbox.url())
        .credentials(sandbox.api_key(), sandbox.api_secret())
        .signing_key(SigningKey::generate().unwrap())
        .build()
        .unwrap();
    let first = client.auth().register_signing_key().unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (client, stop, calls) = (client.clone(), Arc::clone(&stop), Arc::clone(&calls));
            thread::spawn(move || {
                let mut failures = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    match client.customers().list() {
                        Ok(_) => {}
                        Err(e) => failures.push(e.to_string()),
                    }
                    calls.fetch_add(1, Ordering::SeqCst);
                }
                failures
            })
        })
        .collect();

    let mut ids = vec![first];
    for _ in 0..ROTATIONS {
        // Let the workers make calls with the current key first.
        let before = calls.load(Ordering::SeqCst);
        while calls.load(Ordering::SeqCst) < before + THREADS * 3 {
            thread::yield_now();
        }
        let id = client
            .auth()
            .rotate_signing_key(SigningKey::generate().unwrap())
            .unwrap();
        assert_eq!(client.key_id().as_deref(), Some(id.as_str()));
        ids.push(id);
    }
    let before = calls.load(Ordering::SeqCst);
    while calls.load(Ordering::SeqCst) < before + THREADS * 3 {
        thread::yield_now();
    }
    stop.store(true, Ordering::SeqCst);
    let failures: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    assert!(
        failures.is_empty(),
        "{} failed: {failures:?}",
        failures.len()
    );

    // Every old key was deleted; only the newest is registered.
    let newest = ids.last().unwrap().clone();
    assert_eq!(sandbox.signing_key_ids(), vec![newest.clone()]);
    let log = sandbox.request_log();
    let deletes: Vec<_> = log
        .iter()
        .filter(|r| r.method == "DELETE" && r.path.ends_with("/auth/signing"))
        .collect();
    assert_eq!(deletes.len(), ROTATIONS);
    for (delete, old) in deletes.iter().zip(&ids) {
        assert_eq!(delete.status, 204);
        assert_eq!(key_id_of(&delete.headers).as_deref(), Some(old.as_str()));
    }
    // Later calls carry the new key id and are accepted.
    client.customers().list().unwrap();
    let last = sandbox.request_log().pop().unwrap();
    assert_eq!(key_id_of(&last.headers), Some(newest));
    assert_eq!(last.status, 200);
}

#[test]
fn rotation_under_load_fails_no_request() {
    rotate_under_load(RefusalStyle::Detailed);
}

#[test]
fn rotation_under_load_fails_no_request_with_offblocks_refusals() {
    rotate_under_load(RefusalStyle::Offblocks);
}

#[test]
fn rotation_needs_a_registered_key_and_keeps_the_old_one_on_failure() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let client = Client::builder()
        .base_url(sandbox.url())
        .credentials(sandbox.api_key(), sandbox.api_secret())
        .signing_key(SigningKey::generate().unwrap())
        .build()
        .unwrap();
    let err = client
        .auth()
        .rotate_signing_key(SigningKey::generate().unwrap())
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    let id = client.auth().register_signing_key().unwrap();
    // A bad Idempotency-Key fails before anything is sent: the key stays.
    let err = client
        .auth()
        .idempotency_key("not-a-uuid")
        .rotate_signing_key(SigningKey::generate().unwrap())
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert_eq!(client.key_id(), Some(id.clone()));
    assert_eq!(sandbox.signing_key_ids(), vec![id]);
    client.customers().list().unwrap();
}
