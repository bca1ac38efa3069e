//! Signed requests per second through the SDK against bare ureq plus one P-384 sign,
//! both to the same server over one keep-alive connection, interleaved in rounds.
//!
//! The request is `GET /v1/customers/{id}`. The baseline is the least a hand-written
//! client must do: build the RFC 9421 signature base by hand, sign it with `p384`, set
//! `Authorization`, `Signature-Input` and `Signature`, send with a bare `ureq::Agent`
//! and read the body as text. The SDK also checks its inputs, manages the token,
//! parses the JSON into a `Customer`, and could retry.
//!
//! Run: `cargo bench --bench throughput [-- REQUESTS_PER_ROUND]` (101 rounds of 5 per side
//! by default: short rounds, so load changes on the machine hit both sides alike).
//! Target: SDK/bare ≥ 0.8.

mod common;

use base64::Engine;
use offblocks::models::NewCustomer;
use offblocks::wallet::{ChainId, Wallet};

const ROUNDS: usize = 101;

fn main() {
    let per_round: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5);
    let server = common::Server::from_env();
    let signing_key = offblocks::SigningKey::generate().expect("key");
    let pem = signing_key.to_pkcs8_pem().expect("pem");
    let client = server.client_with(signing_key);
    let owner = Wallet::random().unwrap().account_id(&ChainId::eip155(300));
    let customer = client
        .customers()
        .create(&NewCustomer {
            chain_id: owner.to_string(),
            external_id: format!("bench-{}", uuid::Uuid::new_v4().simple()),
        })
        .expect("customer");

    // The baseline: the same key and key id, its own token, its own agent.
    let key: p384::ecdsa::SigningKey =
        p384::pkcs8::DecodePrivateKey::from_pkcs8_pem(&pem).expect("bare key");
    let key_id = client.key_id().expect("registered");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let token = {
        let body = serde_json::json!({"apiKey": server.api_key, "apiSecret": server.api_secret})
            .to_string();
        let digest = base64::engine::general_purpose::STANDARD
            .encode(<sha2::Sha256 as sha2::Digest>::digest(body.as_bytes()));
        let mut resp = agent
            .post(&format!("{}/auth/token", server.url))
            .header("Content-Type", "application/json")
            .header("Content-Digest", &format!("sha-256=:{digest}:"))
            .send(body.as_bytes())
            .expect("token");
        let text = resp.body_mut().read_to_string().expect("token body");
        let v: serde_json::Value = serde_json::from_str(&text).expect("token json");
        assert!(v["token"].is_string(), "no token: {text}");
        v["token"].as_str().expect("token field").to_owned()
    };
    let url = format!("{}/customers/{}", server.url, customer.id);
    let authorization = format!("Bearer {token}");
    let (bare_rps, sdk_rps, mut ratios) = common::interleaved_rps(
        ROUNDS,
        per_round,
        || common::bare_signed_get(&agent, &key, &key_id, &url, &authorization),
        || client.customers().get(&customer.id).expect("sdk request"),
    );
    let median = common::quantile(&mut ratios, 0.5);
    println!(
        "signed GET, one connection: bare ureq + p384 {bare_rps:.0} req/s, SDK {sdk_rps:.0} req/s"
    );
    println!(
        "ratio SDK/bare: median {median:.3} (min {:.3}, max {:.3}) over {ROUNDS} rounds of \
         {per_round}; target >= 0.8: {}",
        ratios[0],
        ratios[ROUNDS - 1],
        if median >= 0.8 { "met" } else { "MISSED" }
    );
    common::record(serde_json::json!({
        "bench": "throughput", "bare_rps": bare_rps, "sdk_rps": sdk_rps,
        "ratio_median": median, "ratio_min": ratios[0], "ratio_max": ratios[ROUNDS - 1],
        "rounds": ROUNDS, "per_round": per_round,
    }));
}
