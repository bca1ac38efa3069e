#!/usr/bin/env bash
# Runs the coverage-guided fuzz targets of fuzz/ one after another, each for the given
# number of seconds (default 60), and fails if any of them finds a crash.
#
#   scripts/fuzz.sh [seconds-per-target] [target…]      (default: every target)
#
# Needs cargo-fuzz (installed here if missing) and a nightly compiler; on a stable
# toolchain RUSTC_BOOTSTRAP=1 unlocks the nightly flags cargo-fuzz passes (sanitizers).
# New corpus entries go to a scratch directory, so fuzz/corpus/ keeps only the seeds; a
# crash is left in fuzz/artifacts/<target>/ (copy it to tests/fuzz_regressions/<target>/
# once fixed, so `cargo test` replays it).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(ls fuzz_targets | sed 's/\.rs$//')
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

export RUSTC_BOOTSTRAP=1
target_dir=${CARGO_TARGET_DIR:-target}
scratch=${FUZZ_SCRATCH:-$target_dir/fuzz-corpus}
failed=()
for t in "${targets[@]}"; do
  echo "== $t: ${seconds}s"
  mkdir -p "$scratch/$t"
  if ! cargo fuzz run --target-dir "$target_dir" "$t" "$scratch/$t" "corpus/$t" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 -print_final_stats=1; then
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "== crashes in: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
echo "== no crash in: ${targets[*]}"
