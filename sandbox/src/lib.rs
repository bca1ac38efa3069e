//! A local emulator of the OffBlocks onboarding API, for tests and demos.
//!
//! It serves `http://127.0.0.1:PORT/v1` and **checks** what clients send with its own,
//! independent implementation of the specs: RFC 9421 request signatures
//! (`ecdsa-p384-sha384`, raw 96-byte `r||s`), RFC 9530 `Content-Digest`, RFC 8941
//! structured fields, idempotency keys, CAIP-10 / EIP-55 ids, EIP-4361 challenges and
//! EIP-191 signatures. It never depends on the `offblocks` SDK: an emulator sharing the
//! client's code would share its bugs.
//!
//! ```no_run
//! use offblocks_sandbox::{FaultKind, FaultRule, Sandbox, SandboxConfig};
//! use std::time::Duration;
//!
//! let sandbox = Sandbox::start(SandboxConfig {
//!     activation_polls: 0,
//!     ..SandboxConfig::default()
//! })?;
//! println!("OFFBLOCKS_BASE_URL={}", sandbox.url());
//! // The next customer creation is committed, but its response is lost.
//! sandbox.add_fault(
//!     FaultRule::new("/v1/customers", FaultKind::DropAfterCommit)
//!         .method("POST")
//!         .times(1),
//! );
//! // ... run a client against sandbox.url() with sandbox.api_key() / api_secret() ...
//! sandbox.clock().advance(Duration::from_secs(3600)); // expire tokens and challenges
//! assert!(sandbox.customers().len() <= 1);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # What every `/v1` request is checked for, in order
//!
//! 1. A known route (404) and method (405, with `Allow`).
//! 2. `Authorization: Bearer <token>` from `POST /v1/auth/token`, unexpired on the sandbox
//!    clock (401 `invalid_token`); not for `/auth/token` itself.
//! 3. An RFC 9421 signature (not on `/auth/token` nor `PUT /auth/signing`): every label
//!    present in both `Signature-Input` and `Signature` must verify (at least one);
//!    parameters `created` + `keyid` required, `alg` only `"ecdsa-p384-sha384"`,
//!    `expires`/`nonce` optional, anything else 401 `unknown_signature_parameter`;
//!    `created` at most `created_tolerance` ahead and `max_signature_age` behind the
//!    sandbox clock; covered `@method @authority @path authorization`, plus `@query`
//!    when the target has `?`, plus `content-digest`, `content-type`, `idempotency-key`
//!    when sent; a raw 96-byte `r||s` P-384 signature over the rebuilt base.
//!    A failure is answered `401` with the JSON reason, or, with
//!    [`RefusalStyle::Offblocks`], as OffBlocks' verifier does: `400 text/plain`
//!    `invalid required signature`.
//! 4. A body needs `Content-Type: application/json` (415) and a `Content-Digest` whose
//!    `sha-256` / `sha-512` members match the bytes (400).
//! 5. POST/PUT/PATCH/DELETE (except `/auth/token`) need an `Idempotency-Key` UUID:
//!    same key and request → the stored response replayed with `Idempotent-Replayed:
//!    true` and the original `X-Request-Id`; in flight → 409 with `Retry-After: 1`;
//!    another method, path or body → 422; keys live one hour. 5xx and 401 answers are
//!    not stored, so a retry after one is processed afresh.
//!
//! Every response carries `X-Request-Id` and a `Date` from the sandbox clock; errors are
//! `{"error": "<code>", "message": "<why>"}`.
//!
//! The binary `offblocks-sandbox` runs the same server stand-alone for C and Python
//! tests, with a loopback-only control API under `/_sandbox/`.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod api;
mod clock;
mod config;
mod eth;
mod fault;
mod log;
mod proxy;
mod random;
mod sandbox;
mod server;
mod sf;
mod shared;
mod store;
mod timefmt;
mod tls;
mod verify;
mod webhook;
mod webhook_sign;

pub use clock::Clock;
pub use config::{RefusalStyle, SandboxConfig};
pub use fault::{FaultKind, FaultRule};
pub use log::LoggedRequest;
pub use proxy::{ConnectProxy, Tunnel};
pub use sandbox::Sandbox;
pub use timefmt::http_date;
pub use tls::{TlsMode, WRONG_HOST};
pub use webhook::{WebhookDelivery, WebhookFaults};
pub use webhook_sign::{generate_webhook_signing_key, WEBHOOK_KEY_ID};
