//! The proxy setting: a URL that may carry a password, so it never prints whole.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use super::url::redact_userinfo;
use crate::error::{Error, Result};

/// An HTTP proxy's URL, `http://[user:password@]host:port`. Its user and password are
/// shown as `***` in `Debug`, in errors and when the configuration is serialized.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct ProxyUrl(String);

impl ProxyUrl {
    /// Wraps a proxy URL (checked when the client is built).
    pub fn new(url: impl Into<String>) -> ProxyUrl {
        ProxyUrl(url.into())
    }

    /// The URL, password included. Handle with care.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The proxy for ureq.
    ///
    /// # Errors
    /// [`Error::Config`] for a scheme other than `http`, or a URL that does not parse.
    pub(crate) fn to_ureq(&self) -> Result<ureq::Proxy> {
        let shown = redact_userinfo(&self.0);
        if !self.0.to_ascii_lowercase().starts_with("http://") {
            return Err(Error::Config(format!(
                "proxy {shown:?}: only http:// proxies are supported (HTTPS is tunnelled \
                 through them with CONNECT)"
            )));
        }
        ureq::Proxy::new(&self.0)
            .map_err(|_| Error::Config(format!("proxy {shown:?} is not a valid URL")))
    }

    pub(crate) fn check(&self) -> Result<()> {
        self.to_ureq().map(drop)
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&redact_userinfo(&self.0), f)
    }
}

impl Serialize for ProxyUrl {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&redact_userinfo(&self.0))
    }
}
