# What the cross builds share (scripts/test-arm64.sh, scripts/build-cross.sh,
# scripts/build-wheel.sh). Source it, then:
#
#   cross_apt PACKAGE...        installs Debian packages that are missing (apt-get, as root
#                               or through sudo); returns 1 when it cannot
#   cross_rust_target TRIPLE    adds a Rust target with rustup when missing; returns 1
#                               when it cannot
#   zigbuild_setup              makes `cargo zigbuild` usable: cargo-zigbuild (crates.io,
#                               `cargo install --locked`, pinned) under
#                               target/tools/cargo-zigbuild-VERSION, and zig (the
#                               `ziglang` package of PyPI, pinned in
#                               bindings/python/requirements-wheel.txt) in the virtualenv
#                               target/wheel-tools; puts both on PATH. Returns 1, having
#                               said why, when either cannot be had.
#   glibc_newest FILE [OBJDUMP] prints the newest GLIBC_x.y symbol version FILE needs
#                               (OBJDUMP: default objdump; llvm-objdump reads any ELF)
#   cross_check_exports LIB NM  checks that the shared library LIB (ELF or Mach-O) exports
#                               exactly the functions include/offblocks.h declares, read
#                               with the nm command NM (aarch64-linux-gnu-nm, llvm-nm)
#
# Environment: CARGO_TARGET_DIR (default <repo>/target), PYTHON (the interpreter that
# creates the tools' virtualenv, default python3).

_cross_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CROSS_TARGET_DIR=${CARGO_TARGET_DIR:-$_cross_repo/target}
ZIGBUILD_VERSION=0.24.1

cross_apt() {
    command -v apt-get >/dev/null || return 1
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || return 1
        sudo="sudo -n"
    fi
    echo "   installing $* (apt)"
    { $sudo apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 \
            install -y -qq "$@" >/dev/null; } || return 1
}

cross_rust_target() {
    if rustc --print target-libdir --target "$1" >/dev/null 2>&1 &&
        [ -d "$(rustc --print target-libdir --target "$1")" ] &&
        [ -n "$(ls "$(rustc --print target-libdir --target "$1")" 2>/dev/null)" ]; then
        return 0
    fi
    command -v rustup >/dev/null || return 1
    echo "   adding the Rust target $1 (rustup)"
    rustup target add "$1" >/dev/null 2>&1
}

zigbuild_setup() {
    local tools="$CROSS_TARGET_DIR/wheel-tools"
    local root="$CROSS_TARGET_DIR/tools/cargo-zigbuild-$ZIGBUILD_VERSION"
    if [ ! -x "$root/bin/cargo-zigbuild" ]; then
        echo "   installing cargo-zigbuild $ZIGBUILD_VERSION into $root (cargo install)"
        if ! cargo install --quiet --locked --root "$root" cargo-zigbuild \
            --version "=$ZIGBUILD_VERSION"; then
            echo "   could not install cargo-zigbuild $ZIGBUILD_VERSION from crates.io" >&2
            return 1
        fi
    fi
    if [ ! -x "$tools/bin/python" ]; then
        echo "   creating the build tools' virtualenv at $tools"
        "${PYTHON:-python3}" -m venv "$tools" || return 1
    fi
    if ! PIP_DISABLE_PIP_VERSION_CHECK=1 "$tools/bin/python" -m pip install --quiet \
        -r "$_cross_repo/bindings/python/requirements-wheel.txt"; then
        echo "   could not install the wheel tools (ziglang among them) from PyPI" >&2
        return 1
    fi
    # cargo-zigbuild runs `python -m ziglang` when no `zig` is on the PATH.
    export PATH="$root/bin:$tools/bin:$PATH"
    if ! "$tools/bin/python" -m ziglang version >/dev/null 2>&1; then
        echo "   the ziglang package does not run here" >&2
        return 1
    fi
}

glibc_newest() {
    "${2:-objdump}" -T "$1" | grep -oE 'GLIBC_[0-9]+(\.[0-9]+)+' | sort -u -V | tail -n 1
}

cross_check_exports() {
    local lib=$1 nm=$2 header="$_cross_repo/include/offblocks.h" dir
    dir=$(mktemp -d)
    # An ELF library's exports are its dynamic symbols (a library linked by zig has no
    # other symbol table); Mach-O prefixes C names with an underscore.
    local dynamic=()
    [ "$(head -c 4 "$lib" | od -An -c | tr -d ' ')" = '177ELF' ] && dynamic=(-D)
    "$nm" "${dynamic[@]}" --extern-only --defined-only "$lib" |
        awk '$2 == "T" { sub(/^_/, "", $3); if ($3 ~ /^offblocks_/) print $3 }' |
        sort -u >"$dir/exported"
    # The header's comments mention functions too: the preprocessor strips them first.
    # Function-pointer typedefs (`(*offblocks_sign_fn)(`) are types, not functions.
    cpp -fpreprocessed -P "$header" |
        grep -oE '\boffblocks_[a-z0-9_]+[[:space:]]*\(' | tr -d '( \t' | sort -u >"$dir/declared"
    grep -oE '\(\*offblocks_[a-z0-9_]+\)' "$header" | tr -d '()*' | sort -u >"$dir/typedefs"
    comm -23 "$dir/declared" "$dir/typedefs" >"$dir/functions"
    if ! diff -u --label declared-in-header "$dir/functions" --label "exported-by-$(basename "$lib")" \
        "$dir/exported"; then
        echo "   $lib and the header disagree (the diff above)" >&2
        rm -rf "$dir"
        return 1
    fi
    echo "   $(basename "$lib"): $(wc -l <"$dir/exported") exported functions, exactly the header's"
    rm -rf "$dir"
}
