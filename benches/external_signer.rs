//! What a request-signing key held in another process costs per request. The bench starts
//! a copy of itself as the "KMS": it holds the P-384 key and answers each signature base
//! written to its stdin (4-byte length, then the bytes) with a DER signature on its
//! stdout. The parent signs the same base in process and through the child, alternating,
//! and reports the medians and their difference (the child's signing, the pipe round
//! trip, the DER conversion and the check against the public key that the SDK makes
//! before sending).
//!
//! Run: `cargo bench --bench external_signer [-- SAMPLES]` (default 2001).

mod common;

use std::hint::black_box;
use std::io::{BufReader, BufWriter, Read, Write};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Instant;

use offblocks::SigningKey;

const CHILD: &str = "OFFBLOCKS_EXTERNAL_SIGNER_CHILD";
/// RFC 6979 A.2.6's P-384 key.
const P384_KEY: &str = "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5";

fn key() -> SigningKey {
    let bytes: Vec<u8> = (0..P384_KEY.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&P384_KEY[i..i + 2], 16).unwrap())
        .collect();
    SigningKey::from_bytes(&bytes).expect("key")
}

/// The child: sign every base read from stdin until it closes.
fn child() {
    let key = key();
    let mut input = BufReader::new(std::io::stdin().lock());
    let mut output = BufWriter::new(std::io::stdout().lock());
    let mut len = [0u8; 4];
    while input.read_exact(&mut len).is_ok() {
        let mut base = vec![0u8; u32::from_be_bytes(len) as usize];
        input.read_exact(&mut base).expect("base");
        let raw = key.sign(&base).expect("signs");
        let der = p384::ecdsa::Signature::from_slice(&raw).unwrap().to_der();
        output.write_all(&(der.len() as u32).to_be_bytes()).unwrap();
        output.write_all(der.as_bytes()).unwrap();
        output.flush().unwrap();
    }
}

fn main() {
    if std::env::var_os(CHILD).is_some() {
        child();
        return;
    }
    let samples: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2001);
    let mut process = Command::new(std::env::current_exe().expect("own path"))
        .env(CHILD, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("child");
    let pipes = Mutex::new((
        process.stdin.take().unwrap(),
        BufReader::new(process.stdout.take().unwrap()),
    ));
    let local = key();
    let external = SigningKey::external(&local.public_key_pem(), move |base: &[u8]| {
        let mut guard = pipes.lock().unwrap();
        let (to, from) = &mut *guard;
        to.write_all(&(base.len() as u32).to_be_bytes()).unwrap();
        to.write_all(base).unwrap();
        to.flush().unwrap();
        let mut len = [0u8; 4];
        from.read_exact(&mut len).unwrap();
        let mut der = vec![0u8; u32::from_be_bytes(len) as usize];
        from.read_exact(&mut der).unwrap();
        Ok(der)
    })
    .unwrap();
    let base = "\"@method\": POST\n\"@authority\": api.sandbox.offblocks.xyz\n\"@path\": /v1/customers\n\
\"content-digest\": sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:\n\
\"@signature-params\": (\"@method\" \"@authority\" \"@path\" \"content-digest\");created=1700000000;keyid=\"k\";alg=\"ecdsa-p384-sha384\"";
    // Warm both (tables, the child's start).
    for _ in 0..20 {
        black_box(local.sign(base.as_bytes()).unwrap());
        black_box(external.sign(base.as_bytes()).unwrap());
    }
    let (mut inside, mut outside) = (Vec::new(), Vec::new());
    for _ in 0..samples {
        let t = Instant::now();
        black_box(local.sign(black_box(base.as_bytes())).unwrap());
        inside.push(t.elapsed().as_nanos() as f64 / 1000.0);
        let t = Instant::now();
        black_box(external.sign(black_box(base.as_bytes())).unwrap());
        outside.push(t.elapsed().as_nanos() as f64 / 1000.0);
    }
    drop(external);
    let _ = process.wait();
    let inside = common::quantile(&mut inside, 0.5);
    let outside = common::quantile(&mut outside, 0.5);
    println!(
        "request signature, median of {samples}: in process {inside:.0} µs, in another process \
         {outside:.0} µs; {:.0} µs more (target ≤ 1000), ratio {:.2}",
        outside - inside,
        outside / inside
    );
    common::record(serde_json::json!({
        "bench": "external_signer",
        "in_process_us": inside,
        "external_us": outside,
        "extra_us": outside - inside,
        "target_extra_us": 1000,
    }));
}
