//! What comes back: the one mapping of a non-2xx answer to an error, and the decoding
//! of a successful one, naming where it failed.

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::Deserializer;

use crate::error::{ApiError, Error, Result};

/// The largest error body kept, and parsed as JSON: a larger one is cut to its first
/// 64 KiB and read as text.
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;

impl super::Response {
    /// Decodes the body as `T`, naming where it failed; the message carries no secret
    /// the client knows.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T> {
        decode_json(&self.body).map_err(|e| self.redactor.scrub_error(e))
    }

    /// Decodes the body as one page of a list of `T` (see [`decode_page`]).
    pub fn decode_page<T: DeserializeOwned>(&self) -> Result<Page<T>> {
        decode_page(&self.body).map_err(|e| self.redactor.scrub_error(e))
    }
}

/// Decodes JSON straight into `T` (no intermediate tree), naming the line and column
/// where it failed.
pub(crate) fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| Error::decode("$", e))
}

/// The keys a list may arrive wrapped under, in the order they are preferred.
const WRAPPERS: [&str; 3] = ["data", "items", "results"];

/// One answer to a list request: its items, and what it says of the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    /// Where the rest is, when the answer points on.
    pub next: Option<Next>,
    /// `hasMore` (or `has_more`), when given.
    pub has_more: Option<bool>,
    /// `total` (or `totalCount`, `total_count`), when given.
    pub total: Option<u64>,
}

/// Where a list continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    /// A cursor (`nextCursor`, `next_cursor`, `cursor`, or a `next` that is no URL),
    /// sent back as `?cursor=`.
    Cursor(String),
    /// A link (`next` or `links.next` / `_links.next.href` that is an absolute URL or
    /// path).
    Link(String),
}

/// The keys that name the next page's cursor, most preferred first.
const CURSORS: [&str; 4] = ["nextCursor", "next_cursor", "cursor", "next"];

/// Decodes a list straight into `Vec<T>`, bare or wrapped as `{"data": [...]}` (or
/// `items`, `results`); an error names the element's index (`$.data[2]`). A wrapper's
/// pagination fields are read too (a bare array is a whole list).
///
/// A large body is first counted (a pass that allocates nothing), so that the list is
/// allocated once at its size instead of doubling past it; the reservation never
/// exceeds the body's own size in bytes.
pub(crate) fn decode_page<T: DeserializeOwned>(body: &[u8]) -> Result<Page<T>> {
    let reserve = if body.len() > COUNT_ABOVE {
        list_of::<IgnoredAny>(body, 0).map_or(0, |page| page.items.len())
    } else {
        0
    };
    let most = body.len() / std::mem::size_of::<T>().max(1);
    list_of(body, reserve.min(most))
}

/// [`decode_page`]'s items alone (the fuzz seam and the unit tests).
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn decode_list<T: DeserializeOwned>(body: &[u8]) -> Result<Vec<T>> {
    decode_page(body).map(|page| page.items)
}

/// Bodies larger than this are counted before they are decoded.
const COUNT_ABOVE: usize = 64 * 1024;

fn list_of<T: DeserializeOwned>(body: &[u8], reserve: usize) -> Result<Page<T>> {
    let failed_at = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(body);
    let items = ListBody {
        failed_at: &failed_at,
        reserve,
        item: PhantomData,
    }
    .deserialize(&mut de)
    .and_then(|items| de.end().map(|()| items));
    items.map_err(|e| {
        let path = failed_at.take().unwrap_or_else(|| "$".to_owned());
        Error::decode(path, e)
    })
}

/// A list body, bare or wrapped; remembers where an element failed.
struct ListBody<'a, T> {
    failed_at: &'a Cell<Option<String>>,
    reserve: usize,
    item: PhantomData<T>,
}

/// The elements of one array, at `prefix`.
struct Items<'a, T> {
    prefix: &'static str,
    failed_at: &'a Cell<Option<String>>,
    reserve: usize,
    item: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for ListBody<'_, T> {
    type Value = Page<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Page<T>, D::Error> {
        d.deserialize_any(self)
    }
}

/// A `links` object's `next`: a URL, or `{"href": URL}`.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Href {
    Url(Option<String>),
    Object { href: Option<String> },
}

#[derive(serde::Deserialize)]
struct Links {
    next: Option<Href>,
}

impl<'de, T: DeserializeOwned> Visitor<'de> for ListBody<'_, T> {
    type Value = Page<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<Page<T>, A::Error> {
        let items = Items {
            prefix: "$",
            failed_at: self.failed_at,
            reserve: self.reserve,
            item: PhantomData,
        }
        .visit_seq(seq)?;
        Ok(Page {
            items,
            next: None,
            has_more: None,
            total: None,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Page<T>, A::Error> {
        // The most preferred wrapper present wins; the others are read and dropped.
        let mut best: Option<(usize, Vec<T>)> = None;
        let mut cursor: Option<(usize, String)> = None;
        let mut link: Option<String> = None;
        let (mut has_more, mut total) = (None, None);
        let at = |key: &str| self.failed_at.set(Some(format!("$.{key}")));
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if let Some(rank) = CURSORS.iter().position(|c| *c == key) {
                at(&key);
                let value: Option<String> = map.next_value()?;
                self.failed_at.set(None);
                if let Some(value) = value.filter(|v| !v.is_empty()) {
                    if key == "next" && is_link(&value) {
                        link = Some(value);
                    } else if cursor.as_ref().is_none_or(|(r, _)| rank < *r) {
                        cursor = Some((rank, value));
                    }
                }
                continue;
            }
            match key.as_ref() {
                "links" | "_links" => {
                    at(&key);
                    let links: Option<Links> = map.next_value()?;
                    self.failed_at.set(None);
                    let next = links.and_then(|l| l.next).and_then(|h| match h {
                        Href::Url(url) | Href::Object { href: url } => url,
                    });
                    if let Some(next) = next.filter(|n| !n.is_empty()) {
                        link.get_or_insert(next);
                    }
                    continue;
                }
                "hasMore" | "has_more" => {
                    at(&key);
                    has_more = map.next_value::<Option<bool>>()?.or(has_more);
                    self.failed_at.set(None);
                    continue;
                }
                "total" | "totalCount" | "total_count" => {
                    at(&key);
                    total = map.next_value::<Option<u64>>()?.or(total);
                    self.failed_at.set(None);
                    continue;
                }
                _ => {}
            }
            let Some(rank) = WRAPPERS.iter().position(|w| *w == key) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if best.as_ref().is_some_and(|(r, _)| *r < rank) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let prefix = ["$.data", "$.items", "$.results"][rank];
            let items = map.next_value_seed(Items {
                prefix,
                failed_at: self.failed_at,
                reserve: self.reserve,
                item: PhantomData,
            })?;
            best = Some((rank, items));
        }
        let (_, items) = best.ok_or_else(|| de::Error::custom("expected a list"))?;
        // A cursor and a link both present: the link is the server's own URL for it.
        let next = match (link, cursor) {
            (Some(link), _) => Some(Next::Link(link)),
            (None, Some((_, cursor))) => Some(Next::Cursor(cursor)),
            (None, None) => None,
        };
        Ok(Page {
            items,
            next,
            has_more,
            total,
        })
    }
}

/// Whether a `next` value is a link (an absolute URL or path) rather than a cursor.
fn is_link(value: &str) -> bool {
    value.starts_with('/') || value.starts_with("http://") || value.starts_with("https://")
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Items<'_, T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Items<'_, T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(self.reserve);
        loop {
            match seq.next_element::<T>() {
                Ok(Some(item)) => items.push(item),
                Ok(None) => return Ok(items),
                Err(e) => {
                    self.failed_at
                        .set(Some(format!("{}[{}]", self.prefix, items.len())));
                    return Err(e);
                }
            }
        }
    }
}

pub(crate) struct RawResponse {
    pub status: u16,
    pub body: Vec<u8>,
    pub request_id: Option<String>,
    pub retry_after: Option<u64>,
    /// The response's `Date`, in unix seconds, when it had a readable one.
    pub server_time: Option<i64>,
}

/// The one function that turns a non-2xx response into an [`ApiError`]: the body's
/// first 64 KiB kept, parsed as JSON when it is no larger. The transport then removes
/// the secrets it knows ([`crate::redact::Redactor::scrub_api`]).
pub(crate) fn api_error(resp: RawResponse) -> ApiError {
    let kept = &resp.body[..resp.body.len().min(MAX_ERROR_BODY)];
    let mut body = String::from_utf8_lossy(kept).into_owned();
    if kept.len() < resp.body.len() && body.ends_with('\u{fffd}') {
        // The cut may have split a character: drop its remains.
        body.pop();
    }
    let json = (kept.len() == resp.body.len())
        .then(|| serde_json::from_slice(kept).ok())
        .flatten();
    let mut api = ApiError {
        status: resp.status,
        body,
        json,
        request_id: resp.request_id,
        retry_after: resp.retry_after,
        retryable: false,
        note: None,
    };
    api.retryable = matches!(api.status, 429 | 500 | 502 | 503 | 504)
        || (api.status == 409 && is_in_flight(&api));
    api
}

/// A 409 that means "the same Idempotency-Key is still being processed", as opposed to
/// "this resource already exists": the server asks us to come back (`Retry-After`) or
/// says so in its error code.
fn is_in_flight(api: &ApiError) -> bool {
    if api.retry_after.is_some() {
        return true;
    }
    let code = api
        .json
        .as_ref()
        .and_then(|j| j.get("error").or_else(|| j.get("code")))
        .and_then(|v| v.as_str())
        .unwrap_or("");
    ["in_use", "in_progress", "in_flight", "processing"]
        .iter()
        .any(|k| code.contains(k))
}

pub(crate) fn classify(api: ApiError) -> Error {
    if api.status == 409 && !api.retryable {
        Error::Conflict(Box::new(api))
    } else {
        Error::Api(Box::new(api))
    }
}

pub(super) fn transport_error(e: ureq::Error) -> Error {
    if let Some(tls) = super::tls::classify(&e) {
        return tls;
    }
    let retryable = matches!(
        e,
        ureq::Error::Io(_)
            | ureq::Error::Timeout(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::Protocol(_)
            | ureq::Error::HostNotFound
    );
    Error::Transport {
        message: e.to_string(),
        retryable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str) -> Page<u32> {
        decode_page(body.as_bytes()).unwrap()
    }

    #[test]
    fn a_page_says_where_the_rest_is() {
        let bare = page("[1, 2]");
        assert_eq!(
            (bare.items, bare.next, bare.total),
            (vec![1, 2], None, None)
        );
        let p = page(r#"{"data": [1], "nextCursor": "c2", "hasMore": true, "total": 3}"#);
        assert_eq!(p.next, Some(Next::Cursor("c2".into())));
        assert_eq!((p.has_more, p.total), (Some(true), Some(3)));
        // `next` is a cursor unless it is a URL or an absolute path.
        assert_eq!(
            page(r#"{"items": [], "next": "abc"}"#).next,
            Some(Next::Cursor("abc".into()))
        );
        assert_eq!(
            page(r#"{"items": [], "next": "/v1/x?p=2", "cursor": "c"}"#).next,
            Some(Next::Link("/v1/x?p=2".into()))
        );
        assert_eq!(
            page(r#"{"results": [], "_links": {"next": {"href": "https://h/v1/x"}, "self": {}}}"#)
                .next,
            Some(Next::Link("https://h/v1/x".into()))
        );
        // Null and empty point nowhere; the preferred cursor key wins.
        let none = page(r#"{"data": [], "nextCursor": null, "next": "", "links": {"next": null}}"#);
        assert_eq!(none.next, None);
        let both = page(r#"{"cursor": "b", "data": [], "nextCursor": "a"}"#);
        assert_eq!(both.next, Some(Next::Cursor("a".into())));
    }

    #[test]
    fn a_malformed_pagination_field_is_named() {
        let err = decode_page::<u32>(br#"{"data": [], "nextCursor": 5}"#).unwrap_err();
        assert!(
            matches!(&err, Error::Decode { path, .. } if path == "$.nextCursor"),
            "{err:?}"
        );
        let err = decode_page::<u32>(br#"{"data": [], "total": -1}"#).unwrap_err();
        assert!(
            matches!(&err, Error::Decode { path, .. } if path == "$.total"),
            "{err:?}"
        );
    }
}
