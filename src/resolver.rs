//! Name resolution for the client's agent.
//!
//! ureq resolves the host on every request, even one that goes out on a pooled
//! keep-alive connection, and with a timeout configured (the client always has one) its
//! resolver runs each lookup on a new thread: a thread and a DNS query per API call.
//! Measured on loopback, that was a quarter of a signed GET's time. [`Resolver`] keeps
//! the answer for [`TTL`] and forgets it as soon as a connection fails, so a moved host
//! is looked up again on the retry.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs};
use ureq::unversioned::transport::NextTimeout;

/// How long a lookup is reused.
pub(crate) const TTL: Duration = Duration::from_secs(30);

/// A shared, caching resolver: one for the agent, one handle for the transport to call
/// [`Resolver::forget`] with.
#[derive(Debug, Clone, Default)]
pub(crate) struct Resolver {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    lookup: DefaultResolver,
    /// Refuse an answer holding any address that is not loopback (plain http allowed
    /// only because the host is loopback: `localhost` must stay so).
    loopback_only: bool,
    /// The last answer: `host:port`, when it was looked up, the addresses. A client
    /// talks to one API host, so one entry is enough.
    last: Mutex<Option<(String, Instant, ResolvedSocketAddrs)>>,
}

impl Resolver {
    /// A resolver that accepts only loopback addresses.
    pub(crate) fn loopback_only() -> Resolver {
        Resolver {
            inner: Arc::new(Inner {
                loopback_only: true,
                ..Inner::default()
            }),
        }
    }

    /// Drops the remembered answer (after a failed connection).
    pub(crate) fn forget(&self) {
        *self.inner.last.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

impl ureq::unversioned::resolver::Resolver for Resolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let key = match (uri.scheme(), uri.authority()) {
            (Some(scheme), Some(authority)) => DefaultResolver::host_and_port(scheme, authority),
            _ => None,
        };
        let Some(key) = key else {
            // Let ureq report what is wrong with the URI.
            return self.inner.lookup.resolve(uri, config, timeout);
        };
        {
            let last = self.inner.last.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((k, at, addrs)) = last.as_ref() {
                if *k == key && at.elapsed() < TTL {
                    return Ok(addrs.clone());
                }
            }
        }
        let addrs = self.inner.lookup.resolve(uri, config, timeout)?;
        if self.inner.loopback_only && addrs.iter().any(|a| !a.ip().is_loopback()) {
            // Plain http was allowed because this host is loopback; it no longer is.
            return Err(ureq::Error::HostNotFound);
        }
        *self.inner.last.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((key, Instant::now(), addrs.clone()));
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::unversioned::resolver::Resolver as _;
    use ureq::unversioned::transport::time::Duration as UreqDuration;

    fn resolve(r: &Resolver, uri: &str) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let timeout = NextTimeout {
            after: UreqDuration::from(Duration::from_secs(5)),
            reason: ureq::Timeout::Resolve,
            per_read: None,
            per_write: None,
        };
        r.resolve(
            &uri.parse().unwrap(),
            &ureq::config::Config::default(),
            timeout,
        )
    }

    #[test]
    fn remembers_one_host_and_forgets_on_demand() {
        let r = Resolver::default();
        let a = resolve(&r, "http://127.0.0.1:8080/v1").unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0], "127.0.0.1:8080".parse().unwrap());
        assert!(r.inner.last.lock().unwrap().is_some());
        // Another port is another key: looked up, not served from the cache.
        let b = resolve(&r, "http://127.0.0.1:9090/v1").unwrap();
        assert_eq!(b[0], "127.0.0.1:9090".parse().unwrap());
        r.forget();
        assert!(r.inner.last.lock().unwrap().is_none());
        assert_eq!(
            resolve(&r, "https://[::1]/x").unwrap()[0],
            "[::1]:443".parse().unwrap()
        );
    }

    #[test]
    fn a_loopback_only_resolver_refuses_any_other_address() {
        let r = Resolver::loopback_only();
        assert!(resolve(&r, "http://127.0.0.1:8080/v1").is_ok());
        assert!(resolve(&r, "http://[::1]:8080/v1").is_ok());
        assert!(matches!(
            resolve(&r, "http://10.1.2.3:8080/v1"),
            Err(ureq::Error::HostNotFound)
        ));
        // A refused answer is not remembered.
        assert!(r
            .inner
            .last
            .lock()
            .unwrap()
            .as_ref()
            .is_none_or(|(k, _, _)| !k.contains("10.1.2.3")));
        assert!(resolve(&Resolver::default(), "http://10.1.2.3:8080/v1").is_ok());
    }
}
