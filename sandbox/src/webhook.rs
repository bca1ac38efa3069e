//! Webhook delivery, as OffBlocks documents it: every status change of a customer or an
//! account is POSTed as `{"webhookType", "eventId", <the entity's fields>}` to each
//! subscription of that type; a 2xx acknowledges it, anything else (or no answer) is
//! retried with jittered exponential backoff until `max_attempts`, then discarded.
//!
//! Changes are found by comparing each entity's status with the last one announced (after
//! every API request, and every 50 ms while a subscription exists, so time-based account
//! activation and a delayed verification are announced too). Only loopback `http://` callbacks are delivered to; any
//! other is recorded as skipped. [`WebhookFaults`] duplicates and reorders deliveries.

use crate::shared::{lock, Shared};
use crate::store::State;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How the emulator delivers webhooks, and how it misbehaves doing so.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WebhookFaults {
    /// The chance (0 to 1) that an event is delivered a second time, later. Defaults to 0.
    pub duplicate: f64,
    /// Whether each delivery waits a random 0–`reorder_window` first, so that events
    /// arrive out of order. Defaults to `false`.
    pub reorder: bool,
    /// The longest extra wait of `reorder`. Defaults to 200 ms.
    pub reorder_window: Duration,
    /// The first retry's pause; it doubles (with ±50 % jitter) up to `max_backoff`.
    /// Defaults to 20 ms.
    pub first_backoff: Duration,
    /// The longest pause between two attempts. Defaults to 2 s.
    pub max_backoff: Duration,
    /// Attempts before a delivery is discarded. Defaults to 30.
    pub max_attempts: u32,
}

impl Default for WebhookFaults {
    fn default() -> WebhookFaults {
        WebhookFaults {
            duplicate: 0.0,
            reorder: false,
            reorder_window: Duration::from_millis(200),
            first_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_secs(2),
            max_attempts: 30,
        }
    }
}

impl WebhookFaults {
    /// Parses the command-line spelling: comma-separated `duplicate=P`, `reorder`,
    /// `reorder-ms=N`, `backoff-ms=N`, `max-backoff-ms=N`, `attempts=N`.
    ///
    /// # Errors
    /// A message naming the part that does not parse.
    pub fn parse(text: &str) -> Result<WebhookFaults, String> {
        let mut faults = WebhookFaults::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let number = || -> Result<u64, String> {
                value
                    .parse()
                    .map_err(|_| format!("webhook faults: {name} needs a whole number"))
            };
            match name {
                "duplicate" => {
                    faults.duplicate = value
                        .parse::<f64>()
                        .ok()
                        .filter(|p| (0.0..=1.0).contains(p))
                        .ok_or("webhook faults: duplicate needs a number from 0 to 1")?;
                }
                "reorder" => faults.reorder = true,
                "reorder-ms" => {
                    faults.reorder = true;
                    faults.reorder_window = Duration::from_millis(number()?);
                }
                "backoff-ms" => faults.first_backoff = Duration::from_millis(number()?),
                "max-backoff-ms" => faults.max_backoff = Duration::from_millis(number()?),
                "attempts" => {
                    faults.max_attempts = u32::try_from(number()?)
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or("webhook faults: attempts must be from 1 to 2^32-1")?;
                }
                _ => return Err(format!("webhook faults: unknown setting {name:?}")),
            }
        }
        Ok(faults)
    }

    fn from_json(value: &Value) -> Result<WebhookFaults, String> {
        let obj = value
            .as_object()
            .ok_or("webhook faults must be an object")?;
        let mut faults = WebhookFaults::default();
        let ms = |key: &str| {
            obj.get(key)
                .map(|v| v.as_u64().ok_or(format!("{key} must be a whole number")))
        };
        if let Some(p) = obj.get("duplicate") {
            faults.duplicate = p
                .as_f64()
                .filter(|p| (0.0..=1.0).contains(p))
                .ok_or("duplicate must be a number from 0 to 1")?;
        }
        if let Some(r) = obj.get("reorder") {
            faults.reorder = r.as_bool().ok_or("reorder must be a boolean")?;
        }
        if let Some(n) = ms("reorderMs") {
            faults.reorder_window = Duration::from_millis(n?);
        }
        if let Some(n) = ms("backoffMs") {
            faults.first_backoff = Duration::from_millis(n?);
        }
        if let Some(n) = ms("maxBackoffMs") {
            faults.max_backoff = Duration::from_millis(n?);
        }
        if let Some(n) = ms("attempts") {
            faults.max_attempts = u32::try_from(n?)
                .ok()
                .filter(|n| *n > 0)
                .ok_or("attempts must be from 1 to 2^32-1")?;
        }
        for key in obj.keys() {
            let known = [
                "duplicate",
                "reorder",
                "reorderMs",
                "backoffMs",
                "maxBackoffMs",
                "attempts",
            ];
            if !known.contains(&key.as_str()) {
                return Err(format!("unknown webhook fault setting {key:?}"));
            }
        }
        Ok(faults)
    }
}

/// One delivery of one event to one subscription, as tests see it.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDelivery {
    /// The event's id (the same on a duplicate).
    pub event_id: String,
    /// `customer.updated` or `account.updated`.
    pub webhook_type: String,
    /// The customer's or account's id.
    pub entity_id: String,
    /// The status the event announces.
    pub status: String,
    /// Where it was POSTed.
    pub callback_url: String,
    /// Whether this is the fault mode's extra copy.
    pub duplicate: bool,
    /// Attempts made so far.
    pub attempts: u32,
    /// The last attempt's HTTP status (none: no answer).
    pub last_status: Option<u16>,
    /// Whether a 2xx acknowledged it.
    pub acknowledged: bool,
    /// Whether it was given up on (attempts exhausted, or not a loopback `http://` URL).
    pub discarded: bool,
    /// The body as sent.
    pub body: Value,
    /// The last attempt's body bytes exactly as POSTed (empty before the first attempt).
    pub raw_body: String,
    /// The last attempt's headers besides `Host`, `Content-Length`, `User-Agent` and
    /// `Connection`: `Content-Type`, and the signature's `Content-Digest`,
    /// `Signature-Input` and `Signature` when deliveries are signed.
    pub headers: Vec<(String, String)>,
}

impl WebhookDelivery {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "eventId": self.event_id,
            "webhookType": self.webhook_type,
            "entityId": self.entity_id,
            "status": self.status,
            "callbackUrl": self.callback_url,
            "duplicate": self.duplicate,
            "attempts": self.attempts,
            "lastStatus": self.last_status,
            "acknowledged": self.acknowledged,
            "discarded": self.discarded,
            "body": self.body,
            "rawBody": self.raw_body,
            "headers": self
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), Value::String(v.clone())))
                .collect::<serde_json::Map<String, Value>>(),
        })
    }
}

/// The most deliveries kept for tests to read (the oldest finished ones go first).
const MAX_KEPT: usize = 20_000;

struct Queued {
    index: usize,
    due: Instant,
}

#[derive(Default)]
struct OutboxState {
    /// The status last announced per entity id.
    announced: HashMap<String, &'static str>,
    deliveries: Vec<WebhookDelivery>,
    queue: Vec<Queued>,
    faults: WebhookFaults,
    stopped: bool,
}

/// Finds status changes, queues their events and delivers them on one thread.
pub(crate) struct Outbox {
    state: Mutex<OutboxState>,
    wake: Condvar,
}

impl Outbox {
    pub(crate) fn new(faults: WebhookFaults) -> Outbox {
        Outbox {
            state: Mutex::new(OutboxState {
                faults,
                ..OutboxState::default()
            }),
            wake: Condvar::new(),
        }
    }

    pub(crate) fn set_faults(&self, faults: WebhookFaults) {
        lock(&self.state).faults = faults;
    }

    pub(crate) fn deliveries(&self) -> Vec<WebhookDelivery> {
        lock(&self.state).deliveries.clone()
    }

    pub(crate) fn stop(&self) {
        lock(&self.state).stopped = true;
        self.wake.notify_all();
    }

    /// Compares every entity's status with the last announced one and queues an event for
    /// each change, to every subscription of its type. `state` is the locked store.
    pub(crate) fn announce(&self, state: &mut State, now: i128) {
        let mut outbox = lock(&self.state);
        let mut events = Vec::new();
        for customer in state.customers.values_mut() {
            customer.refresh(now);
            let status = customer.status.as_str();
            if outbox.announced.get(&customer.id) != Some(&status) {
                outbox.announced.insert(customer.id.clone(), status);
                events.push((
                    "customer.updated",
                    customer.id.clone(),
                    status,
                    customer.to_json(),
                ));
            }
        }
        for account in state.accounts.values_mut() {
            account.refresh(now);
            let status = account.status.as_str();
            if outbox.announced.get(&account.id) != Some(&status) {
                outbox.announced.insert(account.id.clone(), status);
                events.push((
                    "account.updated",
                    account.id.clone(),
                    status,
                    account.to_json(),
                ));
            }
        }
        if events.is_empty() {
            return;
        }
        let faults = outbox.faults;
        let start = Instant::now();
        for (kind, entity_id, status, entity) in events {
            let event_id = crate::random::uuid();
            let mut body = entity;
            body["webhookType"] = json!(kind);
            body["eventId"] = json!(event_id);
            for hook in state
                .webhooks
                .iter()
                .filter(|w| w.types.iter().any(|t| t == kind))
            {
                let copies = if crate::random::unit_f64() < faults.duplicate {
                    2
                } else {
                    1
                };
                for copy in 0..copies {
                    let delivery = WebhookDelivery {
                        event_id: event_id.clone(),
                        webhook_type: kind.to_string(),
                        entity_id: entity_id.clone(),
                        status: status.to_string(),
                        callback_url: hook.callback_url.clone(),
                        duplicate: copy == 1,
                        attempts: 0,
                        last_status: None,
                        acknowledged: false,
                        discarded: false,
                        body: body.clone(),
                        raw_body: String::new(),
                        headers: Vec::new(),
                    };
                    let mut due = start;
                    if faults.reorder || copy == 1 {
                        due += faults.reorder_window.mul_f64(crate::random::unit_f64());
                    }
                    outbox.push(delivery, due);
                }
            }
        }
        drop(outbox);
        self.wake.notify_all();
    }
}

impl OutboxState {
    fn push(&mut self, delivery: WebhookDelivery, due: Instant) {
        if self.deliveries.len() >= MAX_KEPT {
            self.forget_finished();
        }
        self.deliveries.push(delivery);
        self.queue.push(Queued {
            index: self.deliveries.len() - 1,
            due,
        });
    }

    /// Drops the older half of the finished deliveries, re-indexing the queue.
    fn forget_finished(&mut self) {
        let mut dropped = 0;
        let limit = MAX_KEPT / 2;
        let mut remap = vec![usize::MAX; self.deliveries.len()];
        let mut kept = Vec::with_capacity(self.deliveries.len());
        for (i, d) in std::mem::take(&mut self.deliveries).into_iter().enumerate() {
            if dropped < limit && (d.acknowledged || d.discarded) {
                dropped += 1;
                continue;
            }
            remap[i] = kept.len();
            kept.push(d);
        }
        self.deliveries = kept;
        for q in &mut self.queue {
            q.index = remap[q.index];
        }
    }

    /// The next delivery that is due, removed from the queue.
    fn take_due(&mut self, now: Instant) -> Option<usize> {
        let pos = self
            .queue
            .iter()
            .enumerate()
            .filter(|(_, q)| q.due <= now)
            .min_by_key(|(_, q)| q.due)
            .map(|(i, _)| i)?;
        Some(self.queue.swap_remove(pos).index)
    }

    fn next_due(&self) -> Option<Instant> {
        self.queue.iter().map(|q| q.due).min()
    }
}

/// Starts the delivery thread of `shared`.
pub(crate) fn spawn(shared: Arc<Shared>) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("sandbox-webhooks".into())
        .spawn(move || run(&shared))
}

fn run(shared: &Shared) {
    let outbox = &shared.outbox;
    loop {
        let subscribed = !lock(&shared.state).webhooks.is_empty();
        if subscribed {
            let now = shared.clock.now_nanos();
            outbox.announce(&mut lock(&shared.state), now);
        }
        let mut state = lock(&outbox.state);
        if state.stopped {
            return;
        }
        let Some(index) = state.take_due(Instant::now()) else {
            let mut wait = Duration::from_millis(if subscribed { 50 } else { 500 });
            if let Some(due) = state.next_due() {
                wait = wait.min(due.saturating_duration_since(Instant::now()));
            }
            drop(outbox.wake.wait_timeout(state, wait));
            continue;
        };
        let (url, body) = {
            let d = &state.deliveries[index];
            (
                d.callback_url.clone(),
                serde_json::to_vec(&d.body).unwrap_or_default(),
            )
        };
        let faults = state.faults;
        drop(state);
        let mut headers = vec![("Content-Type", "application/json".to_string())];
        if let Some(signer) = &shared.webhook_signer {
            headers.extend(signer.headers(&body, shared.clock.now_secs()));
        }
        let answer = loopback_target(&url).map(|target| post(&target, &headers, &body));
        let mut state = lock(&outbox.state);
        let d = &mut state.deliveries[index];
        d.attempts += 1;
        d.raw_body = String::from_utf8_lossy(&body).into_owned();
        d.headers = headers
            .into_iter()
            .map(|(n, v)| (n.to_string(), v))
            .collect();
        match answer {
            None => d.discarded = true,
            Some(status) => {
                d.last_status = status;
                if status.is_some_and(|s| (200..300).contains(&s)) {
                    d.acknowledged = true;
                } else if d.attempts >= faults.max_attempts {
                    d.discarded = true;
                } else {
                    let exponent = (d.attempts - 1).min(20);
                    let backoff = faults
                        .first_backoff
                        .saturating_mul(1 << exponent)
                        .min(faults.max_backoff)
                        .mul_f64(0.5 + crate::random::unit_f64());
                    state.queue.push(Queued {
                        index,
                        due: Instant::now() + backoff,
                    });
                }
            }
        }
    }
}

struct Target {
    addr: SocketAddr,
    host: String,
    path: String,
}

/// The address and path of an `http://` callback on a loopback address, else `None`.
fn loopback_target(url: &str) -> Option<Target> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.contains('@') {
        return None;
    }
    let addrs: Vec<SocketAddr> = if authority.starts_with('[') || authority.contains(':') {
        authority.to_socket_addrs().ok()?.collect()
    } else {
        (authority, 80).to_socket_addrs().ok()?.collect()
    };
    let loopback = |ip: IpAddr| ip.is_loopback();
    if addrs.is_empty() || !addrs.iter().all(|a| loopback(a.ip())) {
        return None;
    }
    Some(Target {
        addr: addrs[0],
        host: authority.to_string(),
        path: path.split('#').next().unwrap_or("/").to_string(),
    })
}

/// POSTs `body`; the status of the answer, or `None` when there was none.
fn post(target: &Target, headers: &[(&str, String)], body: &[u8]) -> Option<u16> {
    let timeout = Duration::from_secs(2);
    let mut stream = TcpStream::connect_timeout(&target.addr, timeout).ok()?;
    stream.set_read_timeout(Some(timeout)).ok()?;
    stream.set_write_timeout(Some(timeout)).ok()?;
    let mut head = format!("POST {} HTTP/1.1\r\nHost: {}\r\n", target.path, target.host);
    for (name, value) in headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nUser-Agent: offblocks-sandbox-webhooks\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body).ok()?;
    let mut answer = Vec::new();
    let mut buf = [0u8; 512];
    while !answer.windows(2).any(|w| w == b"\r\n") && answer.len() < 4096 {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
    }
    let line = String::from_utf8_lossy(&answer);
    let mut parts = line.split(' ');
    let version = parts.next()?;
    if !version.starts_with("HTTP/1.") {
        return None;
    }
    parts.next()?.get(..3)?.parse().ok()
}

/// The control API's `POST /_sandbox/webhooks/faults` body.
pub(crate) fn faults_from_json(value: &Value) -> Result<WebhookFaults, String> {
    WebhookFaults::from_json(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_settings_parse() {
        let f = WebhookFaults::parse("duplicate=0.5,reorder-ms=100,attempts=3").unwrap();
        assert_eq!(f.duplicate, 0.5);
        assert!(f.reorder);
        assert_eq!(f.reorder_window, Duration::from_millis(100));
        assert_eq!(f.max_attempts, 3);
        assert!(WebhookFaults::parse("duplicate=2").is_err());
        assert!(WebhookFaults::parse("attempts=0").is_err());
        assert!(WebhookFaults::parse("bogus").is_err());
        assert_eq!(WebhookFaults::parse("").unwrap(), WebhookFaults::default());
        let j = WebhookFaults::from_json(&json!({"duplicate": 1, "reorder": true})).unwrap();
        assert_eq!((j.duplicate, j.reorder), (1.0, true));
        assert!(WebhookFaults::from_json(&json!({"duplicat": 1})).is_err());
    }

    #[test]
    fn only_loopback_http_callbacks_are_targets() {
        let t = loopback_target("http://127.0.0.1:8080/hooks?x=1").unwrap();
        assert_eq!(t.addr.port(), 8080);
        assert_eq!(t.path, "/hooks?x=1");
        assert!(loopback_target("http://[::1]:9/").is_some());
        assert!(loopback_target("https://127.0.0.1:8080/").is_none());
        assert!(loopback_target("http://10.0.0.1:8080/").is_none());
        assert!(loopback_target("http://u:p@127.0.0.1:8080/").is_none());
    }
}
