//! # offblocks
//!
//! A blocking client for the [OffBlocks](https://offblocks.xyz) crypto-card onboarding
//! API, with a stable C ABI. Every call is signed per RFC 9421 (`ecdsa-p384-sha384`),
//! carries an RFC 9530 `Content-Digest` of the exact bytes sent and an `Idempotency-Key`
//! that stays the same on every retry.
//!
//! Onboarding a customer end to end: register the request-signing key, create the
//! customer, sign its EIP-4361 challenge with the customer's wallet, have the sandbox
//! verify it, open an account, sign the account's challenge, and wait until it is active.
//!
//! ```no_run
//! use offblocks::wallet::{ChainId, Wallet};
//! use offblocks::{Client, Environment, OnboardingRequest, SigningKey};
//!
//! fn main() -> offblocks::Result<()> {
//!     // The P-384 key that signs every request. Keep it (`to_pkcs8_pem`) and its id to
//!     // skip the registration next time (`.signing_key_pem(..)`, `.key_id(..)`).
//!     let client = Client::builder()
//!         .environment(Environment::Sandbox)
//!         .credentials("your-api-key", "your-api-secret")
//!         .signing_key(SigningKey::generate()?)
//!         .build()?;
//!     let key_id = client.auth().register_signing_key()?;
//!     println!("signing key {key_id}");
//!
//!     // The customer's secp256k1 key. A wallet app, a KMS or an HSM can sign instead:
//!     // anything implementing `offblocks::wallet::Signer`.
//!     let wallet = Wallet::random()?;
//!     let request = OnboardingRequest::new("customer-42", ChainId::eip155(300));
//!     let done = client.onboard(&request, &wallet, &mut |p| {
//!         println!("{:>8.1?} {} {}", p.elapsed, p.step.as_str(), p.status)
//!     })?;
//!     println!("account {} is {:?}", done.account.id, done.account.status);
//!     Ok(())
//! }
//! ```
//!
//! `onboard` is resumable: run it again with the same external id and signer after a
//! crash and it picks up where it stopped, creating nothing twice.
//!
//! # Where things are
//!
//! - [`Client`] (built with [`ClientBuilder`], every setting in [`Config`]) hands out the
//!   resources: [`api::Auth`], [`api::Customers`], [`api::Accounts`],
//!   [`api::Simulator`], [`api::Webhooks`]; their JSON shapes are in [`models`].
//! - [`Client::dry_run`] shows the exact headers and [RFC 9421] signature base a request
//!   would carry, without sending it; [`httpsig`] is the signer and digest on their own.
//! - [`wallet`]: secp256k1 keys, EIP-55 addresses, CAIP-2/10 ids, EIP-191 signatures,
//!   the EIP-4361 parser and the guard that refuses a challenge for the wrong address,
//!   chain, domain or time.
//! - [`onboarding`]: the whole flow above, step by step.
//! - The C ABI (`include/offblocks.h`, used by the C, Python and Kotlin faces) is not
//!   part of the Rust API and is left out of these docs.
//! - Every failure is an [`Error`]; fallible functions say when under `# Errors`.
//!
//! [RFC 9421]: https://www.rfc-editor.org/rfc/rfc9421
#![deny(unsafe_code)]
#![deny(missing_docs)]
// An example that warns (an unused import) is a wrong example.
#![doc(test(attr(deny(warnings))))]

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
#[path = "fuzz_seam.rs"]
pub mod __fuzz;
pub mod api;
mod builder;
mod client;
mod clock;
mod config;
mod error;
/// The C ABI: `extern "C"` functions for `include/offblocks.h`. Public so that the
/// cdylib and staticlib export it and the tests can call it; not for Rust callers.
#[doc(hidden)]
pub mod ffi;
pub mod httpsig;
mod ids;
pub mod inbox;
pub mod models;
mod observer;
pub mod onboarding;
mod redact;
mod resolver;
mod session;
mod sync;
pub mod time;
mod token;
mod transport;
pub mod wallet;

pub use builder::ClientBuilder;
pub use client::Client;
pub use config::{BaseUrl, Config, Environment, ProxyUrl, RetryPolicy, RootStore, Secret};
pub use error::{ApiError, Error, ErrorKind, Result};
pub use httpsig::{
    CoveredComponents, DigestAlgorithms, ExternalSigner, PreparedRequest, SigningKey,
};
pub use observer::{Attempt, Observer};
pub use onboarding::{
    Onboarded, Onboarding, OnboardingRequest, Progress, ProgressReply, Step, Waiting,
};
pub use token::Token;
pub use transport::TlsFailure;

/// The README's Rust examples, compiled (and run where not marked `no_run`) as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
