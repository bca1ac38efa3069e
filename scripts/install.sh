#!/usr/bin/env bash
# Installs the C library for C and C++ programs:
#
#   bash scripts/install.sh PREFIX
#
#   PREFIX/include/offblocks.h
#   PREFIX/lib/liboffblocks.so.X.Y.Z    the shared library, SONAME liboffblocks.so.X.Y
#   PREFIX/lib/liboffblocks.so.X.Y      -> liboffblocks.so.X.Y.Z (what programs load)
#   PREFIX/lib/liboffblocks.so          -> liboffblocks.so.X.Y   (what `-loffblocks` finds)
#   PREFIX/lib/liboffblocks.a           the static library
#   PREFIX/lib/pkgconfig/offblocks.pc   for `pkg-config --cflags --libs offblocks`
#   PREFIX/lib/cmake/offblocks/         for CMake's `find_package(offblocks)`: the
#                                       imported targets offblocks::offblocks (shared)
#                                       and offblocks::offblocks_static
#
# The SONAME holds MAJOR.MINOR while the major version is 0 (a 0.x minor release may
# break the ABI), MAJOR from 1.0 on; build.rs sets it. A program records it when linked,
# so an incompatible upgrade installs beside the old library instead of breaking it.
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
# offblocks` (CARGO_TARGET_DIR honoured). Linux only for now: macOS would need the
# library's install name set.
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
IFS=. read -r major minor _ <<<"$version"
if [ "$major" = 0 ]; then soversion="$major.$minor"; else soversion="$major"; fi

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
built="$target/release/liboffblocks.so"
soname=$(readelf -d "$built" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ "$soname" != "liboffblocks.so.$soversion" ]; then
    echo "install.sh: $built has SONAME '$soname', expected liboffblocks.so.$soversion" >&2
    exit 1
fi
install -d "$dest/include" "$dest/lib/pkgconfig" "$dest/lib/cmake/offblocks"
install -m 0644 include/offblocks.h "$dest/include/offblocks.h"
install -m 0755 "$built" "$dest/lib/liboffblocks.so.$version"
ln -sfn "liboffblocks.so.$version" "$dest/lib/liboffblocks.so.$soversion"
ln -sfn "liboffblocks.so.$soversion" "$dest/lib/liboffblocks.so"
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

# The CMake package. It finds the prefix from its own place (lib/cmake/offblocks/ is
# three levels under it), so a staged or moved install works.
cmake_libs=""
for flag in $libs_private; do
    cmake_libs="$cmake_libs;${flag#-l}"
done
cmake_libs=${cmake_libs#;}
cat >"$dest/lib/cmake/offblocks/offblocksConfig.cmake" <<EOF
# CMake package of the OffBlocks SDK's C library $version (written by scripts/install.sh).
#
#   find_package(offblocks $major.$minor REQUIRED)
#   target_link_libraries(app PRIVATE offblocks::offblocks)          # shared
#   target_link_libraries(app PRIVATE offblocks::offblocks_static)   # static
#
# Both targets carry the include directory; the static one also the system libraries
# the archive needs.

get_filename_component(_offblocks_prefix "\${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

foreach(_offblocks_file
    "\${_offblocks_prefix}/include/offblocks.h"
    "\${_offblocks_prefix}/lib/liboffblocks.so.$version"
    "\${_offblocks_prefix}/lib/liboffblocks.a")
  if(NOT EXISTS "\${_offblocks_file}")
    set(offblocks_FOUND FALSE)
    set(offblocks_NOT_FOUND_MESSAGE "\${_offblocks_file} is missing from the install")
    unset(_offblocks_file)
    unset(_offblocks_prefix)
    return()
  endif()
endforeach()
unset(_offblocks_file)

if(NOT TARGET offblocks::offblocks)
  add_library(offblocks::offblocks SHARED IMPORTED)
  set_target_properties(offblocks::offblocks PROPERTIES
    IMPORTED_LOCATION "\${_offblocks_prefix}/lib/liboffblocks.so.$version"
    IMPORTED_SONAME "liboffblocks.so.$soversion"
    INTERFACE_INCLUDE_DIRECTORIES "\${_offblocks_prefix}/include")
endif()

if(NOT TARGET offblocks::offblocks_static)
  add_library(offblocks::offblocks_static STATIC IMPORTED)
  set_target_properties(offblocks::offblocks_static PROPERTIES
    IMPORTED_LOCATION "\${_offblocks_prefix}/lib/liboffblocks.a"
    IMPORTED_LINK_INTERFACE_LANGUAGES "C"
    INTERFACE_INCLUDE_DIRECTORIES "\${_offblocks_prefix}/include"
    INTERFACE_LINK_LIBRARIES "$cmake_libs")
endif()

unset(_offblocks_prefix)
EOF
cat >"$dest/lib/cmake/offblocks/offblocksConfigVersion.cmake" <<EOF
# Which requested versions this install of offblocks $version satisfies: the same
# MAJOR.MINOR while MAJOR is 0 (a 0.x minor release may break the ABI), the same MAJOR
# from 1.0 on, and never an older version than the one asked for. 64-bit only.
set(PACKAGE_VERSION "$version")
set(PACKAGE_VERSION_COMPATIBLE FALSE)
set(PACKAGE_VERSION_EXACT FALSE)
if(NOT PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION
   AND PACKAGE_FIND_VERSION_MAJOR EQUAL $major
   AND ($major GREATER 0 OR PACKAGE_FIND_VERSION_MINOR EQUAL $minor))
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION VERSION_EQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
if(DEFINED CMAKE_SIZEOF_VOID_P AND NOT CMAKE_SIZEOF_VOID_P EQUAL 8)
  set(PACKAGE_VERSION "$version (64-bit)")
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
endif()
EOF
chmod 0644 "$dest/lib/cmake/offblocks/"*.cmake

for f in include/offblocks.h "lib/liboffblocks.so.$version" "lib/liboffblocks.so.$soversion" \
    lib/liboffblocks.so lib/liboffblocks.a lib/pkgconfig/offblocks.pc \
    lib/cmake/offblocks/offblocksConfig.cmake lib/cmake/offblocks/offblocksConfigVersion.cmake; do
    echo "   $dest/$f"
done
