//! Preparing one signed POST (serialize, digest, sign, headers; no network) against a
//! bare `p384` sign of the same signature base, interleaved in one process so both see
//! the same machine state. Reports the median of per-round ratios.
//!
//! Run: `cargo bench --bench signing`. Target: ratio ≤ 1.10.

mod common;

use std::hint::black_box;
use std::time::Instant;

use offblocks::httpsig::{
    prepare, CoveredComponents, DigestAlgorithms, RequestInput, RequestSigner, SignatureParams,
};
use offblocks::models::NewCustomer;
use offblocks::{BaseUrl, SigningKey};
use p384::ecdsa::signature::Signer;

const ROUNDS: usize = 31;
const PER_ROUND: usize = 200;

fn main() {
    let key = SigningKey::generate().expect("key");
    let secret = SigningKey::to_pkcs8_pem(&key).expect("pem");
    let bare: p384::ecdsa::SigningKey =
        p384::pkcs8::DecodePrivateKey::from_pkcs8_pem(&secret).expect("bare key");
    let base = BaseUrl::parse("https://api.sandbox.offblocks.xyz/v1").unwrap();
    let components = CoveredComponents::default();
    let customer = NewCustomer {
        chain_id: "eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".into(),
        external_id: "27c9aa3b-f12d-43b9-8e91-5264ccc998de".into(),
    };
    let params = SignatureParams {
        label: "sig".into(),
        created: 1_700_000_000,
        expires: None,
        nonce: None,
        key_id: "k1".into(),
    };
    let prepare_one = || {
        let body = serde_json::to_vec(black_box(&customer)).unwrap();
        let idem = uuid::Uuid::new_v4().to_string();
        let input = RequestInput {
            method: "POST",
            base: &base,
            path: "/customers",
            query: None,
            token: Some("eyJhbGciOiJIUzI1NiJ9.payload.signature"),
            body: Some(&body),
            idempotency_key: Some(&idem),
            digest: DigestAlgorithms::Sha256,
        };
        let signer = RequestSigner {
            key: &key,
            components: &components,
            params: &params,
        };
        prepare(&input, Some(&signer)).unwrap()
    };
    // The exact base the full path signs, for the baseline.
    let base_text = prepare_one().signature_base;
    let bare_one = || {
        let sig: p384::ecdsa::Signature = bare.sign(black_box(base_text.as_bytes()));
        sig
    };
    for _ in 0..PER_ROUND {
        black_box(prepare_one());
        black_box(bare_one());
    }
    let mut ratios = Vec::with_capacity(ROUNDS);
    let (mut total_full, mut total_bare) = (0f64, 0f64);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for _ in 0..PER_ROUND {
            black_box(bare_one());
        }
        let bare_ns = t.elapsed().as_nanos() as f64 / PER_ROUND as f64;
        let t = Instant::now();
        for _ in 0..PER_ROUND {
            black_box(prepare_one());
        }
        let full_ns = t.elapsed().as_nanos() as f64 / PER_ROUND as f64;
        ratios.push(full_ns / bare_ns);
        total_full += full_ns;
        total_bare += bare_ns;
    }
    ratios.sort_by(|a, b| a.total_cmp(b));
    let median = ratios[ROUNDS / 2];
    println!(
        "bare p384 sign: {:.1} µs/op; prepared signed POST: {:.1} µs/op",
        total_bare / ROUNDS as f64 / 1000.0,
        total_full / ROUNDS as f64 / 1000.0
    );
    println!(
        "ratio prepared/bare: median {median:.3} (min {:.3}, max {:.3}); target <= 1.10: {}",
        ratios[0],
        ratios[ROUNDS - 1],
        if median <= 1.10 { "met" } else { "MISSED" }
    );
    common::record(serde_json::json!({
        "bench": "signing",
        "bare_us": total_bare / ROUNDS as f64 / 1000.0,
        "prepared_us": total_full / ROUNDS as f64 / 1000.0,
        "ratio_median": median, "ratio_min": ratios[0], "ratio_max": ratios[ROUNDS - 1],
    }));
}
