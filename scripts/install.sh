#!/usr/bin/env bash
# Installs the C library for C and C++ programs:
#
#   bash scripts/install.sh PREFIX
#
#   PREFIX/include/offblocks.h
#   PREFIX/lib/liboffblocks.so          the shared library
#   PREFIX/lib/liboffblocks.a           the static library
#   PREFIX/lib/pkgconfig/offblocks.pc   for `pkg-config --cflags --libs offblocks`
#
# The .pc file's Libs.private lists the system libraries the static library needs, as
# rustc reports them (`--print native-static-libs`), so `pkg-config --static --libs
# offblocks` is a complete static link line. When both libraries are installed, linkers
# take liboffblocks.so for `-loffblocks`; to link the archive, ask for it by file name:
#
#   cc app.c $(pkg-config --cflags --libs offblocks)                      # shared
#   libs=$(pkg-config --static --libs offblocks)
#   cc app.c $(pkg-config --cflags offblocks) ${libs/-loffblocks/-l:liboffblocks.a}   # static
#
# DESTDIR, as in `make install`, stages the files under DESTDIR/PREFIX while the .pc file
# names PREFIX. The library is the release build of `cargo build --release --locked -p
# offblocks` (CARGO_TARGET_DIR honoured). Linux only for now: the library has no SONAME
# yet, and macOS would need its install name set.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: bash scripts/install.sh PREFIX" >&2
    exit 2
fi
if [ "$(uname -s)" != Linux ]; then
    echo "install.sh: Linux only for now" >&2
    exit 1
fi
case "$1" in
    /*) prefix="${1%/}" ;;
    *) prefix="$(pwd)/${1%/}" ;;
esac
[ -n "$prefix" ] || prefix=/
dest="${DESTDIR:-}$prefix"

root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
cd "$root"

version=$(awk '/^\[/ { in_package = ($0 == "[package]") }
    in_package && /^version *=/ { gsub(/^version *= *"|".*$/, ""); print; exit }' Cargo.toml)
if [ -z "$version" ]; then
    echo "install.sh: no version in the [package] table of Cargo.toml" >&2
    exit 1
fi

echo "== building liboffblocks $version (release)"
cargo build --release --locked -p offblocks

# What the static library needs from the system, as rustc says. Asking rustc means
# linking the crate once more (`cargo rustc`, minutes with fat LTO), so the answer is
# kept, keyed by what decides it: the compiler (std's needs) and Cargo.lock (a crate that
# links a system library comes with a lock change). Delete the file to ask again.
native_static_libs() {
    local cache="$target/release/.offblocks-native-static-libs"
    local key
    key=$( { rustc -vV; cat Cargo.lock; } | sha256sum | cut -d' ' -f1)
    if [ -f "$cache" ] && [ "$(head -n1 "$cache")" = "$key" ]; then
        sed -n 2p "$cache"
        return
    fi
    local log="$cache.log" libs
    # The list is the same in every profile (std's needs and the crates' links), so ask
    # the dev profile: no fat-LTO relink of the release library just to read it.
    if ! cargo rustc --locked -p offblocks --lib --crate-type staticlib \
        -- --print native-static-libs >"$log" 2>&1; then
        cat "$log" >&2
        return 1
    fi
    libs=$(sed -n 's/^.*native-static-libs: //p' "$log" | tail -n1)
    if [ -z "$libs" ]; then
        echo "install.sh: rustc did not print native-static-libs (see $log)" >&2
        return 1
    fi
    printf '%s\n%s\n' "$key" "$libs" >"$cache"
    echo "$libs"
}
libs_private=$(native_static_libs)

echo "== installing into ${DESTDIR:+$DESTDIR}$prefix"
install -d "$dest/include" "$dest/lib/pkgconfig"
install -m 0644 include/offblocks.h "$dest/include/offblocks.h"
install -m 0755 "$target/release/liboffblocks.so" "$dest/lib/liboffblocks.so"
install -m 0644 "$target/release/liboffblocks.a" "$dest/lib/liboffblocks.a"
cat >"$dest/lib/pkgconfig/offblocks.pc" <<EOF
prefix=$prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: offblocks
Description: C ABI of the OffBlocks SDK (blocking client for the OffBlocks onboarding API)
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -loffblocks
Libs.private: $libs_private
EOF
chmod 0644 "$dest/lib/pkgconfig/offblocks.pc"

for f in include/offblocks.h lib/liboffblocks.so lib/liboffblocks.a lib/pkgconfig/offblocks.pc; do
    echo "   $dest/$f"
done
