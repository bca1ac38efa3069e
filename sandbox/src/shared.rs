//! What every connection thread shares: settings, clock, state and fault rules.

use crate::clock::Clock;
use crate::config::{SandboxConfig, Settings};
use crate::fault::FaultSet;
use crate::log::RequestLog;
use crate::store::{IdempotencyStore, State};
use crate::tls::TlsSetup;
use crate::webhook::Outbox;
use crate::webhook_sign::DeliverySigner;
use serde_json::Value;
use std::collections::HashMap;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex, MutexGuard};

/// Locks a mutex, recovering the data if a thread panicked while holding it: one failed
/// request must not wedge the server.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The server's shared state.
pub(crate) struct Shared {
    pub(crate) config: SandboxConfig,
    /// What may change while running: the verification delay, the page size.
    pub(crate) settings: Mutex<Settings>,
    pub(crate) clock: Clock,
    pub(crate) state: Mutex<State>,
    pub(crate) idempotency: Mutex<IdempotencyStore>,
    pub(crate) faults: Mutex<FaultSet>,
    pub(crate) log: Mutex<RequestLog>,
    pub(crate) shutdown: AtomicBool,
    /// Open connections, so that stopping the server can close them.
    pub(crate) connections: Mutex<HashMap<u64, TcpStream>>,
    pub(crate) next_connection: AtomicU64,
    /// Webhook events waiting for delivery, and what was delivered.
    pub(crate) outbox: Outbox,
    /// The key webhook deliveries are signed with, when set.
    pub(crate) webhook_signer: Option<DeliverySigner>,
    /// The certificates when serving HTTPS.
    pub(crate) tls: Option<TlsSetup>,
    /// Plaintext bytes read inside TLS sessions (after their handshakes completed).
    pub(crate) tls_received: Arc<AtomicU64>,
}

impl Shared {
    pub(crate) fn new(config: SandboxConfig) -> std::io::Result<Shared> {
        let tls = config.tls.map(TlsSetup::new).transpose()?;
        let state = State::new(&config.api_key, &config.api_secret);
        let clock = Clock::new();
        clock.set_offset_ms(config.clock_offset_ms);
        let outbox = Outbox::new(config.webhook_faults);
        let webhook_signer = config
            .webhook_signing_key
            .as_deref()
            .map(DeliverySigner::from_pem)
            .transpose()?;
        Ok(Shared {
            webhook_signer,
            settings: Mutex::new(Settings::from_config(&config)),
            outbox,
            config,
            clock,
            state: Mutex::new(state),
            idempotency: Mutex::new(IdempotencyStore::default()),
            faults: Mutex::new(FaultSet::default()),
            log: Mutex::new(RequestLog::default()),
            shutdown: AtomicBool::new(false),
            connections: Mutex::new(HashMap::new()),
            next_connection: AtomicU64::new(0),
            tls,
            tls_received: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The current runtime settings.
    pub(crate) fn settings(&self) -> Settings {
        *lock(&self.settings)
    }

    /// All customers as the API shows them, in creation order. Does not count as a read
    /// (screening is not advanced); a verification whose delay has passed is applied.
    pub(crate) fn customers_json(&self) -> Vec<Value> {
        let now = self.clock.now_nanos();
        let mut state = lock(&self.state);
        state
            .customers_sorted()
            .into_iter()
            .map(|c| {
                c.refresh(now);
                c.to_json()
            })
            .collect()
    }

    /// All accounts as the API shows them, in creation order. Time-based activation is
    /// applied; poll-based activation is not counted.
    pub(crate) fn accounts_json(&self) -> Vec<Value> {
        let now = self.clock.now_nanos();
        let mut state = lock(&self.state);
        state
            .accounts_sorted(None)
            .into_iter()
            .map(|a| {
                a.refresh(now);
                a.to_json()
            })
            .collect()
    }
}
