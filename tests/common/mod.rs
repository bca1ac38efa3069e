//! Shared helpers for the integration tests: a mockito server with a token endpoint, a
//! client pointed at it, and an independent RFC 9421 / RFC 9530 checker that rebuilds the
//! signature base from the request as the server received it.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use p384::ecdsa::signature::Verifier;
use sha2::{Digest, Sha256, Sha512};

use offblocks::{Client, RetryPolicy, SigningKey};

pub const TOKEN: &str = "tok-1";
pub const KEY_ID: &str = "test-key";

/// A request as mockito received it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path_and_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("body is JSON")
    }
}

pub type Log = Arc<Mutex<Vec<Seen>>>;

pub fn record(log: &Log, req: &mockito::Request) {
    let headers = req
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    log.lock().unwrap().push(Seen {
        method: req.method().to_owned(),
        path_and_query: req.path_and_query().to_owned(),
        headers,
        body: req.body().cloned().unwrap_or_default(),
    });
}

pub struct Fixture {
    pub server: mockito::ServerGuard,
    pub client: Client,
    pub key: SigningKey,
    pub token_mock: mockito::Mock,
}

/// A fast retry policy so retry tests do not sleep long.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

pub fn fixture() -> Fixture {
    let mut server = mockito::Server::new();
    let token_mock = server
        .mock("POST", "/v1/auth/token")
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(format!(
            r#"{{"token":"{TOKEN}","expiresAt":{},"tokenType":"Bearer"}}"#,
            now() + 3600
        ))
        .create();
    let key = SigningKey::generate().unwrap();
    let client = Client::builder()
        .base_url(format!("{}/v1", server.url()))
        .credentials("3f0e7a52-6f4c-4a4e-9a57-1d2f3c4b5a69", "s3cr3t-api-secret")
        .signing_key(key.clone())
        .key_id(KEY_ID)
        .retry(fast_retry())
        .build()
        .unwrap();
    Fixture {
        server,
        client,
        key,
        token_mock,
    }
}

/// Parses `sig=("a" "b");created=1;keyid="k";alg="x"` into (label, components, params
/// text, whole inner list). Independent of the SDK's serializer.
pub fn parse_signature_input(value: &str) -> (String, Vec<String>, String, String) {
    let (label, inner) = value.split_once('=').expect("label=");
    assert!(inner.starts_with('('), "inner list: {inner}");
    let close = inner.find(')').expect(")");
    let components = inner[1..close]
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_matches('"').to_owned())
        .collect();
    (
        label.to_owned(),
        components,
        inner[close + 1..].to_owned(),
        inner.to_owned(),
    )
}

/// Rebuilds the RFC 9421 §2.5 signature base from the received request and verifies the
/// `Signature` with `key`'s public half. Returns the component names covered.
pub fn verify_signature(seen: &Seen, key: &SigningKey) -> Vec<String> {
    let input = seen.header("signature-input").expect("Signature-Input");
    let (label, components, params, inner) = parse_signature_input(input);
    assert!(params.contains(";created="), "{params}");
    assert!(params.contains(&format!(";keyid=\"{KEY_ID}\"")), "{params}");
    assert!(params.contains(";alg=\"ecdsa-p384-sha384\""), "{params}");
    let (path, query) = match seen.path_and_query.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (seen.path_and_query.clone(), None),
    };
    let mut base = String::new();
    for c in &components {
        let value = match c.as_str() {
            "@method" => seen.method.clone(),
            "@authority" => seen.header("host").expect("host").to_ascii_lowercase(),
            "@path" => path.clone(),
            "@query" => format!("?{}", query.clone().expect("query")),
            h => seen
                .header(h)
                .unwrap_or_else(|| panic!("covered header {h} missing"))
                .trim()
                .to_owned(),
        };
        base.push_str(&format!("\"{c}\": {value}\n"));
    }
    base.push_str(&format!("\"@signature-params\": {inner}"));
    let sig_header = seen.header("signature").expect("Signature");
    let prefix = format!("{label}=:");
    let b64 = sig_header
        .strip_prefix(&prefix)
        .and_then(|s| s.strip_suffix(':'))
        .expect("sig=:…:");
    let raw = B64.decode(b64).expect("base64 signature");
    assert_eq!(raw.len(), 96, "raw r||s is 96 bytes");
    let sig = p384::ecdsa::Signature::from_slice(&raw).unwrap();
    key.verifying_key()
        .verify(base.as_bytes(), &sig)
        .expect("signature verifies over the rebuilt base");
    components
}

/// Checks `Content-Digest` against the body as received (RFC 9530).
pub fn verify_digest(seen: &Seen) {
    let header = seen.header("content-digest").expect("Content-Digest");
    for item in header.split(',') {
        let (alg, val) = item.trim().split_once('=').unwrap();
        let val = val.trim_matches(':');
        let expected = match alg {
            "sha-256" => B64.encode(Sha256::digest(&seen.body)),
            "sha-512" => B64.encode(Sha512::digest(&seen.body)),
            other => panic!("unexpected digest {other}"),
        };
        assert_eq!(val, expected, "{alg} digest of the body");
    }
}
