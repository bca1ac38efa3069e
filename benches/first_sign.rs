//! What a fresh process pays before its first signature. `p384` and `k256` 0.14 multiply
//! the base point with precomputed tables that are built once per process, on first use
//! (a `LazyLock`). Loading a key already multiplies the base point (for its public
//! half), so the table is built there; this bench shows where the one-time cost lands
//! and how large it is.
//!
//! The parent starts `PROCESSES` fresh copies of itself. Each child times, in order:
//! loading the P-384 request key, its first sign, a steady sign (median of many), a
//! second load of the same key; then the same for a secp256k1 wallet and its EIP-191
//! signature. The parent prints the medians over the children and the ratios of the
//! first-time figures to the steady ones, all measured inside the same processes.
//!
//! Run: `cargo bench --bench first_sign [-- PROCESSES]` (default 9).

mod common;

use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use offblocks::wallet::Wallet;
use offblocks::SigningKey;

const CHILD: &str = "OFFBLOCKS_FIRST_SIGN_CHILD";
const STEADY: usize = 101;
/// RFC 6979 A.2.6's P-384 key, so every process loads the same one.
const P384_KEY: &str = "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5";
/// Hardhat / Anvil default account #0.
const WALLET_KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const FIELDS: [&str; 8] = [
    "p384_load_first",
    "p384_sign_first",
    "p384_sign_steady",
    "p384_load_again",
    "k256_load_first",
    "k256_sign_first",
    "k256_sign_steady",
    "k256_load_again",
];

fn us(t: Instant) -> f64 {
    t.elapsed().as_nanos() as f64 / 1000.0
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// One fresh process's figures, in µs, in the order of `FIELDS`.
fn child() -> [f64; 8] {
    let scalar = unhex(P384_KEY);
    let base = b"\"@method\": POST\n\"@signature-params\": (\"@method\");created=1700000000";
    let steady = |f: &mut dyn FnMut()| {
        let mut samples: Vec<f64> = (0..STEADY)
            .map(|_| {
                let t = Instant::now();
                f();
                us(t)
            })
            .collect();
        common::quantile(&mut samples, 0.5)
    };

    let t = Instant::now();
    let key = black_box(SigningKey::from_bytes(&scalar).expect("key"));
    let p384_load_first = us(t);
    let t = Instant::now();
    black_box(key.sign(black_box(base)).unwrap());
    let p384_sign_first = us(t);
    let p384_sign_steady = steady(&mut || {
        black_box(key.sign(black_box(base)).unwrap());
    });
    let t = Instant::now();
    black_box(SigningKey::from_bytes(&scalar).expect("key"));
    let p384_load_again = us(t);

    let t = Instant::now();
    let wallet = black_box(Wallet::from_hex(WALLET_KEY).expect("wallet"));
    let k256_load_first = us(t);
    let t = Instant::now();
    black_box(wallet.sign_personal(black_box(base)).expect("signed"));
    let k256_sign_first = us(t);
    let k256_sign_steady = steady(&mut || {
        black_box(wallet.sign_personal(black_box(base)).expect("signed"));
    });
    let t = Instant::now();
    black_box(Wallet::from_hex(WALLET_KEY).expect("wallet"));
    let k256_load_again = us(t);

    [
        p384_load_first,
        p384_sign_first,
        p384_sign_steady,
        p384_load_again,
        k256_load_first,
        k256_sign_first,
        k256_sign_steady,
        k256_load_again,
    ]
}

fn main() {
    if std::env::var_os(CHILD).is_some() {
        let figures = child();
        println!(
            "{}",
            figures.map(|f| format!("{f:.1}")).join(" ") // parsed by the parent
        );
        return;
    }
    let processes: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(9);
    let exe = std::env::current_exe().expect("own path");
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); FIELDS.len()];
    for _ in 0..processes {
        let out = Command::new(&exe).env(CHILD, "1").output().expect("child");
        assert!(out.status.success(), "child failed");
        let line = String::from_utf8(out.stdout).expect("utf-8");
        for (column, value) in columns.iter_mut().zip(line.split_whitespace()) {
            column.push(value.parse().expect("a number"));
        }
    }
    let median: Vec<f64> = columns
        .iter_mut()
        .map(|c| common::quantile(c, 0.5))
        .collect();
    let [p_load, p_first, p_steady, p_again, k_load, k_first, k_steady, k_again] =
        <[f64; 8]>::try_from(median.clone()).unwrap();
    println!("fresh processes: {processes}; medians in µs");
    println!(
        "P-384: key load {p_load:.0} (again {p_again:.0}), first sign {p_first:.0}, steady sign {p_steady:.0}; \
         first sign / steady {:.2}, first load + first sign / steady sign {:.1}",
        p_first / p_steady,
        (p_load + p_first) / p_steady
    );
    println!(
        "secp256k1: wallet load {k_load:.0} (again {k_again:.0}), first EIP-191 sign {k_first:.0}, steady {k_steady:.0}; \
         first sign / steady {:.2}",
        k_first / k_steady
    );
    let mut json = serde_json::json!({ "bench": "first_sign", "processes": processes });
    for (name, value) in FIELDS.iter().zip(median) {
        json[format!("{name}_us")] = value.into();
    }
    common::record(json);
}
