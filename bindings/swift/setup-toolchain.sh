#!/usr/bin/env bash
# A Swift toolchain for the Swift binding's tests, without touching the host system:
# a minimal Debian trixie root made by debootstrap, with trixie's `swiftlang` (Swift 6)
# installed in it, created on first use and kept under <target>/swift-chroot.
#
#   bash bindings/swift/setup-toolchain.sh      prints the chroot's path on its last line
#
# Idempotent: a finished root carries a marker file and is reused as it is (delete the
# directory to build it anew). Exit status:
#   0  the toolchain is ready
#   3  it cannot be had on this machine (not root, no apt/debootstrap, no route to
#      Debian's archive); the reason is on stderr, as "unavailable: ..."
#   anything else: a real failure while building it
#
# Needs root (debootstrap and chroot), Debian's archive through apt, about 3.5 GB of disk.
# Swift's driver finds its runtime through /proc/self/exe, so everything run inside the
# root needs /proc mounted there: bindings/swift/lib.sh (swift_chroot_run) does that.
# Environment: CARGO_TARGET_DIR (default <repo>/target), SWIFT_CHROOT (overrides the
# directory), SWIFT_SUITE (default trixie).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
chroot_dir=${SWIFT_CHROOT:-$target/swift-chroot}
suite=${SWIFT_SUITE:-trixie}
marker="$chroot_dir/.offblocks-swift-ready"
# openssl: the request-signer tests sign in an `openssl` child process.
packages=(swiftlang libc6-dev ca-certificates openssl)

unavailable() { echo "unavailable: $*" >&2; exit 3; }

# (/usr/bin/swift is an absolute symlink: it resolves inside the root only, so it is
# tested as a link.)
if [ -f "$marker" ] && { [ -L "$chroot_dir/usr/bin/swift" ] || [ -x "$chroot_dir/usr/bin/swift" ]; }; then
    echo "$chroot_dir"
    exit 0
fi

[ "$(id -u)" = 0 ] || unavailable "needs root for debootstrap and chroot"
command -v apt-get >/dev/null || unavailable "no apt-get on this machine"

started=$(date +%s)
apt_host() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
if ! command -v debootstrap >/dev/null; then
    echo "== installing debootstrap on the host" >&2
    { apt_host update -qq && DEBIAN_FRONTEND=noninteractive apt_host install -y -qq debootstrap; } >&2 \
        || unavailable "apt-get could not install debootstrap"
fi

# Never delete a directory with something mounted under it (lib.sh bind-mounts the
# repository into the root while tests run).
mounted_under() { awk -v d="$1/" 'index($2 "/", d) == 1 { found = 1 } END { exit !found }' /proc/mounts; }
for dir in "$chroot_dir" "$chroot_dir.partial"; do
    if mounted_under "$dir"; then
        echo "setup-toolchain.sh: something is mounted under $dir (a run in progress?); not touching it" >&2
        exit 1
    fi
done

# A half-made root from an interrupted run is started over.
partial="$chroot_dir.partial"
rm -rf "$partial"
mkdir -p "$(dirname "$chroot_dir")"

echo "== debootstrap --variant=minbase $suite (cold setup, once)" >&2
if ! debootstrap --variant=minbase "$suite" "$partial" >"$target/swift-debootstrap.log" 2>&1; then
    tail -n 20 "$target/swift-debootstrap.log" >&2
    if grep -qiE 'resolv|connect|download|Release' "$target/swift-debootstrap.log"; then
        rm -rf "$partial"
        unavailable "debootstrap could not reach Debian's archive (log: $target/swift-debootstrap.log)"
    fi
    exit 1
fi

cleanup() { umount "$partial/proc" 2>/dev/null || true; }
trap cleanup EXIT
mount -t proc proc "$partial/proc"
cp /etc/resolv.conf "$partial/etc/resolv.conf" 2>/dev/null || true
echo "== apt-get install ${packages[*]} (inside the root)" >&2
chroot "$partial" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends ${packages[*]} && apt-get clean" \
    >"$target/swift-apt.log" 2>&1 || { tail -n 20 "$target/swift-apt.log" >&2; exit 1; }
chroot "$partial" /usr/bin/swift --version >&2
cleanup
trap - EXIT

# A root without its marker (an interrupted move) is replaced.
rm -rf "$chroot_dir"
mv "$partial" "$chroot_dir"
echo "built in $(($(date +%s) - started)) s" >"$marker"
echo "== Swift toolchain ready in $(($(date +%s) - started)) s: $chroot_dir" >&2
echo "$chroot_dir"
