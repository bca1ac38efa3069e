#!/usr/bin/env bash
# The Swift binding's tests on Linux, from a fresh clone:
#
#   bash bindings/swift/run-tests.sh
#
# 1. gets the Swift toolchain: `swift` on the PATH when there is one (SWIFT_USE_HOST=1
#    insists on it), else setup-toolchain.sh's Debian trixie root with `swiftlang`, made on
#    first use (2 to 3 minutes and 2.6 GB, once) and cached under <target>/swift-chroot;
#    when neither can be had (not root, no apt, no route to Debian's archive) it prints
#    "== Swift: skipped (…)" and exits 0;
# 2. builds liboffblocks and the emulator (release; cargo does nothing when they are up to
#    date), as the other bindings' runners do;
# 3. `swift test` in bindings/swift: XCTest against the emulator, which the tests start
#    themselves (`offblocks-sandbox --port 0 --exit-on-stdin-close`), linked against
#    <target>/release/liboffblocks.so (through the link named by its SONAME,
#    liboffblocks.so.0.2, made there). Its build goes to <target>/swift-build.
#
# Environment: CARGO_TARGET_DIR (default <repo>/target); SWIFT_TEST_ARGS are passed to
# `swift test` (e.g. `--filter AbiTests`).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}

mkdir -p "$target"
use_chroot=1
if [ -n "${SWIFT_USE_HOST:-}" ] || { command -v swift >/dev/null && swift --version >/dev/null 2>&1; }; then
    use_chroot=""
fi

if [ -n "$use_chroot" ]; then
    echo "== Swift toolchain (Debian trixie root with swiftlang, cached)"
    set +e
    SWIFT_CHROOT=$(bash "$here/setup-toolchain.sh" 2> >(tee "$target/swift-setup.err" >&2) | tail -n 1)
    rc=$?
    set -e
    if [ "$rc" = 3 ]; then
        reason=$(sed -n 's/^unavailable: //p' "$target/swift-setup.err" | tail -n 1)
        echo "== Swift: skipped (${reason:-no Swift toolchain on this machine})"
        exit 0
    elif [ "$rc" != 0 ]; then
        echo "run-tests.sh: setting up the Swift toolchain failed ($rc)" >&2
        exit "$rc"
    fi
    export SWIFT_CHROOT
    # A target directory outside the repository is mounted into the root as well.
    case "$target/" in "$root"/*) ;; *) export SWIFT_BIND_DIRS="$target" ;; esac
    # shellcheck source=lib.sh
    source "$here/lib.sh"
    trap '_swift_umount "$SWIFT_CHROOT"' EXIT
fi

command -v cargo >/dev/null || { echo "run-tests.sh: cargo is not installed" >&2; exit 1; }
echo "== building liboffblocks and offblocks-sandbox (release)"
(cd "$root" && cargo build --release --locked -p offblocks -p offblocks-sandbox)

# The test binary records the library's SONAME (liboffblocks.so.0.2): a link of that name
# beside liboffblocks.so lets it start.
# shellcheck source=../../scripts/lib/soname.sh
source "$root/scripts/lib/soname.sh"
offblocks_soname_link "$target/release" >/dev/null
export OFFBLOCKS_LIB_DIR="$target/release"
export OFFBLOCKS_SANDBOX_BIN="$target/release/offblocks-sandbox"
# The tests name the emulator they start; a server named by the caller's environment must
# not leak into them.
unset OFFBLOCKS_BASE_URL OFFBLOCKS_API_KEY OFFBLOCKS_API_SECRET

echo "== swift test (XCTest on Linux, against the emulator)"
# shellcheck disable=SC2086
swift_args=(swift test --scratch-path "$target/swift-build" ${SWIFT_TEST_ARGS:-})
if [ -n "$use_chroot" ]; then
    SWIFT_PASS_ENV="OFFBLOCKS_LIB_DIR OFFBLOCKS_SANDBOX_BIN" swift_chroot_run "$here" "${swift_args[@]}"
else
    (cd "$here" && "${swift_args[@]}")
fi
echo "== Swift tests passed"
