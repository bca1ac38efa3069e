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
