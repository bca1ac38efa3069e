//! Fault injection: make chosen requests fail the way networks and servers do.

use serde_json::Value;
use std::time::Duration;

/// What an injected fault does to a matching request.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// Process and commit the request (state changes, idempotency response stored), then
    /// close the connection without writing a response: the client cannot know whether
    /// its request took effect.
    DropAfterCommit,
    /// Close the connection without processing the request.
    DropBeforeCommit,
    /// Answer with this status (e.g. 503) and an `injected_fault` error, without
    /// processing the request.
    Status(u16),
    /// Answer `429 Too Many Requests` with `Retry-After`, without processing.
    TooManyRequests {
        /// The `Retry-After` value, in seconds.
        retry_after_secs: u64,
    },
    /// Wait this long, then process normally. The wait happens after the request's
    /// idempotency key is claimed, so a concurrent retry sees it in flight (409).
    Slow(Duration),
}

/// Which requests a fault applies to, how often and how many times.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// Only requests with this method (case-insensitive); `None` for any.
    pub method: Option<String>,
    /// Only requests whose path starts with this, e.g. `"/v1/customers"`.
    pub path_prefix: String,
    /// What happens.
    pub kind: FaultKind,
    /// Probability of applying to a matching request, `0.0..=1.0`.
    pub rate: f64,
    /// Apply at most this many times, then the rule is spent; `None` for no limit.
    pub remaining: Option<u32>,
}

impl FaultRule {
    /// A rule for every request whose path starts with `path_prefix`, any method, always
    /// applied, without limit.
    pub fn new(path_prefix: &str, kind: FaultKind) -> FaultRule {
        FaultRule {
            method: None,
            path_prefix: path_prefix.to_string(),
            kind,
            rate: 1.0,
            remaining: None,
        }
    }

    /// Restricts the rule to one method. Defaults to any method.
    pub fn method(mut self, method: &str) -> FaultRule {
        self.method = Some(method.to_string());
        self
    }

    /// Sets the probability of applying. Defaults to 1.0.
    pub fn rate(mut self, rate: f64) -> FaultRule {
        self.rate = rate;
        self
    }

    /// Limits the rule to `n` applications. Defaults to no limit.
    pub fn times(mut self, n: u32) -> FaultRule {
        self.remaining = Some(n);
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.remaining != Some(0)
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && path.starts_with(&self.path_prefix)
    }

    /// Reads the control API's JSON form:
    /// `{"method","pathPrefix","kind","status","retryAfterSecs","delayMs","rate","remaining"}`.
    pub(crate) fn from_json(value: &Value) -> Result<FaultRule, String> {
        let obj = value.as_object().ok_or("a fault rule is a JSON object")?;
        let int = |name: &str, default: u64| -> Result<u64, String> {
            match obj.get(name) {
                None | Some(Value::Null) => Ok(default),
                Some(v) => v
                    .as_u64()
                    .ok_or_else(|| format!("{name} must be a non-negative integer")),
            }
        };
        let kind = match obj.get("kind").and_then(Value::as_str) {
            Some("drop_after_commit") => FaultKind::DropAfterCommit,
            Some("drop_before_commit") => FaultKind::DropBeforeCommit,
            Some("status") => {
                let status = int("status", 503)?;
                if !(100..=599).contains(&status) {
                    return Err("status must be 100..=599".into());
                }
                FaultKind::Status(status as u16)
            }
            Some("too_many_requests") => FaultKind::TooManyRequests {
                retry_after_secs: int("retryAfterSecs", 1)?,
            },
            Some("slow") => FaultKind::Slow(Duration::from_millis(int("delayMs", 1000)?)),
            _ => return Err("kind must be drop_after_commit, drop_before_commit, status, too_many_requests or slow".into()),
        };
        let method = match obj.get("method") {
            None | Some(Value::Null) => None,
            Some(Value::String(m)) => Some(m.clone()),
            Some(_) => return Err("method must be a string".into()),
        };
        let path_prefix = match obj.get("pathPrefix") {
            None | Some(Value::Null) => "/v1".to_string(),
            Some(Value::String(p)) => p.clone(),
            Some(_) => return Err("pathPrefix must be a string".into()),
        };
        let rate = match obj.get("rate") {
            None | Some(Value::Null) => 1.0,
            Some(v) => v.as_f64().ok_or("rate must be a number")?,
        };
        if !(0.0..=1.0).contains(&rate) {
            return Err("rate must be within 0..=1".into());
        }
        let remaining = match obj.get("remaining") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or("remaining must be a non-negative integer")?,
            ),
        };
        Ok(FaultRule {
            method,
            path_prefix,
            kind,
            rate,
            remaining,
        })
    }
}

/// The active rules, in insertion order.
#[derive(Default)]
pub(crate) struct FaultSet {
    rules: Vec<FaultRule>,
}

impl FaultSet {
    pub(crate) fn add(&mut self, rule: FaultRule) {
        self.rules.push(rule);
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    /// The fault for this request, if any: the first matching rule that fires (its
    /// `rate` rolled; its `remaining` decremented). Spent rules are dropped.
    pub(crate) fn pick(&mut self, method: &str, path: &str) -> Option<FaultKind> {
        let mut fired = None;
        for rule in &mut self.rules {
            if !rule.matches(method, path) {
                continue;
            }
            if rule.rate < 1.0 && crate::random::unit_f64() >= rule.rate {
                continue;
            }
            if let Some(n) = rule.remaining.as_mut() {
                *n -= 1;
            }
            fired = Some(rule.kind.clone());
            break;
        }
        self.rules.retain(|r| r.remaining != Some(0));
        fired
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_fire_by_method_prefix_and_count() {
        let mut set = FaultSet::default();
        set.add(
            FaultRule::new("/v1/customers", FaultKind::Status(503))
                .method("post")
                .times(1),
        );
        set.add(FaultRule::new("/v1/accounts", FaultKind::DropBeforeCommit).rate(0.0));
        assert_eq!(set.pick("GET", "/v1/customers"), None);
        assert_eq!(
            set.pick("POST", "/v1/customers"),
            Some(FaultKind::Status(503))
        );
        assert_eq!(set.pick("POST", "/v1/customers"), None);
        assert_eq!(set.pick("GET", "/v1/accounts/x"), None);
    }

    #[test]
    fn parses_control_json() {
        let rule = FaultRule::from_json(&json!({
            "method": "POST", "pathPrefix": "/v1/customers", "kind": "too_many_requests",
            "retryAfterSecs": 2, "rate": 0.5, "remaining": 3
        }))
        .unwrap();
        assert_eq!(
            rule.kind,
            FaultKind::TooManyRequests {
                retry_after_secs: 2
            }
        );
        assert_eq!(rule.remaining, Some(3));
        let slow = FaultRule::from_json(&json!({"kind": "slow", "delayMs": 200})).unwrap();
        assert_eq!(slow.kind, FaultKind::Slow(Duration::from_millis(200)));
        assert_eq!(slow.path_prefix, "/v1");
        assert!(FaultRule::from_json(&json!({"kind": "explode"})).is_err());
        assert!(FaultRule::from_json(&json!({"kind": "status", "rate": 2})).is_err());
    }
}
