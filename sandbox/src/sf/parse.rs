//! The RFC 8941 §4.2 parsing algorithms, for Dictionaries and what they contain.

use super::{BareItem, Dictionary, InnerList, Item, Member, Params};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

/// Byte Sequences: RFC 8941 §4.2.7 asks parsers to tolerate missing `=` padding.
const BYTE_SEQ_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Parses a Dictionary field value (RFC 8941 §4.2.2). An empty value is an empty
/// Dictionary. Errors are short human-readable reasons.
pub(crate) fn parse_dictionary(input: &str) -> Result<Dictionary, String> {
    if !input.is_ascii() {
        return Err("non-ASCII character in structured field".into());
    }
    let mut p = Parser {
        s: input.as_bytes(),
        pos: 0,
    };
    p.skip_sp();
    let mut dict: Dictionary = Vec::new();
    while !p.eof() {
        let key = p.key()?;
        let member = if p.eat(b'=') {
            p.item_or_inner_list()?
        } else {
            Member::Item(Item {
                value: BareItem::Boolean(true),
                params: p.params()?,
            })
        };
        match dict.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = member,
            None => dict.push((key, member)),
        }
        p.skip_ows();
        if p.eof() {
            break;
        }
        if !p.eat(b',') {
            return Err(p.unexpected("',' between dictionary members"));
        }
        p.skip_ows();
        if p.eof() {
            return Err("trailing comma in dictionary".into());
        }
    }
    Ok(dict)
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn eof(&self) -> bool {
        self.pos >= self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_sp(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn unexpected(&self, wanted: &str) -> String {
        match self.peek() {
            Some(c) => format!(
                "expected {wanted}, found '{}' at offset {}",
                char::from(c),
                self.pos
            ),
            None => format!("expected {wanted}, found end of field"),
        }
    }

    /// RFC 8941 §4.2.3.3.
    fn key(&mut self) -> Result<String, String> {
        match self.peek() {
            Some(c) if c.is_ascii_lowercase() || c == b'*' => {}
            _ => return Err(self.unexpected("a key (lowercase letter or '*')")),
        }
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || b"_-.*".contains(&c) {
                self.pos += 1;
            } else {
                break;
            }
        }
        Ok(String::from_utf8_lossy(&self.s[start..self.pos]).into_owned())
    }

    fn item_or_inner_list(&mut self) -> Result<Member, String> {
        if self.peek() == Some(b'(') {
            Ok(Member::InnerList(self.inner_list()?))
        } else {
            Ok(Member::Item(self.item()?))
        }
    }

    /// RFC 8941 §4.2.1.2.
    fn inner_list(&mut self) -> Result<InnerList, String> {
        if !self.eat(b'(') {
            return Err(self.unexpected("'('"));
        }
        let mut items = Vec::new();
        loop {
            self.skip_sp();
            if self.eat(b')') {
                let params = self.params()?;
                return Ok(InnerList { items, params });
            }
            if self.eof() {
                return Err("unterminated inner list".into());
            }
            items.push(self.item()?);
            match self.peek() {
                Some(b' ' | b')') => {}
                _ => return Err(self.unexpected("' ' or ')' in inner list")),
            }
        }
    }

    fn item(&mut self) -> Result<Item, String> {
        let value = self.bare_item()?;
        let params = self.params()?;
        Ok(Item { value, params })
    }

    /// RFC 8941 §4.2.3.2.
    fn params(&mut self) -> Result<Params, String> {
        let mut params: Params = Vec::new();
        while self.eat(b';') {
            self.skip_sp();
            let key = self.key()?;
            let value = if self.eat(b'=') {
                self.bare_item()?
            } else {
                BareItem::Boolean(true)
            };
            match params.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => params.push((key, value)),
            }
        }
        Ok(params)
    }

    /// RFC 8941 §4.2.3.1.
    fn bare_item(&mut self) -> Result<BareItem, String> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'"') => self.string(),
            Some(b':') => self.byte_seq(),
            Some(b'?') => self.boolean(),
            Some(c) if c.is_ascii_alphabetic() || c == b'*' => Ok(self.token()),
            _ => Err(self.unexpected("an item")),
        }
    }

    /// RFC 8941 §4.2.4.
    fn number(&mut self) -> Result<BareItem, String> {
        let negative = self.eat(b'-');
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.unexpected("a digit"));
        }
        let mut digits = String::new();
        let mut decimal = false;
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() {
                digits.push(char::from(c));
            } else if c == b'.' && !decimal {
                if digits.len() > 12 {
                    return Err("decimal has more than 12 integer digits".into());
                }
                digits.push('.');
                decimal = true;
            } else {
                break;
            }
            self.pos += 1;
            if !decimal && digits.len() > 15 {
                return Err("integer has more than 15 digits".into());
            }
            if decimal && digits.len() > 16 {
                return Err("decimal is too long".into());
            }
        }
        let sign = if negative { -1 } else { 1 };
        if !decimal {
            let value: i64 = digits.parse().map_err(|_| "invalid integer")?;
            return Ok(BareItem::Integer(sign * value));
        }
        let (int, frac) = digits.split_once('.').unwrap_or((&digits, ""));
        if frac.is_empty() || frac.len() > 3 {
            return Err("decimal needs 1 to 3 fractional digits".into());
        }
        let int: i64 = int.parse().map_err(|_| "invalid decimal")?;
        let frac_value: i64 = format!("{frac:0<3}")
            .parse()
            .map_err(|_| "invalid decimal")?;
        Ok(BareItem::Decimal(sign * (int * 1000 + frac_value)))
    }

    /// RFC 8941 §4.2.5: only `\"` and `\\` escapes; printable ASCII only.
    fn string(&mut self) -> Result<BareItem, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err("unterminated string".into());
            };
            self.pos += 1;
            match c {
                b'\\' => match self.peek() {
                    Some(e @ (b'"' | b'\\')) => {
                        self.pos += 1;
                        out.push(char::from(e));
                    }
                    _ => return Err("invalid escape in string".into()),
                },
                b'"' => return Ok(BareItem::String(out)),
                0x20..=0x7e => out.push(char::from(c)),
                _ => return Err("control character in string".into()),
            }
        }
    }

    /// RFC 8941 §4.2.6.
    fn token(&mut self) -> BareItem {
        let start = self.pos;
        self.pos += 1;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:/".contains(&c) {
                self.pos += 1;
            } else {
                break;
            }
        }
        BareItem::Token(String::from_utf8_lossy(&self.s[start..self.pos]).into_owned())
    }

    /// RFC 8941 §4.2.7.
    fn byte_seq(&mut self) -> Result<BareItem, String> {
        self.pos += 1;
        let start = self.pos;
        loop {
            match self.peek() {
                None => return Err("unterminated byte sequence".into()),
                Some(b':') => break,
                Some(c) if c.is_ascii_alphanumeric() || b"+/=".contains(&c) => self.pos += 1,
                Some(_) => return Err(self.unexpected("a base64 character")),
            }
        }
        let encoded = &self.s[start..self.pos];
        self.pos += 1;
        BYTE_SEQ_BASE64
            .decode(encoded)
            .map(BareItem::ByteSeq)
            .map_err(|_| "invalid base64 in byte sequence".into())
    }

    /// RFC 8941 §4.2.8.
    fn boolean(&mut self) -> Result<BareItem, String> {
        self.pos += 1;
        let value = match self.peek() {
            Some(b'1') => true,
            Some(b'0') => false,
            _ => return Err(self.unexpected("'0' or '1' after '?'")),
        };
        self.pos += 1;
        Ok(BareItem::Boolean(value))
    }
}
