//! The one error shape every failing request is answered with:
//! `{"error": "<snake_code>", "message": "<why>"}` plus optional extra fields.

use serde_json::{Map, Value};

/// A refused request: status, machine code, human reason, extras.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    /// Extra JSON fields merged into the body (e.g. `customerId` on `customer_exists`).
    pub(crate) extra: Vec<(&'static str, Value)>,
    /// Extra response headers (e.g. `Retry-After`).
    pub(crate) headers: Vec<(String, String)>,
    /// A body sent instead of the JSON one (with its own `Content-Type` header).
    pub(crate) text_body: Option<&'static str>,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            extra: Vec::new(),
            headers: Vec::new(),
            text_body: None,
        }
    }

    pub(crate) fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(400, code, message)
    }

    pub(crate) fn unauthorized(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(401, code, message)
    }

    pub(crate) fn not_found(what: &str) -> ApiError {
        ApiError::new(404, "not_found", format!("{what} not found"))
    }

    pub(crate) fn invalid_state(message: impl Into<String>) -> ApiError {
        ApiError::new(409, "invalid_state", message)
    }

    /// A 400 `invalid_request` naming the offending field.
    pub(crate) fn invalid_field(field: &str, why: &str) -> ApiError {
        ApiError::bad_request("invalid_request", format!("{field}: {why}"))
    }

    pub(crate) fn with(mut self, key: &'static str, value: Value) -> ApiError {
        self.extra.push((key, value));
        self
    }

    pub(crate) fn with_header(mut self, name: &str, value: impl Into<String>) -> ApiError {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// Answers with `text` instead of the JSON body; the caller adds the matching
    /// `Content-Type` header.
    pub(crate) fn with_text_body(mut self, text: &'static str) -> ApiError {
        self.text_body = Some(text);
        self
    }

    /// The body: the JSON shape, or the text body when one was set.
    pub(crate) fn body(&self) -> Vec<u8> {
        if let Some(text) = self.text_body {
            return text.as_bytes().to_vec();
        }
        let mut map = Map::new();
        map.insert("error".into(), Value::String(self.code.into()));
        map.insert("message".into(), Value::String(self.message.clone()));
        for (key, value) in &self.extra {
            map.insert((*key).into(), value.clone());
        }
        serde_json::to_vec(&Value::Object(map)).unwrap_or_default()
    }
}
