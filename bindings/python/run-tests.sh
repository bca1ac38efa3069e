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
# 4. `mypy --strict` on the package, the tests and the examples, the webhook example,
#    then `pytest -q` against the installed package.
#
# CARGO_TARGET_DIR is honoured as cargo does (default: <repo>/target).
set -euo pipefail

# shellcheck source=prepare-venv.sh
source "$(dirname "${BASH_SOURCE[0]}")/prepare-venv.sh" requirements-test.txt "the test tools"

step "mypy --strict (the package, then the tests and the examples)"
(cd "$HERE" && "$VENV/bin/mypy" --strict offblocks && "$VENV/bin/mypy" --strict tests \
    && "$VENV/bin/mypy" --strict examples)

step "examples/webhook_onboarding.py (onboarding driven by the emulator's webhooks)"
(cd "$HERE" && "$VENV/bin/python" examples/webhook_onboarding.py)

step "pytest"
# Run from a directory where `import offblocks` finds the installed package (with its
# bundled library), never the sources.
cd "$HERE"
export OFFBLOCKS_TEST_INSTALLED=1
exec "$VENV/bin/pytest" -q -p no:cacheprovider "$@"
