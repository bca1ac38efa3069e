//! The slice of RFC 8941 (Structured Field Values) that signing needs: serializing
//! sf-strings, so that a key id or component name can never break out of its quotes.

use crate::error::{Error, Result};

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

    #[test]
    fn refuses_non_printable() {
        assert!(ser("a\nb").is_err());
        assert!(ser("é").is_err());
        assert!(ser("\u{7f}").is_err());
    }
}
