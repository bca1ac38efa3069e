//! Lists, whole or in pages: with a page size of 0 a list is one bare JSON array; else
//! `{"data": [..], "nextCursor", "hasMore", "total"}`, the next page asked for with
//! `?cursor=<nextCursor>`. A cursor is the offset of the page's first item (opaque to
//! clients); one past the end, or not a number, is refused with 400.

use super::ApiError;
use crate::server::{Request, Response};
use crate::shared::Shared;
use serde_json::{json, Value};

/// A list request's query: `cursor` and the filters a route accepts.
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses the query, refusing a parameter that is not `cursor` or one of `filters`,
    /// or given twice.
    pub(crate) fn parse(req: &Request, filters: &[&str]) -> Result<Query, ApiError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for part in req.query.as_deref().unwrap_or("").split('&') {
            if part.is_empty() {
                continue;
            }
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let name = decode(name)?;
            if name != "cursor" && !filters.contains(&name.as_str()) {
                return Err(ApiError::bad_request(
                    "invalid_query",
                    format!("unknown query parameter {name:?}"),
                ));
            }
            if pairs.iter().any(|(n, _)| *n == name) {
                return Err(ApiError::bad_request(
                    "invalid_query",
                    format!("query parameter {name:?} given twice"),
                ));
            }
            pairs.push((name, decode(value)?));
        }
        Ok(Query { pairs })
    }

    /// The value of `name`, if given.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Percent-decodes a query component (`+` is a space), refusing bad escapes and
/// non-UTF-8 results.
fn decode(text: &str) -> Result<String, ApiError> {
    let bad = || ApiError::bad_request("invalid_query", "malformed percent-encoding in query");
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3).ok_or_else(bad)?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| bad())
}

/// The answer to a list request: everything, or the page the cursor names.
pub(crate) fn answer(
    shared: &Shared,
    query: &Query,
    all: Vec<Value>,
) -> Result<Response, ApiError> {
    let size = shared.settings().page_size;
    if size == 0 {
        if query.get("cursor").is_some() {
            return Err(ApiError::bad_request(
                "invalid_cursor",
                "lists are not paged: there is no cursor to follow",
            ));
        }
        return Ok(Response::json(200, &Value::Array(all)));
    }
    let start = match query.get("cursor") {
        None => 0,
        Some(c) => c
            .parse::<usize>()
            .ok()
            .filter(|s| *s > 0 && *s < all.len())
            .ok_or_else(|| ApiError::bad_request("invalid_cursor", "unknown cursor"))?,
    };
    let end = start.saturating_add(size).min(all.len());
    let more = end < all.len();
    let total = all.len();
    let page: Vec<Value> = all.into_iter().skip(start).take(end - start).collect();
    Ok(Response::json(
        200,
        &json!({
            "data": page,
            "nextCursor": more.then(|| end.to_string()),
            "hasMore": more,
            "total": total,
        }),
    ))
}
