//! The one redaction point: the exact secrets a client knows, removed from every text
//! that leaves the library, before the word heuristics of [`redact_secrets`].
//!
//! A [`Redactor`] is shared by a client's transport and token source. It holds the API
//! secret (the current one and those before it), the current and previous bearer tokens,
//! the proxy's password and the request-signing key's PEM, each zeroized on drop. Server
//! text is cleaned where the transport builds the error, so `Display`, `Debug`, the
//! accessors, observer events and the other faces (C last error, Python, Kotlin) all see
//! the cleaned text.
//!
//! A secret is found also when control characters are interleaved with it, when it is
//! JSON-escaped (`\"`, `\/`, `\u00..`) or percent-encoded.

use std::collections::VecDeque;
use std::sync::RwLock;

use zeroize::Zeroizing;

use crate::error::{redact_secrets, ApiError, Error};
use crate::sync::{read, write};

/// The shortest secret searched for by value. A shorter one (no real credential is) would
/// remove ordinary letters from every message; the word heuristics still apply.
const MIN_BY_VALUE: usize = 4;

/// What a removed secret is replaced with.
pub(crate) const REDACTED: &str = "[redacted]";

/// How many API secrets (current and earlier ones) and other lasting secrets are kept.
const MAX_LASTING: usize = 16;

/// How many bearer tokens are kept: the current one and those it replaced.
const MAX_TOKENS: usize = 4;

/// The longest text kept from a transport or decoding failure's message.
const MAX_MESSAGE: usize = 300;

/// The longest request id kept; a longer one, or one with a character outside visible
/// ASCII, is dropped.
pub(crate) const MAX_REQUEST_ID: usize = 128;

/// One known secret and the forms it may take in a server's text.
struct Known {
    forms: Vec<Zeroizing<String>>,
}

impl Known {
    fn new(secret: &str) -> Option<Known> {
        let plain: String = secret.chars().filter(|c| !c.is_control()).collect();
        let plain = Zeroizing::new(plain);
        if plain.chars().count() < MIN_BY_VALUE {
            return None;
        }
        let mut forms = vec![plain.clone()];
        let mut add = |form: String| {
            let form = Zeroizing::new(form);
            if !form.is_empty() && !forms.contains(&form) {
                forms.push(form);
            }
        };
        let json = Zeroizing::new(serde_json::to_string(plain.as_str()).unwrap_or_default());
        if json.len() >= 2 {
            add(json[1..json.len() - 1].to_owned());
            add(json[1..json.len() - 1].replace('/', "\\/"));
        }
        add(percent_encoded(&plain));
        add(percent_encoded(&plain).to_ascii_lowercase());
        Some(Known { forms })
    }

    fn is(&self, secret: &str) -> bool {
        let plain: String = secret.chars().filter(|c| !c.is_control()).collect();
        let plain = Zeroizing::new(plain);
        *self.forms[0] == *plain
    }
}

/// Every byte outside RFC 3986's unreserved set as `%XX`.
fn percent_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Default)]
struct Secrets {
    lasting: VecDeque<Known>,
    tokens: VecDeque<Known>,
}

impl Secrets {
    fn all(&self) -> impl Iterator<Item = &Known> {
        self.lasting.iter().chain(self.tokens.iter())
    }
}

/// The exact secrets a client knows, and the cleaning of text with them.
#[derive(Default)]
pub(crate) struct Redactor {
    secrets: RwLock<Secrets>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = read(&self.secrets);
        f.debug_struct("Redactor")
            .field("lasting", &s.lasting.len())
            .field("tokens", &s.tokens.len())
            .finish()
    }
}

fn remember(list: &mut VecDeque<Known>, secret: &str, max: usize) {
    if list.iter().any(|k| k.is(secret)) {
        return;
    }
    if let Some(known) = Known::new(secret) {
        if list.len() == max {
            list.pop_front();
        }
        list.push_back(known);
    }
}

impl Redactor {
    /// Remembers a secret that stays known for the client's life (an API secret, a
    /// password, key material). The oldest is forgotten after 16.
    pub fn add(&self, secret: &str) {
        remember(&mut write(&self.secrets).lasting, secret, MAX_LASTING);
    }

    /// Remembers a bearer token; the previous ones stay known (the last four).
    pub fn add_token(&self, token: &str) {
        remember(&mut write(&self.secrets).tokens, token, MAX_TOKENS);
    }

    /// `text` with every known secret replaced by `[redacted]`, wherever it appears,
    /// also split by control characters. Everything else is kept as it was.
    pub fn scrub(&self, text: &str) -> String {
        let secrets = read(&self.secrets);
        scrub_with(&secrets, text)
    }

    /// Text to show: known secrets removed, control characters dropped (a tab or line
    /// break becomes a space), then the word heuristics, at most `max` characters.
    pub fn clean(&self, text: &str, max: usize) -> String {
        clean_text(&self.scrub(text), max)
    }

    /// A request id as the server sent it, if it is at most 128 visible ASCII characters
    /// and carries no known secret; else none.
    pub fn request_id(&self, raw: Option<String>) -> Option<String> {
        let id = raw?;
        let visible = id.bytes().all(|b| b.is_ascii_graphic());
        let fits = !id.is_empty() && id.len() <= MAX_REQUEST_ID;
        (visible && fits && self.scrub(&id) == id).then_some(id)
    }

    /// A non-2xx response's error with every known secret removed from its body and its
    /// JSON, and its request id bounded.
    pub fn scrub_api(&self, mut api: ApiError) -> ApiError {
        let secrets = read(&self.secrets);
        if let Some(json) = api.json.as_mut() {
            if scrub_value(&secrets, json) {
                // A secret was inside a JSON string, perhaps escaped: the body becomes the
                // cleaned JSON, so no escaped form survives in the text.
                api.body = serde_json::to_string(json).unwrap_or_default();
            }
        }
        api.body = scrub_with(&secrets, &api.body);
        api.note = api.note.map(|n| scrub_with(&secrets, &n));
        drop(secrets);
        api.request_id = self.request_id(api.request_id.take());
        api
    }

    /// `error` with every text it carries cleaned: known secrets removed, and server or
    /// library text bounded and free of control characters. A decoding message quotes
    /// the server's values, so the word heuristics run on it too; the library's own
    /// messages (which name hosts and settings) keep their words.
    pub fn scrub_error(&self, error: Error) -> Error {
        let clean = |text: String| plain_text(&self.scrub(&text), MAX_MESSAGE);
        let server = |text: String| self.clean(&text, MAX_MESSAGE);
        match error {
            Error::Api(api) => Error::Api(Box::new(self.scrub_api(*api))),
            Error::Conflict(api) => Error::Conflict(Box::new(self.scrub_api(*api))),
            Error::ChallengeRejected { api, reissued } => Error::ChallengeRejected {
                api: Box::new(self.scrub_api(*api)),
                reissued: reissued.filter(|r| self.scrub(r) == *r),
            },
            Error::Transport { message, retryable } => Error::Transport {
                message: clean(message),
                retryable,
            },
            Error::Decode { path, message } => Error::Decode {
                path: server(path),
                message: server(message),
            },
            Error::Tls { kind, message } => Error::Tls {
                kind,
                message: clean(message),
            },
            Error::Config(m) => Error::Config(clean(m)),
            Error::InvalidInput(m) => Error::InvalidInput(clean(m)),
            Error::Key(m) => Error::Key(clean(m)),
            Error::Signing(m) => Error::Signing(clean(m)),
            Error::Signer(m) => Error::Signer(clean(m)),
            Error::State(m) => Error::State(clean(m)),
            Error::Timeout(m) => Error::Timeout(clean(m)),
            Error::Cancelled(m) => Error::Cancelled(clean(m)),
            other @ (Error::Siwe(_) | Error::ChallengeRefused(_)) => other,
        }
    }
}

/// Cleans every string (and key) of `value`; whether anything changed.
fn scrub_value(secrets: &Secrets, value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            let cleaned = scrub_with(secrets, s);
            let changed = cleaned != *s;
            *s = cleaned;
            changed
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, v| scrub_value(secrets, v) | changed),
        Value::Object(map) => {
            let mut changed = false;
            let old = std::mem::take(map);
            for (k, mut v) in old {
                let key = scrub_with(secrets, &k);
                changed |= key != k;
                changed |= scrub_value(secrets, &mut v);
                map.insert(key, v);
            }
            changed
        }
        Value::Number(n) => {
            let shown = n.to_string();
            if scrub_with(secrets, &shown) != shown {
                *value = Value::String(REDACTED.into());
                return true;
            }
            false
        }
        Value::Bool(_) | Value::Null => false,
    }
}

fn scrub_with(secrets: &Secrets, text: &str) -> String {
    let mut secrets = secrets.all().peekable();
    if secrets.peek().is_none() || text.is_empty() {
        return text.to_owned();
    }
    // Matching runs on `text` without its control characters; `marks` maps a byte of
    // that view back to `text`: (view offset, text offset) where each run resumes.
    let mut view = Zeroizing::new(String::with_capacity(text.len()));
    let mut marks = vec![(0usize, 0usize)];
    let mut in_gap = false;
    for (at, c) in text.char_indices() {
        if c.is_control() {
            in_gap = true;
            continue;
        }
        if in_gap {
            marks.push((view.len(), at));
            in_gap = false;
        }
        view.push(c);
    }
    let to_text = |v: usize| {
        let i = marks.partition_point(|m| m.0 <= v) - 1;
        marks[i].1 + (v - marks[i].0)
    };
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for known in secrets {
        for form in &known.forms {
            for (start, found) in view.match_indices(form.as_str()) {
                let end = start + found.len();
                spans.push((to_text(start), to_text(end - 1) + 1));
            }
        }
    }
    if spans.is_empty() {
        return text.to_owned();
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for (start, end) in spans {
        if end <= done {
            continue;
        }
        if start >= done {
            out.push_str(&text[done..start]);
            out.push_str(REDACTED);
        }
        done = end;
    }
    out.push_str(&text[done..]);
    out
}

/// Text to show from text that may come from a server: control characters dropped (a
/// tab or line break becomes a space), the word heuristics of [`redact_secrets`], at
/// most `max` characters (then `…`).
pub(crate) fn clean_text(text: &str, max: usize) -> String {
    plain_text(&redact_secrets(&plain_text(text, usize::MAX)), max)
}

/// `text` without control characters (a tab or line break becomes a space), trimmed,
/// at most `max` characters (then `…`).
fn plain_text(text: &str, max: usize) -> String {
    let spaced: String = text
        .chars()
        .filter_map(|c| match c {
            c if c.is_whitespace() && c.is_control() => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    let spaced = spaced.trim();
    let mut short: String = spaced.chars().take(max).collect();
    if spaced.chars().count() > max {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(secrets: &[&str]) -> Redactor {
        let r = Redactor::default();
        for s in secrets {
            r.add(s);
        }
        r
    }

    #[test]
    fn exact_values_go_in_every_form() {
        let r = with(&["s3/!x", "a\"bc"]);
        for text in [
            "key s3/!x refused",
            "key s\u{7f}3/\u{1}!x refused",
            "key s3\\/!x refused",
            "key s3%2F%21x refused",
            "key a\\\"bc refused",
        ] {
            let shown = r.scrub(text);
            assert_eq!(shown, "key [redacted] refused", "{text:?}");
        }
        assert_eq!(r.scrub("nothing here"), "nothing here");
    }

    #[test]
    fn overlapping_and_adjacent_matches_are_all_removed() {
        let r = with(&["abcd", "cdef"]);
        assert_eq!(
            r.scrub("xabcdefy abcdabcd"),
            "x[redacted]y [redacted][redacted]"
        );
    }

    #[test]
    fn a_json_escape_inside_a_body_is_found() {
        let r = with(&["s3/!x"]);
        let body = r#"{"message":"bad \u00733/!x","n":1}"#;
        let api = ApiError {
            status: 400,
            body: body.into(),
            json: serde_json::from_str(body).ok(),
            request_id: Some("id\u{1b}".into()),
            retry_after: None,
            retryable: false,
            note: None,
        };
        let api = r.scrub_api(api);
        assert!(
            !api.body.contains("3/!x") && !api.body.contains("u0073"),
            "{}",
            api.body
        );
        assert_eq!(api.message().as_deref(), Some("bad [redacted]"));
        assert_eq!(api.request_id, None);
    }

    #[test]
    fn tokens_are_kept_four_deep() {
        let r = Redactor::default();
        for t in ["tok-a", "tok-b", "tok-c", "tok-d", "tok-e"] {
            r.add_token(t);
        }
        assert_eq!(r.scrub("tok-a tok-b tok-e"), "tok-a [redacted] [redacted]");
    }

    #[test]
    fn request_ids_are_bounded() {
        let r = with(&["hunter2"]);
        assert_eq!(r.request_id(Some("req-1".into())).as_deref(), Some("req-1"));
        assert_eq!(
            r.request_id(Some("x".repeat(128))).map(|s| s.len()),
            Some(128)
        );
        assert_eq!(r.request_id(Some("x".repeat(129))), None);
        assert_eq!(r.request_id(Some("a b".into())), None);
        assert_eq!(r.request_id(Some("é".into())), None);
        assert_eq!(r.request_id(Some("id-hunter2".into())), None);
        assert_eq!(r.request_id(Some(String::new())), None);
    }

    #[test]
    fn cleaning_drops_controls_and_bounds() {
        assert_eq!(
            clean_text("a\u{7f}\u{7f}b\tc\nBearer xyz", 100),
            "ab c Bearer [redacted]"
        );
        let long = clean_text(&"y".repeat(10), 4);
        assert_eq!(long, "yyyy…");
    }
}
