#!/usr/bin/env bash
# Checks the crate as crates.io would get it, and its documentation:
#
#   bash scripts/check-package.sh
#
# 1. `cargo package --list`: every file is the library's own (sources, build.rs,
#    cbindgen.toml, the header, README, CHANGELOG, the manifest and lock file) and every
#    tracked source file of src/ is there; no other language's package (bindings/), no
#    emulator, fuzzing, tests, test data, benches, examples or scripts;
# 2. `cargo package --locked`: the packaged crate builds on its own (cargo unpacks and
#    compiles it), its build script writing nothing into the source directory;
# 3. `cargo doc --no-deps` of the library with warnings as errors.
#
# --allow-dirty lets it run on a working tree with uncommitted changes (the test command
# runs while one edits); what it checks is the same.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo package --list"
listed=$(cargo package --locked --allow-dirty --list -p offblocks)
fail=0
while IFS= read -r file; do
    case "$file" in
        Cargo.toml | Cargo.toml.orig | Cargo.lock | .cargo_vcs_info.json) ;;
        build.rs | cbindgen.toml | include/offblocks.h | README.md | CHANGELOG.md | SECURITY.md) ;;
        src/*.rs) ;;
        *)
            echo "   not the library's: $file" >&2
            fail=1
            ;;
    esac
done <<<"$listed"
for file in build.rs cbindgen.toml include/offblocks.h README.md CHANGELOG.md SECURITY.md \
    $(git ls-files 'src/*.rs'); do
    if ! grep -qxF "$file" <<<"$listed"; then
        echo "   missing from the package: $file" >&2
        fail=1
    fi
done
if [ "$fail" -ne 0 ]; then
    echo "the package's file list is wrong (Cargo.toml's include)" >&2
    exit 1
fi
echo "   $(wc -l <<<"$listed") files, all the library's"

echo "== cargo package --locked (builds the packaged crate)"
cargo package --locked --allow-dirty -p offblocks

echo "== cargo doc --no-deps (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --locked -p offblocks
