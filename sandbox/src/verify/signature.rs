//! RFC 9421 HTTP Message Signatures: rebuilding the signature base from the request as
//! received and verifying `ecdsa-p384-sha384` signatures (raw `r||s`, 96 bytes).

use crate::api::ApiError;
use crate::server::Request;
use crate::sf::{self, BareItem, InnerList, Member};
use p384::ecdsa::signature::Verifier as _;
use p384::ecdsa::{Signature, VerifyingKey};
use std::time::Duration;

/// The only algorithm OffBlocks accepts.
const ALG: &str = "ecdsa-p384-sha384";

/// The time window a signature's `created` must fall in, on the sandbox clock.
pub(crate) struct SignaturePolicy {
    pub(crate) now_secs: i64,
    pub(crate) created_tolerance: Duration,
    pub(crate) max_signature_age: Duration,
}

fn fail(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::unauthorized(code, message)
}

/// Verifies every label present in both `Signature-Input` and `Signature` (at least one
/// must be) and returns the `keyid` of the first. `lookup` maps a key id registered for
/// the caller's API key to its public key.
pub(crate) fn verify_signature(
    req: &Request,
    policy: &SignaturePolicy,
    lookup: impl Fn(&str) -> Option<VerifyingKey>,
) -> Result<String, ApiError> {
    let (Some(input), Some(signature)) = (req.header("signature-input"), req.header("signature"))
    else {
        return Err(fail(
            "missing_signature",
            "Signature and Signature-Input headers are required (RFC 9421)",
        ));
    };
    let inputs = sf::parse_dictionary(&input)
        .map_err(|e| fail("malformed_signature_input", format!("Signature-Input: {e}")))?;
    let signatures = sf::parse_dictionary(&signature)
        .map_err(|e| fail("malformed_signature", format!("Signature: {e}")))?;
    let mut first_key = None;
    for (label, member) in &inputs {
        let Some((_, sig_member)) = signatures.iter().find(|(l, _)| l == label) else {
            continue;
        };
        let Member::InnerList(list) = member else {
            return Err(fail(
                "malformed_signature_input",
                format!("Signature-Input {label} must be an inner list of components"),
            ));
        };
        let sig_bytes = match sig_member {
            Member::Item(item) => match &item.value {
                BareItem::ByteSeq(bytes) => bytes.clone(),
                _ => return Err(byte_seq_needed(label)),
            },
            Member::InnerList(_) => return Err(byte_seq_needed(label)),
        };
        let key_id = verify_one(req, policy, &lookup, label, list, &sig_bytes)?;
        first_key.get_or_insert(key_id);
    }
    first_key.ok_or_else(|| {
        fail(
            "missing_signature",
            "no label appears in both Signature-Input and Signature",
        )
    })
}

fn byte_seq_needed(label: &str) -> ApiError {
    fail(
        "malformed_signature",
        format!("Signature {label} must be a byte sequence (:base64:)"),
    )
}

fn verify_one(
    req: &Request,
    policy: &SignaturePolicy,
    lookup: &impl Fn(&str) -> Option<VerifyingKey>,
    label: &str,
    list: &InnerList,
    sig_bytes: &[u8],
) -> Result<String, ApiError> {
    let key_id = check_params(policy, label, list)?;
    let components = covered_components(label, list)?;
    for required in required_components(req) {
        if !components.iter().any(|c| c == required) {
            return Err(fail(
                "missing_covered_component",
                format!("signature {label} must cover \"{required}\""),
            ));
        }
    }
    let key = lookup(&key_id).ok_or_else(|| {
        fail(
            "unknown_key_id",
            format!("keyid \"{key_id}\" is not a signing key registered for this API key"),
        )
    })?;
    let base = signature_base(req, &components, list)?;
    if sig_bytes.len() != 96 {
        return Err(fail(
            "invalid_signature",
            format!(
                "signature {label} must be 96 bytes (raw r||s, not DER), got {}",
                sig_bytes.len()
            ),
        ));
    }
    let signature = Signature::from_slice(sig_bytes).map_err(|_| {
        fail(
            "invalid_signature",
            format!("signature {label} is not a valid P-384 r||s pair"),
        )
    })?;
    key.verify(base.as_bytes(), &signature).map_err(|_| {
        fail(
            "invalid_signature",
            format!("signature {label} does not verify over the signature base the server rebuilt"),
        )
    })?;
    Ok(key_id)
}

/// Checks the signature parameters and returns the `keyid`.
fn check_params(
    policy: &SignaturePolicy,
    label: &str,
    list: &InnerList,
) -> Result<String, ApiError> {
    let mut created = None;
    let mut key_id = None;
    for (name, value) in &list.params {
        let wrong_type = |wanted: &str| {
            fail(
                "invalid_signature_parameter",
                format!(
                    "signature {label}: parameter {name} must be a {wanted}, got a {}",
                    value.kind()
                ),
            )
        };
        match (name.as_str(), value) {
            ("created", BareItem::Integer(t)) => created = Some(*t),
            ("expires", BareItem::Integer(t)) => {
                if *t <= policy.now_secs {
                    return Err(fail(
                        "signature_expired",
                        format!(
                            "signature {label} expired at {t} (server time {})",
                            policy.now_secs
                        ),
                    ));
                }
            }
            ("created" | "expires", _) => return Err(wrong_type("integer")),
            ("keyid", BareItem::String(k)) => key_id = Some(k.clone()),
            ("alg", BareItem::String(alg)) if alg == ALG => {}
            ("alg", BareItem::String(alg)) => {
                return Err(fail(
                    "unsupported_algorithm",
                    format!("signature {label}: alg \"{alg}\" is not supported, only \"{ALG}\""),
                ))
            }
            ("nonce", BareItem::String(_)) => {}
            ("keyid" | "alg" | "nonce", _) => return Err(wrong_type("string")),
            _ => {
                return Err(fail(
                    "unknown_signature_parameter",
                    format!("signature {label}: unknown parameter \"{name}\""),
                ))
            }
        }
    }
    let Some(created) = created else {
        return Err(missing_param(label, "created"));
    };
    let Some(key_id) = key_id else {
        return Err(missing_param(label, "keyid"));
    };
    let now = policy.now_secs;
    let tolerance = i64::try_from(policy.created_tolerance.as_secs()).unwrap_or(i64::MAX);
    let max_age = i64::try_from(policy.max_signature_age.as_secs()).unwrap_or(i64::MAX);
    if created.saturating_sub(now) > tolerance {
        return Err(fail(
            "signature_created_in_future",
            format!(
                "signature {label}: created {created} is {} s in the future (server time {now})",
                created - now
            ),
        )
        .with("serverTime", now.into()));
    }
    if now.saturating_sub(created) > max_age {
        return Err(fail(
            "signature_too_old",
            format!(
                "signature {label}: created {created} is {} s old, more than {max_age} s (server time {now})",
                now - created
            ),
        )
        .with("serverTime", now.into()));
    }
    Ok(key_id)
}

fn missing_param(label: &str, name: &str) -> ApiError {
    fail(
        "missing_signature_parameter",
        format!("signature {label} needs the {name} parameter"),
    )
}

/// The component identifiers, validated: sf-strings without parameters, no duplicates.
fn covered_components(label: &str, list: &InnerList) -> Result<Vec<String>, ApiError> {
    let mut names: Vec<String> = Vec::with_capacity(list.items.len());
    for item in &list.items {
        let BareItem::String(name) = &item.value else {
            return Err(fail(
                "malformed_signature_input",
                format!("signature {label}: component identifiers must be strings"),
            ));
        };
        if let Some((param, _)) = item.params.first() {
            return Err(fail(
                "unsupported_component",
                format!("signature {label}: component parameter ;{param} on \"{name}\" is not supported"),
            ));
        }
        if name.is_empty() || name.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(fail(
                "malformed_signature_input",
                format!("signature {label}: component \"{name}\" must be a lowercase name"),
            ));
        }
        if names.contains(name) {
            return Err(fail(
                "malformed_signature_input",
                format!("signature {label}: component \"{name}\" is covered twice"),
            ));
        }
        names.push(name.clone());
    }
    Ok(names)
}

/// What every signature must cover for this request.
fn required_components(req: &Request) -> Vec<&'static str> {
    let mut required = vec!["@method", "@authority", "@path", "authorization"];
    if req.query.is_some() {
        required.push("@query");
    }
    for header in ["content-digest", "content-type", "idempotency-key"] {
        if req.header(header).is_some() {
            required.push(header);
        }
    }
    required
}

/// RFC 9421 §2.5: one line per component, then `"@signature-params"`.
pub(crate) fn signature_base(
    req: &Request,
    components: &[String],
    list: &InnerList,
) -> Result<String, ApiError> {
    let mut base = String::new();
    for name in components {
        let value = component_value(req, name)?;
        base.push_str(&format!("\"{name}\": {value}\n"));
    }
    base.push_str("\"@signature-params\": ");
    base.push_str(&list.to_sf_string());
    Ok(base)
}

fn component_value(req: &Request, name: &str) -> Result<String, ApiError> {
    let unavailable = |why: &str| {
        fail(
            "unavailable_component",
            format!("covered component \"{name}\" {why}"),
        )
    };
    let authority = || {
        req.authority()
            .map(|a| a.to_ascii_lowercase())
            .ok_or_else(|| unavailable("has no value: the request has no Host"))
    };
    let query = || format!("?{}", req.query.as_deref().unwrap_or(""));
    match name {
        "@method" => Ok(req.method.clone()),
        "@authority" => authority(),
        "@path" => Ok(if req.path.is_empty() {
            "/".to_string()
        } else {
            req.path.clone()
        }),
        "@query" => Ok(query()),
        "@scheme" => Ok("http".to_string()),
        "@request-target" => Ok(req.target.clone()),
        "@target-uri" => {
            let query = if req.query.is_some() {
                query()
            } else {
                String::new()
            };
            Ok(format!("http://{}{}{}", authority()?, req.path, query))
        }
        _ if name.starts_with('@') => Err(fail(
            "unsupported_component",
            format!("derived component \"{name}\" is not supported on requests"),
        )),
        _ => req
            .header(name)
            .ok_or_else(|| unavailable("is not a header of this request")),
    }
}
