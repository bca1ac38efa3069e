//! Verifying a received message's RFC 9421 signature (`ecdsa-p384-sha384`) and its
//! RFC 9530 `Content-Digest`: what the webhook inbox checks of a delivery when the host
//! has OffBlocks' webhook signing key.
//!
//! Only what the receiver can see is verifiable: `@method` and header fields. A signature
//! covering another derived component (`@path`, `@authority`…) is refused, and so is one
//! that does not cover `content-digest` (it would not bind the body).

use std::time::Duration;

use p384::ecdsa::signature::Verifier as _;
use p384::ecdsa::{Signature, VerifyingKey};
use sha2::{Digest, Sha256, Sha512};

use super::base::ALGORITHM;
use super::sf::{parse_dictionary, Bare, Member};
use crate::error::{Error, Result};

/// The most signatures of one message tried.
const MAX_SIGNATURES: usize = 8;

/// The longest header value read (a signature header is a few hundred bytes).
const MAX_HEADER_BYTES: usize = 8 * 1024;

/// How far in the receiver's future a signature's `created` may be.
pub const CREATED_FUTURE_TOLERANCE: Duration = Duration::from_secs(60);

/// A P-384 public key and the age bound that a received message's signature is checked
/// against.
#[derive(Clone)]
pub struct MessageVerifier {
    key: VerifyingKey,
    max_age: Duration,
}

impl MessageVerifier {
    /// A verifier for signatures made with the private half of `public_key_pem` (SPKI
    /// PEM, `BEGIN PUBLIC KEY`), refusing any whose `created` is more than `max_age` old.
    ///
    /// # Errors
    /// [`Error::Key`] when `public_key_pem` is not a P-384 public key.
    pub fn from_public_key_pem(public_key_pem: &str, max_age: Duration) -> Result<MessageVerifier> {
        use p384::pkcs8::DecodePublicKey;
        let public = p384::PublicKey::from_public_key_pem(public_key_pem.trim())
            .map_err(|_| Error::Key("not a P-384 public key PEM ('BEGIN PUBLIC KEY')".into()))?;
        Ok(MessageVerifier {
            key: public.into(),
            max_age,
        })
    }

    /// Checks that `body` with `headers` (name, value pairs as received; names in any
    /// case, a repeated name's values joined with `, `) carries a valid signature: some
    /// label of `Signature-Input` whose `Signature` verifies over the signature base
    /// rebuilt for `method`, covering `content-digest`, with `alg` absent or
    /// `ecdsa-p384-sha384`, `created` within `max_age` before `now_unix` (and at most
    /// [`CREATED_FUTURE_TOLERANCE`] after it), `expires` not passed; and a
    /// `Content-Digest` whose every `sha-256` and `sha-512` member matches `body` (at
    /// least one of them present).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the first reason of the refusal.
    pub fn verify(
        &self,
        method: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        now_unix: i64,
    ) -> Result<()> {
        let refuse = |why: String| Error::InvalidInput(format!("signature refused: {why}"));
        let input = header(headers, "signature-input")?
            .ok_or_else(|| refuse("the message is unsigned (no Signature-Input header)".into()))?;
        let signatures = header(headers, "signature")?
            .ok_or_else(|| refuse("the message has no Signature header".into()))?;
        let inputs =
            parse_dictionary(&input).map_err(|e| refuse(format!("Signature-Input: {e}")))?;
        let values =
            parse_dictionary(&signatures).map_err(|e| refuse(format!("Signature: {e}")))?;
        if inputs.is_empty() {
            return Err(refuse("Signature-Input names no signature".into()));
        }
        let mut first_failure = None;
        for member in inputs.iter().take(MAX_SIGNATURES) {
            match self.verify_one(member, &values, method, headers, now_unix) {
                Ok(()) => return check_digest(headers, body).map_err(refuse),
                Err(why) => {
                    first_failure.get_or_insert(format!("signature {:?}: {why}", member.key));
                }
            }
        }
        Err(refuse(first_failure.unwrap_or_default()))
    }

    fn verify_one(
        &self,
        input: &Member,
        values: &[Member],
        method: &str,
        headers: &[(&str, &str)],
        now_unix: i64,
    ) -> std::result::Result<(), String> {
        let Some(components) = &input.inner else {
            return Err("its Signature-Input is not an inner list".into());
        };
        let value = values
            .iter()
            .find(|v| v.key == input.key)
            .ok_or("no Signature of that label")?;
        let raw = match (&value.inner, &value.item) {
            (None, Some(Bare::Bytes(raw))) => raw,
            _ => return Err("its Signature is not a byte sequence".into()),
        };
        let signature = Signature::from_slice(raw)
            .map_err(|_| format!("{} bytes are not a raw 96-byte P-384 r‖s", raw.len()))?;
        let param = |name: &str| input.params.iter().find(|(k, _)| k == name).map(|(_, v)| v);
        match param("alg") {
            None => {}
            Some(Bare::String(alg)) if alg == ALGORITHM => {}
            Some(_) => return Err(format!("alg is not {ALGORITHM:?}")),
        }
        let created = match param("created") {
            Some(Bare::Integer(t)) => *t,
            _ => return Err("no integer created parameter".into()),
        };
        let max_age = i64::try_from(self.max_age.as_secs()).unwrap_or(i64::MAX);
        let future = CREATED_FUTURE_TOLERANCE.as_secs() as i64;
        if now_unix.saturating_sub(created) > max_age {
            return Err(format!(
                "created {created} is more than {max_age} s before now ({now_unix})"
            ));
        }
        if created.saturating_sub(now_unix) > future {
            return Err(format!(
                "created {created} is more than {future} s after now ({now_unix})"
            ));
        }
        match param("expires") {
            None => {}
            Some(Bare::Integer(t)) if *t >= now_unix => {}
            Some(_) => return Err("expired (or expires is not an integer)".into()),
        }
        let mut base = String::with_capacity(512);
        let mut covers_digest = false;
        for component in components {
            let Bare::String(name) = &component.0 else {
                return Err("a covered component is not a string".into());
            };
            if !component.1.is_empty() {
                return Err(format!(
                    "component {name:?} has parameters, which are not supported"
                ));
            }
            let value = match name.as_str() {
                "@method" => method.to_owned(),
                n if n.starts_with('@') => {
                    return Err(format!(
                        "it covers {n}, which the receiver cannot check (only @method and header fields)"
                    ))
                }
                n if n.bytes().any(|b| b.is_ascii_uppercase()) => {
                    return Err(format!("component {n:?} is not lowercase"))
                }
                n => header(headers, n)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("it covers {n}, which the message does not carry"))?,
            };
            covers_digest |= name == "content-digest";
            base.push('"');
            base.push_str(name);
            base.push_str("\": ");
            base.push_str(&value);
            base.push('\n');
        }
        if !covers_digest {
            return Err("it does not cover content-digest, so it does not bind the body".into());
        }
        base.push_str("\"@signature-params\": ");
        base.push_str(&input.raw_value);
        self.key
            .verify(base.as_bytes(), &signature)
            .map_err(|_| "it does not verify with the configured key".to_string())
    }
}

impl std::fmt::Debug for MessageVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageVerifier")
            .field("max_age", &self.max_age)
            .finish_non_exhaustive()
    }
}

/// The value of header `name`: its values trimmed and joined with `, `, or `None`.
fn header(headers: &[(&str, &str)], name: &str) -> Result<Option<String>> {
    let mut out: Option<String> = None;
    for (n, v) in headers {
        if !n.eq_ignore_ascii_case(name) {
            continue;
        }
        let joined = out.get_or_insert_with(String::new);
        if !joined.is_empty() {
            joined.push_str(", ");
        }
        joined.push_str(v.trim());
        if joined.len() > MAX_HEADER_BYTES {
            return Err(Error::InvalidInput(format!(
                "header {name} is over {MAX_HEADER_BYTES} bytes"
            )));
        }
        if joined.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
            return Err(Error::InvalidInput(format!(
                "header {name} holds a line break or NUL"
            )));
        }
    }
    Ok(out)
}

/// Checks `Content-Digest` against `body`: every `sha-256` and `sha-512` member must match,
/// and one at least must be there; other algorithms are ignored.
fn check_digest(headers: &[(&str, &str)], body: &[u8]) -> std::result::Result<(), String> {
    let value = header(headers, "content-digest")
        .map_err(|e| e.to_string())?
        .ok_or("the message has no Content-Digest header")?;
    let members = parse_dictionary(&value).map_err(|e| format!("Content-Digest: {e}"))?;
    let mut checked = 0;
    for m in &members {
        let expected: Vec<u8> = match m.key.as_str() {
            "sha-256" => Sha256::digest(body).to_vec(),
            "sha-512" => Sha512::digest(body).to_vec(),
            _ => continue,
        };
        match (&m.inner, &m.item) {
            (None, Some(Bare::Bytes(got))) if *got == expected => checked += 1,
            (None, Some(Bare::Bytes(_))) => {
                return Err(format!(
                    "the Content-Digest {} does not match the body",
                    m.key
                ))
            }
            _ => return Err(format!("Content-Digest {} is not a byte sequence", m.key)),
        }
    }
    if checked == 0 {
        return Err("Content-Digest has neither sha-256 nor sha-512".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::httpsig::{content_digest, DigestAlgorithms, SigningKey};
    use base64::engine::general_purpose::STANDARD as B64;
    use base64::Engine;

    fn b64(bytes: &[u8]) -> String {
        B64.encode(bytes)
    }

    const NOW: i64 = 1_700_000_000;

    fn signed(key: &SigningKey, body: &[u8], created: i64) -> Vec<(String, String)> {
        let digest = content_digest(body, DigestAlgorithms::Sha256);
        let params =
            format!("(\"@method\" \"content-type\" \"content-digest\");created={created};keyid=\"w\";alg=\"{ALGORITHM}\"");
        let base = format!(
            "\"@method\": POST\n\"content-type\": application/json\n\"content-digest\": {digest}\n\"@signature-params\": {params}"
        );
        let sig = key.sign(base.as_bytes()).unwrap();
        vec![
            ("Content-Type".into(), "application/json".into()),
            ("Content-Digest".into(), digest),
            ("Signature-Input".into(), format!("wh={params}")),
            ("Signature".into(), format!("wh=:{}:", b64(&sig))),
        ]
    }

    fn check(v: &MessageVerifier, h: &[(String, String)], body: &[u8], now: i64) -> Result<()> {
        let h: Vec<(&str, &str)> = h.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        v.verify("POST", &h, body, now)
    }

    fn verifier(key: &SigningKey) -> MessageVerifier {
        MessageVerifier::from_public_key_pem(&key.public_key_pem(), Duration::from_secs(300))
            .unwrap()
    }

    #[test]
    fn accepts_a_valid_signature_and_refuses_each_alteration() {
        let key = SigningKey::from_bytes(&[7u8; 48]).unwrap();
        let v = verifier(&key);
        let body = br#"{"eventId":"e1"}"#;
        let good = signed(&key, body, NOW);
        check(&v, &good, body, NOW).unwrap();
        let err =
            |h: &[(String, String)], b: &[u8], now| check(&v, h, b, now).unwrap_err().to_string();
        assert!(err(&good, b"{\"eventId\":\"e2\"}", NOW).contains("does not match the body"));
        let mut digest = good.clone();
        digest[1].1 = content_digest(b"other", DigestAlgorithms::Sha256);
        assert!(err(&digest, body, NOW).contains("does not verify"));
        let other = verifier(&SigningKey::from_bytes(&[8u8; 48]).unwrap());
        assert!(check(&other, &good, body, NOW)
            .unwrap_err()
            .to_string()
            .contains("does not verify"));
        assert!(err(&good, body, NOW + 301).contains("more than 300 s before"));
        assert!(err(&good, body, NOW - 61).contains("after now"));
        assert!(err(&good[..2], body, NOW).contains("unsigned"));
    }

    #[test]
    fn refuses_signatures_that_do_not_bind_the_body_or_cannot_be_checked() {
        let key = SigningKey::from_bytes(&[7u8; 48]).unwrap();
        let v = verifier(&key);
        let body = b"{}";
        let sign = |params: &str, base_lines: &str| {
            let base = format!("{base_lines}\"@signature-params\": {params}");
            let sig = key.sign(base.as_bytes()).unwrap();
            vec![
                (
                    "content-digest".to_string(),
                    content_digest(body, DigestAlgorithms::Sha512),
                ),
                ("signature-input".to_string(), format!("a={params}")),
                ("signature".to_string(), format!("a=:{}:", b64(&sig))),
            ]
        };
        let no_digest = sign("(\"@method\");created=1700000000", "\"@method\": POST\n");
        assert!(check(&v, &no_digest, body, NOW)
            .unwrap_err()
            .to_string()
            .contains("does not cover content-digest"));
        let path = sign("(\"@path\" \"content-digest\");created=1700000000", "");
        assert!(check(&v, &path, body, NOW)
            .unwrap_err()
            .to_string()
            .contains("@path"));
        let digest = content_digest(body, DigestAlgorithms::Sha512);
        let sha512 = sign(
            "(\"content-digest\");created=1700000000",
            &format!("\"content-digest\": {digest}\n"),
        );
        check(&v, &sha512, body, NOW).unwrap();
        let mut bad_alg = sha512.clone();
        bad_alg[1].1 = bad_alg[1]
            .1
            .replace(";created", ";alg=\"hmac-sha256\";created");
        assert!(check(&v, &bad_alg, body, NOW).is_err());
    }
}
