# Running commands inside the Swift toolchain's root (setup-toolchain.sh), for bash
# scripts. Source it, then:
#
#   swift_chroot_run DIR CMD [ARGS...]   runs CMD in the root, in directory DIR (a path
#                                        inside the repository), with /proc mounted and the
#                                        repository bind-mounted at its own path, so that
#                                        paths mean the same inside and out; unmounts both
#                                        afterwards, however CMD ends
#
# Reads SWIFT_CHROOT (the root's directory, set by the caller from setup-toolchain.sh's
# output) and SWIFT_BIND_DIRS (space-separated directories outside the repository to
# bind-mount at their own paths too, e.g. a CARGO_TARGET_DIR elsewhere). Variables named in SWIFT_PASS_ENV (space-separated) are passed through; the
# rest of the environment is not.

_swift_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

_swift_umount() {
    local root=$1 dir
    for dir in ${SWIFT_BIND_DIRS:-}; do
        umount "$root$dir" 2>/dev/null || true
    done
    umount "$root$_swift_repo" 2>/dev/null || true
    umount "$root/proc" 2>/dev/null || true
}

swift_chroot_run() {
    local dir=$1
    shift
    local root=${SWIFT_CHROOT:?SWIFT_CHROOT is not set}
    local env_args=(PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8)
    local name
    for name in ${SWIFT_PASS_ENV:-}; do
        [ -n "${!name+x}" ] && env_args+=("$name=${!name}")
    done
    mkdir -p "$root$_swift_repo"
    # A mount left by an interrupted run is reused, not stacked.
    mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
    mountpoint -q "$root$_swift_repo" || mount --bind "$_swift_repo" "$root$_swift_repo"
    for name in ${SWIFT_BIND_DIRS:-}; do
        mkdir -p "$root$name"
        mountpoint -q "$root$name" || mount --bind "$name" "$root$name"
    done
    local rc=0
    chroot "$root" /usr/bin/env -i "${env_args[@]}" sh -c 'cd "$1" && shift && exec "$@"' sh "$dir" "$@" || rc=$?
    _swift_umount "$root"
    return "$rc"
}
