//! Reading call arguments from the fuzzer's bytes.

use std::ffi::{c_char, CString};
use std::ptr;
use std::sync::OnceLock;

use base64::Engine as _;

use super::checks::Out;

/// Reads arguments from the front of the input; past its end every byte is 0.
pub(super) struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    pub(super) fn new(data: &'a [u8]) -> Input<'a> {
        Input { data }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub(super) fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    /// A length byte (255: two more bytes, big-endian), then that many bytes (fewer at
    /// the end of the input).
    pub(super) fn bytes(&mut self) -> &'a [u8] {
        let mut len = usize::from(self.byte());
        if len == 255 {
            len = usize::from(self.byte()) << 8 | usize::from(self.byte());
        }
        let (taken, rest) = self.data.split_at(len.min(self.data.len()));
        self.data = rest;
        taken
    }

    /// True one time in `n`, as the next byte says.
    pub(super) fn one_in(&mut self, n: u8) -> bool {
        self.byte().is_multiple_of(n)
    }

    /// Eight bytes, little-endian.
    pub(super) fn i64(&mut self) -> i64 {
        i64::from_le_bytes([(); 8].map(|_| self.byte()))
    }

    /// A string argument: one byte chooses NULL (0 mod 8), a word of the dictionary
    /// (1–3, the next byte says which), or raw bytes (the rest): cut at the first NUL,
    /// as C sees a buffer with an embedded NUL, and not necessarily UTF-8.
    pub(super) fn text(&mut self) -> Text {
        match self.byte() % 8 {
            0 => Text::null(),
            1..=3 => Text::word(usize::from(self.byte())),
            _ => Text::owned(self.bytes().to_vec()),
        }
    }

    /// A `(pointer, length)` byte argument: NULL with any length (0 mod 8), or bytes.
    pub(super) fn bytes_arg(&mut self) -> (*const u8, usize) {
        if self.one_in(8) {
            (ptr::null(), usize::from(self.byte() % 4))
        } else {
            let bytes = self.bytes();
            (bytes.as_ptr(), bytes.len())
        }
    }

    /// A `char **` out-parameter: NULL one time in 16.
    pub(super) fn out_string(&mut self) -> Out<c_char> {
        Out::new(!self.one_in(16))
    }
}

/// A string argument: NULL or an owned NUL-terminated string.
pub(super) struct Text {
    text: Option<CString>,
    from_words: bool,
}

impl Text {
    pub(super) fn null() -> Text {
        Text {
            text: None,
            from_words: false,
        }
    }

    /// The word of the dictionary at `index` (modulo its length).
    pub(super) fn word(index: usize) -> Text {
        let words = words();
        let word = &words[index % words.len()];
        Text {
            text: Some(CString::new(word.as_str()).expect("words have no NUL")),
            from_words: true,
        }
    }

    /// Bytes as C sees them: up to the first NUL.
    pub(super) fn owned(mut bytes: Vec<u8>) -> Text {
        if let Some(nul) = bytes.iter().position(|b| *b == 0) {
            bytes.truncate(nul);
        }
        Text {
            text: Some(CString::new(bytes).expect("cut at the first NUL")),
            from_words: false,
        }
    }

    pub(super) fn ptr(&self) -> *const c_char {
        self.text.as_ref().map_or(ptr::null(), |t| t.as_ptr())
    }

    pub(super) fn is_null(&self) -> bool {
        self.text.is_none()
    }

    /// Whether the text is a word of the dictionary (a configuration of those is safe:
    /// its client talks only to the closed port).
    pub(super) fn is_word(&self) -> bool {
        self.from_words
    }

    /// The text, when it is there and UTF-8.
    pub(super) fn as_str(&self) -> Option<&str> {
        self.text.as_ref().and_then(|t| t.to_str().ok())
    }
}

// Hardhat/Anvil account #0: a well-known test key, never a real one.
pub(super) const HARDHAT_KEY: &str =
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const HARDHAT_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
/// A P-384 key made for these tests with `openssl ecparam -name secp384r1 -genkey`.
const TEST_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDCaUL25OJrAyJmPQeMp
otlRjX9q1sWswhUUb9rwFqUMktsVe03I3ohmiXwHcTO1GVqhZANiAASOG9NS3Jid
yU2cWoMMhjP+gctUM8yBOR+cQR42y0L9WStAgOlJuLqLxEQgnDxACL5qOhEkV3zN
9NT0dpcmjnp2jwEiMsShjzm+nqAVUn+ptl2QGcEfiM3g48+POlqVqQM=
-----END PRIVATE KEY-----";
const TEST_SEC1_PEM: &str = "-----BEGIN EC PRIVATE KEY-----
MIGkAgEBBDCaUL25OJrAyJmPQeMpotlRjX9q1sWswhUUb9rwFqUMktsVe03I3ohm
iXwHcTO1GVqgBwYFK4EEACKhZANiAASOG9NS3JidyU2cWoMMhjP+gctUM8yBOR+c
QR42y0L9WStAgOlJuLqLxEQgnDxACL5qOhEkV3zN9NT0dpcmjnp2jwEiMsShjzm+
nqAVUn+ptl2QGcEfiM3g48+POlqVqQM=
-----END EC PRIVATE KEY-----";

/// The closed port every client of the dictionary talks to (discard, not served).
pub(super) const BASE_URL: &str = "http://127.0.0.1:9/v1";

/// Indices of a few words the harness uses by name.
pub(super) const TOKEN: usize = 0;
pub(super) const POST: usize = 1;
pub(super) const PATH: usize = 2;

/// Valid arguments, so that sequences reach past the first check of each call.
fn words() -> &'static [String] {
    static WORDS: OnceLock<Vec<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let config = |extra: &str| {
            let pem = serde_json::to_string(TEST_PEM).unwrap_or_default();
            format!(
                r#"{{"baseUrl":"{BASE_URL}","apiKey":"k","apiSecret":"s","signingKeyPem":{pem},"retry":{{"maxAttempts":1}},"connectTimeoutMs":200,"timeoutMs":500{extra}}}"#
            )
        };
        let siwe = format!(
            "127.0.0.1:9 wants you to sign in with your Ethereum account:\n{HARDHAT_ADDRESS}\n\n\
             OffBlocks wants to verify ownership of your wallet.\n\nURI: http://127.0.0.1:9\n\
             Version: 1\nChain ID: 300\nNonce: 5ufoiEqDaFvmfo78\nIssued At: 2024-01-17T18:21:53Z"
        );
        let customer = format!(
            r#"{{"id":"c1","externalId":"u1","chainId":"eip155:300:{HARDHAT_ADDRESS}","status":"initiating","createdAt":"2024-01-12T14:53:02.65345725Z","updatedAt":"2024-01-12T14:53:02Z","challenge":"{}"}}"#,
            b64(&siwe)
        );
        let account = format!(
            r#"{{"id":"a1","customerId":"c1","status":"initiating","type":"card_account","currencies":["EUR"],"createdAt":"2024-01-12T15:07:17.358440283Z","updatedAt":"2024-01-12T15:07:17Z","challenge":"{}"}}"#,
            b64("session key")
        );
        let event = |entity: &str, kind: &str| {
            let mut v: serde_json::Value = serde_json::from_str(entity).unwrap_or_default();
            v["eventId"] = "ev1".into();
            v["webhookType"] = kind.into();
            v.to_string()
        };
        vec![
            "token-1".into(), // TOKEN
            "POST".into(),    // POST
            "/customers?limit=1".into(), // PATH
            "GET".into(),
            config(r#","keyId":"key-1""#),
            config(""),
            r#"{"baseUrl":"http://127.0.0.1:9/v1","apiKey":"k","apiSecret":"s","generateSigningKey":true,"retry":{"maxAttempts":1},"keyId":"key-2"}"#.into(),
            "{}".into(),
            String::new(),
            HARDHAT_KEY.into(),
            HARDHAT_ADDRESS.into(),
            "eip155:300".into(),
            format!("eip155:300:{HARDHAT_ADDRESS}"),
            "127.0.0.1:9".into(),
            b64(&siwe),
            siwe,
            customer.clone(),
            account.clone(),
            event(&customer, "customer.updated"),
            event(&account, "account.updated"),
            "0xa461f509887bd19e312c0c58467ce8ff8e300d3c1a90b608a760c5b80318eaf15fe57c96f9175d6cd4daad4663763baa7e78836e067d0163e9a2ccf2ff753f5b1b".into(),
            "123e4567-e89b-12d3-a456-426614174000".into(),
            TEST_PEM.into(),
            TEST_SEC1_PEM.into(),
            r#"{"externalId":"u1","chain":"eip155:300","timeoutMs":1,"pollIntervalMs":1}"#.into(),
            format!(r#"{{"chainId":"eip155:300:{HARDHAT_ADDRESS}","externalId":"u1"}}"#),
            r#"{"type":"card_account","currencies":["EUR"]}"#.into(),
            r#"{"callbackUrl":"https://example.com/hook","types":["customer.updated"]}"#.into(),
            format!(r#"{{"ownerId":"eip155:300:{HARDHAT_ADDRESS}","challenge":"c2Vzc2lvbiBrZXk=","signature":"c2lnbmF0dXJl"}}"#),
            "c1".into(),
        ]
    })
}
