//! Known-answer tests for the wallet module: keys and addresses, EIP-55, EIP-191,
//! EIP-4361, CAIP-2/10, the challenge guard and challenge signing. The source of every
//! vector is cited above it.

use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine as _;
use offblocks::time::Timestamp;
use offblocks::wallet::{
    decode_challenge, eip191_hash, sign_challenge, AccountId, Address, ChainId, ChallengeGuard,
    PersonalSignature, Refusal, SignatureEncoding, Signer, SiweError, SiweMessage, Wallet,
};
use offblocks::{Error, Result};

/// Hardhat / Anvil default account #0 (printed by `npx hardhat node` and `anvil`).
const HARDHAT_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const HARDHAT_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/// The customer challenge of the seed page `000_*.txt` (OffBlocks docs, "Customer
/// Creation"), base64 as issued.
const SEED_CHALLENGE: &str = "YXBpLnNhbmRib3gub2ZmYmxvY2tzLnh5eiB3YW50cyB5b3UgdG8gc2lnbiBpbiB3aXRoIHlvdXIgRXRoZXJldW0gYWNjb3VudDoKMHg0MzE1OGY0NWI1RWJEN2IxMTc5MTMwMTMwREYwMDM5MzkyOEMyNjkxCgpPZmZCbG9ja3Mgd2FudHMgdG8gdmVyaWZ5IG93bmVyc2hpcCBvZiB5b3VyIHdhbGxldC4gQnkgY29ubmVjdGluZyB5b3VyIHdhbGxldCBhbmQgdXNpbmcgT2ZmQmxvY2tzLCB5b3UgYWdyZWUgdG8gb3VyIFRlcm1zIG9mIHNlcnZpY2VzIGFuZCBQcml2YWN5IFBvbGljeQoKVVJJOiBodHRwczovL2FwaS5zYW5kYm94Lm9mZmJsb2Nrcy54eXoKVmVyc2lvbjogMQpDaGFpbiBJRDogMjgwCk5vbmNlOiA1dWZvaUVxRGFGdm1mbzc4Cklzc3VlZCBBdDogMjAyNC0wMS0xN1QxODoyMTo1M1o=";
/// The `signature` field the same seed page submits with that challenge.
const SEED_SIGNATURE: &str = "MHg4M2IxM2RhYjE2MjI3MjAxMWQzMzQ4NDFkZjE5NTQ1MjUwNDI1NjczMjhhZDdjMDVjOTYyYjAwNWVlZDg3MGI2NDhjMjA0ZjBiZmZjZjUyYjM3NTE0MGIwYzg0OTA4ZTQ2MzMyNWIxZGZlNWJiYjAzMjU5NzYyNDgyODM0YWYzNzFi";

/// The first example message of EIP-4361 ("implicit scheme").
const SPEC_EXAMPLE: &str = "example.com wants you to sign in with your Ethereum account:
0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2

I accept the ExampleOrg Terms of Service: https://example.com/tos

URI: https://example.com/login
Version: 1
Chain ID: 1
Nonce: 32891756
Issued At: 2021-09-30T16:25:24Z
Resources:
- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/
- https://example.com/my-web2-claim.json";

/// EIP-4361's example with every optional field, laid out as its informal template.
const SPEC_ALL_FIELDS: &str = "https://example.com wants you to sign in with your Ethereum account:
0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2

I accept the ExampleOrg Terms of Service: https://example.com/tos

URI: https://example.com/login
Version: 1
Chain ID: 1
Nonce: 32891756
Issued At: 2021-09-30T16:25:24Z
Expiration Time: 2021-10-01T16:25:24.5+02:00
Not Before: 2021-09-30T16:20:24Z
Request ID: 200ac515-0c1a-4e6c-9e4d-8ea6e2a4b1b6
Resources:
- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/
- https://example.com/my-web2-claim.json";

fn ts(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

/// [`SPEC_EXAMPLE`] up to and including `Issued At` (11 lines).
fn head() -> &'static str {
    SPEC_EXAMPLE.split("\nResources:").next().unwrap()
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

// ---------------------------------------------------------------- keys and EIP-55

#[test]
fn private_keys_give_their_addresses() {
    // Hardhat / Anvil default account #0.
    let hardhat = Wallet::from_hex(HARDHAT_KEY).unwrap();
    assert_eq!(hardhat.address().to_string(), HARDHAT_ADDRESS);
    // web3.js docs, `web3.eth.accounts.privateKeyToAccount` example.
    let web3js =
        Wallet::from_hex("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
            .unwrap();
    assert_eq!(
        web3js.address().to_string(),
        "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
    );
}

#[test]
fn eip55_examples() {
    // EIP-55 "Test Cases": all caps, all lower, then mixed ("normal").
    for text in [
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ] {
        let address: Address = text.parse().unwrap();
        assert_eq!(address.to_string(), text, "checksum of {text}");
        // Single-case spellings carry no checksum and are accepted.
        let lower = format!("0x{}", text[2..].to_lowercase());
        let upper = format!("0x{}", text[2..].to_uppercase());
        assert_eq!(lower.parse::<Address>().unwrap(), address);
        assert_eq!(upper.parse::<Address>().unwrap(), address);
    }
    // Mixed case with one letter's case flipped fails the checksum.
    for wrong in [
        "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5D359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6Fb",
        "0xd1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        // The seed's ownerId address (OffBlocks docs, "Customer Creation").
        "0x43158f45b5EbD7b1179130131DF00393928C2691",
    ] {
        assert!(
            matches!(wrong.parse::<Address>(), Err(Error::InvalidInput(_))),
            "{wrong}"
        );
    }
}

#[test]
fn wallet_debug_shows_no_key() {
    let wallet = Wallet::from_hex(HARDHAT_KEY).unwrap();
    let shown = format!("{wallet:?} {wallet:#?}").to_lowercase();
    assert!(shown.contains("[redacted]"));
    for window in HARDHAT_KEY.as_bytes()[2..].windows(8) {
        assert!(!shown.contains(std::str::from_utf8(window).unwrap()));
    }
}

// ---------------------------------------------------------------- EIP-191

#[test]
fn eip191_known_answers() {
    // web3.py docs, docs/web3.eth.account.rst "Sign a Message": the key
    // b"\xb2\\}\xb3\x1f\xee\xd9\x12''\xbf\t9\xdcv\x9a\x96VK-\xe4\xc4rm\x03[6\xec\xf1\xe5\xb3d"
    // signs encode_defunct(text="I♥SF"), hash 0x1476abb7…f750.
    let message = "I♥SF".as_bytes();
    assert_eq!(
        hex(&eip191_hash(message)),
        "1476abb745d423bf09273f1afd887d951181d25adc66c4834a70491911b7f750"
    );
    let wallet =
        Wallet::from_hex("b25c7db31feed9122727bf0939dc769a96564b2de4c4726d035b36ecf1e5b364")
            .unwrap();
    let sig = wallet.sign_personal(message).unwrap();
    assert_eq!(
        sig.to_hex(),
        "0xe6ca9bba58c88611fad66a6ce8f996908195593807c4b38bd528d2cff09d4eb3\
         3e5bfbbf4d3e39b1a2fd816a7680c19ebebaf3a141b239934ad43cb33fcec8ce1c"
    );
    assert_eq!(sig.v(), 28);
    let signer = "0x5ce9454909639D2D17A3F753ce7d93fa0b9aB12E"
        .parse()
        .unwrap();
    assert_eq!(wallet.address(), signer);
    assert_eq!(sig.recover(message).unwrap(), signer);
    assert!(sig.verify(message, &signer));
    assert!(!sig.verify(b"I<3SF", &signer));

    // viem, src/actions/wallet/signMessage.test.ts: Anvil account #0 signs "hello world";
    // ox's PersonalMessage test gives its hash.
    let hardhat = Wallet::from_hex(HARDHAT_KEY).unwrap();
    assert_eq!(
        hex(&eip191_hash(b"hello world")),
        "d9eba16ed0ecae432b71fe008c98cc872bb4cc214d3220a36f365326cf807d68"
    );
    assert_eq!(
        hardhat.sign_personal(b"hello world").unwrap().to_hex(),
        "0xa461f509887bd19e312c0c58467ce8ff8e300d3c1a90b608a760c5b80318eaf1\
         5fe57c96f9175d6cd4daad4663763baa7e78836e067d0163e9a2ccf2ff753f5b1b"
    );
    // Hand check: the Hardhat key's signature of "hello" recovers to its own address,
    // and signing is deterministic (RFC 6979).
    let hello = hardhat.sign_personal(b"hello").unwrap();
    assert_eq!(hello, hardhat.sign_personal(b"hello").unwrap());
    assert_eq!(
        hello.recover(b"hello").unwrap().to_string(),
        HARDHAT_ADDRESS
    );
}

#[test]
fn signature_encodings_round_trip() {
    let sig = Wallet::from_hex(HARDHAT_KEY)
        .unwrap()
        .sign_personal(b"hello")
        .unwrap();
    let hex_text = sig.to_hex();
    assert!(hex_text.len() == 132 && hex_text.starts_with("0x"));
    assert_eq!(hex_text, hex_text.to_lowercase());
    assert_eq!(sig.to_base64_hex(), b64(&hex_text));
    assert_eq!(sig.to_base64_raw(), b64(sig.as_bytes()));
    for encoding in [
        SignatureEncoding::HexText,
        SignatureEncoding::Base64HexText,
        SignatureEncoding::Base64Raw,
    ] {
        assert_eq!(
            PersonalSignature::parse(&encoding.encode(&sig)).unwrap(),
            sig
        );
    }
    assert_eq!(PersonalSignature::parse(&hex_text[2..]).unwrap(), sig);
    assert_eq!(
        PersonalSignature::parse(&hex_text.to_uppercase().replace("0X", "0x")).unwrap(),
        sig
    );
    // v = 0/1 (as some signers return it) reads as 27/28.
    let mut raw = *sig.as_bytes();
    raw[64] -= 27;
    assert_eq!(PersonalSignature::parse(&b64(raw)).unwrap(), sig);
}

#[test]
fn seed_signatures_parse() {
    // OffBlocks docs, "Customer Creation": the signature is base64 of "0x" + 130 hex,
    // and it is a valid personal_sign of the decoded challenge by its address.
    let sig = PersonalSignature::parse(SEED_SIGNATURE).unwrap();
    assert_eq!(sig.to_base64_hex(), SEED_SIGNATURE);
    assert_eq!(sig.v(), 27);
    let (bytes, message) = decode_challenge(SEED_CHALLENGE).unwrap();
    assert_eq!(sig.recover(&bytes).unwrap(), message.address);
    // OffBlocks docs, "Account Creation": base64 of the raw 65 bytes, v = 28.
    let account_sig =
        "IfvwaW1eCqLvQaK0/7YjvK8HBGHWHPclHHQWH4L+w6Q3CFS8CjSzq0h8G8AhzTGMc0xRrik3TyvrDm8t1JtL9Bw=";
    let sig = PersonalSignature::parse(account_sig).unwrap();
    assert_eq!(sig.v(), 28);
    assert_eq!(sig.to_base64_raw(), account_sig);
    // The sandbox example's "c2lnbmF0dXJl" is base64 of "signature": not a signature.
    assert!(PersonalSignature::parse("c2lnbmF0dXJl").is_err());
}

#[test]
fn high_s_signatures_still_recover() {
    // secp256k1 group order n: (r, n - s) with the other v is the same signature to
    // ecrecover (the malleability EIP-2 forbids for transactions only).
    const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36,
        0x41, 0x41,
    ];
    let wallet = Wallet::from_hex(HARDHAT_KEY).unwrap();
    let low = wallet.sign_personal(b"hello").unwrap();
    let mut raw = *low.as_bytes();
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(N[i]) - i16::from(raw[32 + i]) - borrow;
        raw[32 + i] = d.rem_euclid(256) as u8;
        borrow = i16::from(d < 0);
    }
    raw[64] = if raw[64] == 27 { 28 } else { 27 };
    let high = PersonalSignature::from_bytes(raw).unwrap();
    assert_ne!(high, low);
    assert_eq!(high.recover(b"hello").unwrap(), wallet.address());
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------- EIP-4361

#[test]
fn spec_examples_parse() {
    // EIP-4361 "Examples": implicit scheme.
    let m = SiweMessage::parse(SPEC_EXAMPLE).unwrap();
    assert_eq!(m.scheme, None);
    assert_eq!(m.domain, "example.com");
    assert_eq!(
        m.address.to_string(),
        "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"
    );
    assert_eq!(
        m.statement.as_deref(),
        Some("I accept the ExampleOrg Terms of Service: https://example.com/tos")
    );
    assert_eq!(m.uri, "https://example.com/login");
    assert_eq!(m.version, "1");
    assert_eq!(m.chain_id, 1);
    assert_eq!(m.nonce, "32891756");
    assert_eq!(m.issued_at, ts("2021-09-30T16:25:24Z"));
    assert_eq!(m.expiration_time, None);
    assert_eq!(m.resources.len(), 2);
    assert_eq!(m.resources[1], "https://example.com/my-web2-claim.json");
    assert_eq!(m.as_str(), SPEC_EXAMPLE);
    assert_eq!(m.to_string(), SPEC_EXAMPLE);

    // EIP-4361 "Examples": implicit scheme and explicit port; explicit scheme.
    let port = SPEC_EXAMPLE.replacen("example.com wants", "example.com:3388 wants", 1);
    assert_eq!(
        SiweMessage::parse(&port).unwrap().domain,
        "example.com:3388"
    );
    let scheme = SPEC_EXAMPLE.replacen("example.com wants", "https://example.com wants", 1);
    let m = SiweMessage::parse(&scheme).unwrap();
    assert_eq!(
        (m.scheme.as_deref(), m.domain.as_str()),
        (Some("https"), "example.com")
    );

    // Every optional field, in the order of the EIP's ABNF.
    let m: SiweMessage = SPEC_ALL_FIELDS.parse().unwrap();
    assert_eq!(m.expiration_time, Some(ts("2021-10-01T14:25:24.5Z")));
    assert_eq!(m.not_before, Some(ts("2021-09-30T16:20:24Z")));
    assert_eq!(
        m.request_id.as_deref(),
        Some("200ac515-0c1a-4e6c-9e4d-8ea6e2a4b1b6")
    );
    assert_eq!(m.resources.len(), 2);
    assert_eq!(m.as_bytes(), SPEC_ALL_FIELDS.as_bytes());
}

#[test]
fn statement_is_optional_in_both_layouts() {
    let stmt = "\nI accept the ExampleOrg Terms of Service: https://example.com/tos\n";
    // The ABNF without a statement: two empty lines between address and URI.
    let abnf = SPEC_EXAMPLE.replacen(stmt, "\n", 1);
    // The layout common libraries write: one empty line.
    let short = SPEC_EXAMPLE.replacen(stmt, "", 1);
    for text in [abnf, short] {
        let m = SiweMessage::parse(&text).unwrap();
        assert_eq!(m.statement, None);
        assert_eq!(m.uri, "https://example.com/login");
    }
    // Empty `Resources:` and an empty request id are allowed by the ABNF.
    let m = SiweMessage::parse(&format!("{}\nRequest ID: \nResources:", head())).unwrap();
    assert_eq!(m.request_id.as_deref(), Some(""));
    assert!(m.resources.is_empty());
}

/// A predicate on a parse error.
type Expect = Box<dyn Fn(&SiweError) -> bool>;

/// A check that an error is `InvalidField` for `name`.
fn field(name: &'static str) -> Expect {
    Box::new(move |e| matches!(e, SiweError::InvalidField { field, .. } if *field == name))
}

#[test]
fn malformed_messages_name_the_problem() {
    use SiweError::*;
    let cases: Vec<(String, Expect)> = vec![
        (String::new(), Box::new(|e| *e == MissingHeader)),
        (
            SPEC_EXAMPLE.replacen(" sign in with", " log in with", 1),
            Box::new(|e| *e == MissingHeader),
        ),
        (
            SPEC_EXAMPLE.replacen("0xC02aaA39", "0xc02aaA39", 1),
            Box::new(|e| matches!(e, InvalidAddress { .. })),
        ),
        (
            SPEC_EXAMPLE.replacen("0xC02aaA39", "0xC02aaA3", 1),
            Box::new(|e| matches!(e, InvalidAddress { .. })),
        ),
        (
            SPEC_EXAMPLE.replacen("Version: 1", "Version: 2", 1),
            Box::new(|e| *e == UnsupportedVersion("2".into())),
        ),
        (
            SPEC_EXAMPLE.replacen("Chain ID: 1", "Chain ID: one", 1),
            field("chain-id"),
        ),
        (
            SPEC_EXAMPLE.replacen("Chain ID: 1", "Chain ID: 99999999999999999999", 1),
            field("chain-id"),
        ),
        (
            SPEC_EXAMPLE.replacen("Nonce: 32891756\n", "", 1),
            Box::new(|e| *e == MissingField("nonce")),
        ),
        (
            SPEC_EXAMPLE.replacen("Nonce: 32891756", "Nonce: 3289175", 1),
            field("nonce"),
        ),
        (
            SPEC_EXAMPLE.replacen("Nonce: 32891756", "Nonce: 32891756!", 1),
            field("nonce"),
        ),
        (
            SPEC_EXAMPLE.replacen("2021-09-30T16:25:24Z", "2021-09-31T16:25:24Z", 1),
            field("issued-at"),
        ),
        (
            SPEC_EXAMPLE.replacen("2021-09-30T16:25:24Z", "30/09/2021", 1),
            field("issued-at"),
        ),
        (
            SPEC_EXAMPLE.replacen("https://example.com/login", "example com", 1),
            field("uri"),
        ),
        (
            SPEC_EXAMPLE.replacen("example.com wants", "exa mple.com wants", 1),
            field("domain"),
        ),
        (
            SPEC_EXAMPLE.replacen("Terms of Service:", "100% Terms:", 1),
            field("statement"),
        ),
        (
            SPEC_EXAMPLE.replacen("- https://", "- not a uri", 1),
            field("resources"),
        ),
        // URI and Version swapped: line 6 holds a field that belongs later.
        (
            SPEC_EXAMPLE.replacen(
                "URI: https://example.com/login\nVersion: 1",
                "Version: 1\nURI: https://example.com/login",
                1,
            ),
            Box::new(|e| *e == UnexpectedLine { line: 6 }),
        ),
        // Optional fields out of order: Not Before before Expiration Time.
        (
            format!(
                "{}\nNot Before: 2021-09-30T16:20:24Z\nExpiration Time: 2021-10-01T16:25:24Z",
                head()
            ),
            Box::new(|e| *e == UnexpectedLine { line: 12 }),
        ),
        (
            SPEC_EXAMPLE.replacen("\n\nURI:", "\nURI:", 1),
            Box::new(|e| matches!(e, UnexpectedLine { .. })),
        ),
        (
            format!("{SPEC_EXAMPLE}\nhello"),
            Box::new(|e| *e == TrailingData { line: 14 }),
        ),
        (
            format!("{SPEC_EXAMPLE}\n"),
            Box::new(|e| *e == TrailingData { line: 14 }),
        ),
        (
            SPEC_EXAMPLE.replace('\n', "\r\n"),
            Box::new(|e| *e == MissingHeader),
        ),
        (
            format!("{SPEC_EXAMPLE}\nNonce: 32891756"),
            Box::new(|e| matches!(e, UnexpectedLine { .. })),
        ),
        (
            "example.com wants you to sign in with your Ethereum account:".into(),
            Box::new(|e| *e == MissingField("address")),
        ),
    ];
    for (text, expected) in cases {
        let err = SiweMessage::parse(&text).expect_err(&text);
        assert!(expected(&err), "{text:?} gave {err:?}");
        assert_eq!(err.to_string(), err.to_string().to_lowercase(), "{err}");
    }
}

#[test]
fn parser_never_panics() {
    // Every truncation and a deterministic spray of single-byte changes.
    for (i, _) in SPEC_ALL_FIELDS.char_indices() {
        let _ = SiweMessage::parse(&SPEC_ALL_FIELDS[..i]);
    }
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..5_000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut bytes = SPEC_ALL_FIELDS.as_bytes().to_vec();
        let at = (seed % bytes.len() as u64) as usize;
        bytes[at] = (seed >> 32) as u8;
        let _ = SiweMessage::from_bytes(&bytes);
        let _ = PersonalSignature::parse(&String::from_utf8_lossy(&bytes[..(at % 140)]));
    }
}

#[test]
fn seed_challenge_decodes() {
    // OffBlocks docs, "Customer Creation" (seed 000): the challenge decodes byte for
    // byte to the message the contract quotes.
    let (bytes, m) = decode_challenge(SEED_CHALLENGE).unwrap();
    assert_eq!(m.as_bytes(), bytes.as_slice());
    assert_eq!(m.domain, "api.sandbox.offblocks.xyz");
    // The challenge's address passes EIP-55 (the ownerId's `…130131DF…` does not).
    assert_eq!(
        m.address.to_string(),
        "0x43158f45b5EbD7b1179130130DF00393928C2691"
    );
    assert_eq!(m.chain_id, 280);
    assert_eq!(m.nonce, "5ufoiEqDaFvmfo78");
    assert_eq!(m.issued_at, ts("2024-01-17T18:21:53Z"));
    assert_eq!(m.uri, "https://api.sandbox.offblocks.xyz");
    assert!(m
        .statement
        .unwrap()
        .starts_with("OffBlocks wants to verify ownership"));
    assert_eq!(
        (m.expiration_time, m.not_before, m.request_id),
        (None, None, None)
    );
    // The seed's ownerId is not a valid CAIP-10 id: its mixed case fails EIP-55.
    assert!(AccountId::parse("eip155:280:0x43158f45b5EbD7b1179130131DF00393928C2691").is_err());

    assert!(matches!(
        decode_challenge("not base64!"),
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        decode_challenge(&b64([0x61, 0xff, 0x62])),
        Err(Error::Siwe(SiweError::NotUtf8 { valid_up_to: 1 }))
    ));
    assert!(matches!(
        decode_challenge(&b64("hello")),
        Err(Error::Siwe(SiweError::MissingHeader))
    ));
}

// ---------------------------------------------------------------- the guard

/// A challenge for the Hardhat account on chain 280 with a validity window, laid out
/// like the seed's.
fn hardhat_challenge(extra: &str) -> String {
    format!(
        "api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:\n\
         {HARDHAT_ADDRESS}\n\n\
         OffBlocks wants to verify ownership of your wallet.\n\n\
         URI: https://api.sandbox.offblocks.xyz\nVersion: 1\nChain ID: 280\n\
         Nonce: 5ufoiEqDaFvmfo78\nIssued At: 2024-01-17T18:21:53Z{extra}"
    )
}

fn hardhat_customer() -> AccountId {
    AccountId::parse(&format!("eip155:280:{HARDHAT_ADDRESS}")).unwrap()
}

#[test]
fn guard_accepts_a_matching_challenge() {
    let msg = SiweMessage::parse(&hardhat_challenge(
        "\nExpiration Time: 2024-01-17T19:21:53Z\nNot Before: 2024-01-17T18:21:53Z",
    ))
    .unwrap();
    let wallet: Address = HARDHAT_ADDRESS.parse().unwrap();
    let guard = ChallengeGuard::new().expected_domain("https://API.sandbox.offblocks.xyz/");
    let now = ts("2024-01-17T18:30:00Z");
    assert_eq!(guard.check(&msg, &wallet, &hardhat_customer(), now), Ok(()));
    // Lowercase spelling of the customer's address is the same owner.
    let lower =
        AccountId::parse(&format!("eip155:280:{}", HARDHAT_ADDRESS.to_lowercase())).unwrap();
    assert_eq!(guard.check(&msg, &wallet, &lower, now), Ok(()));
}

#[test]
fn guard_refusals() {
    let window = "\nExpiration Time: 2024-01-17T19:21:53Z\nNot Before: 2024-01-17T18:21:53Z";
    let msg = SiweMessage::parse(&hardhat_challenge(window)).unwrap();
    let wallet: Address = HARDHAT_ADDRESS.parse().unwrap();
    let other: Address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        .parse()
        .unwrap();
    let customer = hardhat_customer();
    let guard = ChallengeGuard::new().leeway_secs(0);
    let now = ts("2024-01-17T18:30:00Z");

    // Message names another address than the wallet (the customer's is the wallet's).
    let foreign =
        SiweMessage::parse(&hardhat_challenge("").replace(HARDHAT_ADDRESS, &other.to_string()))
            .unwrap();
    assert_eq!(
        guard.check(&foreign, &wallet, &customer, now),
        Err(Refusal::AddressMismatch {
            expected: wallet,
            found: other
        })
    );
    // The customer's account is another address than the wallet.
    let other_customer = AccountId::from_evm(ChainId::eip155(280), &other);
    assert_eq!(
        guard.check(&msg, &wallet, &other_customer, now),
        Err(Refusal::OwnerMismatch {
            expected: wallet,
            found: other
        })
    );
    // The customer is on chain 324, the message on 280.
    let zksync = AccountId::from_evm(ChainId::eip155(324), &wallet);
    assert_eq!(
        guard.check(&msg, &wallet, &zksync, now),
        Err(Refusal::ChainMismatch {
            expected: 324,
            found: 280
        })
    );
    // Customer challenges are EVM-only.
    let solana = AccountId::parse(&format!(
        "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:{HARDHAT_ADDRESS}"
    ))
    .unwrap();
    assert!(matches!(
        guard.check(&msg, &wallet, &solana, now),
        Err(Refusal::NotEvm { .. })
    ));
    // Another domain.
    let strict = guard.clone().expected_domain("api.offblocks.xyz");
    assert_eq!(
        strict.check(&msg, &wallet, &customer, now),
        Err(Refusal::DomainMismatch {
            expected: "api.offblocks.xyz".into(),
            found: "api.sandbox.offblocks.xyz".into()
        })
    );
    // Past the expiration time, and before not-before.
    let at = ts("2024-01-17T19:21:53Z");
    assert_eq!(
        guard.check(&msg, &wallet, &customer, at),
        Err(Refusal::Expired { at })
    );
    let early = ts("2024-01-17T18:21:52Z");
    assert_eq!(
        guard.check(&msg, &wallet, &customer, early),
        Err(Refusal::NotYetValid {
            from: ts("2024-01-17T18:21:53Z")
        })
    );
    // Leeway absorbs small clock differences; check_time(false) turns the window off.
    assert_eq!(
        guard
            .clone()
            .leeway_secs(5)
            .check(&msg, &wallet, &customer, early),
        Ok(())
    );
    assert_eq!(
        guard
            .clone()
            .check_time(false)
            .check(&msg, &wallet, &customer, at.add_secs(9999)),
        Ok(())
    );
    // Messages are short and lowercase.
    let refusal = guard.check(&msg, &wallet, &customer, at).unwrap_err();
    assert_eq!(
        refusal.to_string(),
        "message expired at 2024-01-17T19:21:53Z"
    );
}

#[test]
fn guard_refuses_the_seed_story() {
    // OffBlocks docs, "Customer Creation": the customer was created for 0x22227A31…, the
    // challenge names 0x43158f…; a wallet for the customer's address must refuse it.
    let (_, msg) = decode_challenge(SEED_CHALLENGE).unwrap();
    let customer =
        AccountId::parse("eip155:280:0x22227A31dd842196A246d8f3b775998560eAa61d").unwrap();
    let wallet = customer.evm_address().unwrap();
    assert!(matches!(
        ChallengeGuard::new().check(&msg, &wallet, &customer, ts("2024-01-17T18:30:00Z")),
        Err(Refusal::AddressMismatch { .. })
    ));
}

// ---------------------------------------------------------------- signing challenges

/// A signer that delegates to a wallet but can lie, counting its signatures.
struct External {
    wallet: Wallet,
    claimed: Address,
    calls: AtomicUsize,
}

impl Signer for External {
    fn address(&self) -> Result<Address> {
        Ok(self.claimed)
    }

    fn sign_personal(&self, message: &[u8]) -> Result<PersonalSignature> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.wallet.sign_personal(message)
    }
}

#[test]
fn sign_challenge_signs_the_exact_bytes() {
    let wallet = Wallet::from_hex(HARDHAT_KEY).unwrap();
    let text = hardhat_challenge("");
    let challenge = b64(&text);
    let guard = ChallengeGuard::new().expected_domain("api.sandbox.offblocks.xyz");
    let signed = sign_challenge(
        &wallet,
        &guard,
        &challenge,
        &hardhat_customer(),
        ts("2024-01-17T18:30:00Z"),
    )
    .unwrap();
    assert_eq!(signed.challenge, challenge);
    assert_eq!(signed.message, text.as_bytes());
    assert_eq!(signed.siwe.as_str(), text);
    assert_eq!(signed.signer, wallet.address());
    assert_eq!(
        signed.signature,
        wallet.sign_personal(text.as_bytes()).unwrap()
    );
    let field = signed.encoded_signature(SignatureEncoding::Base64HexText);
    assert_eq!(
        PersonalSignature::parse(&field)
            .unwrap()
            .recover(text.as_bytes())
            .unwrap(),
        wallet.address()
    );
}

#[test]
fn sign_challenge_catches_a_wrong_external_signer() {
    // The signer claims the Hardhat address but signs with another key.
    let liar = External {
        wallet: Wallet::random().unwrap(),
        claimed: HARDHAT_ADDRESS.parse().unwrap(),
        calls: AtomicUsize::new(0),
    };
    let challenge = b64(hardhat_challenge(""));
    let now = ts("2024-01-17T18:30:00Z");
    let result = sign_challenge(
        &liar,
        &ChallengeGuard::new(),
        &challenge,
        &hardhat_customer(),
        now,
    );
    assert!(matches!(result, Err(Error::Signer(_))), "{result:?}");
    assert_eq!(liar.calls.load(Ordering::SeqCst), 1);
}

#[test]
fn sign_challenge_refuses_before_signing() {
    let honest = External {
        wallet: Wallet::from_hex(HARDHAT_KEY).unwrap(),
        claimed: HARDHAT_ADDRESS.parse().unwrap(),
        calls: AtomicUsize::new(0),
    };
    let now = ts("2024-01-17T18:30:00Z");
    // The seed challenge names 0x43158f…, not the signer.
    let result = sign_challenge(
        &honest,
        &ChallengeGuard::new(),
        SEED_CHALLENGE,
        &hardhat_customer(),
        now,
    );
    assert!(matches!(
        result,
        Err(Error::ChallengeRefused(Refusal::AddressMismatch { .. }))
    ));
    let result = sign_challenge(
        &honest,
        &ChallengeGuard::new(),
        "%%%",
        &hardhat_customer(),
        now,
    );
    assert!(matches!(result, Err(Error::InvalidInput(_))));
    assert_eq!(
        honest.calls.load(Ordering::SeqCst),
        0,
        "nothing may be signed"
    );
}

// ---------------------------------------------------------------- CAIP-2 and CAIP-10

#[test]
fn caip2_examples() {
    // CAIP-2 "Test Cases", and the chains of the OffBlocks contract §7.
    for text in [
        "eip155:1",
        "bip122:000000000019d6689c085ae165831e93",
        "bip122:12a765e31ffd4059bada1e25190f6e98",
        "bip122:fdbe99b90c90bae7505796461471d89a",
        "cosmos:cosmoshub-2",
        "cosmos:cosmoshub-3",
        "cosmos:Binance-Chain-Tigris",
        "cosmos:iov-mainnet",
        "starknet:SN_GOERLI",
        "lip9:9ee11e9df416b18b",
        "chainstd:8c3444cf8970a9e41a706fab93e7a6c4",
        "eip155:324",
        "eip155:300",
        "eip155:42161",
        "eip155:421614",
        "eip155:137",
        "eip155:80001",
        "eip155:280",
    ] {
        let id: ChainId = text.parse().unwrap();
        assert_eq!(id.to_string(), text);
    }
    assert_eq!(
        ChainId::parse("eip155:42161").unwrap().eip155_number(),
        Some(42161)
    );
    assert_eq!(
        ChainId::parse("cosmos:cosmoshub-3")
            .unwrap()
            .eip155_number(),
        None
    );
    for bad in [
        "EIP155:1",                                 // uppercase namespace
        "ei:1",                                     // namespace too short
        "eip155abc:1",                              // namespace too long
        "eip155:",                                  // empty reference
        ":1",                                       // empty namespace
        "eip155",                                   // no reference
        "cosmos:0123456789abcdef0123456789abcdef0", // reference of 33 characters
        "cosmos:hub.3",                             // '.' not allowed
        "eip155:1:2",                               // extra colon
        "eip155:mainnet",                           // eip155 reference not a number
        "",
    ] {
        assert!(ChainId::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn caip10_examples() {
    // CAIP-10 "Test Cases", and the OffBlocks contract §7 / seed pages.
    for text in [
        "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",
        "bip122:000000000019d6689c085ae165831e93:128Lkh3S7CkDTBZ8W7BbpsN3YYizJMp8p6",
        "cosmos:cosmoshub-3:cosmos1t2uflqwqe0fsj0shcfkrvpukewcw40yjj6hdc0",
        "polkadot:b0a8d493285c2df73290dfb7e61f870f:5hmuyxw9xdgbpptgypokw4thfyoe3ryenebr381z9iaegmfy",
        "starknet:SN_GOERLI:0x02dd1b492765c064eac4039e3841aa5f382773b598097a40073bd8b48170ab57",
        "chainstd:8c3444cf8970a9e41a706fab93e7a6c4:6d9b0b4b9994e8a6afbd3dc3ed983cd51c755afb27cd1dc7825ef59c134a39f7",
        "hedera:mainnet:0.0.1234567890-zbhlt",
        "eip155:280:0x22227A31dd842196A246d8f3b775998560eAa61d",
    ] {
        let id: AccountId = text.parse().unwrap();
        assert_eq!(id.to_string(), text, "kept as given");
    }
    let evm = AccountId::parse("eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb").unwrap();
    assert_eq!(
        evm.evm_address().unwrap().to_string(),
        "0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb"
    );
    assert_eq!(evm.chain_id(), &ChainId::eip155(1));
    let cosmos =
        AccountId::parse("cosmos:cosmoshub-3:cosmos1t2uflqwqe0fsj0shcfkrvpukewcw40yjj6hdc0")
            .unwrap();
    assert_eq!(cosmos.evm_address(), None);
    let wallet = Wallet::from_hex(HARDHAT_KEY).unwrap();
    assert_eq!(wallet.account_id(&ChainId::eip155(280)), hardhat_customer());

    let long = format!("cosmos:cosmoshub-3:{}", "a".repeat(129));
    for bad in [
        "eip155:1",                                                  // no address
        "eip155:1:",                                                 // empty address
        "EIP155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",       // uppercase namespace
        "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb:extra", // extra colon
        "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcd",        // 39 hex digits
        "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdbb",      // 41 hex digits
        "eip155:1:ab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",         // no 0x
        "eip155:1:0xAb16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",       // bad checksum
        "eip155:one:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",     // non-numeric reference
        "cosmos:cosmoshub-3:cosmos1 t2uf",                           // space
        &long,                                                       // 129 characters
    ] {
        assert!(AccountId::parse(bad).is_err(), "{bad}");
    }
}
