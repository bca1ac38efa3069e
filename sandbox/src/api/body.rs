//! Reading JSON request bodies with errors that name the field.

use super::ApiError;
use crate::server::Request;
use serde_json::{Map, Value};

/// The body as a JSON object.
pub(crate) fn object(req: &Request) -> Result<Map<String, Value>, ApiError> {
    if req.body.is_empty() {
        return Err(ApiError::bad_request(
            "invalid_json",
            "a JSON object body is required",
        ));
    }
    let value: Value = serde_json::from_slice(&req.body)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("malformed JSON body: {e}")))?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::bad_request(
            "invalid_json",
            "the body must be a JSON object",
        )),
    }
}

/// A required, non-empty string field.
pub(crate) fn string<'a>(obj: &'a Map<String, Value>, field: &str) -> Result<&'a str, ApiError> {
    match obj.get(field) {
        None | Some(Value::Null) => Err(ApiError::invalid_field(field, "is required")),
        Some(Value::String(s)) if s.is_empty() => {
            Err(ApiError::invalid_field(field, "must not be empty"))
        }
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ApiError::invalid_field(field, "must be a string")),
    }
}

/// An optional string field.
pub(crate) fn optional_string<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a str>, ApiError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => string(obj, field).map(Some),
    }
}

/// A required array of non-empty strings.
pub(crate) fn strings(obj: &Map<String, Value>, field: &str) -> Result<Vec<String>, ApiError> {
    let Some(Value::Array(items)) = obj.get(field) else {
        return Err(ApiError::invalid_field(
            field,
            "must be an array of strings",
        ));
    };
    items
        .iter()
        .map(|v| match v {
            Value::String(s) if !s.is_empty() => Ok(s.clone()),
            _ => Err(ApiError::invalid_field(
                field,
                "must contain only non-empty strings",
            )),
        })
        .collect()
}
