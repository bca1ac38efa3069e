#!/usr/bin/env bash
# Every benchmark in one run, against one emulator process, with a summary:
#
#   bash scripts/bench.sh [RUNS]        (RUNS onboardings per language, default 40)
#
# 1. builds the library and the emulator (release), starts `offblocks-sandbox` on a free
#    loopback port (default settings; every flow polls without sleeping);
# 2. Rust: `cargo bench` signing (prepare vs bare p384 sign), the first sign of fresh
#    processes (the curves' base-point tables are built once per process), throughput
#    (SDK vs bare ureq + one sign, requests/s) and onboarding latency;
# 3. C: bindings/c/bench_onboarding.c through the shared library;
# 4. Python: the package's onboarding against the same flow in pure Python
#    (bindings/python/bench/run.sh: requests, cryptography, http-message-signatures,
#    eth-account), then OpenSSL's P-384 sign (`cryptography`) against the package's
#    prepared signed request, interleaved in one Python process;
# 5. the stripped shared library's size and the normal dependency tree's crate count.
# Results: target/bench/results.jsonl (one JSON object per figure) and the printed table.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
RUNS="${1:-40}"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
OUT="$TARGET/bench"
mkdir -p "$OUT"
export OFFBLOCKS_BENCH_JSON="$OUT/results.jsonl"
: > "$OFFBLOCKS_BENCH_JSON"

step() { printf '\n== %s\n' "$*"; }

step "building the library and the emulator (release)"
cargo build --release --locked -p offblocks -p offblocks-sandbox

step "starting the emulator"
# shellcheck source=lib/emulator.sh
source scripts/lib/emulator.sh
emulator_start
echo "emulator at $OFFBLOCKS_BASE_URL"

step "Rust: preparing a signed request vs a bare p384 sign"
cargo bench --locked --bench signing
step "Rust: the first sign in fresh processes"
cargo bench --locked --bench first_sign
step "Rust: signed requests per second, SDK vs bare ureq + one sign"
cargo bench --locked --bench throughput
step "Rust: onboarding latency"
cargo bench --locked --bench onboarding -- "$RUNS"

step "C: onboarding latency through the shared library"
# shellcheck source=lib/soname.sh
source scripts/lib/soname.sh
offblocks_soname_link "$TARGET/release" >/dev/null
cc -std=c11 -O2 -Wall -Wextra -Werror -I include bindings/c/bench_onboarding.c \
    -L "$TARGET/release" -loffblocks -Wl,-rpath,"$TARGET/release" -o "$OUT/bench_onboarding"
"$OUT/bench_onboarding" "$RUNS"

step "Python: the package vs the same flow in pure Python"
# `--mode reused`: like the Rust and C figures, the onboarding alone on a client whose
# token and signing key are already in place.
bash bindings/python/bench/run.sh --runs "$RUNS" --mode reused --json "$OUT/python.json"
step "Python: OpenSSL's P-384 sign vs the package's prepared signed request"
bindings/python/.venv/bin/python bindings/python/bench/openssl_sign.py --json "$OFFBLOCKS_BENCH_JSON"

step "size and dependencies"
cp "$TARGET/release/liboffblocks.so" "$OUT/liboffblocks.so"
strip "$OUT/liboffblocks.so"
size_bytes=$(stat -c %s "$OUT/liboffblocks.so")
count_crates() { cargo tree --locked -e "$1" --prefix none -p offblocks | sed 's/ (\*)$//' | sort -u | grep -vc '^offblocks '; }
crates=$(count_crates normal)
linked=$(count_crates normal,no-proc-macro)
proc_macros=$((crates - linked))
echo "stripped liboffblocks.so: $size_bytes bytes; normal dependency tree: $crates crates ($proc_macros proc-macro)"
printf '{"bench":"size","stripped_so_bytes":%s,"normal_crates":%s,"proc_macro_crates":%s}\n' \
    "$size_bytes" "$crates" "$proc_macros" >> "$OFFBLOCKS_BENCH_JSON"

step "summary"
python3 scripts/bench_summary.py "$OFFBLOCKS_BENCH_JSON" "$OUT/python.json"
