#!/usr/bin/env bash
# Builds, installs and tests the Python package `offblocks` from a fresh clone:
#
#   bindings/python/run-tests.sh [pytest arguments…]
#
# 1. a virtualenv at bindings/python/.venv (made when missing; PYTHON picks the
#    interpreter, default python3);
# 2. `pip install ./bindings/python` (which runs `cargo build --release --locked -p
#    offblocks` and bundles the shared library) and the pinned test tools;
# 3. `cargo build --release --locked -p offblocks-sandbox` (the emulator the tests run);
# 4. `mypy --strict` on the package, then `pytest -q` against the installed package.
#
# CARGO_TARGET_DIR is honoured as cargo does (default: <repo>/target).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$HERE/.venv"
PYTHON="${PYTHON:-python3}"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"

step() { printf '\n== %s\n' "$*"; }

if [ ! -x "$VENV/bin/python" ]; then
    step "creating $VENV with $($PYTHON --version 2>&1)"
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
export PIP_DISABLE_PIP_VERSION_CHECK=1

step "installing the test tools"
"$PY" -m pip install --quiet -r "$HERE/requirements-test.txt"

step "pip install ./bindings/python (builds the Rust library with cargo)"
(cd "$REPO" && "$PY" -m pip install --quiet --force-reinstall --no-deps ./bindings/python)

step "building the emulator: cargo build --release --locked -p offblocks-sandbox"
(cd "$REPO" && cargo build --release --locked -p offblocks-sandbox)
export OFFBLOCKS_SANDBOX_BIN="${OFFBLOCKS_SANDBOX_BIN:-$TARGET/release/offblocks-sandbox}"

step "mypy --strict (the package, then the tests)"
(cd "$HERE" && "$VENV/bin/mypy" --strict offblocks && "$VENV/bin/mypy" --strict tests)

step "pytest"
# Run from a directory where `import offblocks` finds the installed package (with its
# bundled library), never the sources.
cd "$HERE"
export OFFBLOCKS_TEST_INSTALLED=1
exec "$VENV/bin/pytest" -q -p no:cacheprovider "$@"
