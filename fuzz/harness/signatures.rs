//! A received message's RFC 9421 signature and RFC 9530 digest, as the webhook inbox
//! checks them (`offblocks::httpsig::MessageVerifier`).

use std::sync::OnceLock;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use offblocks::httpsig::{content_digest, DigestAlgorithms, MessageVerifier};
use offblocks::{Error, SigningKey};

/// The verifier's clock: every `created` the harness writes is this.
const NOW: i64 = 1_767_225_600;

/// The key whose signatures the verifier accepts (a fixed scalar: inputs reproduce).
fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::from_bytes(&[7u8; 48]).expect("a P-384 scalar"))
}

fn verifier() -> &'static MessageVerifier {
    static VERIFIER: OnceLock<MessageVerifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        MessageVerifier::from_public_key_pem(&key().public_key_pem(), Duration::from_secs(300))
            .expect("the key's own public PEM")
    })
}

/// The input is a message: `Name: value` lines up to the first empty line, then its body.
///
/// - Nothing the fuzzer writes verifies: it cannot sign with the key, so an accepted
///   message is a hole in the checks. Every refusal is `InvalidInput`, its text bounded
///   and free of control characters.
/// - The same body and content type, signed by the harness over a base it builds itself
///   (RFC 9421 §2.5: `content-digest`, `content-type`, `@signature-params`), verifies;
///   with its body changed by one byte it does not.
pub fn signed_message(data: &[u8]) {
    let text = super::text(data);
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let headers: Vec<(&str, &str)> = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim(), value.trim()))
        .collect();
    match verifier().verify("POST", &headers, body.as_bytes(), NOW) {
        Ok(()) => panic!("a message the key never signed was accepted: {headers:?}"),
        Err(Error::InvalidInput(why)) => {
            assert!(!why.chars().any(char::is_control), "{why:?}");
            assert!(
                why.len() <= 2048,
                "an unbounded refusal: {} bytes",
                why.len()
            );
        }
        Err(other) => panic!("a refusal that is not InvalidInput: {other:?}"),
    }

    let content_type = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map_or("application/json", |(_, v)| v)
        .replace(|c: char| !c.is_ascii_graphic() && c != ' ', "");
    let content_type = content_type.trim();
    let digest = content_digest(body.as_bytes(), DigestAlgorithms::Both);
    let params = format!("(\"content-digest\" \"content-type\");created={NOW};keyid=\"k\"");
    let base = format!(
        "\"content-digest\": {digest}\n\"content-type\": {content_type}\n\"@signature-params\": {params}"
    );
    let signature = B64.encode(key().sign(base.as_bytes()).expect("a key in memory signs"));
    let signed = [
        ("Content-Type", content_type),
        ("Content-Digest", digest.as_str()),
        ("Signature-Input", &format!("sig1={params}")),
        ("Signature", &format!("sig1=:{signature}:")),
    ];
    if let Err(e) = verifier().verify("POST", &signed, body.as_bytes(), NOW) {
        panic!("a message signed over its own base was refused: {e}\n{base}");
    }
    let mut altered = body.as_bytes().to_vec();
    match altered.first_mut() {
        Some(b) => *b ^= 1,
        None => altered.push(b'x'),
    }
    assert!(
        verifier().verify("POST", &signed, &altered, NOW).is_err(),
        "a changed body passed its digest"
    );
}
