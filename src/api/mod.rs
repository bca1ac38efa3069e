//! Resources: `client.customers().create(..)`, `client.accounts().get(..)`…
//!
//! Each resource handle may carry an Idempotency-Key for its next mutation
//! (`client.customers().idempotency_key(k).create(..)`); otherwise every mutation gets a
//! fresh UUIDv4 that is reused on each of its retries.

mod accounts;
mod auth;
mod challenge;
mod customers;
mod pages;
mod simulator;
mod webhooks;

pub use accounts::Accounts;
pub use auth::Auth;
pub use challenge::ChallengeOptions;
pub use customers::Customers;
pub use pages::{ListPages, MAX_LIST_PAGES};
pub use simulator::Simulator;
pub use webhooks::Webhooks;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::session::Session;
use crate::transport::{Call, Deadline, Response};

/// The scope every call of a resource handle is made in: the session, an optional
/// Idempotency-Key and an optional deadline of its own for every call it makes.
#[derive(Debug, Clone)]
pub(crate) struct CallScope<'a> {
    pub session: &'a Session,
    pub idempotency_key: Option<String>,
    /// Ends each call by then too, when nearer than the call deadline.
    pub deadline: Option<Deadline>,
}

impl<'a> CallScope<'a> {
    pub fn new(session: &'a Session) -> CallScope<'a> {
        CallScope {
            session,
            idempotency_key: None,
            deadline: None,
        }
    }

    fn execute(&self, call: &Call) -> Result<Response> {
        self.session.execute_by(call, self.deadline)
    }

    /// This handle for signing `challenge`, fetched in place of a stale one: its own
    /// Idempotency-Key, derived from this handle's (so a resumed run replays it), or
    /// fresh when this handle has none.
    pub fn for_fetched_challenge(&self, challenge: &str) -> CallScope<'a> {
        let key = self.idempotency_key.as_ref().map(|k| {
            let name = format!("{k}\n{challenge}");
            crate::ids::derived(b"offblocks-fetched-challenge", name.as_bytes()).to_string()
        });
        CallScope {
            session: self.session,
            idempotency_key: key,
            deadline: self.deadline,
        }
    }

    pub fn get<T: DeserializeOwned>(&self, path: String) -> Result<T> {
        self.execute(&Call::new("GET", path))?.decode()
    }

    /// Every page of the list at `path` (see [`ListPages`]).
    pub fn list<T: DeserializeOwned>(&self, path: String) -> Result<Vec<T>> {
        self.pages(path, None).collect_all()
    }

    /// The pages of the list at `path`, each asked for with `filter` as its query.
    pub fn pages<T: DeserializeOwned>(
        &self,
        path: String,
        filter: Option<String>,
    ) -> ListPages<'a, T> {
        ListPages::new(self.clone(), path, filter)
    }

    /// A POST/PUT/PATCH/DELETE with an Idempotency-Key and an optional JSON body.
    pub fn mutate<B: Serialize + ?Sized>(
        &self,
        method: &'static str,
        path: String,
        body: Option<&B>,
    ) -> Result<Response> {
        let mut call = Call::new(method, path).idempotent(self.idempotency_key.as_deref())?;
        if let Some(b) = body {
            call = call.json(b)?;
        }
        self.execute(&call)
    }
}

/// Declares a resource handle type with `new` and `idempotency_key`.
macro_rules! resource {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $name<'a> {
            pub(super) scope: crate::api::CallScope<'a>,
        }

        impl<'a> $name<'a> {
            pub(crate) fn new(session: &'a crate::session::Session) -> Self {
                $name { scope: crate::api::CallScope::new(session) }
            }

            /// Uses `key` (a UUID) as the Idempotency-Key of this handle's mutations
            /// instead of a fresh one per call: to resume an operation after a crash.
            /// Defaults to a fresh UUIDv4 per call.
            pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
                self.scope.idempotency_key = Some(key.into());
                self
            }

            /// Ends every call of this handle by `deadline` too, when it is nearer than
            /// the call deadline. (Only the resources the onboarding flow uses need it.)
            #[allow(dead_code)]
            pub(crate) fn until(mut self, deadline: crate::transport::Deadline) -> Self {
                self.scope.deadline = Some(deadline);
                self
            }

            /// [`Self::idempotency_key`] when a key is given; else a fresh one per call.
            pub(crate) fn with_idempotency_key(mut self, key: Option<&str>) -> Self {
                if let Some(key) = key {
                    self.scope.idempotency_key = Some(key.to_owned());
                }
                self
            }

        }
    };
}
pub(crate) use resource;

/// One path segment from a caller-supplied id, percent-encoded so it cannot escape its
/// place in the path. Empty, `.` and `..` are refused: URL resolution removes them (RFC
/// 3986 §5.2.4), so `/customers/..` would name another resource.
pub(crate) fn seg(id: &str) -> Result<String> {
    if id.is_empty() {
        return Err(Error::InvalidInput("id must not be empty".into()));
    }
    if id == "." || id == ".." {
        return Err(Error::InvalidInput(format!("id {id:?} is not an id")));
    }
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(out)
}

/// The method names the API uses, as `&'static str`.
pub(crate) fn static_method(method: &str) -> Result<&'static str> {
    Ok(match method.to_ascii_uppercase().as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        _ => {
            return Err(Error::InvalidInput(format!(
                "unsupported method {method:?}"
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cannot_escape() {
        assert_eq!(seg("04c5851c-4386").unwrap(), "04c5851c-4386");
        assert_eq!(seg("../admin?x=1").unwrap(), "..%2Fadmin%3Fx%3D1");
        assert_eq!(seg("a b#").unwrap(), "a%20b%23");
        assert!(seg("").is_err());
        assert!(seg(".").is_err());
        assert!(seg("..").is_err());
        assert_eq!(seg("...").unwrap(), "...");
    }
}
