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
    assert_eq!(
        hardhat.account_id(&ChainId::eip155(280)),
        hardhat_customer()
    );
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
        SignatureEncoding::Hex,
        SignatureEncoding::Base64Hex,
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

/// A parse error in short: `invalid <field>` for field errors, else its `Debug` form.
fn kind(e: &SiweError) -> String {
    match e {
        SiweError::InvalidField { field, .. } => format!("invalid {field}"),
        SiweError::InvalidAddress { .. } => "invalid address".into(),
        other => format!("{other:?}"),
    }
}

#[test]
fn malformed_messages_name_the_problem() {
    // Each edit of the EIP-4361 example breaks one rule of its ABNF.
    let edits = [
        (" sign in with", " log in with", "MissingHeader"),
        ("example.com wants", "exa mple.com wants", "invalid domain"),
        (
            "example.com wants",
            "1https://example.com wants",
            "invalid scheme",
        ),
        ("0xC02aaA39", "0xc02aaA39", "invalid address"), // checksum
        ("0xC02aaA39", "0xC02aaA3", "invalid address"),  // 39 hex digits
        ("Terms of Service:", "100% Terms:", "invalid statement"),
        ("https://example.com/login", "example com", "invalid uri"),
        ("Version: 1", "Version: 2", "UnsupportedVersion(\"2\")"),
        ("Chain ID: 1", "Chain ID: one", "invalid chain-id"),
        (
            "Chain ID: 1",
            "Chain ID: 99999999999999999999",
            "invalid chain-id",
        ),
        ("Nonce: 32891756\n", "", "MissingField(\"nonce\")"),
        ("Nonce: 32891756", "Nonce: 3289175", "invalid nonce"),
        ("Nonce: 32891756", "Nonce: 32891756!", "invalid nonce"),
        ("T16:25:24Z", "T16:25:24", "invalid issued-at"),
        ("2021-09-30T", "2021-09-31T", "invalid issued-at"),
        ("- https://", "- not a uri", "invalid resources"),
        // URI and Version swapped: line 6 holds a field that belongs later.
        (
            "URI: https://example.com/login\nVersion: 1",
            "Version: 1\nURI: x:y",
            "UnexpectedLine { line: 6 }",
        ),
        // The empty line after the statement is missing.
        ("\n\nURI:", "\nURI:", "UnexpectedLine { line: 4 }"),
        // Resources: must be the last field.
        (
            "\nResources:",
            "\nResources:\nNonce: 32891756",
            "UnexpectedLine { line: 12 }",
        ),
    ];
    let mut cases: Vec<(String, &str)> = edits
        .iter()
        .map(|(from, to, want)| (SPEC_EXAMPLE.replacen(from, to, 1), *want))
        .collect();
    let not_before_first =
        "\nNot Before: 2021-09-30T16:20:24Z\nExpiration Time: 2021-10-01T16:25:24Z";
    cases.extend([
        (String::new(), "MissingHeader"),
        (SPEC_EXAMPLE.replace('\n', "\r\n"), "MissingHeader"),
        (
            SPEC_EXAMPLE.lines().next().unwrap().to_owned(),
            "MissingField(\"address\")",
        ),
        (
            format!("{}{not_before_first}", head()),
            "UnexpectedLine { line: 12 }",
        ),
        (
            format!("{SPEC_EXAMPLE}\nhello"),
            "TrailingData { line: 14 }",
        ),
        (format!("{SPEC_EXAMPLE}\n"), "TrailingData { line: 14 }"),
    ]);
    for (text, want) in cases {
        assert_ne!(text, SPEC_EXAMPLE);
        let err = SiweMessage::parse(&text).expect_err(&text);
        assert_eq!(kind(&err), want, "{text:?}");
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
    let field = signed.encoded_signature(SignatureEncoding::Base64Hex);
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
