# Sourced by run-tests.sh and bench/run.sh: the shared virtualenv with the package built
# and installed, and the emulator built.
#
#   source prepare-venv.sh REQUIREMENTS-FILE "what they are"
#
# 1. the virtualenv bindings/python/.venv (made when missing; PYTHON picks the
#    interpreter, default python3);
# 2. the pinned requirements given, and `pip install ./bindings/python` (which runs
#    `cargo build --release --locked -p offblocks` and bundles the shared library);
# 3. `cargo build --release --locked -p offblocks-sandbox`.
# Sets HERE, REPO, VENV, PY, TARGET and OFFBLOCKS_SANDBOX_BIN, and defines `step`.
# CARGO_TARGET_DIR is honoured as cargo does (default: <repo>/target).

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
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

step "installing $2 ($1)"
"$PY" -m pip install --quiet -r "$HERE/$1"

step "pip install ./bindings/python (builds the Rust library with cargo: minutes on a cold target dir)"
(cd "$REPO" && "$PY" -m pip install --quiet --force-reinstall --no-deps ./bindings/python)

step "building the emulator: cargo build --release --locked -p offblocks-sandbox"
(cd "$REPO" && cargo build --release --locked -p offblocks-sandbox)
export OFFBLOCKS_SANDBOX_BIN="${OFFBLOCKS_SANDBOX_BIN:-$TARGET/release/offblocks-sandbox}"
