//! Fuzzing on stable, in `cargo test`:
//!
//! - every saved fuzz input replayed through its target's harness: the inputs that once
//!   crashed (`tests/fuzz_regressions/<target>/`) and the seed corpora
//!   (`fuzz/corpus/<target>/`). The harnesses are the very code `cargo fuzz` runs
//!   (`fuzz/harness/`, included here as a module), so a fixed bug stays fixed without a
//!   nightly toolchain;
//! - a bounded, deterministic fuzz run over every parser that sees untrusted input: seeds
//!   of valid inputs mutated (byte flips, insertions, deletions, truncations, splices) by
//!   a fixed-seed generator. Nothing may panic; each parser must answer `Ok` or `Err`.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use offblocks::models::{Account, Customer, WebhookEvent};
use offblocks::time::Timestamp;
use offblocks::wallet::{AccountId, Address, ChainId, PersonalSignature, SiweMessage};
use offblocks::{BaseUrl, SigningKey};

#[path = "../fuzz/harness/lib.rs"]
mod harness;

use harness::{Harness, TARGETS};

fn root(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)
}

/// Runs `harness` on every file of `dir`, in name order: returns how many there were,
/// and adds the ones that fail to `failed`.
fn replay(dir: &Path, harness: Harness, failed: &mut Vec<PathBuf>) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a directory entry").path())
        .collect();
    files.sort();
    for file in &files {
        let data = fs::read(file).expect("a readable input");
        // Each input runs even when an earlier one fails, so a report names them all.
        if panic::catch_unwind(AssertUnwindSafe(|| harness(&data))).is_err() {
            failed.push(file.clone());
        }
    }
    files.len()
}

#[test]
fn saved_crashes_stay_fixed() {
    let dir = root("tests/fuzz_regressions");
    let mut failed = Vec::new();
    for (target, harness) in TARGETS {
        replay(&dir.join(target), harness, &mut failed);
    }
    assert!(failed.is_empty(), "saved inputs fail again: {failed:#?}");
    // Every directory of saved inputs belongs to a target.
    for entry in fs::read_dir(&dir).expect("tests/fuzz_regressions exists") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            assert!(TARGETS.iter().any(|(t, _)| *t == name), "no target {name}");
        }
    }
}

#[test]
fn seed_corpora_pass_their_harnesses() {
    let mut failed = Vec::new();
    for (target, harness) in TARGETS {
        let count = replay(&root("fuzz/corpus").join(target), harness, &mut failed);
        assert!(count > 0, "fuzz/corpus/{target} has seeds");
    }
    assert!(failed.is_empty(), "seeds fail: {failed:#?}");
}

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INTERESTING: &[&[u8]] = &[
    b"\0",
    b"\xff",
    b"\xc3\x28",
    b"\"",
    b"\\",
    b":",
    b"\n",
    b"\r\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b"0x",
    b"-",
    b"9999999999999999999999",
    b"\xf0\x9f\x92\xa9",
    b"=",
    b"%",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                v.splice(at..at, piece.iter().copied());
            }
            2 if at < v.len() => {
                let end = (at + 1 + rng.below(8)).min(v.len());
                v.drain(at..end);
            }
            3 => v.truncate(at),
            4 if !v.is_empty() => {
                let i = rng.below(v.len());
                let j = rng.below(v.len());
                let b = v[i];
                v.insert(j, b);
            }
            _ => v.push(rng.next() as u8),
        }
    }
    v
}

fn run(name: &str, seeds: &[&[u8]], iterations: usize, f: impl Fn(&[u8])) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ name.len() as u64);
    for seed in seeds {
        f(seed);
    }
    for i in 0..iterations {
        let input = mutate(&mut rng, seeds[i % seeds.len()]);
        f(&input);
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const SIWE: &[u8] = b"api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:\n0x43158f45b5EbD7b1179130130DF00393928C2691\n\nOffBlocks wants to verify ownership of your wallet.\n\nURI: https://api.sandbox.offblocks.xyz\nVersion: 1\nChain ID: 280\nNonce: 5ufoiEqDaFvmfo78\nIssued At: 2024-01-17T18:21:53Z\nExpiration Time: 2024-01-17T19:21:53.123Z\nRequest ID: abc\nResources:\n- https://example.com/a";

#[test]
fn siwe_parser() {
    run("siwe", &[SIWE], 20_000, |b| {
        let _ = SiweMessage::from_bytes(b);
    });
}

#[test]
fn caip_and_address_parsers() {
    let seeds: &[&[u8]] = &[
        b"eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        b"bip122:000000000019d6689c085ae165831e93:128Lkh3S7CkDTBZ8W7BbpsN3YYizJMp8p6",
        b"eip155:1",
        b"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    ];
    run("caip", seeds, 20_000, |b| {
        let t = text(b);
        let _ = ChainId::parse(&t);
        let _ = AccountId::parse(&t);
        let _ = Address::parse(&t);
    });
}

#[test]
fn signature_and_timestamp_parsers() {
    let seeds: &[&[u8]] = &[
        b"MHg4M2IxM2RhYjE2MjI3MjAxMWQzMzQ4NDFkZjE5NTQ1MjUwNDI1NjczMjhhZDdjMDVjOTYyYjAwNWVlZDg3MGI2NDhjMjA0ZjBiZmZjZjUyYjM3NTE0MGIwYzg0OTA4ZTQ2MzMyNWIxZGZlNWJiYjAzMjU5NzYyNDgyODM0YWYzNzFi",
        b"IfvwaW1eCqLvQaK0/7YjvK8HBGHWHPclHHQWH4L+w6Q3CFS8CjSzq0h8G8AhzTGMc0xRrik3TyvrDm8t1JtL9Bw=",
        b"2024-01-12T15:07:17.358440283Z",
        b"2024-02-29T23:59:60+05:30",
    ];
    run("sig", seeds, 20_000, |b| {
        let t = text(b);
        if let Ok(sig) = PersonalSignature::parse(&t) {
            let _ = sig.recover(b"message");
        }
        let _ = Timestamp::parse(&t);
    });
}

#[test]
fn pem_key_loading_and_base_urls() {
    let pem = SigningKey::generate().unwrap().to_pkcs8_pem().unwrap();
    let seeds: &[&[u8]] = &[pem.as_bytes(), b"https://api.offblocks.xyz:443/v1"];
    run("pem", seeds, 3_000, |b| {
        let t = text(b);
        let _ = SigningKey::from_pem(&t);
        let _ = BaseUrl::parse(&t);
    });
}

#[test]
fn response_and_webhook_json() {
    let seeds: &[&[u8]] = &[
        br#"{"id":"c1","externalId":"e","chainId":"eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb","status":"active","createdAt":"2024-01-12T14:53:02.65345725Z","updatedAt":"2024-01-12T14:53:02Z","webhookType":"customer.updated","eventId":"ev1"}"#,
        br#"{"id":"a1","customerId":"c1","status":"pending","type":"CARD_ACCOUNT","currencies":["EUR"],"createdAt":"2024-01-12T15:07:17.358440283Z","updatedAt":"2024-01-12T15:07:17Z","webhookType":"account.updated","eventId":"ev2"}"#,
    ];
    run("json", seeds, 20_000, |b| {
        let _ = serde_json::from_slice::<Customer>(b);
        let _ = serde_json::from_slice::<Account>(b);
        let _ = WebhookEvent::parse(b);
    });
}

/// The seeds themselves parse: the run above is not vacuous.
#[test]
fn seeds_are_valid() {
    assert!(SiweMessage::from_bytes(SIWE).is_ok());
    assert!(WebhookEvent::parse(
        br#"{"id":"a1","customerId":"c1","status":"pending","type":"CARD_ACCOUNT","currencies":["EUR"],"createdAt":"2024-01-12T15:07:17.358440283Z","updatedAt":"2024-01-12T15:07:17Z","webhookType":"account.updated","eventId":"ev2"}"#
    )
    .is_ok());
    assert!(AccountId::parse("eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266").is_ok());
}
