//! Known answers for request signing: RFC 6979 deterministic ECDSA P-384, RFC 9530
//! digests, and a fixed key + time + request → fixed `Signature-Input` and `Signature`.

use offblocks::httpsig::{
    content_digest, prepare, CoveredComponents, DigestAlgorithms, RequestInput, RequestSigner,
    SignatureParams,
};
use offblocks::{BaseUrl, SigningKey};
use p384::ecdsa::signature::Verifier;

/// RFC 6979 Appendix A.2.6 (ECDSA, 384 bits, P-384): the private key x.
const RFC6979_P384_X: &str = "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn rfc6979_key() -> SigningKey {
    SigningKey::from_bytes(&hex(RFC6979_P384_X)).unwrap()
}

// RFC 6979 Appendix A.2.6, "With SHA-384, message = 'sample'": r and s.
#[test]
fn rfc6979_p384_sha384_sample() {
    let r = "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46";
    let s = "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8";
    let sig = rfc6979_key().sign(b"sample").unwrap();
    assert_eq!(sig[..48], hex(r)[..]);
    assert_eq!(sig[48..], hex(s)[..]);
}

// RFC 6979 Appendix A.2.6, "With SHA-384, message = 'test'".
#[test]
fn rfc6979_p384_sha384_test() {
    let r = "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36AB775D509D7A5FEB0542A7F0812998DA8F1DD3CA3CF023DB";
    let s = "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B827C2F13173923E06A739F040649A667BF3B828246BAA5A5";
    let sig = rfc6979_key().sign(b"test").unwrap();
    assert_eq!(sig[..48], hex(r)[..]);
    assert_eq!(sig[48..], hex(s)[..]);
}

// RFC 9530 Appendix B.1 / B.2 (and the contract §5).
#[test]
fn rfc9530_content_digest() {
    let body = br#"{"hello": "world"}"#;
    assert_eq!(
        content_digest(body, DigestAlgorithms::Sha256),
        "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
    );
    assert_eq!(
        content_digest(body, DigestAlgorithms::Sha512),
        "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"
    );
}

const BODY: &[u8] = br#"{"chainId":"eip155:280:0x22227A31dd842196A246d8f3b775998560eAa61d","externalId":"27c9aa3b-f12d-43b9-8e91-5264ccc998de"}"#;

/// The signature base for the fixed request below, written out by hand from RFC 9421
/// §2.5: one `"name": value` line per covered component, then `@signature-params`.
const EXPECTED_BASE: &str = "\"@method\": POST
\"@authority\": api.sandbox.offblocks.xyz
\"@path\": /v1/customers
\"authorization\": Bearer tok
\"content-type\": application/json
\"content-digest\": sha-256=:c/5PGb9PSCoKcmPjZwlM1h6v0S234nE0vYYH0Y7HXuI=:
\"idempotency-key\": 123e4567-e89b-12d3-a456-426614174000
\"@signature-params\": (\"@method\" \"@authority\" \"@path\" \"authorization\" \"content-type\" \"content-digest\" \"idempotency-key\");created=1700000000;keyid=\"k1\";alg=\"ecdsa-p384-sha384\"";

/// The contract §4's example `Signature-Input`, byte for byte.
const EXPECTED_INPUT: &str = "sig=(\"@method\" \"@authority\" \"@path\" \"authorization\" \"content-type\" \"content-digest\" \"idempotency-key\");created=1700000000;keyid=\"k1\";alg=\"ecdsa-p384-sha384\"";

/// Produced independently by OpenSSL through Python `cryptography` 48
/// (`ec.ECDSA(hashes.SHA384(), deterministic_signing=True)`, RFC 6979) over
/// `EXPECTED_BASE` with the RFC 6979 A.2.6 key; `r‖s` each 48 bytes big-endian.
/// The digest line was computed with Python's `hashlib.sha256` of `BODY`.
const EXPECTED_SIGNATURE: &str = "sig=:9ZDHHXE0g9raMNmKYeh1MRWstG8ioNkazA3FbEVUyPz0BsHVCiOn55OCkJlwFOP2z+585gn5kqJgtKz/8v2JlH3aXwQNJydLxlHWoBUh7Jxph6U9Yaxu9Qzk7UDB+5An:";

fn fixed_request() -> offblocks::PreparedRequest {
    let base = BaseUrl::parse("https://api.sandbox.offblocks.xyz/v1").unwrap();
    let key = rfc6979_key();
    let components = CoveredComponents::default();
    let params = SignatureParams {
        label: "sig".into(),
        created: 1_700_000_000,
        expires: None,
        nonce: None,
        key_id: "k1".into(),
    };
    let input = RequestInput {
        method: "POST",
        base: &base,
        path: "/customers",
        query: None,
        token: Some("tok"),
        body: Some(BODY),
        idempotency_key: Some("123e4567-e89b-12d3-a456-426614174000"),
        digest: DigestAlgorithms::Sha256,
    };
    let signer = RequestSigner {
        key: &key,
        components: &components,
        params: &params,
    };
    prepare(&input, Some(&signer)).unwrap()
}

#[test]
fn fixed_request_pins_base_input_and_signature() {
    let req = fixed_request();
    assert_eq!(req.signature_base, EXPECTED_BASE);
    assert_eq!(req.header("Signature-Input"), Some(EXPECTED_INPUT));
    assert_eq!(req.header("Signature"), Some(EXPECTED_SIGNATURE));
    assert_eq!(req.url, "https://api.sandbox.offblocks.xyz/v1/customers");
    assert_eq!(req.header("Host"), Some("api.sandbox.offblocks.xyz"));
    // And it verifies over the hand-written base.
    use base64::Engine;
    let b64 = EXPECTED_SIGNATURE
        .trim_start_matches("sig=:")
        .trim_end_matches(':');
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let sig = p384::ecdsa::Signature::from_slice(&raw).unwrap();
    rfc6979_key()
        .verifying_key()
        .verify(EXPECTED_BASE.as_bytes(), &sig)
        .unwrap();
}

#[test]
fn query_nonce_expires_and_escaping() {
    let base = BaseUrl::parse("http://127.0.0.1:8080/v1").unwrap();
    let key = rfc6979_key();
    let components = CoveredComponents::default();
    let params = SignatureParams {
        label: "sig".into(),
        created: 10,
        expires: Some(70),
        nonce: Some("n\"1".into()),
        key_id: "a\\b".into(),
    };
    let input = RequestInput {
        method: "GET",
        base: &base,
        path: "/customers",
        query: Some("limit=2"),
        token: Some("tok"),
        body: None,
        idempotency_key: None,
        digest: DigestAlgorithms::Sha256,
    };
    let signer = RequestSigner {
        key: &key,
        components: &components,
        params: &params,
    };
    let req = prepare(&input, Some(&signer)).unwrap();
    assert_eq!(
        req.signature_base,
        "\"@method\": GET\n\"@authority\": 127.0.0.1:8080\n\"@path\": /v1/customers\n\"@query\": ?limit=2\n\"authorization\": Bearer tok\n\"@signature-params\": (\"@method\" \"@authority\" \"@path\" \"@query\" \"authorization\");created=10;keyid=\"a\\\\b\";alg=\"ecdsa-p384-sha384\";expires=70;nonce=\"n\\\"1\""
    );
    assert_eq!(req.url, "http://127.0.0.1:8080/v1/customers?limit=2");
    assert!(req.header("Content-Digest").is_none());
}

#[test]
fn header_injection_is_refused() {
    let base = BaseUrl::parse("https://api.offblocks.xyz/v1").unwrap();
    let input = RequestInput {
        method: "GET",
        base: &base,
        path: "/customers",
        query: None,
        token: Some("tok\r\nX-Evil: 1"),
        body: None,
        idempotency_key: None,
        digest: DigestAlgorithms::Sha256,
    };
    assert!(prepare(&input, None).is_err());
}
