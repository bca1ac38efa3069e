//! The customer's side: a secp256k1 wallet, EIP-191, EIP-55, CAIP-2/10, EIP-4361.
//!
//! A customer proves it owns its blockchain account by signing the challenge OffBlocks
//! issues: an EIP-4361 (Sign-In with Ethereum) message, base64-encoded, signed with
//! EIP-191 `personal_sign`. This module parses and checks the challenge
//! ([`SiweMessage`], [`ChallengeGuard`]) and signs it, with an in-memory key
//! ([`Wallet`]) or any other [`Signer`].
//!
//! ```
//! use offblocks::time::Timestamp;
//! use offblocks::wallet::{sign_challenge, AccountId, ChallengeGuard, SignatureEncoding, Wallet};
//!
//! # fn main() -> offblocks::Result<()> {
//! // Hardhat's default account #0: a well-known test key, never a real one.
//! let wallet = Wallet::from_hex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")?;
//! let customer: AccountId = "eip155:280:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".parse()?;
//! # let challenge = base64_challenge();
//! // The time to check the challenge at: `Timestamp::now()` for a challenge just fetched.
//! let now = Timestamp::parse("2024-01-17T18:30:00Z")?;
//! let signed = sign_challenge(&wallet, &ChallengeGuard::new(), &challenge, &customer, now)?;
//! let signature_field = signed.encoded_signature(SignatureEncoding::Base64Hex);
//! # assert!(signed.signature.verify(&signed.message, &wallet.address()));
//! # let _ = signature_field;
//! # Ok(())
//! # }
//! # fn base64_challenge() -> String {
//! #     use base64::Engine as _;
//! #     base64::engine::general_purpose::STANDARD.encode(
//! #         "api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:\n\
//! #          0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\n\nURI: https://api.sandbox.offblocks.xyz\n\
//! #          Version: 1\nChain ID: 280\nNonce: 5ufoiEqDaFvmfo78\nIssued At: 2024-01-17T18:21:53Z")
//! # }
//! ```

mod account_challenge;
mod address;
mod caip;
mod guard;
mod key;
mod personal;
mod rfc3986;
mod signer;
mod siwe;

pub use account_challenge::{
    check_account_challenge, AccountChallengeKind, AccountChallengePolicy,
};
pub use address::Address;
pub use caip::{AccountId, ChainId};
pub use guard::{ChallengeGuard, Refusal};
pub use key::Wallet;
pub use personal::{eip191_hash, PersonalSignature, SignatureEncoding};
pub use signer::{sign_challenge, SignedChallenge, Signer};
pub use siwe::{decode_challenge, SiweError, SiweMessage};
