#!/usr/bin/env bash
# The C library as a C programmer gets it: `scripts/install.sh` into a temporary prefix,
# then the example (bindings/c/onboarding.c) built with nothing but what pkg-config or
# CMake's find_package say about that prefix, and run against a fresh emulator:
#
#   shared: cc onboarding.c $(pkg-config --cflags --libs offblocks)
#   static: the same with `pkg-config --static`, the archive asked for by file name
#   cmake:  bindings/c/CMakeLists.txt with offblocks::offblocks, then
#           offblocks::offblocks_static
#
# Checks on the way: the installed library is liboffblocks.so.VERSION with SONAME
# liboffblocks.so.MAJOR.MINOR (0.x) and the two links; pkg-config reports Cargo.toml's
# version; the installed header is the repository's; the shared programs record the
# SONAME and load the prefix's library through it, the static ones need no liboffblocks
# at all; the CMake package accepts the versions it should and refuses the others.
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

version=$(awk '/^\[/ { in_package = ($0 == "[package]") }
    in_package && /^version *=/ { gsub(/^version *= *"|".*$/, ""); print; exit }' \
    "$root/Cargo.toml")
IFS=. read -r major minor patch <<<"$version"
if [ "$major" = 0 ]; then soname="liboffblocks.so.$major.$minor"; else soname="liboffblocks.so.$major"; fi

echo "== the shared library's files and SONAME"
lib="$prefix/lib"
[ -f "$lib/liboffblocks.so.$version" ] && [ ! -L "$lib/liboffblocks.so.$version" ] \
    || fail "no file $lib/liboffblocks.so.$version"
[ "$(readlink "$lib/$soname")" = "liboffblocks.so.$version" ] \
    || fail "$lib/$soname is not a link to liboffblocks.so.$version"
[ "$(readlink "$lib/liboffblocks.so")" = "$soname" ] \
    || fail "$lib/liboffblocks.so is not a link to $soname"
got=$(readelf -d "$lib/liboffblocks.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$got" = "$soname" ] || fail "SONAME is '$got', expected $soname"
echo "   liboffblocks.so.$version, SONAME $soname"

# A shared program records the SONAME, and loads the prefix's library through it.
check_shared() {
    local program=$1 needed resolved
    needed=$(readelf -d "$program" | sed -n 's/.*(NEEDED).*\[\(liboffblocks[^]]*\)\]/\1/p')
    [ "$needed" = "$soname" ] || fail "$program needs '$needed', expected $soname"
    resolved=$(LD_LIBRARY_PATH="$lib" ldd "$program" | awk '/liboffblocks/ { print $3 }')
    [ "$resolved" = "$lib/$soname" ] || fail "$program loads '$resolved', not $lib/$soname"
}
check_static() {
    if ldd "$1" | grep -q liboffblocks; then
        fail "$1 depends on liboffblocks.so"
    fi
}

echo "== pkg-config"
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
check_shared "$work/onboarding-shared"

echo "== building the example: static"
# With both libraries installed, `-loffblocks` finds liboffblocks.so first: ask for the
# archive by file name and keep the rest of the static link line as pkg-config gives it.
static_libs=$(pkg-config --static --libs offblocks)
[[ " $static_libs " == *" -loffblocks "* ]] || fail "no -loffblocks in: $static_libs"
# shellcheck disable=SC2046,SC2086
"$cc" "${cflags[@]}" "$work/onboarding.c" $(pkg-config --cflags offblocks) \
    ${static_libs/-loffblocks/-l:liboffblocks.a} -o "$work/onboarding-static"
check_static "$work/onboarding-static"

echo "== CMake: the package's version rule"
# Before 1.0 a request is met by the same MAJOR.MINOR, at the requested patch or later.
mkdir -p "$work/cmake-version"
cat >"$work/cmake-version/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(version_check LANGUAGES NONE)
find_package(offblocks ${WANT} QUIET)
file(WRITE "${CMAKE_BINARY_DIR}/found" "${offblocks_FOUND}")
EOF
cmake_accepts() {
    rm -rf "$work/cmake-version/build"
    cmake -S "$work/cmake-version" -B "$work/cmake-version/build" -DCMAKE_PREFIX_PATH="$prefix" \
        -DWANT="$1" >"$work/cmake-version.log" 2>&1 || { cat "$work/cmake-version.log" >&2; fail "cmake failed"; }
    [ "$(cat "$work/cmake-version/build/found")" = 1 ]
}
cmake_accepts "$version" || fail "find_package(offblocks $version) failed"
cmake_accepts "$major.$minor" || fail "find_package(offblocks $major.$minor) failed"
if [ "$major" = 0 ]; then
    cmake_accepts "$major.$((minor + 1))" && fail "find_package(offblocks $major.$((minor + 1))) succeeded"
    [ "$minor" -gt 0 ] && cmake_accepts "$major.$((minor - 1))" \
        && fail "find_package(offblocks $major.$((minor - 1))) succeeded"
fi
cmake_accepts "$major.$minor.$((patch + 1))" && fail "find_package(offblocks $major.$minor.$((patch + 1))) succeeded"
cmake_accepts "$((major + 1))" && fail "find_package(offblocks $((major + 1))) succeeded"
echo "   $version satisfies $major.$minor and $version, refuses the others"

echo "== CMake: building the example, shared and static"
cp "$root/bindings/c/CMakeLists.txt" "$work/"
for kind in shared static; do
    flag=OFF
    [ "$kind" = static ] && flag=ON
    cmake -S "$work" -B "$work/cmake-$kind" -DCMAKE_PREFIX_PATH="$prefix" -DOFFBLOCKS_STATIC=$flag \
        -DCMAKE_C_COMPILER="$cc" >"$work/cmake-$kind.log" 2>&1 \
        && cmake --build "$work/cmake-$kind" >>"$work/cmake-$kind.log" 2>&1 \
        || { cat "$work/cmake-$kind.log" >&2; fail "the CMake $kind build failed"; }
    cp "$work/cmake-$kind/onboarding" "$work/onboarding-cmake-$kind"
done
check_shared "$work/onboarding-cmake-shared"
check_static "$work/onboarding-cmake-static"
# CMake gives the shared program an rpath to the prefix: it starts without LD_LIBRARY_PATH.
resolved=$(ldd "$work/onboarding-cmake-shared" | awk '/liboffblocks/ { print $3 }')
[ "$resolved" = "$lib/$soname" ] || fail "the CMake example loads '$resolved' without LD_LIBRARY_PATH"

echo "== running the four against the emulator"
(cd "$root" && cargo build --release --locked -p offblocks-sandbox --bin offblocks-sandbox)
emulator_start || fail "the emulator did not start"

for kind in shared static cmake-shared cmake-static; do
    echo "   onboarding-$kind"
    LD_LIBRARY_PATH="$prefix/lib" "$work/onboarding-$kind" >"$work/$kind.out" \
        || { cat "$work/$kind.out" >&2; fail "onboarding-$kind failed"; }
    # It prints the library's version, each step, then the onboarded customer and account.
    grep -q "^offblocks $version, api $OFFBLOCKS_BASE_URL\$" "$work/$kind.out" \
        && grep -Eq '^ *[0-9]+ ms  done +active ' "$work/$kind.out" \
        && grep -q '^onboarded: {' "$work/$kind.out" \
        || { cat "$work/$kind.out" >&2; fail "onboarding-$kind did not finish"; }
done
echo "== the installed C library works, shared and static, through pkg-config and CMake"
