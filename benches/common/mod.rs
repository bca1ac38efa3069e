//! What the benches against a server share: where the server is (an emulator started
//! in-process, or the one `scripts/bench.sh` started, named by `OFFBLOCKS_BASE_URL`,
//! `OFFBLOCKS_API_KEY` and `OFFBLOCKS_API_SECRET`), a client for it, and statistics.

#![allow(dead_code)] // each bench uses its own part

use std::time::Duration;

use offblocks::{Client, SigningKey};
use offblocks_sandbox::{Sandbox, SandboxConfig};

/// A server to measure against; keeps an in-process emulator alive.
pub struct Server {
    pub url: String,
    pub api_key: String,
    pub api_secret: String,
    _sandbox: Option<Sandbox>,
}

impl Server {
    /// The server named by the environment, else a fresh in-process emulator with its
    /// default settings (as `scripts/bench.sh` and the Python bench start it).
    pub fn from_env() -> Server {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
        if let (Some(url), Some(api_key), Some(api_secret)) = (
            var("OFFBLOCKS_BASE_URL"),
            var("OFFBLOCKS_API_KEY"),
            var("OFFBLOCKS_API_SECRET"),
        ) {
            return Server {
                url,
                api_key,
                api_secret,
                _sandbox: None,
            };
        }
        let sandbox = Sandbox::start(SandboxConfig::default()).expect("emulator starts");
        Server {
            url: sandbox.url(),
            api_key: sandbox.api_key().to_owned(),
            api_secret: sandbox.api_secret().to_owned(),
            _sandbox: Some(sandbox),
        }
    }

    /// A client with a fresh, registered signing key.
    pub fn client(&self) -> Client {
        self.client_with(SigningKey::generate().expect("key"))
    }

    /// A client signing with `key`, registered.
    pub fn client_with(&self, key: SigningKey) -> Client {
        let client = Client::builder()
            .base_url(self.url.as_str())
            .credentials(self.api_key.as_str(), self.api_secret.as_str())
            .signing_key(key)
            .build()
            .expect("client");
        client
            .auth()
            .register_signing_key()
            .expect("key registered");
        client
    }
}

/// The `q`-quantile (0..=1) of `samples` (sorted in place), nearest rank.
pub fn quantile(samples: &mut [f64], q: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let rank = ((samples.len() as f64 - 1.0) * q).round() as usize;
    samples[rank.min(samples.len() - 1)]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Appends one JSON object line to the file named by `OFFBLOCKS_BENCH_JSON`, if set
/// (`scripts/bench.sh` collects them).
pub fn record(json: serde_json::Value) {
    if let Ok(path) = std::env::var("OFFBLOCKS_BENCH_JSON") {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .expect("bench json file");
        writeln!(f, "{json}").expect("bench json written");
    }
}

/// The least a hand-written client does for one signed `GET url`: build the RFC 9421
/// base by hand, sign it with `p384`, send it on a bare `agent`, read the body as text.
/// The baseline of the throughput benches.
pub fn bare_signed_get(
    agent: &ureq::Agent,
    key: &p384::ecdsa::SigningKey,
    key_id: &str,
    url: &str,
    authorization: &str,
) -> String {
    use base64::Engine;
    use p384::ecdsa::signature::Signer;
    use std::io::Read;

    let authority = url.split('/').nth(2).expect("authority");
    let path = format!("/{}", url.splitn(4, '/').nth(3).expect("path"));
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let params = format!(
        "(\"@method\" \"@authority\" \"@path\" \"authorization\");created={created};\
         keyid=\"{key_id}\";alg=\"ecdsa-p384-sha384\""
    );
    let base = format!(
        "\"@method\": GET\n\"@authority\": {authority}\n\"@path\": {path}\n\
         \"authorization\": {authorization}\n\"@signature-params\": {params}"
    );
    let sig: p384::ecdsa::Signature = key.sign(base.as_bytes());
    let sig = base64::engine::general_purpose::STANDARD.encode(sig.to_bytes());
    let resp = agent
        .get(url)
        .header("Authorization", authorization)
        .header("Signature-Input", &format!("sig={params}"))
        .header("Signature", &format!("sig=:{sig}:"))
        .call()
        .expect("bare request");
    assert_eq!(resp.status(), 200, "the baseline's request verifies");
    let mut body = String::new();
    resp.into_body()
        .into_reader()
        .read_to_string(&mut body)
        .unwrap();
    body
}

/// Requests per second of `bare` and `sdk`, after 20 warm-up calls of each: `rounds`
/// rounds of `per_round` calls each, alternating which side goes first so neither always
/// follows the other. Returns the mean of each side's rates and the SDK/bare ratio of
/// every round, sorted.
pub fn interleaved_rps<B, S>(
    rounds: usize,
    per_round: usize,
    bare: B,
    sdk: S,
) -> (f64, f64, Vec<f64>)
where
    B: Fn() -> String,
    S: Fn() -> offblocks::models::Customer,
{
    use std::hint::black_box;
    use std::time::Instant;

    for _ in 0..20 {
        black_box(bare());
        black_box(sdk());
    }
    let mut ratios = Vec::with_capacity(rounds);
    let (mut bare_total, mut sdk_total) = (0.0, 0.0);
    let time = |f: &dyn Fn()| {
        let t = Instant::now();
        for _ in 0..per_round {
            f();
        }
        per_round as f64 / t.elapsed().as_secs_f64()
    };
    for round in 0..rounds {
        let (bare_rps, sdk_rps) = if round % 2 == 0 {
            let b = time(&|| drop(black_box(bare())));
            (b, time(&|| drop(black_box(sdk()))))
        } else {
            let s = time(&|| drop(black_box(sdk())));
            (time(&|| drop(black_box(bare()))), s)
        };
        ratios.push(sdk_rps / bare_rps);
        bare_total += bare_rps;
        sdk_total += sdk_rps;
    }
    ratios.sort_by(f64::total_cmp);
    (
        bare_total / rounds as f64,
        sdk_total / rounds as f64,
        ratios,
    )
}
