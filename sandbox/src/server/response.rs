//! Responses and their serialization onto the connection.

use crate::api::ApiError;
use serde_json::Value;
use std::io::{self, Write};

/// A response before the common headers (request id, date, length) are added.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    /// The `X-Request-Id` (a replay carries the original request's id).
    pub(crate) request_id: String,
}

impl Response {
    pub(crate) fn json(status: u16, value: &Value) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: serde_json::to_vec(value).unwrap_or_default(),
            request_id: String::new(),
        }
    }

    pub(crate) fn empty(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            request_id: String::new(),
        }
    }

    pub(crate) fn error(err: &ApiError) -> Response {
        Response {
            status: err.status,
            headers: err.headers.clone(),
            body: err.body(),
            request_id: String::new(),
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}

/// Writes the response with `X-Request-Id`, `Date` and framing headers.
pub(crate) fn write_response(
    out: &mut impl Write,
    resp: &Response,
    date: &str,
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    head.push_str(&format!(
        "X-Request-Id: {}\r\nDate: {date}\r\n",
        resp.request_id
    ));
    let bodiless = resp.status == 204 || resp.status == 304 || resp.status < 200;
    if !bodiless {
        let typed = resp
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
        if !resp.body.is_empty() && !typed {
            head.push_str("Content-Type: application/json\r\n");
        }
        head.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    }
    for (name, value) in &resp.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    let mut bytes = head.into_bytes();
    if !bodiless {
        bytes.extend_from_slice(&resp.body);
    }
    out.write_all(&bytes)?;
    out.flush()
}
