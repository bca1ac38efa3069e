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

# shellcheck source=../prepare-venv.sh
source "$(dirname "${BASH_SOURCE[0]}")/../prepare-venv.sh" requirements-bench.txt \
    "the baseline libraries"

step "bench"
# The script's own directory comes first on sys.path: `import offblocks` finds the
# installed package (with its bundled library), never the sources.
exec "$PY" "$HERE/bench/bench_onboarding.py" "$@"
