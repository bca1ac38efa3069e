//! # offblocks
//!
//! A blocking Rust SDK for the [OffBlocks](https://offblocks.xyz) onboarding API, with a
//! stable C ABI. Every call is signed per RFC 9421 (`ecdsa-p384-sha384`) with an RFC 9530
//! `Content-Digest` and an `Idempotency-Key` that survives retries.
//!
//! ```no_run
//! # fn main() -> offblocks::Result<()> {
//! use offblocks::{Client, models::{NewAccount, NewCustomer}};
//!
//! let client = Client::builder()
//!     .base_url("http://127.0.0.1:8080/v1") // the local emulator
//!     .credentials("api-key", "api-secret")
//!     .signing_key(offblocks::SigningKey::generate()?)
//!     .build()?;
//! client.auth().register_signing_key()?;
//! let customer = client.customers().create(&NewCustomer {
//!     chain_id: "eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".into(),
//!     external_id: "user-42".into(),
//! })?;
//! let accounts = client.accounts().list_for_customer(&customer.id)?;
//! # let _ = (accounts, NewAccount::default());
//! # Ok(()) }
//! ```
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
mod auth;
mod builder;
mod client;
mod clock;
mod config;
mod error;
pub mod ffi;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
pub mod httpsig;
mod ids;
pub mod models;
pub mod onboarding;
mod resolver;
pub mod time;
mod transport;
pub mod wallet;

pub use auth::Token;
pub use builder::ClientBuilder;
pub use client::Client;
pub use config::{BaseUrl, Config, Environment, RetryPolicy, Secret};
pub use error::{ApiError, Error, Result};
pub use httpsig::{CoveredComponents, DigestAlgorithms, PreparedRequest, SigningKey};
pub use onboarding::{Onboarded, OnboardingRequest, Progress, Step};
