//! Lists that never truncate silently (see [`ListPages`]).

use std::collections::HashSet;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use super::CallScope;
use crate::config::BaseUrl;
use crate::error::{Error, Result};
use crate::transport::{Call, Page, PageNext as Next};

/// The most pages one list is followed through; past it the list fails.
pub const MAX_LIST_PAGES: usize = 1000;

/// The pages of one list, in order: an [`Iterator`] of `Result<Vec<T>>` that ends after
/// the last page or the first error. [`Iterator::collect`] into `Result<Vec<Vec<T>>>`, or
/// [`ListPages::collect_all`], gets the whole list or the error.
///
/// Every page a list answer points to is followed,
/// or the list fails saying it is partial.
///
/// An answer points on with a cursor (`nextCursor`, `next_cursor`, `cursor`, or a `next`
/// that is no URL; sent back as `?cursor=`) or a next link (`next`, `links.next`,
/// `_links.next.href`: an absolute URL or path). A link is followed only at the base
/// URL's own origin and under its path, so the bearer token and the signature never go
/// to another host. An answer that says there is more (`hasMore: true`, or a `total`
/// beyond the items received) without pointing on is [`Error::State`]; so is a cursor or
/// link seen before (a loop), a page without items that points on (no progress), and a
/// list of more than [`MAX_LIST_PAGES`] pages.
#[derive(Debug)]
pub struct ListPages<'a, T> {
    scope: CallScope<'a>,
    /// The next request's path (relative to the base URL) and query; `None` when done.
    next: Option<(String, Option<String>)>,
    /// The query every page repeats (a filter), to which a cursor is added.
    filter: Option<String>,
    /// Cursors and links followed so far.
    seen: HashSet<String>,
    pages: usize,
    items: u64,
    item: PhantomData<fn() -> T>,
}

impl<'a, T: DeserializeOwned> ListPages<'a, T> {
    pub(crate) fn new(
        scope: CallScope<'a>,
        path: String,
        filter: Option<String>,
    ) -> ListPages<'a, T> {
        ListPages {
            scope,
            next: Some((path.clone(), filter.clone())),
            filter,
            seen: HashSet::new(),
            pages: 0,
            items: 0,
            item: PhantomData,
        }
    }

    /// Every item of every page, or the first error.
    ///
    /// # Errors
    /// API, transport and decoding errors; [`Error::State`] when the list cannot be had
    /// whole (see [`ListPages`]).
    pub fn collect_all(self) -> Result<Vec<T>> {
        let mut all = Vec::new();
        for page in self {
            all.extend(page?);
        }
        Ok(all)
    }

    fn fetch(&mut self, path: String, query: Option<String>) -> Result<Vec<T>> {
        let mut call = Call::new("GET", path.clone());
        call.query = query;
        let page: Page<T> = self.scope.execute(&call)?.decode_page()?;
        self.pages += 1;
        self.items += page.items.len() as u64;
        let Some(next) = page.next else {
            return self.final_page(page.items, page.has_more, page.total);
        };
        if page.items.is_empty() {
            return Err(partial(format!(
                "page {} has no items but points on (no progress)",
                self.pages
            )));
        }
        if self.pages >= MAX_LIST_PAGES {
            return Err(partial(format!(
                "more than {MAX_LIST_PAGES} pages (the most followed)"
            )));
        }
        let (key, request) = match next {
            Next::Cursor(cursor) => {
                let mut query = self.filter.clone().map(|f| f + "&").unwrap_or_default();
                query.push_str("cursor=");
                query.push_str(&encode(&cursor));
                (format!("cursor {cursor}"), (path, Some(query)))
            }
            Next::Link(link) => {
                let request = same_origin(self.scope.session.transport().base(), &link)?;
                (format!("link {link}"), request)
            }
        };
        if !self.seen.insert(key) {
            return Err(partial(format!(
                "page {} repeats a cursor or link already followed (the server loops)",
                self.pages
            )));
        }
        self.next = Some(request);
        Ok(page.items)
    }

    /// The last page: fails when it says there is more than was received.
    fn final_page(
        &self,
        items: Vec<T>,
        has_more: Option<bool>,
        total: Option<u64>,
    ) -> Result<Vec<T>> {
        if has_more == Some(true) {
            return Err(partial(
                "the answer says hasMore but gives no cursor or next link".into(),
            ));
        }
        if let Some(total) = total.filter(|t| *t > self.items) {
            return Err(partial(format!(
                "the answer says total {total} but gave {} items and no cursor or next link",
                self.items
            )));
        }
        Ok(items)
    }
}

impl<T: DeserializeOwned> Iterator for ListPages<'_, T> {
    type Item = Result<Vec<T>>;

    fn next(&mut self) -> Option<Result<Vec<T>>> {
        let (path, query) = self.next.take()?;
        Some(self.fetch(path, query))
    }
}

fn partial(why: String) -> Error {
    Error::State(format!("list is partial: {why}"))
}

/// The request a next link names, relative to `base`: refused unless it is an absolute
/// path under the base path, or an absolute URL at the base's scheme and authority.
fn same_origin(base: &BaseUrl, link: &str) -> Result<(String, Option<String>)> {
    let shown = crate::config::redact_userinfo(link);
    let refuse = |why: &str| {
        Error::State(format!(
            "list's next link {shown:?} {why}: not followed (the bearer token goes only to \
             the base URL)"
        ))
    };
    let local = if link.starts_with('/') && !link.starts_with("//") {
        link
    } else {
        let origin = format!("{}://{}", base.scheme(), base.authority());
        let rest = link
            .get(origin.len()..)
            .filter(|_| link[..origin.len()].eq_ignore_ascii_case(&origin))
            .filter(|rest| rest.starts_with('/'))
            .ok_or_else(|| refuse("points to another origin"))?;
        rest
    };
    let local = local.split('#').next().unwrap_or("");
    let (path, query) = match local.split_once('?') {
        Some((p, q)) => (p, Some(q.to_owned())),
        None => (local, None),
    };
    let relative = path
        .strip_prefix(base.path())
        .filter(|rest| rest.starts_with('/'))
        .ok_or_else(|| refuse("is outside the base URL's path"))?;
    if relative.split('/').any(|s| s == ".." || s == ".") {
        return Err(refuse("has dot segments"));
    }
    Ok((relative.to_owned(), query))
}

/// Percent-encodes a query value (everything but RFC 3986 unreserved characters).
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_followed_only_under_the_base_url() {
        let base = BaseUrl::parse("https://api.example:8443/v1").unwrap();
        let ok = |l: &str| same_origin(&base, l).unwrap();
        assert_eq!(
            ok("/v1/customers?page=2"),
            ("/customers".into(), Some("page=2".into()))
        );
        assert_eq!(
            ok("https://API.example:8443/v1/customers"),
            ("/customers".into(), None)
        );
        for bad in [
            "https://api.example/v1/customers",
            "http://api.example:8443/v1/customers",
            "https://api.example:8443.evil/v1/customers",
            "https://api.example:8443@evil/v1/x",
            "//evil/v1/customers",
            "/v2/customers",
            "/v1/../admin",
            "/v1x/customers",
        ] {
            assert!(same_origin(&base, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cursors_are_encoded() {
        assert_eq!(encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }
}
