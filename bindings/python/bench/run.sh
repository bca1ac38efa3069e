#!/usr/bin/env bash
# Onboarding latency of the Python package against the same flow in pure Python
# (bench/bench_onboarding.py), from a fresh clone:
#
#   bindings/python/bench/run.sh [--runs 30] [--mode fresh|reused] [--json PATH] …
#
# 1. the virtualenv bindings/python/.venv, shared with run-tests.sh (made when missing;
#    PYTHON picks the interpreter, default python3);
# 2. the pinned baseline libraries (requirements-bench.txt) and
#    `pip install ./bindings/python` (which builds the Rust library with cargo);
# 3. `cargo build --release --locked -p offblocks-sandbox` (the emulator both sides use);
# 4. the bench, with the arguments given here (`--help` lists them).
#
# CARGO_TARGET_DIR is honoured as cargo does (default: <repo>/target).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$HERE/.venv"
PYTHON="${PYTHON:-python3}"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"

step() { printf '\n== %s\n' "$*" >&2; }

if [ ! -x "$VENV/bin/python" ]; then
    step "creating $VENV with $($PYTHON --version 2>&1)"
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
export PIP_DISABLE_PIP_VERSION_CHECK=1

step "installing the baseline libraries (requirements-bench.txt)"
"$PY" -m pip install --quiet -r "$HERE/requirements-bench.txt"

step "pip install ./bindings/python (builds the Rust library with cargo: minutes on a cold target dir)"
(cd "$REPO" && "$PY" -m pip install --quiet --force-reinstall --no-deps ./bindings/python)

step "building the emulator: cargo build --release --locked -p offblocks-sandbox"
(cd "$REPO" && cargo build --release --locked -p offblocks-sandbox)
export OFFBLOCKS_SANDBOX_BIN="${OFFBLOCKS_SANDBOX_BIN:-$TARGET/release/offblocks-sandbox}"

step "bench"
# The script's own directory comes first on sys.path: `import offblocks` finds the
# installed package (with its bundled library), never the sources.
exec "$PY" "$HERE/bench/bench_onboarding.py" "$@"
