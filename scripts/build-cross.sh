#!/usr/bin/env bash
# The library and the Python wheel for the platforms this machine is not: ARM64 Linux
# (servers: AWS Graviton, Ampere) and macOS on Apple silicon and on Intel (developers):
#
#   bash scripts/build-cross.sh [linux-arm64] [macos-arm64] [macos-x86_64]   (default: all)
#
# For each platform, with `cargo zigbuild --release --locked` (zig as the cross linker;
# cargo-zigbuild and zig are installed on first use, scripts/lib/cross.sh):
#
#   platform       Rust target                      wheel tag
#   linux-arm64    aarch64-unknown-linux-gnu.2.17   manylinux2014_aarch64.manylinux_2_17_aarch64
#   macos-arm64    aarch64-apple-darwin             macosx_13_0_arm64
#   macos-x86_64   x86_64-apple-darwin              macosx_13_0_x86_64
#
# it builds the shared and static library and the emulator, and checks them: the
# architecture (`file`), that the shared library exports exactly the header's functions
# (llvm-nm), what they link to (glibc 2.17 at newest for Linux; only system libraries
# and frameworks for macOS, whose minimum version is the wheel's tag). Then the wheel:
# bindings/python/setup.py bundles the stripped binaries, `wheel tags` sets the
# platform, and for Linux `auditwheel repair` checks and tags it as for x86_64. Written to target/cross/<platform>/ (the binaries, the header)
# and target/cross/wheels/.
#
# Then what can run here runs: the ARM64 Linux wheel's library and emulator under
# qemu-user (test_offblocks of bindings/c, built for AArch64 against the wheel's
# liboffblocks.so, against the wheel's emulator, both under qemu), when Debian's
# AArch64 cross compiler and qemu are installed (scripts/test-arm64.sh installs them).
# Nothing built for macOS runs here: no macOS, no Apple SDK. The builds use their own
# target directory (target/cross) so that they and scripts/test-arm64.sh, which links
# the AArch64 library with Debian's gcc, do not rebuild each other's.
#
# When cargo-zigbuild or zig cannot be had it prints "== cross builds: skipped: <why>" and
# exits 0. Environment: CARGO_TARGET_DIR (default <repo>/target), PYTHON.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
cross="$target/cross"
tools="$target/wheel-tools"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
# shellcheck source=lib/cross.sh
source "$root/scripts/lib/cross.sh"
# shellcheck source=lib/emulator.sh
source "$root/scripts/lib/emulator.sh"

fail() {
    echo "build-cross: $*" >&2
    exit 1
}
skip() {
    echo "== cross builds: skipped: $*"
    exit 0
}

platforms=("$@")
[ ${#platforms[@]} -gt 0 ] || platforms=(linux-arm64 macos-arm64 macos-x86_64)
for platform in "${platforms[@]}"; do
    case "$platform" in
        linux-arm64 | macos-arm64 | macos-x86_64) ;;
        *) fail "unknown platform $platform (linux-arm64, macos-arm64, macos-x86_64)" ;;
    esac
done

[ "$(uname -s)" = Linux ] || skip "written for a Linux host"
echo "== cross builds: cargo-zigbuild and zig"
zigbuild_setup || skip "cargo-zigbuild or zig cannot be had"
command -v llvm-nm >/dev/null || cross_apt llvm || skip "no llvm-nm (apt-get install llvm)"
command -v file >/dev/null || cross_apt file || skip "no file (apt-get install file)"
version=$(awk '/^\[/ { in_package = ($0 == "[package]") }
    in_package && /^version *=/ { gsub(/^version *= *"|".*$/, ""); print; exit }' \
    "$root/Cargo.toml")
mkdir -p "$cross/wheels"

# The minimum macOS version a Mach-O file says it needs (LC_BUILD_VERSION's minos, or
# the older LC_VERSION_MIN_MACOSX's version).
macos_min() {
    llvm-objdump --macho --private-headers "$1" | awk '
        /cmd LC_BUILD_VERSION|cmd LC_VERSION_MIN_MACOSX/ { seen = 1 }
        seen && $1 == "minos" { print $2; exit }
        seen && $1 == "version" { print $2; exit }'
}

# Builds and checks PLATFORM's binaries into $cross/PLATFORM, then its wheel.
build() {
    local platform=$1 triple zig_target kind libfile out started
    case "$platform" in
        linux-arm64) triple=aarch64-unknown-linux-gnu zig_target=$triple.2.17 libfile=liboffblocks.so ;;
        macos-arm64) triple=aarch64-apple-darwin zig_target=$triple libfile=liboffblocks.dylib ;;
        macos-x86_64) triple=x86_64-apple-darwin zig_target=$triple libfile=liboffblocks.dylib ;;
    esac
    out="$cross/$platform"
    echo "== $platform: cargo zigbuild --target $zig_target (release)"
    cross_rust_target "$triple" || fail "cannot add the Rust target $triple (rustup)"
    started=$SECONDS
    if [ "$platform" = linux-arm64 ]; then
        (cd "$root" && CARGO_TARGET_DIR="$cross" cargo zigbuild --release --locked \
            -p offblocks --lib --target "$zig_target")
    else
        # The dylib's install name: without it the linker records the build path, and a
        # program linked to the library looks for it there. @rpath lets the app say where.
        (cd "$root" && CARGO_TARGET_DIR="$cross" cargo-zigbuild rustc --release --locked \
            -p offblocks --lib --crate-type cdylib --crate-type staticlib \
            --target "$zig_target" -- -C link-arg=-Wl,-install_name,@rpath/liboffblocks.dylib)
    fi
    (cd "$root" && CARGO_TARGET_DIR="$cross" cargo zigbuild --release --locked \
        -p offblocks-sandbox --bin offblocks-sandbox --target "$zig_target")
    echo "   built in $((SECONDS - started)) s"
    rm -rf "$out"
    mkdir -p "$out"
    cp "$cross/$triple/release/$libfile" "$cross/$triple/release/liboffblocks.a" \
        "$cross/$triple/release/offblocks-sandbox" "$root/include/offblocks.h" "$out/"

    echo "== $platform: checks"
    local lib="$out/$libfile" sandbox="$out/offblocks-sandbox" arch file_arch
    case "$platform" in
        linux-arm64)
            file_arch='ELF 64-bit LSB shared object, ARM aarch64'
            file -L "$lib" | grep -q "$file_arch" || fail "$lib: $(file -L "$lib")"
            file -L "$sandbox" | grep -q 'ELF 64-bit LSB .*, ARM aarch64' ||
                fail "$sandbox: $(file -L "$sandbox")"
            local f newest
            for f in "$lib" "$sandbox"; do
                newest=$(glibc_newest "$f" llvm-objdump)
                [ "$(printf '%s\n' GLIBC_2.17 "$newest" | sort -V | tail -n 1)" = GLIBC_2.17 ] ||
                    fail "$(basename "$f") needs $newest, newer than the GLIBC_2.17 floor"
                echo "   $(basename "$f"): AArch64 ELF, newest glibc symbol ${newest:-none}"
            done
            ;;
        macos-*)
            arch=${platform#macos-}
            file -L "$lib" | grep -q "Mach-O 64-bit $arch dynamically linked shared library" ||
                fail "$lib: $(file -L "$lib")"
            file -L "$sandbox" | grep -q "Mach-O 64-bit $arch executable" ||
                fail "$sandbox: $(file -L "$sandbox")"
            # What a Mac has: libSystem and the system frameworks, nothing else.
            local deps
            deps=$(llvm-objdump --macho --dylibs-used "$lib" "$sandbox" | awk 'NF > 1 && $1 ~ /^\// { print $1 }' | sort -u)
            if grep -vE '^(/usr/lib/|/System/Library/Frameworks/)' <<<"$deps"; then
                fail "links to libraries a Mac does not have (above)"
            fi
            echo "   $libfile and offblocks-sandbox: Mach-O $arch, linking to $(tr '\n' ' ' <<<"$deps")"
            local id
            id=$(llvm-objdump --macho --dylib-id "$lib" | tail -n 1)
            [ "$id" = @rpath/liboffblocks.dylib ] ||
                fail "$libfile's install name is $id, not @rpath/liboffblocks.dylib"
            echo "   install name $id, macOS $(macos_min "$lib") and later"
            if [ "$arch" = arm64 ]; then
                for f in "$lib" "$sandbox"; do
                    llvm-objdump --macho --private-headers "$f" | grep -q 'cmd LC_CODE_SIGNATURE' ||
                        fail "$(basename "$f") is not signed: Apple silicon will not load it"
                done
                echo "   both signed (LC_CODE_SIGNATURE), as Apple silicon requires"
            fi
            ;;
    esac
    cross_check_exports "$lib" llvm-nm
    echo "   $libfile $(stat -c %s "$lib") bytes, liboffblocks.a $(stat -c %s "$out/liboffblocks.a")," \
        "offblocks-sandbox $(stat -c %s "$sandbox")"

    echo "== $platform: the wheel"
    # The Linux binaries are stripped as build-wheel.sh strips them. The macOS ones are
    # not: the linker signed them (ad hoc, which Apple silicon requires of all code), and
    # stripping would break that signature, with nothing here to sign them again.
    mkdir -p "$work/$platform"
    if [ "$platform" = linux-arm64 ]; then
        llvm-strip --strip-unneeded -o "$work/$platform/$libfile" "$lib"
        llvm-strip -o "$work/$platform/offblocks-sandbox" "$sandbox"
        cross_check_exports "$work/$platform/$libfile" llvm-nm >/dev/null ||
            fail "stripping lost exports of $libfile"
    else
        cp "$lib" "$sandbox" "$work/$platform/"
    fi
    rm -rf "$work/dist" "$root/bindings/python/build"
    (cd "$root" && OFFBLOCKS_PREBUILT_LIB="$work/$platform/$libfile" \
        OFFBLOCKS_PREBUILT_SANDBOX="$work/$platform/offblocks-sandbox" \
        "$tools/bin/python" -m pip wheel --quiet --no-deps --no-build-isolation \
        --wheel-dir "$work/dist" ./bindings/python)
    rm -rf "$root/bindings/python/build"
    local built tag wheel
    built=$(ls "$work"/dist/offblocks-"$version"-py3-none-*.whl)
    case "$platform" in
        linux-arm64) tag=linux_aarch64 ;;
        macos-arm64) tag=macosx_$(macos_min "$lib" | tr . _)_arm64 ;;
        macos-x86_64) tag=macosx_$(macos_min "$lib" | tr . _)_x86_64 ;;
    esac
    built=$("$tools/bin/wheel" tags --remove --platform-tag "$tag" "$built")
    built="$work/dist/$built"
    case "$platform" in
        linux-arm64) rm -f "$cross"/wheels/offblocks-*-py3-none-manylinux*_aarch64.whl ;;
        macos-arm64) rm -f "$cross"/wheels/offblocks-*-py3-none-macosx_*_arm64.whl ;;
        macos-x86_64) rm -f "$cross"/wheels/offblocks-*-py3-none-macosx_*_x86_64.whl ;;
    esac
    if [ "$platform" = linux-arm64 ]; then
        PATH="$tools/bin:$PATH" "$tools/bin/auditwheel" show "$built"
        # --plat lists only this machine's architecture; left alone, auditwheel takes the
        # wheel's own (aarch64) and its oldest policy, as `show` printed.
        PATH="$tools/bin:$PATH" "$tools/bin/auditwheel" repair --wheel-dir "$cross/wheels" "$built"
        wheel="$cross/wheels/offblocks-$version-py3-none-manylinux2014_aarch64.manylinux_2_17_aarch64.whl"
    else
        cp "$built" "$cross/wheels/"
        wheel="$cross/wheels/$(basename "$built")"
    fi
    [ -f "$wheel" ] || fail "no $wheel; in $cross/wheels: $(ls "$cross/wheels")"
    "$tools/bin/python" - "$wheel" "$libfile" <<'EOF'
import stat, sys, zipfile
wheel, libfile = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    infos = {i.filename: i for i in z.infolist()}
    tag = next(line.split(": ", 1)[1] for line in z.read(next(
        n for n in infos if n.endswith(".dist-info/WHEEL"))).decode().splitlines()
        if line.startswith("Tag: "))
    for name in (f"offblocks/{libfile}", "offblocks/offblocks-sandbox"):
        info = infos.get(name)
        if info is None or not (info.external_attr >> 16) & stat.S_IXUSR:
            sys.exit(f"{wheel}: {name} missing or not executable")
    others = [n for n in infos if n.startswith("offblocks/lib") and n != f"offblocks/{libfile}"]
    if others:
        sys.exit(f"{wheel}: holds another platform's library too: {others}")
print(f"   {wheel.rsplit('/', 1)[1]} (WHEEL: Tag: {tag})")
EOF
}

run_linux_arm64() {
    local sysroot=/usr/aarch64-linux-gnu qemu
    qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)
    if [ -z "$qemu" ] || ! command -v aarch64-linux-gnu-gcc >/dev/null ||
        [ ! -f "$sysroot/include/stdio.h" ]; then
        echo "== linux-arm64: not run (needs qemu-user, gcc-aarch64-linux-gnu and" \
            "libc6-dev-arm64-cross: scripts/test-arm64.sh installs them)"
        return 0
    fi
    echo "== linux-arm64: the wheel's library and emulator under qemu"
    local wheel unpacked="$work/linux-arm64-wheel"
    wheel=$(ls "$cross"/wheels/offblocks-"$version"-py3-none-manylinux2014_aarch64.manylinux_2_17_aarch64.whl)
    "$tools/bin/python" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
        "$wheel" "$unpacked"
    chmod +x "$unpacked/offblocks/offblocks-sandbox"
    # shellcheck source=lib/soname.sh
    source "$root/scripts/lib/soname.sh"
    offblocks_soname_link "$unpacked/offblocks" >/dev/null
    aarch64-linux-gnu-gcc -std=c11 -Wall -Wextra -Werror -I "$root/include" \
        "$root/bindings/c/test_offblocks.c" "$root/bindings/c/test_network.c" "$root/bindings/c/test_inbox.c" \
        "$root/bindings/c/test_request_signer.c" \
        -L "$unpacked/offblocks" -loffblocks -Wl,-rpath,"$unpacked/offblocks" -lpthread \
        -o "$work/test_wheel_lib"
    # emulator_start runs $CARGO_TARGET_DIR/release/offblocks-sandbox: here the wheel's.
    mkdir -p "$work/emulator/release"
    ln -s "$unpacked/offblocks/offblocks-sandbox" "$work/emulator/release/offblocks-sandbox"
    EMULATOR_PREFIX=("$qemu" -L "$sysroot")
    unset OFFBLOCKS_PROXY_URL
    CARGO_TARGET_DIR="$work/emulator" EMULATOR_TIMEOUT=60 emulator_start --proxy
    EMULATOR_PREFIX=()
    [ -n "${OFFBLOCKS_PROXY_URL:-}" ] || fail "the wheel's emulator printed no OFFBLOCKS_PROXY_URL"
    echo "   the wheel's offblocks-sandbox (AArch64, qemu) at $OFFBLOCKS_BASE_URL"
    "$qemu" -L "$sysroot" "$work/test_wheel_lib"
    emulator_stop
    echo "   test_offblocks passed against the wheel's liboffblocks.so, both under qemu"
}

for platform in "${platforms[@]}"; do
    build "$platform"
    [ "$platform" != linux-arm64 ] || run_linux_arm64
done
echo "== cross builds done: $(cd "$cross/wheels" && ls offblocks-"$version"-*.whl | tr '\n' ' ')"
echo "   built, not run here: $(printf '%s\n' "${platforms[@]}" | grep macos | tr '\n' ' ')"
