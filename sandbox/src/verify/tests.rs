//! Signature and digest checks against requests built and signed by hand here, with a
//! fixed P-384 key (RFC 6979 deterministic signatures). RFC 9421's own examples use
//! P-256, Ed25519 and RSA, so the P-384 cases are constructed; the digest vectors are
//! RFC 9530's.

use super::*;
use crate::server::Request;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use p384::ecdsa::signature::Signer as _;
use p384::ecdsa::{Signature, SigningKey, VerifyingKey};
use std::time::Duration;

const NOW: i64 = 1_700_000_000;
const BODY: &[u8] = br#"{"hello": "world"}"#;
const SHA256_VECTOR: &str = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
const SHA512_VECTOR: &str =
    "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";
const COMPONENTS: &str = r#"("@method" "@authority" "@path" "authorization" "content-type" "content-digest" "idempotency-key")"#;

fn key() -> SigningKey {
    SigningKey::from_slice(&[7u8; 48]).unwrap()
}

fn policy() -> SignaturePolicy {
    SignaturePolicy {
        now_secs: NOW,
        created_tolerance: Duration::from_secs(5),
        max_signature_age: Duration::from_secs(300),
    }
}

fn request() -> Request {
    let headers = [
        ("Host", "127.0.0.1:43117"),
        ("Authorization", "Bearer tok"),
        ("Content-Type", "application/json"),
        ("Content-Digest", SHA256_VECTOR),
        ("Idempotency-Key", "6f1c1c1e-8b8a-4c7e-9f4f-0e0b6c1d2a3b"),
    ];
    Request {
        method: "POST".into(),
        target: "/v1/customers".into(),
        path: "/v1/customers".into(),
        query: None,
        target_authority: None,
        http10: false,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: BODY.to_vec(),
        peer: None,
    }
}

/// The signature base for `request()` written out by hand (RFC 9421 §2.5).
fn base(params: &str) -> String {
    format!(
        "\"@method\": POST\n\"@authority\": 127.0.0.1:43117\n\"@path\": /v1/customers\n\
         \"authorization\": Bearer tok\n\"content-type\": application/json\n\
         \"content-digest\": {SHA256_VECTOR}\n\
         \"idempotency-key\": 6f1c1c1e-8b8a-4c7e-9f4f-0e0b6c1d2a3b\n\
         \"@signature-params\": {COMPONENTS}{params}"
    )
}

fn signed(mut req: Request, inner_list: &str, base: &str, label: &str) -> Request {
    let signature: Signature = key().sign(base.as_bytes());
    let encoded = STANDARD.encode(signature.to_bytes());
    req.headers
        .push(("Signature-Input".into(), format!("{label}={inner_list}")));
    req.headers
        .push(("Signature".into(), format!("{label}=:{encoded}:")));
    req
}

fn sign_with(params: &str) -> Request {
    signed(
        request(),
        &format!("{COMPONENTS}{params}"),
        &base(params),
        "sig",
    )
}

fn lookup(id: &str) -> Option<VerifyingKey> {
    (id == "k1").then(|| *key().verifying_key())
}

fn verify(req: &Request) -> Result<String, String> {
    verify_signature(req, &policy(), lookup).map_err(|e| e.code.to_string())
}

const GOOD: &str = r#";created=1700000000;keyid="k1";alg="ecdsa-p384-sha384""#;

#[test]
fn accepts_a_correct_signature() {
    assert_eq!(verify(&sign_with(GOOD)), Ok("k1".into()));
    // Any label, optional parameters, alg omitted, clock within tolerance.
    let params = r#";created=1700000004;keyid="k1";nonce="n-1";expires=1700000060"#;
    let req = signed(
        request(),
        &format!("{COMPONENTS}{params}"),
        &base(params),
        "x-1",
    );
    assert_eq!(verify(&req), Ok("k1".into()));
}

#[test]
fn rejects_tampering() {
    let mut req = sign_with(GOOD);
    let sig = req
        .headers
        .iter_mut()
        .find(|(n, _)| n == "Signature")
        .unwrap();
    let mut bytes = STANDARD
        .decode(sig.1.trim_start_matches("sig=:").trim_end_matches(':'))
        .unwrap();
    bytes[10] ^= 1;
    sig.1 = format!("sig=:{}:", STANDARD.encode(&bytes));
    assert_eq!(verify(&req), Err("invalid_signature".into()));
    // A covered header changed after signing.
    let mut req = sign_with(GOOD);
    req.headers[4].1 = "00000000-0000-4000-8000-000000000000".into();
    assert_eq!(verify(&req), Err("invalid_signature".into()));
}

#[test]
fn rejects_parameters_and_times() {
    let cases = [
        (r#";created=1700000000;keyid="k2""#, "unknown_key_id"),
        (
            r#";created=1700000000;keyid="k1";tag="x""#,
            "unknown_signature_parameter",
        ),
        (
            r#";created=1700000006;keyid="k1""#,
            "signature_created_in_future",
        ),
        (r#";created=1699999699;keyid="k1""#, "signature_too_old"),
        (
            r#";created=1700000000;keyid="k1";expires=1700000000"#,
            "signature_expired",
        ),
        (
            r#";created=1700000000;keyid="k1";alg="ecdsa-p256-sha256""#,
            "unsupported_algorithm",
        ),
        (
            r#";created=1700000000;keyid=k1"#,
            "invalid_signature_parameter",
        ),
        (
            r#";created="1700000000";keyid="k1""#,
            "invalid_signature_parameter",
        ),
        (r#";keyid="k1""#, "missing_signature_parameter"),
        (r#";created=1700000000"#, "missing_signature_parameter"),
    ];
    for (params, code) in cases {
        assert_eq!(verify(&sign_with(params)), Err(code.into()), "{params}");
    }
}

#[test]
fn requires_the_covered_components() {
    let components =
        r#"("@method" "@authority" "@path" "authorization" "content-type" "idempotency-key")"#;
    let params = r#";created=1700000000;keyid="k1""#;
    let base = format!(
        "\"@method\": POST\n\"@authority\": 127.0.0.1:43117\n\"@path\": /v1/customers\n\
         \"authorization\": Bearer tok\n\"content-type\": application/json\n\
         \"idempotency-key\": 6f1c1c1e-8b8a-4c7e-9f4f-0e0b6c1d2a3b\n\
         \"@signature-params\": {components}{params}"
    );
    let req = signed(request(), &format!("{components}{params}"), &base, "sig");
    assert_eq!(verify(&req), Err("missing_covered_component".into()));
    // A URL with a query must cover @query.
    let mut req = sign_with(GOOD);
    req.query = Some("a=1".into());
    req.target = "/v1/customers?a=1".into();
    assert_eq!(verify(&req), Err("missing_covered_component".into()));
    // A covered header the request does not have.
    let mut req = sign_with(GOOD);
    req.headers.retain(|(n, _)| n != "Content-Type");
    req.headers.push(("X-Other".into(), "1".into()));
    let with_missing = r#"("@method" "@authority" "@path" "authorization" "content-type" "content-digest" "idempotency-key")"#;
    assert_eq!(with_missing, COMPONENTS);
    assert_eq!(verify(&req), Err("unavailable_component".into()));
}

#[test]
fn rejects_der_and_malformed_headers() {
    let params = GOOD;
    let signature: Signature = key().sign(base(params).as_bytes());
    let der = STANDARD.encode(signature.to_der().as_bytes());
    let mut req = request();
    req.headers.push((
        "Signature-Input".into(),
        format!("sig={COMPONENTS}{params}"),
    ));
    req.headers
        .push(("Signature".into(), format!("sig=:{der}:")));
    assert_eq!(verify(&req), Err("invalid_signature".into()));
    let mut req = sign_with(GOOD);
    req.headers.retain(|(n, _)| n != "Signature");
    assert_eq!(verify(&req), Err("missing_signature".into()));
    let mut req = sign_with(GOOD);
    req.headers
        .iter_mut()
        .find(|(n, _)| n == "Signature")
        .unwrap()
        .1 = "other=:AA==:".into();
    assert_eq!(verify(&req), Err("missing_signature".into()));
    let mut req = sign_with(GOOD);
    req.headers
        .iter_mut()
        .find(|(n, _)| n == "Signature-Input")
        .unwrap()
        .1 = "sig=(\"@method\"".into();
    assert_eq!(verify(&req), Err("malformed_signature_input".into()));
}

#[test]
fn pins_the_signature_base() {
    let components: Vec<String> = ["@method", "@authority", "@path", "@query", "authorization"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut req = request();
    req.query = Some("x=1&y=%20".into());
    req.headers.push(("authorization".into(), "second".into()));
    let list = match crate::sf::parse_dictionary(
        r#"sig=("@method" "@authority" "@path" "@query" "authorization");created=1;keyid="a\"b""#,
    )
    .unwrap()
    .remove(0)
    .1
    {
        crate::sf::Member::InnerList(list) => list,
        _ => unreachable!(),
    };
    let base = super::signature::signature_base(&req, &components, &list).unwrap();
    assert_eq!(
        base,
        "\"@method\": POST\n\"@authority\": 127.0.0.1:43117\n\"@path\": /v1/customers\n\
         \"@query\": ?x=1&y=%20\n\"authorization\": Bearer tok, second\n\
         \"@signature-params\": (\"@method\" \"@authority\" \"@path\" \"@query\" \"authorization\");created=1;keyid=\"a\\\"b\""
    );
}

#[test]
fn content_digest_vectors_and_rejections() {
    let with_digest = |value: Option<&str>, body: &[u8]| {
        let mut req = request();
        req.headers.retain(|(n, _)| n != "Content-Digest");
        if let Some(v) = value {
            req.headers.push(("Content-Digest".into(), v.into()));
        }
        req.body = body.to_vec();
        check_content_digest(&req).map_err(|e| e.code)
    };
    assert_eq!(with_digest(Some(SHA256_VECTOR), BODY), Ok(()));
    assert_eq!(with_digest(Some(SHA512_VECTOR), BODY), Ok(()));
    let both = format!("{SHA256_VECTOR}, {SHA512_VECTOR}, md5=:AA==:");
    assert_eq!(with_digest(Some(&both), BODY), Ok(()));
    assert_eq!(with_digest(None, b""), Ok(()));
    assert_eq!(with_digest(None, BODY), Err("missing_content_digest"));
    assert_eq!(
        with_digest(Some(SHA256_VECTOR), b"{\"hello\":\"world\"}"),
        Err("invalid_content_digest")
    );
    let half_wrong = format!("{SHA256_VECTOR}, sha-512=:AA==:");
    assert_eq!(
        with_digest(Some(&half_wrong), BODY),
        Err("invalid_content_digest")
    );
    assert_eq!(
        with_digest(Some("md5=:AA==:"), BODY),
        Err("invalid_content_digest")
    );
    assert_eq!(
        with_digest(Some("sha-256=X48E9q"), BODY),
        Err("invalid_content_digest")
    );
    assert_eq!(
        with_digest(Some("sha-256"), BODY),
        Err("invalid_content_digest")
    );
}

#[test]
fn zero_tolerance_refuses_any_created_after_the_current_second() {
    // OffBlocks' Go verifier default: created > now.Unix() fails, created == now.Unix()
    // passes whatever the sub-second part of now.
    let strict = SignaturePolicy {
        created_tolerance: Duration::ZERO,
        ..policy()
    };
    let with_created = |created: i64| {
        let params = format!(r#";created={created};keyid="k1""#);
        let inner = format!("{COMPONENTS}{params}");
        let req = signed(request(), &inner, &base(&params), "sig");
        verify_signature(&req, &strict, lookup).map_err(|e| e.code)
    };
    assert_eq!(with_created(NOW), Ok("k1".to_string()));
    assert_eq!(with_created(NOW - 1), Ok("k1".to_string()));
    assert_eq!(with_created(NOW + 1), Err("signature_created_in_future"));
    // The default 5 s tolerance takes the same request.
    let params = format!(r#";created={};keyid="k1""#, NOW + 1);
    let inner = format!("{COMPONENTS}{params}");
    let req = signed(request(), &inner, &base(&params), "sig");
    assert_eq!(verify(&req), Ok("k1".to_string()));
}
