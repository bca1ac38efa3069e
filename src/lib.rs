//! # offblocks
//!
//! Blocking Rust SDK for the OffBlocks onboarding API, with a stable C ABI.
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod error;
pub mod time;
pub mod wallet;

pub use error::{ApiError, Error, Result};
