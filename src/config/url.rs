//! Where the API is: the environment and the normalized base URL.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// Which OffBlocks deployment to talk to. `Debug` and serialization show a custom URL
/// with any user info as `***@`.
#[derive(Clone, PartialEq, Eq)]
pub enum Environment {
    /// `https://api.offblocks.xyz/v1`.
    Live,
    /// `https://api.sandbox.offblocks.xyz/v1`.
    Sandbox,
    /// Any other base URL (the local emulator, a proxy, tests).
    Custom(String),
}

impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Environment::Live => f.write_str("Live"),
            Environment::Sandbox => f.write_str("Sandbox"),
            Environment::Custom(url) => f
                .debug_tuple("Custom")
                .field(&redact_userinfo(url))
                .finish(),
        }
    }
}

impl Serialize for Environment {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Environment::Live => s.serialize_str("live"),
            Environment::Sandbox => s.serialize_str("sandbox"),
            Environment::Custom(url) => s.serialize_str(&redact_userinfo(url)),
        }
    }
}

/// `"live"`, `"sandbox"`, or a base URL (`scheme://…`).
impl<'de> Deserialize<'de> for Environment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match text.as_str() {
            "live" => Ok(Environment::Live),
            "sandbox" => Ok(Environment::Sandbox),
            url if url.contains("://") => Ok(Environment::Custom(text)),
            _ => Err(super::json::invalid(
                "environment must be \"live\" or \"sandbox\" (or give baseUrl)",
            )),
        }
    }
}

impl Environment {
    /// The base URL of this environment.
    pub fn base_url(&self) -> &str {
        match self {
            Environment::Live => "https://api.offblocks.xyz/v1",
            Environment::Sandbox => "https://api.sandbox.offblocks.xyz/v1",
            Environment::Custom(url) => url,
        }
    }
}

/// A parsed, normalized base URL: scheme, authority (lowercase host, default port
/// dropped, as RFC 9421 `@authority` wants it) and path prefix without trailing `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    text: String,
    scheme_len: usize,
    authority_end: usize,
    host_end: usize,
}

impl BaseUrl {
    /// Parses `http(s)://host[:port][/path]`.
    ///
    /// # Errors
    /// [`Error::Config`] for another scheme, user info, a query or fragment, a bad port.
    pub fn parse(url: &str) -> Result<BaseUrl> {
        let shown = redact_userinfo(url);
        let bad = |why: &str| Error::Config(format!("base url {shown:?}: {why}"));
        let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("missing scheme"))?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "https" => "443",
            "http" => "80",
            _ => return Err(bad("scheme must be http or https")),
        };
        if rest.contains(['?', '#']) {
            return Err(bad("must not have a query or fragment"));
        }
        let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
        // An `@` anywhere means user info (a password may hold `/`, `?` or `#`, which
        // would otherwise end the authority early): never part of an API's URL.
        if authority.is_empty() || rest.contains('@') {
            return Err(bad("needs a host and no user info"));
        }
        let (host, port) = match authority.rfind(':') {
            Some(i) if !authority[i..].contains(']') => {
                (&authority[..i], Some(&authority[i + 1..]))
            }
            _ => (authority, None),
        };
        // A ':' belongs only inside an IPv6 literal: `a:1.b` is no host, and would read
        // back as host `a` with port `1.b`.
        let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            Some(ip) => {
                !ip.is_empty()
                    && ip
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit() || b":.".contains(&b))
            }
            None => host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b)),
        };
        if host.is_empty() || !host_ok {
            return Err(bad("invalid host"));
        }
        if let Some(p) = port {
            if p.parse::<u16>().is_err() {
                return Err(bad("invalid port"));
            }
        }
        let host = host.to_ascii_lowercase();
        let mut text = format!("{scheme}://{host}");
        let host_end = text.len();
        if let Some(p) = port.filter(|p| *p != default_port) {
            text.push(':');
            text.push_str(p);
        }
        let authority_end = text.len();
        text.push_str(path.trim_end_matches('/'));
        Ok(BaseUrl {
            scheme_len: scheme.len(),
            text,
            authority_end,
            host_end,
        })
    }

    /// The whole normalized base URL.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &str {
        &self.text[..self.scheme_len]
    }

    /// Host and non-default port, lowercase.
    pub fn authority(&self) -> &str {
        &self.text[self.scheme_len + 3..self.authority_end]
    }

    /// The host alone.
    pub fn host(&self) -> &str {
        &self.text[self.scheme_len + 3..self.host_end]
    }

    /// The path prefix (`/v1`), possibly empty.
    pub fn path(&self) -> &str {
        &self.text[self.authority_end..]
    }

    /// Whether the host is the loopback interface: an IPv4 literal in `127.0.0.0/8`,
    /// `[::1]`, or `localhost` when it resolves to loopback addresses only. A name such
    /// as `127.evil.example` is not.
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(self.host())
    }
}

/// Whether `host` (a name, an IPv4 literal, an IPv6 literal with or without brackets)
/// is the loopback interface. The only name accepted is `localhost`, and only when it
/// resolves, here and now, to loopback addresses and nothing else.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    use std::net::{IpAddr, ToSocketAddrs};
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return ip.is_loopback();
    }
    if !bare.eq_ignore_ascii_case("localhost") {
        return false;
    }
    match ("localhost", 0).to_socket_addrs() {
        Ok(addrs) => {
            let addrs: Vec<_> = addrs.collect();
            !addrs.is_empty() && addrs.iter().all(|a| a.ip().is_loopback())
        }
        Err(_) => false,
    }
}

/// `text` with its `%XX` escapes decoded (lossy UTF-8); a malformed escape is kept.
pub(crate) fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `url` with any `user:password@` replaced by `***@`, for messages.
///
/// The user info ends at the last `@` of the URL, not at the last one before the
/// first `/`, `?` or `#` as RFC 3986 parses it: a password may hold any of those
/// characters, raw (`p#ss`, `p/ss`, `p@ss`) or encoded, and must not show. A URL
/// whose path holds an `@` shows less of its path than it could; the API's URLs never
/// have one (`BaseUrl::parse` refuses them).
pub(crate) fn redact_userinfo(url: &str) -> String {
    let is_scheme = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    };
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) if is_scheme(scheme) => (Some(scheme), rest),
        _ => (None, url),
    };
    match (rest.rfind('@'), scheme) {
        (Some(at), Some(scheme)) => format!("{scheme}://***@{}", &rest[at + 1..]),
        (Some(at), None) => format!("***@{}", &rest[at + 1..]),
        (None, _) => url.to_owned(),
    }
}
