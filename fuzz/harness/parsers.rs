//! Harnesses of the text parsers: EIP-4361 messages and signatures, CAIP ids,
//! addresses, base URLs.

use std::fmt::Write as _;

use offblocks::time::Timestamp;
use offblocks::wallet::{
    decode_challenge, AccountId, Address, ChainId, PersonalSignature, SignatureEncoding, SiweError,
    SiweMessage,
};
use offblocks::BaseUrl;

use super::text;

/// `siwe`: the bytes as an EIP-4361 message, as a base64 challenge, and as a
/// `personal_sign` signature.
///
/// A message that parses must keep its bytes exactly (they are what gets signed), and
/// the message rebuilt from its fields in the EIP's layout must parse to the same
/// fields. A signature that parses must survive each of its encodings.
pub fn siwe(data: &[u8]) {
    message(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((bytes, msg)) = decode_challenge(text) {
        assert_eq!(
            msg.as_bytes(),
            &bytes[..],
            "a challenge signs its decoded bytes"
        );
    }
    signature(text);
}

fn message(data: &[u8]) {
    let parsed = SiweMessage::from_bytes(data);
    let text = match std::str::from_utf8(data) {
        Ok(text) => text,
        Err(e) => {
            let expected = SiweError::NotUtf8 {
                valid_up_to: e.valid_up_to(),
            };
            assert_eq!(parsed, Err(expected));
            return;
        }
    };
    assert_eq!(parsed, SiweMessage::parse(text), "from_bytes is parse");
    let Ok(msg) = parsed else {
        return;
    };
    assert_eq!(msg.as_bytes(), data, "the message keeps its bytes");
    assert_eq!(msg.to_string(), text);
    assert_eq!(msg.version, "1");
    assert!(msg.nonce.len() >= 8 && msg.nonce.bytes().all(|c| c.is_ascii_alphanumeric()));

    let rendered = render(&msg);
    let again = SiweMessage::parse(&rendered)
        .unwrap_or_else(|e| panic!("rendered message does not parse: {e}\n{rendered}"));
    assert_eq!(fields(&again), fields(&msg), "rendered:\n{rendered}");
}

/// The message written from its fields in the layout of the EIP-4361 ABNF.
fn render(m: &SiweMessage) -> String {
    let mut s = String::new();
    if let Some(scheme) = &m.scheme {
        s.push_str(scheme);
        s.push_str("://");
    }
    s.push_str(&m.domain);
    s.push_str(" wants you to sign in with your Ethereum account:\n");
    s.push_str(&m.address.to_checksum());
    s.push_str("\n\n");
    if let Some(statement) = &m.statement {
        s.push_str(statement);
        s.push('\n');
    }
    s.push('\n');
    let _ = write!(
        s,
        "URI: {}\nVersion: {}\nChain ID: {}\nNonce: {}\nIssued At: {}",
        m.uri, m.version, m.chain_id, m.nonce, m.issued_at
    );
    if let Some(t) = m.expiration_time {
        let _ = write!(s, "\nExpiration Time: {t}");
    }
    if let Some(t) = m.not_before {
        let _ = write!(s, "\nNot Before: {t}");
    }
    if let Some(id) = &m.request_id {
        let _ = write!(s, "\nRequest ID: {id}");
    }
    if !m.resources.is_empty() {
        s.push_str("\nResources:");
        for r in &m.resources {
            let _ = write!(s, "\n- {r}");
        }
    }
    s
}

type Fields<'a> = (
    (
        &'a Option<String>,
        &'a str,
        Address,
        &'a Option<String>,
        &'a str,
        &'a str,
    ),
    (
        u64,
        &'a str,
        Timestamp,
        Option<Timestamp>,
        Option<Timestamp>,
    ),
    (&'a Option<String>, &'a [String]),
);

/// Every field of a message, without its text: what two spellings of one message share.
fn fields(m: &SiweMessage) -> Fields<'_> {
    (
        (
            &m.scheme,
            &m.domain,
            m.address,
            &m.statement,
            &m.uri,
            &m.version,
        ),
        (
            m.chain_id,
            &m.nonce,
            m.issued_at,
            m.expiration_time,
            m.not_before,
        ),
        (&m.request_id, &m.resources),
    )
}

fn signature(text: &str) {
    let Ok(sig) = PersonalSignature::parse(text) else {
        return;
    };
    assert!(matches!(sig.v(), 27 | 28));
    for encoding in [
        SignatureEncoding::Hex,
        SignatureEncoding::Base64Hex,
        SignatureEncoding::Base64Raw,
    ] {
        let written = encoding.encode(&sig);
        let read = PersonalSignature::parse(&written);
        assert_eq!(read.ok(), Some(sig), "{encoding:?}: {written}");
    }
    assert_eq!(
        PersonalSignature::from_bytes(*sig.as_bytes()).ok(),
        Some(sig)
    );
    if let Ok(address) = sig.recover(text.as_bytes()) {
        assert!(sig.verify(text.as_bytes(), &address));
    }
}

/// `caip`: the text as a CAIP-2 chain id, a CAIP-10 account id, an EIP-55 address and a
/// base URL; the first 20 bytes as an address.
///
/// Ids keep the text they were read from and read back to themselves; an address reads
/// back from its checksum and from either single case, and a one-letter case flip of a
/// checksum that leaves it mixed case is refused.
pub fn caip(data: &[u8]) {
    let text = text(data);
    chain_id(&text);
    account_id(&text);
    address(&text);
    base_url(&text);
    if let Ok(bytes) = <[u8; 20]>::try_from(data.get(..20).unwrap_or_default()) {
        checksum(&Address::from_bytes(bytes));
    }
}

fn chain_id(text: &str) {
    let json = serde_json::to_string(text).unwrap_or_default();
    let from_json = serde_json::from_str::<ChainId>(&json);
    let Ok(chain) = ChainId::parse(text) else {
        assert!(from_json.is_err(), "serde and parse agree: {text:?}");
        return;
    };
    assert_eq!(chain.to_string(), text, "a chain id prints as read");
    assert_eq!(from_json.ok().as_ref(), Some(&chain));
    assert_eq!(
        ChainId::new(chain.namespace(), chain.reference()).ok(),
        Some(chain.clone())
    );
    match chain.eip155_number() {
        Some(n) => assert_eq!(ChainId::eip155(n), chain),
        None => assert_ne!(chain.namespace(), "eip155"),
    }
}

fn account_id(text: &str) {
    let json = serde_json::to_string(text).unwrap_or_default();
    let from_json = serde_json::from_str::<AccountId>(&json);
    let Ok(id) = AccountId::parse(text) else {
        assert!(from_json.is_err(), "serde and parse agree: {text:?}");
        return;
    };
    assert_eq!(id.to_string(), text, "an account id prints as read");
    assert_eq!(from_json.ok().as_ref(), Some(&id));
    let rebuilt = AccountId::new(id.chain_id().clone(), id.address());
    assert_eq!(rebuilt.ok().as_ref(), Some(&id));
    match id.evm_address() {
        Some(evm) => {
            assert!(id.address().eq_ignore_ascii_case(&evm.to_checksum()));
            let canonical = AccountId::from_evm(id.chain_id().clone(), &evm);
            let read = AccountId::parse(&canonical.to_string());
            assert_eq!(read.ok(), Some(canonical));
        }
        None => assert_eq!(id.chain_id().eip155_number(), None),
    }
}

fn address(text: &str) {
    let Ok(address) = Address::parse(text) else {
        // Only a mixed case that fails the checksum refuses 0x and 40 hex digits.
        if let Some(digits) = text.strip_prefix("0x") {
            if digits.len() == 40 && digits.bytes().all(|c| c.is_ascii_hexdigit()) {
                assert!(digits.bytes().any(|c| c.is_ascii_uppercase()));
                assert!(digits.bytes().any(|c| c.is_ascii_lowercase()));
            }
        }
        return;
    };
    assert!(text.eq_ignore_ascii_case(&address.to_checksum()));
    let digits = &text[2..];
    let mixed = digits.bytes().any(|c| c.is_ascii_uppercase())
        && digits.bytes().any(|c| c.is_ascii_lowercase());
    if mixed {
        assert_eq!(text, address.to_checksum(), "mixed case is the checksum");
    }
    checksum(&address);
}

fn checksum(address: &Address) {
    let text = address.to_checksum();
    assert_eq!(text, address.to_string());
    assert_eq!(Address::parse(&text).ok(), Some(*address));
    let lower = format!("0x{}", text[2..].to_ascii_lowercase());
    let upper = format!("0x{}", text[2..].to_ascii_uppercase());
    assert_eq!(Address::parse(&lower).ok(), Some(*address));
    assert_eq!(Address::parse(&upper).ok(), Some(*address));
    // Flip the case of the first letter: still mixed case means a bad checksum.
    if let Some(i) = text[2..].find(|c: char| c.is_ascii_alphabetic()) {
        let mut flipped = text.clone().into_bytes();
        flipped[2 + i] ^= 0x20;
        let flipped = String::from_utf8(flipped).unwrap_or_default();
        let digits = &flipped[2..];
        let mixed = digits.bytes().any(|c| c.is_ascii_uppercase())
            && digits.bytes().any(|c| c.is_ascii_lowercase());
        assert_eq!(Address::parse(&flipped).is_ok(), !mixed, "{flipped}");
    }
}

fn base_url(text: &str) {
    let Ok(url) = BaseUrl::parse(text) else {
        return;
    };
    let again = BaseUrl::parse(url.as_str())
        .unwrap_or_else(|e| panic!("normalized base url does not parse: {e}"));
    assert_eq!(again, url, "normalizing is idempotent");
    assert!(matches!(url.scheme(), "http" | "https"));
    assert_eq!(
        url.as_str(),
        format!("{}://{}{}", url.scheme(), url.authority(), url.path())
    );
    assert!(url.authority().starts_with(url.host()));
}
