//! RFC 9530 `Content-Digest` checking.

use crate::api::ApiError;
use crate::server::Request;
use crate::sf::{self, BareItem, Member};
use sha2::{Digest, Sha256, Sha512};

/// Requires a `Content-Digest` on every request with a body and checks each `sha-256` /
/// `sha-512` member against the exact body bytes; other algorithms are ignored, but at
/// least one of the two must be present. A digest sent with an empty body is checked
/// against the empty string.
pub(crate) fn check_content_digest(req: &Request) -> Result<(), ApiError> {
    let Some(header) = req.header("content-digest") else {
        if req.body.is_empty() {
            return Ok(());
        }
        return Err(ApiError::bad_request(
            "missing_content_digest",
            "a request with a body needs a Content-Digest header (RFC 9530)",
        ));
    };
    let invalid = |why: String| ApiError::bad_request("invalid_content_digest", why);
    let dict =
        sf::parse_dictionary(&header).map_err(|e| invalid(format!("Content-Digest: {e}")))?;
    let mut checked = 0;
    for (algorithm, member) in &dict {
        let expected: Vec<u8> = match algorithm.as_str() {
            "sha-256" => Sha256::digest(&req.body).to_vec(),
            "sha-512" => Sha512::digest(&req.body).to_vec(),
            _ => continue,
        };
        let sent = match member {
            Member::Item(item) => match &item.value {
                BareItem::ByteSeq(bytes) => bytes,
                other => {
                    return Err(invalid(format!(
                        "{algorithm} must be a byte sequence (:base64:), got a {}",
                        other.kind()
                    )))
                }
            },
            Member::InnerList(_) => {
                return Err(invalid(format!("{algorithm} must be a byte sequence")))
            }
        };
        if *sent != expected {
            return Err(invalid(format!(
                "{algorithm} does not match the digest of the {} body bytes received",
                req.body.len()
            )));
        }
        checked += 1;
    }
    if checked == 0 {
        return Err(invalid(
            "Content-Digest needs a sha-256 or sha-512 member".to_string(),
        ));
    }
    Ok(())
}
