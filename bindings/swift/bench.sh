#!/usr/bin/env bash
# Onboarding latency from Swift (the OffBlocks face over the shared library) against the
# same flow from Rust, in one run, against one emulator process:
#
#   bash bindings/swift/bench.sh [RUNS] [ROUNDS]     (defaults: 40 flows, 3 rounds)
#
# 1. gets the Swift toolchain as run-tests.sh does (skipped, with a message, without one);
#    builds the library, the emulator and the Rust bench (release), and OffBlocksBench
#    (`swift build -c release`);
# 2. starts `offblocks-sandbox` on a free loopback port (default settings);
# 3. ROUNDS times, alternately: `cargo bench --bench onboarding -- RUNS`
#    (benches/onboarding.rs) and OffBlocksBench (Sources/OffBlocksBench/main.swift), each
#    with a registered key and token before timing, a fresh wallet per flow, polls without
#    sleeping. The Swift bench also alternates each flow with the same flow made straight
#    through the C ABI from the same process: that ratio is what the Swift face adds;
# 4. prints each round and the ratio of the medians (Swift / Rust); the target is ≤ 1.10×.
# Raw figures: target/bench/swift.jsonl. Nothing here is a test: no timing is asserted.
#
# BENCH_NICE (e.g. -10, as root) runs the emulator and both benches at that priority.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
RUNS=${1:-40}
ROUNDS=${2:-3}
target=${CARGO_TARGET_DIR:-$root/target}
out="$target/bench"
mkdir -p "$out"
json="$out/swift.jsonl"
export OFFBLOCKS_BENCH_JSON="$json"
: > "$json"

step() { printf '\n== %s\n' "$*"; }

use_chroot=1
if [ -n "${SWIFT_USE_HOST:-}" ] || { command -v swift >/dev/null && swift --version >/dev/null 2>&1; }; then
    use_chroot=""
fi
if [ -n "$use_chroot" ]; then
    set +e
    SWIFT_CHROOT=$(bash "$here/setup-toolchain.sh" 2> >(tee "$target/swift-setup.err" >&2) | tail -n 1)
    rc=$?
    set -e
    if [ "$rc" = 3 ]; then
        echo "== Swift bench: skipped ($(sed -n 's/^unavailable: //p' "$target/swift-setup.err" | tail -n 1))"
        exit 0
    fi
    [ "$rc" = 0 ] || exit "$rc"
    export SWIFT_CHROOT
    # A target directory outside the repository is mounted into the root as well.
    case "$target/" in "$root"/*) ;; *) export SWIFT_BIND_DIRS="$target" ;; esac
    # shellcheck source=lib.sh
    source "$here/lib.sh"
    trap '_swift_umount "$SWIFT_CHROOT"' EXIT
fi
swift_do() { # DIR CMD...: in the toolchain's root or on the host
    local dir=$1
    shift
    if [ -n "$use_chroot" ]; then
        SWIFT_PASS_ENV="OFFBLOCKS_LIB_DIR OFFBLOCKS_BASE_URL OFFBLOCKS_API_KEY OFFBLOCKS_API_SECRET" swift_chroot_run "$dir" "$@"
    else
        (cd "$dir" && "$@")
    fi
}
export OFFBLOCKS_LIB_DIR="$target/release"
bench_bin="$target/swift-build/release/OffBlocksBench"

if [ -z "${BENCH_SKIP_BUILD:-}" ]; then # set it to rerun on what the last run built
    step "building the library, the emulator and the Rust bench (release), and OffBlocksBench (swift, release)"
    (cd "$root" && cargo build --release --locked -p offblocks -p offblocks-sandbox)
    (cd "$root" && cargo bench --locked --bench onboarding --no-run)
    swift_do "$here" swift build -c release --product OffBlocksBench --scratch-path "$target/swift-build"
fi
# OffBlocksBench records the library's SONAME (liboffblocks.so.0.2): a link of that name
# beside liboffblocks.so lets it start.
# shellcheck source=../../scripts/lib/soname.sh
source "$root/scripts/lib/soname.sh"
offblocks_soname_link "$target/release" >/dev/null

step "starting the emulator"
nice_cmd=(nice -n "${BENCH_NICE:-0}")
# shellcheck source=../../scripts/lib/emulator.sh
source "$root/scripts/lib/emulator.sh"
EMULATOR_PREFIX=("${nice_cmd[@]}")
emulator_start
echo "emulator at $OFFBLOCKS_BASE_URL"

for round in $(seq "$ROUNDS"); do
    step "round $round/$ROUNDS: Rust"
    (cd "$root" && "${nice_cmd[@]}" cargo bench --locked --bench onboarding -- "$RUNS")
    step "round $round/$ROUNDS: Swift"
    swift_do "$here" "${nice_cmd[@]}" "$bench_bin" "$RUNS" "$json"
done

step "summary"
python3 - "$json" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows:
    if r.get("bench") == "onboarding":
        by.setdefault(r["lang"], []).append(r)
rust, swift = by.get("rust", []), by.get("swift", [])
if not rust or not swift:
    sys.exit("missing figures: " + ", ".join(sorted(by)))
for i, (r, s) in enumerate(zip(rust, swift), 1):
    print(f"round {i}: rust {r['median_ms']:.2f} ms (p90 {r['p90_ms']:.2f}), swift {s['median_ms']:.2f} ms "
          f"(p90 {s['p90_ms']:.2f}): {s['median_ms'] / r['median_ms']:.3f}x")
rm = statistics.median(r["median_ms"] for r in rust)
sm = statistics.median(s["median_ms"] for s in swift)
ratio = sm / rm
print(f"onboarding latency, median of the round medians: rust {rm:.2f} ms, swift {sm:.2f} ms, "
      f"swift/rust {ratio:.3f}x (target <= 1.10x: {'met' if ratio <= 1.10 else 'MISSED'})")
pairs = [s["face_over_c_abi_pair_ratio"] for s in swift if "face_over_c_abi_pair_ratio" in s]
if pairs:
    print(f"the Swift face over the same flow through the C ABI, same process, interleaved flow by flow: "
          f"{statistics.median(pairs):.3f}x (median of the rounds' median pair ratios: {', '.join(f'{p:.3f}' for p in pairs)})")
PY
