//! Building a request's headers and its RFC 9421 §2.5 signature base.

use std::fmt::{self, Write as _};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use super::digest::{content_digest, DigestAlgorithms};
use super::key::SigningKey;
use super::sf::serialize_string;
use crate::config::BaseUrl;
use crate::error::{Error, Result};

/// The algorithm name OffBlocks requires in the `alg` parameter.
pub const ALGORITHM: &str = "ecdsa-p384-sha384";

/// A component a signature can cover (RFC 9421 §2.1 fields and §2.2 derived components).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Component {
    /// `@method`: the request method.
    Method,
    /// `@authority`: the target host, lowercased, default port removed.
    Authority,
    /// `@path`: the absolute path, without the query.
    Path,
    /// `@query`: `?` and the query; covered by default only when the URL has one.
    Query,
    /// `@target-uri`: the full URI (avoid behind proxies).
    TargetUri,
    /// `@scheme`: `http` or `https` (avoid behind proxies).
    Scheme,
    /// `@request-target`: path and query.
    RequestTarget,
    /// An HTTP header, by lowercase name; covered only when the request has it.
    Header(String),
}

impl Component {
    /// Parses a component identifier such as `"@method"` or `"content-digest"`.
    ///
    /// # Errors
    /// [`Error::Config`] for an unknown derived component or a name that is not a
    /// lowercase HTTP token.
    pub fn parse(name: &str) -> Result<Component> {
        Ok(match name {
            "@method" => Component::Method,
            "@authority" => Component::Authority,
            "@path" => Component::Path,
            "@query" => Component::Query,
            "@target-uri" => Component::TargetUri,
            "@scheme" => Component::Scheme,
            "@request-target" => Component::RequestTarget,
            h if !h.is_empty()
                && h.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.!#$%&'*+^`|~".contains(&b)
                }) =>
            {
                Component::Header(h.to_owned())
            }
            other => {
                return Err(Error::Config(format!(
                    "{other:?} is not a supported covered component"
                )))
            }
        })
    }

    /// The component identifier as it appears in the signature base.
    pub fn name(&self) -> &str {
        match self {
            Component::Method => "@method",
            Component::Authority => "@authority",
            Component::Path => "@path",
            Component::Query => "@query",
            Component::TargetUri => "@target-uri",
            Component::Scheme => "@scheme",
            Component::RequestTarget => "@request-target",
            Component::Header(h) => h,
        }
    }
}

/// The components every signature covers, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoveredComponents(Vec<Component>);

impl CoveredComponents {
    /// Builds the list from identifiers such as `["@method", "@path", "authorization"]`.
    ///
    /// # Errors
    /// [`Error::Config`] for an unknown or repeated component, or an empty list.
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Result<CoveredComponents> {
        let mut list = Vec::with_capacity(names.len());
        for n in names {
            let c = Component::parse(n.as_ref())?;
            if list.contains(&c) {
                return Err(Error::Config(format!("component {:?} repeated", c.name())));
            }
            list.push(c);
        }
        if list.is_empty() {
            return Err(Error::Config("no covered components".into()));
        }
        Ok(CoveredComponents(list))
    }

    /// The components, in order.
    pub fn components(&self) -> &[Component] {
        &self.0
    }
}

impl Default for CoveredComponents {
    /// The contract's choice: `@method @authority @path`, `@query` when there is one,
    /// `authorization`, and `content-type`, `content-digest`, `idempotency-key` when
    /// present.
    fn default() -> Self {
        CoveredComponents(vec![
            Component::Method,
            Component::Authority,
            Component::Path,
            Component::Query,
            Component::Header("authorization".into()),
            Component::Header("content-type".into()),
            Component::Header("content-digest".into()),
            Component::Header("idempotency-key".into()),
        ])
    }
}

/// The parameters of one signature (RFC 9421 §2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureParams {
    /// The signature label in `Signature-Input` and `Signature`.
    pub label: String,
    /// `created`: unix seconds.
    pub created: i64,
    /// `expires`: unix seconds, when set.
    pub expires: Option<i64>,
    /// `nonce`, when set.
    pub nonce: Option<String>,
    /// `keyid`: the id OffBlocks gave the registered public key.
    pub key_id: String,
}

/// One request exactly as it will be sent: every header the SDK sets, and the signature
/// base it signed. Its `Debug` output hides the bearer token (in `Authorization` and in
/// the signature base's `"authorization"` line); the fields themselves hold it.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    /// The method, uppercase.
    pub method: String,
    /// The full URL.
    pub url: String,
    /// The headers in sending order (`Host` first).
    pub headers: Vec<(&'static str, String)>,
    /// The RFC 9421 signature base that was signed; empty for unsigned requests.
    pub signature_base: String,
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                let hidden = n.eq_ignore_ascii_case("authorization");
                (*n, if hidden { "[redacted]" } else { v.as_str() })
            })
            .collect();
        let base: Vec<&str> = self
            .signature_base
            .split('\n')
            .map(|line| {
                if line.starts_with("\"authorization\":") {
                    "\"authorization\": [redacted]"
                } else {
                    line
                }
            })
            .collect();
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("signature_base", &base.join("\n"))
            .finish()
    }
}

impl PreparedRequest {
    /// The value of header `name` (case-insensitive), if set.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Everything [`prepare`] needs to know about one request.
#[derive(Debug, Clone, Copy)]
pub struct RequestInput<'a> {
    /// The method, uppercase (`GET`, `POST`…).
    pub method: &'a str,
    /// Where the API lives.
    pub base: &'a BaseUrl,
    /// The path under the base, starting with `/`, already percent-encoded.
    pub path: &'a str,
    /// The query without `?`, if any.
    pub query: Option<&'a str>,
    /// The bearer token, for authenticated calls.
    pub token: Option<&'a str>,
    /// The exact body bytes (JSON), if any.
    pub body: Option<&'a [u8]>,
    /// The Idempotency-Key, on mutations.
    pub idempotency_key: Option<&'a str>,
    /// Which digests `Content-Digest` carries.
    pub digest: DigestAlgorithms,
}

/// What signs a request: the key, what it covers, and this signature's parameters.
#[derive(Debug, Clone, Copy)]
pub struct RequestSigner<'a> {
    /// The P-384 key.
    pub key: &'a SigningKey,
    /// The components to cover.
    pub components: &'a CoveredComponents,
    /// This signature's parameters.
    pub params: &'a SignatureParams,
}

/// Turns a request into its headers and, when `signer` is given, its signature.
///
/// Headers: `Host`, `Authorization`, `Content-Type` and `Content-Digest` (with a body),
/// `Idempotency-Key`, `Signature-Input`, `Signature`.
///
/// # Errors
/// [`Error::InvalidInput`] when a header value (token, key id, nonce, Idempotency-Key)
/// holds characters a header or a structured-field string cannot carry;
/// [`Error::Signer`] when an external key's signer fails (see [`SigningKey::sign`]).
pub fn prepare(
    input: &RequestInput<'_>,
    signer: Option<&RequestSigner<'_>>,
) -> Result<PreparedRequest> {
    let base = input.base;
    let mut url = String::with_capacity(base.as_str().len() + input.path.len() + 16);
    url.push_str(base.as_str());
    url.push_str(input.path);
    if let Some(q) = input.query {
        url.push('?');
        url.push_str(q);
    }
    let mut headers: Vec<(&'static str, String)> = Vec::with_capacity(7);
    headers.push(("Host", base.authority().to_owned()));
    if let Some(token) = input.token {
        check_header_value("token", token)?;
        headers.push(("Authorization", format!("Bearer {token}")));
    }
    if let Some(body) = input.body {
        headers.push(("Content-Type", "application/json".to_owned()));
        headers.push(("Content-Digest", content_digest(body, input.digest)));
    }
    if let Some(key) = input.idempotency_key {
        check_header_value("idempotency key", key)?;
        headers.push(("Idempotency-Key", key.to_owned()));
    }
    let mut prepared = PreparedRequest {
        method: input.method.to_owned(),
        url,
        headers,
        signature_base: String::new(),
    };
    if let Some(signer) = signer {
        let (signature_input, base) = signature_base(input, &prepared, signer)?;
        let signature = signer.key.sign(base.as_bytes())?;
        let label = &signer.params.label;
        let mut sig_header = String::with_capacity(label.len() + 132);
        sig_header.push_str(label);
        sig_header.push_str("=:");
        B64.encode_string(signature, &mut sig_header);
        sig_header.push(':');
        prepared
            .headers
            .push(("Signature-Input", format!("{label}={signature_input}")));
        prepared.headers.push(("Signature", sig_header));
        prepared.signature_base = base;
    }
    Ok(prepared)
}

/// Returns the serialized inner list with parameters and the full signature base.
fn signature_base(
    input: &RequestInput<'_>,
    prepared: &PreparedRequest,
    signer: &RequestSigner<'_>,
) -> Result<(String, String)> {
    let mut list = String::with_capacity(160);
    let mut base = String::with_capacity(512);
    list.push('(');
    let mut first = true;
    for component in signer.components.components() {
        let value: std::borrow::Cow<'_, str> = match component {
            Component::Method => input.method.into(),
            Component::Authority => input.base.authority().into(),
            Component::Path => full_path(input).into(),
            Component::Query => match input.query {
                Some(q) => format!("?{q}").into(),
                None => continue,
            },
            Component::TargetUri => prepared.url.as_str().into(),
            Component::Scheme => input.base.scheme().into(),
            Component::RequestTarget => match input.query {
                Some(q) => format!("{}?{q}", full_path(input)).into(),
                None => full_path(input).into(),
            },
            Component::Header(name) => match prepared.header(name) {
                Some(v) => v.trim().into(),
                None => continue,
            },
        };
        if !first {
            list.push(' ');
        }
        first = false;
        // Component names were validated as tokens, so they need no escaping.
        list.push('"');
        list.push_str(component.name());
        list.push('"');
        base.push('"');
        base.push_str(component.name());
        base.push_str("\": ");
        base.push_str(&value);
        base.push('\n');
    }
    list.push(')');
    let p = signer.params;
    let _ = write!(list, ";created={}", p.created);
    list.push_str(";keyid=");
    serialize_string(&mut list, &p.key_id)?;
    list.push_str(";alg=\"");
    list.push_str(ALGORITHM);
    list.push('"');
    if let Some(expires) = p.expires {
        let _ = write!(list, ";expires={expires}");
    }
    if let Some(nonce) = &p.nonce {
        list.push_str(";nonce=");
        serialize_string(&mut list, nonce)?;
    }
    base.push_str("\"@signature-params\": ");
    base.push_str(&list);
    Ok((list, base))
}

fn full_path(input: &RequestInput<'_>) -> String {
    let mut p = String::with_capacity(input.base.path().len() + input.path.len());
    p.push_str(input.base.path());
    p.push_str(input.path);
    if p.is_empty() {
        p.push('/');
    }
    p
}

/// A header value must be visible ASCII or spaces: no CR/LF that could split headers.
fn check_header_value(what: &str, value: &str) -> Result<()> {
    if value.is_empty() || !value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(Error::InvalidInput(format!(
            "{what} is empty or holds characters a header cannot carry"
        )));
    }
    Ok(())
}
