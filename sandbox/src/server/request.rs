//! Reading one HTTP/1.1 request from a connection: request line, headers, and a body
//! delimited by `Content-Length` (chunked request bodies are refused).

use crate::api::ApiError;
use std::io::{BufRead, Read, Write};
use std::net::SocketAddr;

/// Longest request line or header line accepted.
const MAX_LINE: usize = 16 * 1024;
/// Most header lines accepted.
const MAX_HEADERS: usize = 200;
/// Largest body accepted.
pub(crate) const MAX_BODY: usize = 1024 * 1024;

/// A request as received.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// The method, as sent.
    pub(crate) method: String,
    /// The request-target, as sent (path and query).
    pub(crate) target: String,
    /// The path part of the target (no query).
    pub(crate) path: String,
    /// The query string without `?`, when the target has a `?`.
    pub(crate) query: Option<String>,
    /// The authority of an absolute-form target, if that form was used.
    pub(crate) target_authority: Option<String>,
    /// Whether the request line said HTTP/1.0.
    pub(crate) http10: bool,
    /// Header fields in order: name as sent, value with surrounding whitespace trimmed.
    pub(crate) headers: Vec<(String, String)>,
    /// The body bytes.
    pub(crate) body: Vec<u8>,
    /// The client's address.
    pub(crate) peer: Option<SocketAddr>,
}

impl Request {
    /// All values of a header (case-insensitive name) joined by `", "`, or `None`.
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        if values.is_empty() {
            None
        } else {
            Some(values.join(", "))
        }
    }

    /// The authority the client addressed: the absolute-form target's, else `Host`.
    pub(crate) fn authority(&self) -> Option<String> {
        self.target_authority
            .clone()
            .or_else(|| self.header("host"))
    }

    /// Whether the connection may carry another request after this one.
    pub(crate) fn keep_alive(&self) -> bool {
        let connection = self
            .header("connection")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let tokens: Vec<&str> = connection.split(',').map(str::trim).collect();
        if self.http10 {
            tokens.contains(&"keep-alive")
        } else {
            !tokens.contains(&"close")
        }
    }
}

/// Why no request could be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The connection failed or timed out: close it silently.
    Io,
    /// The bytes were not an acceptable request: answer with this error, then close.
    Bad(ApiError),
}

fn bad(status: u16, code: &'static str, message: &str) -> ReadError {
    ReadError::Bad(ApiError::new(status, code, message))
}

/// Reads one line (CRLF or bare LF), without its terminator. `Ok(None)` at clean EOF.
fn read_line(reader: &mut impl BufRead) -> Result<Option<String>, ReadError> {
    let mut line = Vec::new();
    let n = reader
        .by_ref()
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', &mut line)
        .map_err(|_| ReadError::Io)?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        if line.len() > MAX_LINE {
            return Err(bad(
                431,
                "header_too_large",
                "request line or header too long",
            ));
        }
        return Err(ReadError::Io);
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| bad(400, "bad_request", "request head is not valid UTF-8"))
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Reads the next request. `Ok(None)` when the client closed the connection between
/// requests. `continue_writer` receives `100 Continue` when the client expects it.
pub(crate) fn read_request(
    reader: &mut impl BufRead,
    continue_writer: &mut impl Write,
    peer: Option<SocketAddr>,
) -> Result<Option<Request>, ReadError> {
    let mut request_line = None;
    for _ in 0..4 {
        match read_line(reader)? {
            None => return Ok(None),
            Some(line) if line.is_empty() => continue,
            Some(line) => {
                request_line = Some(line);
                break;
            }
        }
    }
    let line = request_line.ok_or_else(|| bad(400, "bad_request", "no request line"))?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad(400, "bad_request", "malformed request line"));
    };
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(bad(400, "bad_request", "malformed method"));
    }
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => {
            return Err(bad(
                505,
                "http_version_not_supported",
                "only HTTP/1.1 and HTTP/1.0",
            ))
        }
    };
    let (target_authority, origin) = split_target(target)?;
    let (path, query) = match origin.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (origin.to_string(), None),
    };
    let headers = read_headers(reader)?;
    let mut req = Request {
        method: method.to_string(),
        target: target.to_string(),
        path,
        query,
        target_authority,
        http10,
        headers,
        body: Vec::new(),
        peer,
    };
    let hosts = req
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("host"))
        .count();
    if hosts > 1 {
        return Err(bad(400, "bad_request", "more than one Host header"));
    }
    if !http10 && hosts == 0 {
        return Err(bad(
            400,
            "missing_host",
            "HTTP/1.1 requests need a Host header",
        ));
    }
    if req.header("transfer-encoding").is_some() {
        return Err(bad(
            411,
            "length_required",
            "chunked (Transfer-Encoding) request bodies are not supported: send Content-Length",
        ));
    }
    let length = content_length(&req)?;
    if length > MAX_BODY {
        return Err(bad(
            413,
            "payload_too_large",
            "request body larger than 1 MiB",
        ));
    }
    if length > 0 {
        let expects_continue = req
            .header("expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"));
        if expects_continue {
            continue_writer
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .and_then(|()| continue_writer.flush())
                .map_err(|_| ReadError::Io)?;
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).map_err(|_| ReadError::Io)?;
        req.body = body;
    }
    Ok(Some(req))
}

/// Splits an origin-form or absolute-form target into (authority, path-and-query).
fn split_target(target: &str) -> Result<(Option<String>, &str), ReadError> {
    if target.starts_with('/') {
        return Ok((None, target));
    }
    for scheme in ["http://", "https://"] {
        if let Some(rest) = target.strip_prefix(scheme) {
            let end = rest.find(['/', '?']).unwrap_or(rest.len());
            let origin = if rest[end..].starts_with('/') {
                &rest[end..]
            } else {
                "/"
            };
            return Ok((Some(rest[..end].to_string()), origin));
        }
    }
    Err(bad(400, "bad_request", "request-target must be a path"))
}

fn read_headers(reader: &mut impl BufRead) -> Result<Vec<(String, String)>, ReadError> {
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader)?.ok_or(ReadError::Io)?;
        if line.is_empty() {
            return Ok(headers);
        }
        if headers.len() >= MAX_HEADERS {
            return Err(bad(431, "header_too_large", "too many header fields"));
        }
        if line.starts_with([' ', '\t']) {
            return Err(bad(400, "bad_request", "obsolete header line folding"));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad(400, "bad_request", "header line without ':'"));
        };
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(bad(400, "bad_request", "malformed header name"));
        }
        if value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
            return Err(bad(400, "bad_request", "control character in header value"));
        }
        headers.push((
            name.to_string(),
            value.trim_matches([' ', '\t']).to_string(),
        ));
    }
}

fn content_length(req: &Request) -> Result<usize, ReadError> {
    let mut length = None;
    for (name, value) in &req.headers {
        if !name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        for part in value.split(',') {
            let part = part.trim();
            let ok =
                !part.is_empty() && part.len() <= 12 && part.bytes().all(|b| b.is_ascii_digit());
            let n: usize = if ok {
                part.parse().unwrap_or(usize::MAX)
            } else {
                usize::MAX
            };
            if n == usize::MAX || length.is_some_and(|l| l != n) {
                return Err(bad(400, "bad_request", "invalid Content-Length"));
            }
            length = Some(n);
        }
    }
    Ok(length.unwrap_or(0))
}
