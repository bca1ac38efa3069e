#!/usr/bin/env bash
# The library built for 64-bit ARM Linux (aarch64-unknown-linux-gnu, as on AWS Graviton,
# Ampere and the Raspberry Pi 4 and 5) and run there under qemu-user:
#
#   bash scripts/test-arm64.sh
#
# 1. `cargo build --release --locked -p offblocks --lib --target
#    aarch64-unknown-linux-gnu` (the cdylib and the staticlib), linked by Debian's
#    aarch64-linux-gnu-gcc; checked to be AArch64 ELF that exports exactly the header's
#    functions;
# 2. the C tests of bindings/c built for AArch64 with -std=c11 -Wall -Wextra -Werror and
#    run under `qemu-aarch64 -L /usr/aarch64-linux-gnu`, each against a fresh emulator
#    (the host's own offblocks-sandbox, on loopback): test_offblocks linked dynamically
#    under UndefinedBehaviorSanitizer (misaligned loads and stores are among its checks),
#    test_offblocks linked statically, and the onboarding example;
# 3. the Rust unit tests (`cargo test --lib`) built for AArch64 and run under qemu.
#
# What this catches that x86_64 hides: `char` is unsigned on AArch64 Linux (C's `char`,
# Rust's `c_char`), strict alignment in the sanitizer's checks, a weaker memory model for
# the atomics, and the cross build itself (`ring`'s assembly, the linker, the C ABI of
# the target). AddressSanitizer and valgrind do not run under qemu-user; they run on the
# host (bindings/c/run-tests.sh).
#
# It installs what it needs when missing (Debian's gcc-aarch64-linux-gnu,
# libc6-dev-arm64-cross and qemu-user through apt; the Rust target through rustup). When
# these cannot be had it prints "== ARM64: skipped: <why>" and exits 0.
#
# Environment: CARGO_TARGET_DIR (default <repo>/target);
# OFFBLOCKS_ARM64_RUST_TESTS=0 leaves out step 3.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
triple=aarch64-unknown-linux-gnu
sysroot=/usr/aarch64-linux-gnu
lib="$target/$triple/release"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
# shellcheck source=lib/emulator.sh
source "$root/scripts/lib/emulator.sh"
# shellcheck source=lib/cross.sh
source "$root/scripts/lib/cross.sh"

skip() {
    echo "== ARM64: skipped: $*"
    exit 0
}
fail() {
    echo "test-arm64: $*" >&2
    exit 1
}

echo "== the AArch64 toolchain"
[ "$(uname -s)" = Linux ] || skip "Linux only (Debian's cross compiler and qemu-user)"
[ "$(uname -m)" = x86_64 ] || skip "written for an x86_64 host (this one is $(uname -m))"
missing=()
command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu)
[ -f "$sysroot/include/stdio.h" ] || missing+=(libc6-dev-arm64-cross)
command -v qemu-aarch64 >/dev/null || command -v qemu-aarch64-static >/dev/null ||
    missing+=(qemu-user)
# `file` and `readelf` check what was built (a minimal image may lack both).
command -v file >/dev/null || missing+=(file)
command -v readelf >/dev/null || missing+=(binutils)
if [ ${#missing[@]} -gt 0 ]; then
    cross_apt "${missing[@]}" || skip "cannot install ${missing[*]} (apt)"
fi
qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static) ||
    skip "no qemu-aarch64 after installing qemu-user"
cross_rust_target "$triple" || skip "cannot add the Rust target $triple (rustup)"
echo "   $(aarch64-linux-gnu-gcc --version | head -n 1); $("$qemu" --version | head -n 1)"

# The cross linker and C compiler (ring compiles C and assembly), and qemu to run what
# cargo builds for the target.
upper=${triple^^}
upper=${upper//-/_}
export "CARGO_TARGET_${upper}_LINKER=aarch64-linux-gnu-gcc"
export "CARGO_TARGET_${upper}_RUNNER=$qemu -L $sysroot"
export "CC_${triple//-/_}=aarch64-linux-gnu-gcc"
export "AR_${triple//-/_}=aarch64-linux-gnu-ar"

echo "== building liboffblocks for $triple (release) and offblocks-sandbox (host)"
(cd "$root" && cargo build --release --locked -p offblocks --lib --target "$triple")
(cd "$root" && cargo build --release --locked -p offblocks-sandbox --bin offblocks-sandbox)

echo "== the AArch64 library"
for file in "$lib/liboffblocks.so" "$lib/liboffblocks.a"; do
    [ -f "$file" ] || fail "no $file"
done
file -L "$lib/liboffblocks.so" | grep -q 'ELF 64-bit LSB shared object, ARM aarch64' ||
    fail "not an AArch64 shared object: $(file -L "$lib/liboffblocks.so")"
# Every member of the archive that is an object file is AArch64 too.
aarch64-linux-gnu-objdump -f "$lib/liboffblocks.a" 2>/dev/null |
    awk '/file format/ { print $NF }' | sort -u >"$work/formats"
[ "$(cat "$work/formats")" = elf64-littleaarch64 ] ||
    fail "liboffblocks.a holds objects of format(s): $(tr '\n' ' ' <"$work/formats")"
cross_check_exports "$lib/liboffblocks.so" aarch64-linux-gnu-nm
# A program linked against it asks for its SONAME (liboffblocks.so.0.2) at start-up.
# shellcheck source=lib/soname.sh
source "$root/scripts/lib/soname.sh"
offblocks_soname_link "$lib" >/dev/null
echo "   liboffblocks.so $(stat -c %s "$lib/liboffblocks.so") bytes" \
    "(stripped $(aarch64-linux-gnu-strip --strip-unneeded -o "$work/stripped.so" \
        "$lib/liboffblocks.so" && stat -c %s "$work/stripped.so")), glibc" \
    "$(glibc_newest "$lib/liboffblocks.so" | sed 's/GLIBC_//') at newest"

echo "== building the C programs for AArch64"
here="$root/bindings/c"
cc=aarch64-linux-gnu-gcc
cflags=(-std=c11 -Wall -Wextra -Werror -g -I "$root/include")
ubsan=(-fsanitize=undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
sources=("$here/test_offblocks.c" "$here/test_network.c" "$here/test_inbox.c" "$here/test_request_signer.c")
"$cc" "${cflags[@]}" "${ubsan[@]}" "${sources[@]}" -L "$lib" -loffblocks \
    -Wl,-rpath,"$lib" -lpthread -o "$work/test_dynamic"
"$cc" "${cflags[@]}" "${sources[@]}" "$lib/liboffblocks.a" -lpthread -ldl -lm \
    -o "$work/test_static"
"$cc" "${cflags[@]}" "${ubsan[@]}" "$here/onboarding.c" -L "$lib" -loffblocks \
    -Wl,-rpath,"$lib" -o "$work/onboarding"
aarch64-linux-gnu-readelf -d "$work/test_static" | grep -q 'liboffblocks' &&
    fail "test_static is linked to liboffblocks.so"
file "$work/test_dynamic" | grep -q 'ARM aarch64' || fail "test_dynamic is not AArch64"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# A fresh emulator for each program (the tests rotate and revoke its credentials).
start_sandbox() {
    unset OFFBLOCKS_PROXY_URL
    emulator_start --proxy
    [ -n "${OFFBLOCKS_PROXY_URL:-}" ] || fail "the emulator printed no OFFBLOCKS_PROXY_URL"
}
run() { "$qemu" -L "$sysroot" "$@"; }

echo "== test_offblocks (AArch64, dynamic, UBSan, qemu)"
start_sandbox
run "$work/test_dynamic"
echo "== test_offblocks (AArch64, static, qemu)"
start_sandbox
run "$work/test_static"
echo "== onboarding example (AArch64, dynamic, UBSan, qemu)"
start_sandbox
run "$work/onboarding" >"$work/onboarding.out" ||
    { cat "$work/onboarding.out" >&2; fail "the onboarding example failed under qemu"; }
grep -q 'active' "$work/onboarding.out" ||
    { cat "$work/onboarding.out" >&2; fail "the onboarding example did not finish"; }
emulator_stop

if [ "${OFFBLOCKS_ARM64_RUST_TESTS:-1}" != 0 ]; then
    echo "== Rust unit tests (AArch64, qemu)"
    (cd "$root" && cargo test --locked -p offblocks --lib --target "$triple")
else
    echo "== Rust unit tests (AArch64): left out (OFFBLOCKS_ARM64_RUST_TESTS=0)"
fi
echo "== ARM64 tests passed"
