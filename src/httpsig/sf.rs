//! The slice of RFC 8941 (Structured Field Values) that signatures need: serializing
//! sf-strings, so that a key id or component name can never break out of its quotes, and
//! parsing the dictionaries of a received `Signature-Input`, `Signature` and
//! `Content-Digest`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use crate::error::{Error, Result};

/// The most members a parsed dictionary may have.
const MAX_MEMBERS: usize = 32;

/// An RFC 8941 bare item (decimals are not needed here and are refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bare {
    Integer(i64),
    String(String),
    Token(String),
    Bytes(Vec<u8>),
    Boolean(bool),
}

/// Parameters: `(key, value)` in order.
pub(crate) type Params = Vec<(String, Bare)>;

/// One dictionary member: an item, or an inner list of items, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Member {
    pub(crate) key: String,
    /// The item, when the member is not an inner list.
    pub(crate) item: Option<Bare>,
    /// The inner list's items with their parameters, when it is one.
    pub(crate) inner: Option<Vec<(Bare, Params)>>,
    /// The member's (or the inner list's) parameters.
    pub(crate) params: Params,
    /// The member's value exactly as it appears after `key=`.
    pub(crate) raw_value: String,
}

/// Parses an RFC 8941 §4.2.2 dictionary.
///
/// # Errors
/// A message naming what does not parse (decimals are refused, as are over 32 members).
pub(crate) fn parse_dictionary(text: &str) -> std::result::Result<Vec<Member>, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let mut out: Vec<Member> = Vec::new();
    p.skip_sp();
    if p.at_end() {
        return Ok(out);
    }
    loop {
        let key = p.key()?;
        let start = p.i;
        let (item, inner, params) = if p.eat(b'=') {
            if p.peek() == Some(b'(') {
                let list = p.inner_list()?;
                (None, Some(list), p.params()?)
            } else {
                (Some(p.bare()?), None, p.params()?)
            }
        } else {
            (Some(Bare::Boolean(true)), None, p.params()?)
        };
        let raw = text[start..p.i].trim_start_matches('=').to_owned();
        out.retain(|m| m.key != key);
        out.push(Member {
            key,
            item,
            inner,
            params,
            raw_value: raw,
        });
        if out.len() > MAX_MEMBERS {
            return Err(format!("more than {MAX_MEMBERS} members"));
        }
        p.skip_ows();
        if p.at_end() {
            return Ok(out);
        }
        if !p.eat(b',') {
            return Err(format!("expected ',' at byte {}", p.i));
        }
        p.skip_ows();
        if p.at_end() {
            return Err("trailing ','".into());
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn skip_sp(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }

    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn key(&mut self) -> std::result::Result<String, String> {
        let start = self.i;
        match self.peek() {
            Some(b) if b.is_ascii_lowercase() || b == b'*' => self.i += 1,
            _ => return Err(format!("expected a key at byte {start}")),
        }
        while matches!(self.peek(), Some(b) if b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.*".contains(&b))
        {
            self.i += 1;
        }
        Ok(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn params(&mut self) -> std::result::Result<Params, String> {
        let mut out: Params = Vec::new();
        while self.eat(b';') {
            self.skip_sp();
            let key = self.key()?;
            let value = if self.eat(b'=') {
                self.bare()?
            } else {
                Bare::Boolean(true)
            };
            out.retain(|(k, _)| *k != key);
            out.push((key, value));
            if out.len() > MAX_MEMBERS {
                return Err(format!("more than {MAX_MEMBERS} parameters"));
            }
        }
        Ok(out)
    }

    fn inner_list(&mut self) -> std::result::Result<Vec<(Bare, Params)>, String> {
        self.i += 1; // '('
        let mut out = Vec::new();
        loop {
            self.skip_sp();
            if self.eat(b')') {
                return Ok(out);
            }
            let item = self.bare()?;
            let params = self.params()?;
            out.push((item, params));
            if out.len() > MAX_MEMBERS {
                return Err(format!("more than {MAX_MEMBERS} items in an inner list"));
            }
            match self.peek() {
                Some(b' ' | b')') => {}
                _ => return Err(format!("expected ' ' or ')' at byte {}", self.i)),
            }
        }
    }

    fn bare(&mut self) -> std::result::Result<Bare, String> {
        let start = self.i;
        match self.peek() {
            Some(b'"') => {
                self.i += 1;
                let mut out = String::new();
                loop {
                    match self.peek() {
                        None => return Err("unterminated string".into()),
                        Some(b'"') => {
                            self.i += 1;
                            return Ok(Bare::String(out));
                        }
                        Some(b'\\') => {
                            self.i += 1;
                            match self.peek() {
                                Some(c @ (b'"' | b'\\')) => out.push(c as char),
                                _ => return Err("bad escape in a string".into()),
                            }
                            self.i += 1;
                        }
                        Some(c @ 0x20..=0x7e) => {
                            out.push(c as char);
                            self.i += 1;
                        }
                        Some(_) => return Err("a string holds a non-printable byte".into()),
                    }
                }
            }
            Some(b':') => {
                self.i += 1;
                while matches!(self.peek(), Some(b) if b.is_ascii_alphanumeric() || b"+/=".contains(&b))
                {
                    self.i += 1;
                }
                let text = &self.s[start + 1..self.i];
                if !self.eat(b':') {
                    return Err("unterminated byte sequence".into());
                }
                B64.decode(text)
                    .map(Bare::Bytes)
                    .map_err(|_| "a byte sequence is not base64".into())
            }
            Some(b'?') => {
                self.i += 1;
                let v = match self.peek() {
                    Some(b'0') => false,
                    Some(b'1') => true,
                    _ => return Err("bad boolean".into()),
                };
                self.i += 1;
                Ok(Bare::Boolean(v))
            }
            Some(b) if b == b'-' || b.is_ascii_digit() => {
                self.i += 1;
                while matches!(self.peek(), Some(b) if b.is_ascii_digit()) {
                    self.i += 1;
                }
                if self.peek() == Some(b'.') {
                    return Err("decimals are not supported".into());
                }
                let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
                if text.trim_start_matches('-').len() > 15 {
                    return Err("an integer has more than 15 digits".into());
                }
                text.parse()
                    .map(Bare::Integer)
                    .map_err(|_| "bad integer".into())
            }
            Some(b) if b.is_ascii_alphabetic() || b == b'*' => {
                self.i += 1;
                while matches!(self.peek(), Some(b) if b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:/".contains(&b))
                {
                    self.i += 1;
                }
                Ok(Bare::Token(
                    String::from_utf8_lossy(&self.s[start..self.i]).into_owned(),
                ))
            }
            _ => Err(format!("expected an item at byte {start}")),
        }
    }
}

/// Appends `value` to `out` as an RFC 8941 §4.1.6 sf-string: `"` + escaped text + `"`.
///
/// # Errors
/// [`Error::InvalidInput`] when `value` holds a character outside printable ASCII
/// (0x20–0x7E), which RFC 8941 strings cannot carry.
pub fn serialize_string(out: &mut String, value: &str) -> Result<()> {
    out.reserve(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => {
                return Err(Error::InvalidInput(format!(
                    "{c:?} cannot appear in a structured-field string"
                )))
            }
        }
    }
    out.push('"');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ser(v: &str) -> Result<String> {
        let mut s = String::new();
        serialize_string(&mut s, v).map(|()| s)
    }

    // RFC 8941 §4.1.6: DQUOTE and backslash are escaped, other printable ASCII kept.
    #[test]
    fn escapes_quote_and_backslash() {
        assert_eq!(ser("k1").unwrap(), r#""k1""#);
        assert_eq!(ser(r#"a"b\c"#).unwrap(), r#""a\"b\\c""#);
        assert_eq!(ser("").unwrap(), r#""""#);
    }

    // RFC 9421 §4.1 and §4.2 examples, and RFC 9530 §2.
    #[test]
    fn parses_signature_and_digest_dictionaries() {
        let d = parse_dictionary(
            r#"sig1=("@method" "@authority" "content-digest");created=1618884473;keyid="test-key-ecc-p256", sig2=("@path")"#,
        )
        .unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].key, "sig1");
        assert_eq!(
            d[0].raw_value,
            r#"("@method" "@authority" "content-digest");created=1618884473;keyid="test-key-ecc-p256""#
        );
        assert_eq!(d[0].inner.as_ref().unwrap().len(), 3);
        assert_eq!(
            d[0].params[0],
            ("created".into(), Bare::Integer(1618884473))
        );
        let sig = parse_dictionary("sig1=:AAEC:, x=?1").unwrap();
        assert_eq!(sig[0].item, Some(Bare::Bytes(vec![0, 1, 2])));
        assert_eq!(sig[1].item, Some(Bare::Boolean(true)));
        let digest =
            parse_dictionary("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:").unwrap();
        assert_eq!(digest[0].key, "sha-256");
        for bad in ["sig1=(", "sig1=:@@:", "A=1", "a=1.5", "a=1,", "a=\"x"] {
            assert!(parse_dictionary(bad).is_err(), "{bad}");
        }
        assert!(parse_dictionary("").unwrap().is_empty());
    }

    #[test]
    fn refuses_non_printable() {
        assert!(ser("a\nb").is_err());
        assert!(ser("é").is_err());
        assert!(ser("\u{7f}").is_err());
    }
}
