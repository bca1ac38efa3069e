//! EIP-4361 Sign-In with Ethereum messages: the customer challenge.
//!
//! The parser follows the line layout of the EIP's ABNF and keeps the text it was given:
//! what gets signed is always [`SiweMessage::as_bytes`], the bytes received, never a
//! message rebuilt from the fields.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;

use crate::time::{parse_rfc3339, Timestamp};
use crate::wallet::personal::BASE64;
use crate::wallet::rfc3986::{is_authority, is_pchar_text, is_scheme, is_statement, is_uri};
use crate::wallet::Address;
use crate::{Error, Result};

const HEADER_SUFFIX: &str = " wants you to sign in with your Ethereum account:";

/// The required fields after the statement, in order: line prefix and ABNF name.
const REQUIRED: [(&str, &str); 5] = [
    ("URI: ", "uri"),
    ("Version: ", "version"),
    ("Chain ID: ", "chain-id"),
    ("Nonce: ", "nonce"),
    ("Issued At: ", "issued-at"),
];

/// The optional fields after `Issued At`, in order.
const OPTIONAL: [&str; 4] = [
    "Expiration Time: ",
    "Not Before: ",
    "Request ID: ",
    "Resources:",
];

/// Why a Sign-In with Ethereum message could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SiweError {
    /// The bytes are not UTF-8 text.
    #[error("message is not utf-8 (at byte {valid_up_to})")]
    NotUtf8 {
        /// How many leading bytes are valid UTF-8.
        valid_up_to: usize,
    },
    /// The first line is not `<domain> wants you to sign in with your Ethereum account:`.
    #[error("missing the sign-in header line")]
    MissingHeader,
    /// The address line is not `0x` and 40 hex digits, or its mixed case fails EIP-55.
    #[error("invalid address: {reason}")]
    InvalidAddress {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A required field (named as in the EIP's ABNF: `uri`, `nonce`…) is absent.
    #[error("missing field {0}")]
    MissingField(&'static str),
    /// A field is present but its value breaks the grammar.
    #[error("invalid {field}: {reason}")]
    InvalidField {
        /// The field, named as in the EIP's ABNF (`domain`, `chain-id`, `issued-at`…).
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The `Version` is not `1`, the only version EIP-4361 defines.
    #[error("unsupported version {0:?}")]
    UnsupportedVersion(String),
    /// A line (1-based) is not the one the layout expects there: a field out of order
    /// or repeated, or a missing empty line.
    #[error("unexpected line {line}")]
    UnexpectedLine {
        /// The line number, counting from 1.
        line: usize,
    },
    /// Text follows the last field, from this line (1-based) on.
    #[error("unexpected text after the last field at line {line}")]
    TrailingData {
        /// The line number, counting from 1.
        line: usize,
    },
}

/// A parsed EIP-4361 message.
///
/// The fields are a view of [`as_str`](Self::as_str); changing them does not change
/// the text that gets signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiweMessage {
    /// The URI scheme written before the domain (`https` in `https://example.com`), if any.
    pub scheme: Option<String>,
    /// The RFC 3986 authority requesting the signature, port included if written.
    pub domain: String,
    /// The account asked to sign.
    pub address: Address,
    /// The human-readable statement, if any.
    pub statement: Option<String>,
    /// The subject of the signing.
    pub uri: String,
    /// The message version, always `1`.
    pub version: String,
    /// The EIP-155 chain the session is bound to.
    pub chain_id: u64,
    /// The relying party's nonce (at least 8 letters and digits).
    pub nonce: String,
    /// When the message was made.
    pub issued_at: Timestamp,
    /// When the message stops being valid, if set.
    pub expiration_time: Option<Timestamp>,
    /// When the message starts being valid, if set.
    pub not_before: Option<Timestamp>,
    /// The relying party's request id, if set (may be empty).
    pub request_id: Option<String>,
    /// The `Resources:` list (empty when absent).
    pub resources: Vec<String>,
    raw: String,
}

impl SiweMessage {
    /// Parses a message laid out as in EIP-4361. Between the address and `URI:` both the
    /// ABNF's form without a statement (two empty lines) and the common one-empty-line
    /// form are accepted. Lines end in LF; there is no final LF.
    ///
    /// # Errors
    ///
    /// A [`SiweError`] naming the first problem found.
    pub fn parse(text: &str) -> Result<SiweMessage, SiweError> {
        Parser::new(text).message()
    }

    /// Parses a message from bytes, which must be UTF-8.
    ///
    /// # Errors
    ///
    /// [`SiweError::NotUtf8`], or any error of [`parse`](Self::parse).
    pub fn from_bytes(bytes: &[u8]) -> Result<SiweMessage, SiweError> {
        let text = std::str::from_utf8(bytes).map_err(|e| SiweError::NotUtf8 {
            valid_up_to: e.valid_up_to(),
        })?;
        SiweMessage::parse(text)
    }

    /// The message text exactly as received.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The message bytes exactly as received: what `personal_sign` signs.
    pub fn as_bytes(&self) -> &[u8] {
        self.raw.as_bytes()
    }
}

/// Decodes a base64 customer challenge and parses it, returning the exact decoded
/// bytes (to sign) with the parsed message (to check).
///
/// # Errors
///
/// [`Error::InvalidInput`] when the challenge is not standard base64, and
/// [`Error::Siwe`] when the decoded bytes are not UTF-8 or not an EIP-4361 message.
pub fn decode_challenge(base64: &str) -> Result<(Vec<u8>, SiweMessage)> {
    let bytes = BASE64
        .decode(base64)
        .map_err(|_| Error::InvalidInput("challenge is not valid base64".into()))?;
    let message = SiweMessage::from_bytes(&bytes)?;
    Ok((bytes, message))
}

impl fmt::Display for SiweMessage {
    /// The message text exactly as received.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl FromStr for SiweMessage {
    type Err = SiweError;

    fn from_str(s: &str) -> Result<SiweMessage, SiweError> {
        SiweMessage::parse(s)
    }
}

/// Walks the lines of a message; `pos` is the 0-based index of the next line.
struct Parser<'a> {
    text: &'a str,
    lines: Vec<&'a str>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        Parser {
            text,
            lines: text.split('\n').collect(),
            pos: 0,
        }
    }

    fn next(&mut self) -> Option<&'a str> {
        let line = self.lines.get(self.pos).copied();
        self.pos += 1;
        line
    }

    fn message(mut self) -> Result<SiweMessage, SiweError> {
        let header = self.next().unwrap_or_default();
        let origin = header
            .strip_suffix(HEADER_SUFFIX)
            .ok_or(SiweError::MissingHeader)?;
        let (scheme, domain) = match origin.split_once("://") {
            Some((scheme, domain)) if is_scheme(scheme) => (Some(scheme), domain),
            Some(_) => return Err(invalid("scheme", "not an rfc 3986 scheme")),
            None => (None, origin),
        };
        if !is_authority(domain) {
            return Err(invalid("domain", "not an rfc 3986 authority"));
        }

        let address = self.next().ok_or(SiweError::MissingField("address"))?;
        let address = Address::parse_checked(address)
            .map_err(|p| SiweError::InvalidAddress { reason: p.reason() })?;
        self.expect_empty()?;
        let statement = self.statement()?;

        let mut values = [""; REQUIRED.len()];
        for (value, (prefix, name)) in values.iter_mut().zip(REQUIRED) {
            *value = self.required(prefix, name)?;
        }
        let [uri, version, chain_id, nonce, issued_at] = values;
        if !is_uri(uri) {
            return Err(invalid("uri", "not an rfc 3986 uri"));
        }
        if version != "1" {
            return Err(SiweError::UnsupportedVersion(version.to_owned()));
        }
        if chain_id.is_empty() || !chain_id.bytes().all(|c| c.is_ascii_digit()) {
            return Err(invalid("chain-id", "not a decimal number"));
        }
        let chain_id = chain_id
            .parse()
            .map_err(|_| invalid("chain-id", "too large"))?;
        if nonce.len() < 8 || !nonce.bytes().all(|c| c.is_ascii_alphanumeric()) {
            return Err(invalid("nonce", "expected 8 or more letters and digits"));
        }

        let mut message = SiweMessage {
            scheme: scheme.map(str::to_owned),
            domain: domain.to_owned(),
            address,
            statement: statement.map(str::to_owned),
            uri: uri.to_owned(),
            version: version.to_owned(),
            chain_id,
            nonce: nonce.to_owned(),
            issued_at: timestamp("issued-at", issued_at)?,
            expiration_time: None,
            not_before: None,
            request_id: None,
            resources: Vec::new(),
            raw: self.text.to_owned(),
        };
        self.optional_fields(&mut message)?;
        Ok(message)
    }

    fn expect_empty(&mut self) -> Result<(), SiweError> {
        match self.next() {
            Some("") => Ok(()),
            Some(_) => Err(SiweError::UnexpectedLine { line: self.pos }),
            None => Err(SiweError::MissingField("uri")),
        }
    }

    /// After the address and its empty line: `""` (no statement, the ABNF form),
    /// `statement` then `""`, or directly `URI: …` (no statement, the short form).
    fn statement(&mut self) -> Result<Option<&'a str>, SiweError> {
        let line = self.lines.get(self.pos).copied();
        let after = self.lines.get(self.pos + 1).copied();
        match (line, after) {
            (Some(""), _) => {
                self.pos += 1;
                Ok(None)
            }
            (Some(statement), Some("")) => {
                if !is_statement(statement) {
                    return Err(invalid("statement", "character outside the allowed set"));
                }
                self.pos += 2;
                Ok(Some(statement))
            }
            _ => Ok(None),
        }
    }

    /// The value of the next line, which must be `prefix` + value. A field found later
    /// is out of order; one found nowhere is missing.
    fn required(&mut self, prefix: &str, name: &'static str) -> Result<&'a str, SiweError> {
        let Some(line) = self.lines.get(self.pos).copied() else {
            return Err(SiweError::MissingField(name));
        };
        if let Some(value) = line.strip_prefix(prefix) {
            self.pos += 1;
            return Ok(value);
        }
        if self.lines[self.pos..].iter().any(|l| l.starts_with(prefix)) {
            Err(SiweError::UnexpectedLine { line: self.pos + 1 })
        } else {
            Err(SiweError::MissingField(name))
        }
    }

    fn optional_fields(&mut self, m: &mut SiweMessage) -> Result<(), SiweError> {
        let mut allowed = 0; // index in OPTIONAL of the first field still allowed
        while let Some(line) = self.next() {
            let line_no = self.pos;
            let found = OPTIONAL.iter().position(|p| {
                line.strip_prefix(p)
                    .is_some_and(|v| *p != "Resources:" || v.is_empty())
            });
            let Some(index) = found.filter(|i| *i >= allowed) else {
                let known = found.is_some() || REQUIRED.iter().any(|(p, _)| line.starts_with(p));
                return Err(if known {
                    SiweError::UnexpectedLine { line: line_no }
                } else {
                    SiweError::TrailingData { line: line_no }
                });
            };
            allowed = index + 1;
            let value = &line[OPTIONAL[index].len()..];
            match index {
                0 => m.expiration_time = Some(timestamp("expiration-time", value)?),
                1 => m.not_before = Some(timestamp("not-before", value)?),
                2 if is_pchar_text(value) => m.request_id = Some(value.to_owned()),
                2 => return Err(invalid("request-id", "character outside pchar")),
                _ => {
                    while let Some(resource) =
                        self.lines.get(self.pos).and_then(|l| l.strip_prefix("- "))
                    {
                        self.pos += 1;
                        if !is_uri(resource) {
                            return Err(invalid("resources", "not an rfc 3986 uri"));
                        }
                        m.resources.push(resource.to_owned());
                    }
                }
            }
        }
        Ok(())
    }
}

fn invalid(field: &'static str, reason: &str) -> SiweError {
    SiweError::InvalidField {
        field,
        reason: reason.to_owned(),
    }
}

fn timestamp(field: &'static str, value: &str) -> Result<Timestamp, SiweError> {
    parse_rfc3339(value).map_err(|reason| invalid(field, reason))
}
