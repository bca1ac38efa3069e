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
mod random;
mod sandbox;
mod server;
mod sf;
mod shared;
mod store;
mod timefmt;
mod verify;

pub use clock::Clock;
pub use config::SandboxConfig;
pub use fault::{FaultKind, FaultRule};
pub use log::LoggedRequest;
pub use sandbox::Sandbox;
