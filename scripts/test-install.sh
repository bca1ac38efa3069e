#!/usr/bin/env bash
# The C library as a C programmer gets it: `scripts/install.sh` into a temporary prefix,
# then the example (bindings/c/onboarding.c) built with nothing but what pkg-config says
# about that prefix, and run against a fresh emulator:
#
#   shared: cc onboarding.c $(pkg-config --cflags --libs offblocks)
#   static: the same with `pkg-config --static`, the archive asked for by file name
#
# Checks on the way: pkg-config reports Cargo.toml's version; the installed header is the
# repository's; the shared program loads the prefix's liboffblocks.so, the static one
# needs no liboffblocks at all.
# Environment: CARGO_TARGET_DIR (default <repo>/target), CC (default gcc).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC:-gcc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
# shellcheck source=lib/emulator.sh
source "$root/scripts/lib/emulator.sh"
fail() {
    echo "test-install: $*" >&2
    exit 1
}

prefix="$work/prefix"
bash "$root/scripts/install.sh" "$prefix"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
unset PKG_CONFIG_LIBDIR

echo "== pkg-config"
version=$(awk '/^\[/ { in_package = ($0 == "[package]") }
    in_package && /^version *=/ { gsub(/^version *= *"|".*$/, ""); print; exit }' \
    "$root/Cargo.toml")
[ "$(pkg-config --modversion offblocks)" = "$version" ] \
    || fail "pkg-config says version $(pkg-config --modversion offblocks), Cargo.toml $version"
[ "$(pkg-config --variable=prefix offblocks)" = "$prefix" ] || fail "wrong prefix in offblocks.pc"
cmp -s "$prefix/include/offblocks.h" "$root/include/offblocks.h" || fail "installed header differs"
echo "   offblocks $version: $(pkg-config --static --cflags --libs offblocks)"

# The example, copied away from the repository so that nothing but pkg-config's flags
# can point the compiler at a header or a library.
cp "$root/bindings/c/onboarding.c" "$work/"
cflags=(-std=c11 -Wall -Wextra -Werror)

echo "== building the example: shared"
# shellcheck disable=SC2046 # pkg-config's output is a list of flags
"$cc" "${cflags[@]}" "$work/onboarding.c" $(pkg-config --cflags --libs offblocks) \
    -o "$work/onboarding-shared"
resolved=$(LD_LIBRARY_PATH="$prefix/lib" ldd "$work/onboarding-shared" | awk '/liboffblocks/ { print $3 }')
[ "$resolved" = "$prefix/lib/liboffblocks.so" ] \
    || fail "the shared example loads '$resolved', not $prefix/lib/liboffblocks.so"

echo "== building the example: static"
# With both libraries installed, `-loffblocks` finds liboffblocks.so first: ask for the
# archive by file name and keep the rest of the static link line as pkg-config gives it.
static_libs=$(pkg-config --static --libs offblocks)
[[ " $static_libs " == *" -loffblocks "* ]] || fail "no -loffblocks in: $static_libs"
# shellcheck disable=SC2046,SC2086
"$cc" "${cflags[@]}" "$work/onboarding.c" $(pkg-config --cflags offblocks) \
    ${static_libs/-loffblocks/-l:liboffblocks.a} -o "$work/onboarding-static"
if ldd "$work/onboarding-static" | grep -q liboffblocks; then
    fail "the static example depends on liboffblocks.so"
fi

echo "== running both against the emulator"
(cd "$root" && cargo build --release --locked -p offblocks-sandbox --bin offblocks-sandbox)
emulator_start || fail "the emulator did not start"

for kind in shared static; do
    echo "   onboarding-$kind"
    LD_LIBRARY_PATH="$prefix/lib" "$work/onboarding-$kind" >"$work/$kind.out" \
        || { cat "$work/$kind.out" >&2; fail "onboarding-$kind failed"; }
    # It prints the library's version, each step, then the onboarded customer and account.
    grep -q "^offblocks $version, api $OFFBLOCKS_BASE_URL\$" "$work/$kind.out" \
        && grep -Eq '^ *[0-9]+ ms  done +active ' "$work/$kind.out" \
        && grep -q '^onboarded: {' "$work/$kind.out" \
        || { cat "$work/$kind.out" >&2; fail "onboarding-$kind did not finish"; }
done
echo "== the installed C library works, shared and static"
