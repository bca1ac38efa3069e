//! RFC 8941 Structured Field Values: the subset HTTP message signatures and
//! `Content-Digest` need (Dictionaries, Inner Lists, Items, Parameters), parsed strictly
//! and serialized canonically.

mod parse;
#[cfg(test)]
mod tests;

pub(crate) use parse::parse_dictionary;

use base64::Engine as _;

/// A Bare Item (RFC 8941 §3.3).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BareItem {
    /// An Integer, at most 15 digits.
    Integer(i64),
    /// A Decimal, kept exactly as thousandths.
    Decimal(i64),
    /// A String (already unescaped).
    String(String),
    /// A Token.
    Token(String),
    /// A Byte Sequence (already base64-decoded).
    ByteSeq(Vec<u8>),
    /// A Boolean.
    Boolean(bool),
}

/// Parameters in the order received (a repeated key keeps its first position and takes
/// the last value, RFC 8941 §4.2.3.2).
pub(crate) type Params = Vec<(String, BareItem)>;

/// An Item with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    pub(crate) value: BareItem,
    pub(crate) params: Params,
}

/// An Inner List with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InnerList {
    pub(crate) items: Vec<Item>,
    pub(crate) params: Params,
}

/// A Dictionary or List member.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Member {
    Item(Item),
    InnerList(InnerList),
}

/// A Dictionary: members in received order.
pub(crate) type Dictionary = Vec<(String, Member)>;

impl BareItem {
    /// The canonical serialization (RFC 8941 §4.1.3).
    pub(crate) fn serialize(&self, out: &mut String) {
        match self {
            BareItem::Integer(i) => out.push_str(&i.to_string()),
            BareItem::Decimal(thousandths) => {
                let sign = if *thousandths < 0 { "-" } else { "" };
                let abs = thousandths.unsigned_abs();
                let frac = format!("{:03}", abs % 1000);
                let frac = frac.trim_end_matches('0');
                let frac = if frac.is_empty() { "0" } else { frac };
                out.push_str(&format!("{sign}{}.{frac}", abs / 1000));
            }
            BareItem::String(s) => {
                out.push('"');
                for c in s.chars() {
                    if c == '"' || c == '\\' {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out.push('"');
            }
            BareItem::Token(t) => out.push_str(t),
            BareItem::ByteSeq(b) => {
                out.push(':');
                out.push_str(&base64::engine::general_purpose::STANDARD.encode(b));
                out.push(':');
            }
            BareItem::Boolean(b) => out.push_str(if *b { "?1" } else { "?0" }),
        }
    }

    /// A short name of the type, for error messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            BareItem::Integer(_) => "integer",
            BareItem::Decimal(_) => "decimal",
            BareItem::String(_) => "string",
            BareItem::Token(_) => "token",
            BareItem::ByteSeq(_) => "byte sequence",
            BareItem::Boolean(_) => "boolean",
        }
    }
}

/// Serializes parameters (`;key` for `true`, `;key=value` otherwise).
pub(crate) fn serialize_params(params: &Params, out: &mut String) {
    for (key, value) in params {
        out.push(';');
        out.push_str(key);
        if *value != BareItem::Boolean(true) {
            out.push('=');
            value.serialize(out);
        }
    }
}

impl Item {
    pub(crate) fn serialize(&self, out: &mut String) {
        self.value.serialize(out);
        serialize_params(&self.params, out);
    }
}

impl InnerList {
    /// The canonical serialization: `("a" "b");created=1;keyid="k"`.
    pub(crate) fn to_sf_string(&self) -> String {
        let mut out = String::from("(");
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            item.serialize(&mut out);
        }
        out.push(')');
        serialize_params(&self.params, &mut out);
        out
    }
}
