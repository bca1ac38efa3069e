//! Test helpers: a raw HTTP/1.1 client over `TcpStream` that signs requests (RFC 9421,
//! P-384) and digests bodies (RFC 9530) by hand, and a secp256k1 wallet for EIP-191.
#![allow(dead_code)]

mod wallet;

pub use wallet::Wallet;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use offblocks_sandbox::{Sandbox, SandboxConfig};
use p384::ecdsa::signature::Signer as _;
use p384::pkcs8::{EncodePublicKey as _, LineEnding};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A parsed response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The `error` code of an error body.
    pub fn code(&self) -> String {
        self.json()["error"].as_str().unwrap_or("").to_string()
    }
}

/// Reads one response; `None` when the server closed the connection instead.
pub fn read_response(reader: &mut BufReader<TcpStream>) -> Option<Resp> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let status: u16 = line.split(' ').nth(1)?.parse().ok()?;
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':')?;
        headers.push((n.to_string(), v.trim().to_string()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Resp {
        status,
        headers,
        body,
    })
}

/// Options of one request.
#[derive(Default, Clone)]
pub struct Opts {
    /// Use this Idempotency-Key instead of a fresh one.
    pub idempotency_key: Option<String>,
    /// Do not sign.
    pub unsigned: bool,
    /// Send the body bytes as they are (not re-serialized).
    pub raw_body: Option<Vec<u8>>,
    /// Sign with this `created` instead of the sandbox clock's current second.
    pub created: Option<i64>,
}

/// A keep-alive connection that authenticates and signs like a careful client.
pub struct Client<'a> {
    pub sandbox: &'a Sandbox,
    pub reader: BufReader<TcpStream>,
    pub writer: TcpStream,
    pub host: String,
    pub key: p384::ecdsa::SigningKey,
    pub key_id: Option<String>,
    pub token: Option<String>,
}

impl<'a> Client<'a> {
    pub fn connect(sandbox: &'a Sandbox) -> Client<'a> {
        let stream = TcpStream::connect(sandbox.local_addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        Client {
            sandbox,
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
            host: sandbox.local_addr().to_string(),
            key: p384::ecdsa::SigningKey::from_slice(&rand_bytes::<48>()).unwrap(),
            key_id: None,
            token: None,
        }
    }

    /// Connects, gets a token and registers a signing key over HTTP.
    pub fn ready(sandbox: &'a Sandbox) -> Client<'a> {
        let mut client = Client::connect(sandbox);
        client.login();
        client.register_key();
        client
    }

    pub fn login(&mut self) {
        let creds =
            json!({"apiKey": self.sandbox.api_key(), "apiSecret": self.sandbox.api_secret()});
        let resp = self.request(
            "POST",
            "/v1/auth/token",
            Some(&creds),
            Opts {
                unsigned: true,
                ..Opts::default()
            },
        );
        assert_eq!(resp.status, 200, "{:?}", resp.json());
        self.token = Some(resp.json()["token"].as_str().unwrap().to_string());
    }

    pub fn public_pem(&self) -> String {
        self.key
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap()
    }

    pub fn register_key(&mut self) {
        let body = json!({"publicKey": STANDARD.encode(self.public_pem())});
        let resp = self.request(
            "PUT",
            "/v1/auth/signing",
            Some(&body),
            Opts {
                unsigned: true,
                ..Opts::default()
            },
        );
        assert_eq!(resp.status, 200, "{:?}", resp.json());
        self.key_id = Some(resp.json()["keyId"].as_str().unwrap().to_string());
    }

    pub fn get(&mut self, path: &str) -> Resp {
        self.request("GET", path, None, Opts::default())
    }

    pub fn send(&mut self, method: &str, path: &str, body: Option<&Value>) -> Resp {
        self.request(method, path, body, Opts::default())
    }

    /// Builds, signs and sends one request, returning the response (panics if the
    /// connection closes without one: use `try_request` for that).
    pub fn request(&mut self, method: &str, path: &str, body: Option<&Value>, opts: Opts) -> Resp {
        self.try_request(method, path, body, opts)
            .expect("connection closed without a response")
    }

    pub fn build(&self, method: &str, path: &str, body: Option<&Value>, opts: &Opts) -> Vec<u8> {
        let body_bytes = opts
            .raw_body
            .clone()
            .or_else(|| body.map(|b| serde_json::to_vec(b).unwrap()))
            .unwrap_or_default();
        let mut headers: Vec<(String, String)> = vec![("Host".into(), self.host.clone())];
        if let Some(token) = &self.token {
            headers.push(("Authorization".into(), format!("Bearer {token}")));
        }
        if !body_bytes.is_empty() {
            headers.push(("Content-Type".into(), "application/json".into()));
            let digest = STANDARD.encode(Sha256::digest(&body_bytes));
            headers.push(("Content-Digest".into(), format!("sha-256=:{digest}:")));
        }
        let mutating = method != "GET";
        if mutating && path != "/v1/auth/token" {
            let key = opts
                .idempotency_key
                .clone()
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            headers.push(("Idempotency-Key".into(), key));
        }
        if !opts.unsigned {
            if let Some(key_id) = &self.key_id {
                let created = opts
                    .created
                    .unwrap_or_else(|| self.sandbox.clock().now_secs());
                let (sig_input, sig) = self.sign_at(method, path, &headers, key_id, created);
                headers.push(("Signature-Input".into(), sig_input));
                headers.push(("Signature".into(), sig));
            }
        }
        let mut out = format!("{method} {path} HTTP/1.1\r\n");
        for (n, v) in &headers {
            out.push_str(&format!("{n}: {v}\r\n"));
        }
        out.push_str(&format!("Content-Length: {}\r\n\r\n", body_bytes.len()));
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&body_bytes);
        bytes
    }

    /// RFC 9421 signature over the components a careful client covers, created now on
    /// the sandbox clock.
    pub fn sign(
        &self,
        method: &str,
        target: &str,
        headers: &[(String, String)],
        key_id: &str,
    ) -> (String, String) {
        let created = self.sandbox.clock().now_secs();
        self.sign_at(method, target, headers, key_id, created)
    }

    /// As [`Client::sign`], with `created` given.
    pub fn sign_at(
        &self,
        method: &str,
        target: &str,
        headers: &[(String, String)],
        key_id: &str,
        created: i64,
    ) -> (String, String) {
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (target, None),
        };
        let mut names = vec!["@method", "@authority", "@path"];
        let mut lines = vec![
            format!("\"@method\": {method}"),
            format!("\"@authority\": {}", self.host.to_lowercase()),
            format!("\"@path\": {path}"),
        ];
        if let Some(q) = query {
            names.push("@query");
            lines.push(format!("\"@query\": ?{q}"));
        }
        for (name, value) in headers {
            let lower = name.to_lowercase();
            if [
                "authorization",
                "content-type",
                "content-digest",
                "idempotency-key",
            ]
            .contains(&lower.as_str())
            {
                lines.push(format!("\"{lower}\": {value}"));
                names.push(match lower.as_str() {
                    "authorization" => "authorization",
                    "content-type" => "content-type",
                    "content-digest" => "content-digest",
                    _ => "idempotency-key",
                });
            }
        }
        let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        let params = format!(
            "({});created={created};keyid=\"{key_id}\";alg=\"ecdsa-p384-sha384\"",
            list.join(" "),
        );
        lines.push(format!("\"@signature-params\": {params}"));
        let signature: p384::ecdsa::Signature = self.key.sign(lines.join("\n").as_bytes());
        (
            format!("sig={params}"),
            format!("sig=:{}:", STANDARD.encode(signature.to_bytes())),
        )
    }

    pub fn try_request(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        opts: Opts,
    ) -> Option<Resp> {
        let bytes = self.build(method, path, body, &opts);
        self.raw(&bytes)
    }

    /// Writes raw bytes and reads one response.
    pub fn raw(&mut self, bytes: &[u8]) -> Option<Resp> {
        self.writer.write_all(bytes).ok()?;
        read_response(&mut self.reader)
    }

    /// Replaces the connection with a new one (after the server closed it).
    pub fn reconnect(&mut self) {
        let stream = TcpStream::connect(self.sandbox.local_addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        self.reader = BufReader::new(stream.try_clone().unwrap());
        self.writer = stream;
    }
}

pub fn rand_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).unwrap();
    b
}

pub fn b64decode(s: &str) -> Vec<u8> {
    STANDARD.decode(s).unwrap()
}

/// A sandbox with accounts active right after their challenge is signed.
pub fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        activation_polls: 0,
        ..SandboxConfig::default()
    })
    .unwrap()
}

/// Creates a customer and takes it to `active`; returns (customer id, wallet).
pub fn active_customer(client: &mut Client<'_>) -> (String, Wallet) {
    let wallet = Wallet::new();
    let created = client.send(
        "POST",
        "/v1/customers",
        Some(&json!({"chainId": wallet.chain_id(280), "externalId": uuid::Uuid::new_v4().to_string()})),
    );
    assert_eq!(created.status, 201, "{:?}", created.json());
    let customer = created.json();
    let id = customer["id"].as_str().unwrap().to_string();
    let challenge = customer["challenge"].as_str().unwrap();
    let message = b64decode(challenge);
    let sign = json!({"ownerId": wallet.chain_id(280), "challenge": challenge, "signature": wallet.sign_hex_field(&message)});
    let signed = client.send(
        "POST",
        &format!("/v1/customers/{id}/challenge/sign"),
        Some(&sign),
    );
    assert_eq!(signed.status, 204, "{:?}", signed.json());
    let verified = client.send(
        "PATCH",
        &format!("/v1/simulator/customers/{id}/verify"),
        None,
    );
    assert_eq!(verified.status, 202, "{:?}", verified.json());
    (id, wallet)
}
