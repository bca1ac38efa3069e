//! The embedding API: start an emulator inside a test, drive its clock and faults,
//! inspect what it received.

use crate::clock::Clock;
use crate::config::SandboxConfig;
use crate::fault::FaultRule;
use crate::log::LoggedRequest;
use crate::shared::{lock, Shared};
use crate::webhook::{WebhookDelivery, WebhookFaults};
use p384::pkcs8::DecodePublicKey as _;
use serde_json::Value;
use std::io;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// A running emulator. Dropping it stops the server: the listener closes and open
/// connections are shut down (best effort; a thread inside a `Slow` fault finishes its
/// sleep first).
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept: Option<JoinHandle<()>>,
    webhooks: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Starts an emulator on `127.0.0.1` with a port chosen by the system.
    ///
    /// # Errors
    /// When the socket cannot be bound or the accept thread cannot be spawned.
    pub fn start(config: SandboxConfig) -> io::Result<Sandbox> {
        Sandbox::start_on("127.0.0.1:0", config)
    }

    /// Starts an emulator listening on `addr` (e.g. `"127.0.0.1:8080"`).
    ///
    /// # Errors
    /// When the socket cannot be bound or the accept thread cannot be spawned.
    pub fn start_on(addr: &str, config: SandboxConfig) -> io::Result<Sandbox> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config)?);
        let accept = crate::server::spawn_accept_loop(listener, Arc::clone(&shared))?;
        let webhooks = crate::webhook::spawn(Arc::clone(&shared))?;
        Ok(Sandbox {
            shared,
            addr,
            accept: Some(accept),
            webhooks: Some(webhooks),
        })
    }

    /// The API base URL, `http://127.0.0.1:PORT/v1`, or `https://…` when serving TLS
    /// ([`SandboxConfig::tls`], whatever the mode: in [`TlsMode::Plain`](crate::TlsMode)
    /// the URL says `https` and the port answers plain HTTP).
    pub fn url(&self) -> String {
        let scheme = if self.shared.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}/v1", self.addr)
    }

    /// The PEM of the throwaway CA clients are to trust when serving TLS (in every mode:
    /// a hostile certificate is refused although this CA is trusted).
    pub fn ca_pem(&self) -> Option<&str> {
        self.shared.tls.as_ref().map(|t| t.ca_pem.as_str())
    }

    /// When serving TLS: `base64(SHA-256(SubjectPublicKeyInfo))` of the server
    /// certificate's key, the form a client pins.
    pub fn server_spki_pin(&self) -> Option<&str> {
        self.shared.tls.as_ref().map(|t| t.server_pin.as_str())
    }

    /// How many TCP connections the server accepted so far.
    pub fn connections_accepted(&self) -> u64 {
        self.shared.next_connection.load(Ordering::Relaxed)
    }

    /// Bytes read inside TLS sessions after their handshakes completed: what clients
    /// sent once they had verified the server. Zero after a client refused the
    /// certificate.
    pub fn tls_bytes_received(&self) -> u64 {
        self.shared.tls_received.load(Ordering::Relaxed)
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API key configured at start (a later `PUT /v1/auth/credentials` does not
    /// change what this returns).
    pub fn api_key(&self) -> &str {
        &self.shared.config.api_key
    }

    /// The API secret configured at start (a secret).
    pub fn api_secret(&self) -> &str {
        &self.shared.config.api_secret
    }

    /// The settings the emulator runs with.
    pub fn config(&self) -> &SandboxConfig {
        &self.shared.config
    }

    /// The sandbox clock, to move time or simulate skew.
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// Adds a fault rule (rules are tried in the order added).
    pub fn add_fault(&self, rule: FaultRule) {
        lock(&self.shared.faults).add(rule);
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Registers a request-signing public key (a P-384 SPKI PEM, `BEGIN PUBLIC KEY`)
    /// without going through HTTP, and returns its key id. Registering the same key again
    /// returns the same id.
    ///
    /// # Panics
    /// When `spki_pem` is not a P-384 public key PEM: a bug in the calling test.
    pub fn register_signing_key(&self, spki_pem: &str) -> String {
        let key = p384::PublicKey::from_public_key_pem(spki_pem.trim())
            .unwrap_or_else(|e| panic!("register_signing_key: not a P-384 SPKI PEM: {e}"));
        lock(&self.shared.state).register_key(key.into())
    }

    /// The ids of the request-signing keys registered now, oldest first (a deleted key
    /// is gone from it).
    pub fn signing_key_ids(&self) -> Vec<String> {
        lock(&self.shared.state)
            .signing_keys
            .iter()
            .map(|k| k.id.clone())
            .collect()
    }

    /// A snapshot of all customers, as `GET /v1/customers/{id}` shows them (taking it
    /// does not count as a client read).
    pub fn customers(&self) -> Vec<Value> {
        self.shared.customers_json()
    }

    /// A snapshot of all accounts, as `GET /v1/accounts/{id}` shows them (taking it does
    /// not count as a poll).
    pub fn accounts(&self) -> Vec<Value> {
        self.shared.accounts_json()
    }

    /// Every webhook delivery so far (one per event and subscription, plus the fault
    /// mode's duplicates), oldest first, with its attempts and outcome.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.shared.outbox.deliveries()
    }

    /// The public half (SPKI PEM, `BEGIN PUBLIC KEY`) of the key deliveries are signed
    /// with, when [`SandboxConfig::webhook_signing_key`] is set: what a host gives its
    /// inbox to verify them.
    pub fn webhook_public_key_pem(&self) -> Option<String> {
        self.shared
            .webhook_signer
            .as_ref()
            .map(|s| s.public_key_pem())
    }

    /// Changes how webhooks are delivered from now on (faults, retries).
    pub fn set_webhook_faults(&self, faults: WebhookFaults) {
        self.shared.outbox.set_faults(faults);
    }

    /// Changes how long a verify takes from now on
    /// ([`SandboxConfig::verification_delay`]); a verify already asked for keeps its time.
    pub fn set_verification_delay(&self, delay: std::time::Duration) {
        lock(&self.shared.settings).verification_delay = delay;
    }

    /// Changes the page size of every list from now on ([`SandboxConfig::page_size`];
    /// 0: one bare array).
    pub fn set_page_size(&self, size: usize) {
        lock(&self.shared.settings).page_size = size;
    }

    /// The last requests received on `/v1` (at most 10 000), oldest first.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).snapshot()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        // Wake the accept loop with a connection of our own.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(if wake.is_ipv4() {
                [127, 0, 0, 1].into()
            } else {
                std::net::Ipv6Addr::LOCALHOST.into()
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        self.shared.outbox.stop();
        if let Some(webhooks) = self.webhooks.take() {
            let _ = webhooks.join();
        }
        for (_, stream) in lock(&self.shared.connections).drain() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("url", &self.url())
            .field("config", &self.shared.config)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Sandbox>();
        assert_send_sync::<Clock>();
        assert_send_sync::<FaultRule>();
    }

    #[test]
    fn starts_reports_and_stops() {
        let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
        let url = sandbox.url();
        assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/v1"));
        assert_eq!(sandbox.api_key(), sandbox.config().api_key);
        assert!(sandbox.customers().is_empty() && sandbox.accounts().is_empty());
        assert!(sandbox.request_log().is_empty());
        let key = p384::ecdsa::SigningKey::from_slice(&[9u8; 48]).unwrap();
        let pem = p384::pkcs8::EncodePublicKey::to_public_key_pem(
            key.verifying_key(),
            p384::pkcs8::LineEnding::LF,
        )
        .unwrap();
        let pem = pem.as_str();
        let id = sandbox.register_signing_key(pem);
        assert_eq!(sandbox.register_signing_key(pem), id);
        assert!(format!("{sandbox:?}").contains("[redacted]"));
    }
}
