//! Strings across the boundary: library-owned strings out (freed by
//! `offblocks_string_free`), JSON in (strict) and out, and the library's version.

use std::ffi::{c_char, CString};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::boundary_infallible;
use super::error::Failure;

/// Frees a string returned by this library (a JSON result, a key id, a PEM…). The bytes
/// are overwritten with zeros before the memory is released, since some results hold
/// secrets (a private key PEM, a bearer token).
///
/// `offblocks_string_free(NULL)` does nothing. Never pass a string this library did not
/// return, nor free one twice, nor release one with `free()`.
///
/// # Safety
/// `s` is NULL or a string returned by an `offblocks_` function and not freed yet.
#[no_mangle]
pub unsafe extern "C" fn offblocks_string_free(s: *mut c_char) {
    boundary_infallible((), || {
        if s.is_null() {
            return;
        }
        // SAFETY: the caller guarantees `s` came from `CString::into_raw` in this library
        // and has not been freed.
        let owned = unsafe { CString::from_raw(s) };
        let mut bytes = owned.into_bytes_with_nul();
        zeroize::Zeroize::zeroize(&mut bytes);
    })
}

/// The library's version, `"MAJOR.MINOR.PATCH"` (the same numbers as the
/// `OFFBLOCKS_VERSION_*` macros of the header this program was compiled against).
///
/// The string is static: never free it.
#[no_mangle]
pub extern "C" fn offblocks_version() -> *const c_char {
    const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    boundary_infallible(VERSION.as_ptr().cast(), || VERSION.as_ptr().cast())
}

/// The library's version as one number, `0xMMmmpp` (a byte each: 0.2.0 is `0x000200`),
/// to compare with the header's `OFFBLOCKS_VERSION_NUM`.
#[no_mangle]
pub extern "C" fn offblocks_version_num() -> u32 {
    const NUM: u32 = (decimal(env!("CARGO_PKG_VERSION_MAJOR")) << 16)
        | (decimal(env!("CARGO_PKG_VERSION_MINOR")) << 8)
        | decimal(env!("CARGO_PKG_VERSION_PATCH"));
    NUM
}

/// A version part (at most 255) at compile time.
const fn decimal(text: &str) -> u32 {
    let bytes = text.as_bytes();
    let mut value = 0;
    let mut i = 0;
    while i < bytes.len() {
        assert!(bytes[i].is_ascii_digit(), "a version part is decimal");
        value = value * 10 + (bytes[i] - b'0') as u32;
        i += 1;
    }
    assert!(value < 256, "a version part fits a byte");
    value
}

/// Parses a caller's JSON argument into `T`, refusing what `T` would silently drop: a
/// top-level field `T` does not know (a typo must not pass). A field given as `null` is
/// the same as a field left out, so it is never refused.
pub(crate) fn parse_strict<T>(text: &str, name: &str) -> Result<T, Failure>
where
    T: DeserializeOwned + Serialize,
{
    let value: Value = serde_json::from_str(text).map_err(|e| Failure::json(name, e))?;
    let typed = T::deserialize(&value).map_err(|e| Failure::json(name, e))?;
    if let Value::Object(given) = &value {
        let known = serde_json::to_value(&typed).map_err(|e| Failure::json(name, e))?;
        let unknown = given
            .iter()
            .find(|(k, v)| !v.is_null() && known.get(k.as_str()).is_none());
        if let Some((key, _)) = unknown {
            return Err(Failure::json(name, format_args!("unknown field `{key}`")));
        }
    }
    Ok(typed)
}

/// A result as JSON text.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|_| Failure::decode("cannot encode the result as JSON"))
}

/// The message of a serde error on a configuration, without the offending value: a
/// wrongly typed `apiSecret` must not end up in an error message.
pub(crate) fn redacted(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match error.classify() {
        Category::Data => {
            let text = error.to_string();
            if text.starts_with("unknown field") || text.starts_with("missing field") {
                text
            } else if error.line() == 0 {
                // Read from a JSON value, not text: there is no position to give.
                "a field has the wrong type or value".to_owned()
            } else {
                format!(
                    "a field has the wrong type or value at line {} column {}",
                    error.line(),
                    error.column()
                )
            }
        }
        Category::Io | Category::Syntax | Category::Eof => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{NewCustomer, NewWebhook};

    #[test]
    fn strict_parsing_refuses_unknown_fields_but_not_nulls() {
        let ok: NewCustomer =
            parse_strict(r#"{"chainId":"eip155:1:0x1","externalId":"u"}"#, "body").unwrap();
        assert_eq!(ok.external_id, "u");
        let err = parse_strict::<NewCustomer>(
            r#"{"chainId":"eip155:1:0x1","externalId":"u","extrnalId":"v"}"#,
            "body",
        )
        .unwrap_err();
        assert!(format!("{err:?}").contains("extrnalId"), "{err:?}");
        let hook: NewWebhook =
            parse_strict(r#"{"id":null,"callbackUrl":"https://x/h","types":[]}"#, "b").unwrap();
        assert_eq!(hook.id, None);
    }

    #[test]
    fn config_errors_do_not_echo_values() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct S {
            secret: u32,
        }
        let e = serde_json::from_str::<S>(r#"{"secret":"hunter2"}"#).unwrap_err();
        assert!(!redacted(&e).contains("hunter2"), "{}", redacted(&e));
    }
}
