//! The emulator's settings.

use crate::webhook::WebhookFaults;
use std::fmt;
use std::time::Duration;

use crate::tls::TlsMode;

/// Settings of one [`Sandbox`](crate::Sandbox).
///
/// Build it with struct-update syntax on the default:
/// `SandboxConfig { activation_polls: 0, ..SandboxConfig::default() }`.
///
/// Holds the API secret: its `Debug` output prints `[redacted]` instead.
#[derive(Clone)]
pub struct SandboxConfig {
    /// The API key accepted by `POST /v1/auth/token`. Defaults to a random UUID.
    pub api_key: String,
    /// The API secret accepted with `api_key` (a secret). Defaults to 32 random
    /// alphanumerics.
    pub api_secret: String,
    /// How long an issued bearer token stays valid. Defaults to 3600 s.
    pub token_lifetime: Duration,
    /// How far in the server's future a signature's `created` may be before it is
    /// refused, compared in whole seconds: `created - floor(now) > tolerance` is refused.
    /// `Duration::ZERO` is OffBlocks' own verifier default (any `created` later than the
    /// server's current second fails). Sub-second parts are ignored. Defaults to 5 s.
    pub created_tolerance: Duration,
    /// How old a signature's `created` may be. Defaults to 300 s.
    pub max_signature_age: Duration,
    /// The domain named in customer challenges (EIP-4361 messages); the URI then uses
    /// `https`. When `None`, the request's `Host` header is used with `http`.
    /// Defaults to `None`.
    pub challenge_domain: Option<String>,
    /// After a successful account challenge signature, the number of
    /// `GET /v1/accounts/{id}` calls that still see the account `pending`; the next one
    /// sees it `active`. `0` disables poll-based activation. Defaults to 2.
    pub activation_polls: u32,
    /// Time (sandbox clock) after which a `pending` account becomes `active`. Zero
    /// disables time-based activation. When both this and `activation_polls` are zero,
    /// accounts become active as soon as their challenge is signed; when both are set,
    /// whichever condition is met first activates. Defaults to 0 s.
    pub activation_delay: Duration,
    /// How long KYC takes: after the simulator's verify, the customer stays `verifying`
    /// this long (sandbox clock) before it turns `active`, and a signed account deploys
    /// (`pending`) at least this long unless `activation_delay` says otherwise (poll-based
    /// activation still applies). Each change is announced by its webhook. Zero: the
    /// verify activates at once. Changeable while running
    /// ([`Sandbox::set_verification_delay`](crate::Sandbox::set_verification_delay),
    /// `POST /_sandbox/settings`). Defaults to 0 s.
    pub verification_delay: Duration,
    /// Items per page of every list (`GET /customers`, `/accounts`,
    /// `/customers/{id}/accounts`, `/webhooks`). Zero: one bare JSON array holding all.
    /// Otherwise each answer is `{"data": [..], "nextCursor": "<c>"|null, "hasMore",
    /// "total"}`, and `?cursor=<c>` asks for the next page. Changeable while running
    /// ([`Sandbox::set_page_size`](crate::Sandbox::set_page_size), `POST
    /// /_sandbox/settings`). Defaults to 0.
    pub page_size: usize,
    /// Whether account challenge signatures are checked (EIP-191 over the decoded
    /// challenge bytes, recovered address = the customer's). When `false`, any signature
    /// that decodes to 65 bytes is accepted, as OffBlocks' hosted sandbox does.
    /// Defaults to `true`.
    pub verify_account_signatures: bool,
    /// Where the sandbox clock starts relative to the system clock, in milliseconds
    /// (negative: the server runs behind the client). It moves every time-dependent
    /// check, the `Date` header and challenge `Issued At` alike; the clock can still be
    /// moved later through [`Sandbox::clock`](crate::Sandbox::clock). Defaults to 0.
    pub clock_offset_ms: i64,
    /// How signature-verification failures are answered. Defaults to
    /// [`RefusalStyle::Detailed`].
    pub refusal_style: RefusalStyle,
    /// How webhook events are delivered: retries, and the duplicate/reorder fault mode.
    /// Defaults to [`WebhookFaults::default`] (no faults).
    pub webhook_faults: WebhookFaults,
    /// A P-384 private key PEM (PKCS#8 or SEC1) that signs every webhook delivery (RFC
    /// 9421 `ecdsa-p384-sha384` over `@method`, `content-type`, `content-digest`, with a
    /// `sha-256` `Content-Digest`); its public half is
    /// [`Sandbox::webhook_public_key_pem`](crate::Sandbox::webhook_public_key_pem).
    /// [`generate_webhook_signing_key`](crate::generate_webhook_signing_key) makes one. A
    /// secret. Defaults to `None`: deliveries are unsigned.
    pub webhook_signing_key: Option<String>,
    /// Unused: the server runs one thread per connection. Kept so callers may set it.
    /// Defaults to 8.
    pub workers: usize,
    /// Serve HTTPS with a throwaway CA made at start, presenting what the mode says
    /// ([`Sandbox::url`](crate::Sandbox::url) then starts `https://`,
    /// [`Sandbox::ca_pem`](crate::Sandbox::ca_pem) is the CA to trust). Defaults to
    /// `None`: plain http.
    pub tls: Option<TlsMode>,
}

/// The settings a running emulator may change (seeded from [`SandboxConfig`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub(crate) verification_delay: Duration,
    pub(crate) page_size: usize,
}

impl Settings {
    pub(crate) fn from_config(config: &SandboxConfig) -> Settings {
        Settings {
            verification_delay: config.verification_delay,
            page_size: config.page_size,
        }
    }
}

/// How the emulator answers a request whose RFC 9421 signature does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RefusalStyle {
    /// `401` with the JSON error body naming the reason (`signature_created_in_future`
    /// with `serverTime`, `invalid_signature`…): the emulator's own, for debugging clients.
    #[default]
    Detailed,
    /// As OffBlocks' Go verifier middleware answers: `400`, `Content-Type: text/plain;
    /// charset=utf-8`, body `invalid required signature` and a newline, whatever the
    /// reason. A client must recover from this without being told why.
    Offblocks,
}

impl RefusalStyle {
    /// Parses the command-line spelling: `detailed` or `offblocks`.
    pub fn parse(name: &str) -> Option<RefusalStyle> {
        match name {
            "detailed" => Some(RefusalStyle::Detailed),
            "offblocks" => Some(RefusalStyle::Offblocks),
            _ => None,
        }
    }
}

impl Default for SandboxConfig {
    fn default() -> SandboxConfig {
        SandboxConfig {
            api_key: crate::random::uuid(),
            api_secret: crate::random::alphanumeric(32),
            token_lifetime: Duration::from_secs(3600),
            created_tolerance: Duration::from_secs(5),
            max_signature_age: Duration::from_secs(300),
            challenge_domain: None,
            activation_polls: 2,
            activation_delay: Duration::ZERO,
            verification_delay: Duration::ZERO,
            page_size: 0,
            verify_account_signatures: true,
            clock_offset_ms: 0,
            refusal_style: RefusalStyle::Detailed,
            webhook_faults: WebhookFaults::default(),
            webhook_signing_key: None,
            workers: 8,
            tls: None,
        }
    }
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("api_key", &self.api_key)
            .field("api_secret", &"[redacted]")
            .field("token_lifetime", &self.token_lifetime)
            .field("created_tolerance", &self.created_tolerance)
            .field("max_signature_age", &self.max_signature_age)
            .field("challenge_domain", &self.challenge_domain)
            .field("activation_polls", &self.activation_polls)
            .field("activation_delay", &self.activation_delay)
            .field("verification_delay", &self.verification_delay)
            .field("page_size", &self.page_size)
            .field("verify_account_signatures", &self.verify_account_signatures)
            .field("clock_offset_ms", &self.clock_offset_ms)
            .field("refusal_style", &self.refusal_style)
            .field("webhook_faults", &self.webhook_faults)
            .field(
                "webhook_signing_key",
                &self.webhook_signing_key.as_ref().map(|_| "[redacted]"),
            )
            .field("workers", &self.workers)
            .field("tls", &self.tls)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_random_and_redacted() {
        let a = SandboxConfig::default();
        let b = SandboxConfig::default();
        assert_ne!(a.api_key, b.api_key);
        assert_eq!(a.api_secret.len(), 32);
        let shown = format!("{a:?}");
        assert!(shown.contains("[redacted]"));
        assert!(!shown.contains(&a.api_secret));
        assert_eq!(a.activation_polls, 2);
        assert_eq!(a.verification_delay, Duration::ZERO);
        assert_eq!(a.page_size, 0);
        assert!(a.verify_account_signatures);
        assert_eq!(a.created_tolerance, Duration::from_secs(5));
        assert_eq!(a.clock_offset_ms, 0);
        assert_eq!(a.refusal_style, RefusalStyle::Detailed);
    }

    #[test]
    fn refusal_styles_parse() {
        assert_eq!(
            RefusalStyle::parse("offblocks"),
            Some(RefusalStyle::Offblocks)
        );
        assert_eq!(
            RefusalStyle::parse("detailed"),
            Some(RefusalStyle::Detailed)
        );
        assert_eq!(RefusalStyle::parse("OffBlocks"), None);
    }
}
