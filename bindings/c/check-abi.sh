#!/usr/bin/env bash
# Checks what can be checked of the mobile/C packaging on this machine:
#  1. the functions exported by liboffblocks.so are exactly those the header declares
#     (nothing missing, nothing undeclared);
#  2. the C test program calls every exported function at least once;
#  3. the Swift package's C module map (bindings/swift/Sources/COffBlocks) parses and its
#     module imports (clang -fmodules),
#     or, without clang, at least has the expected structure.
# Usage: check-abi.sh <directory holding liboffblocks.so>
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
libdir=${1:?usage: check-abi.sh <directory holding liboffblocks.so>}
header="$root/include/offblocks.h"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. Exports versus declarations. Comments are stripped by the preprocessor first, since
#    the header's documentation mentions functions too.
nm -D --defined-only "$libdir/liboffblocks.so" |
    awk '$2 == "T" && $3 ~ /^offblocks_/ { print $3 }' | sort -u >"$work/exported"
cpp -fpreprocessed -P "$header" |
    grep -oE '\boffblocks_[a-z0-9_]+[[:space:]]*\(' | tr -d '( \t' | sort -u >"$work/declared"
# Function-pointer typedefs (`(*offblocks_sign_fn)(`) are types, not functions.
grep -oE '\(\*offblocks_[a-z0-9_]+\)' "$header" | tr -d '()*' | sort -u >"$work/typedefs"
comm -23 "$work/declared" "$work/typedefs" >"$work/functions"
if ! diff -u --label declared-in-header "$work/functions" --label exported-by-library \
    "$work/exported"; then
    echo "check-abi: the header and liboffblocks.so disagree (see the diff above)" >&2
    exit 1
fi
echo "check-abi: $(wc -l <"$work/exported") exported functions, all declared, none missing"

# 2. Every export is exercised by the C tests.
here="$root/bindings/c"
cat "$here/test_offblocks.c" "$here/test_network.c" "$here/test_inbox.c" "$here/test_request_signer.c" \
    "$here/test_support.h" |
    grep -oE '\boffblocks_[a-z0-9_]+\(' | tr -d '(' | sort -u >"$work/called"
if [ -n "$(comm -23 "$work/exported" "$work/called")" ]; then
    echo "check-abi: the C tests never call:" >&2
    comm -23 "$work/exported" "$work/called" >&2
    exit 1
fi
echo "check-abi: the C tests call every exported function"

# 3. The Swift module map.
modulemap="$root/bindings/swift/Sources/COffBlocks/module.modulemap"
grep -q '^module COffBlocks ' "$modulemap"
grep -q 'header "../../../../include/offblocks.h"' "$modulemap"
grep -q 'link "offblocks"' "$modulemap"
grep -q 'export \*' "$modulemap"
if command -v clang >/dev/null; then
    cat >"$work/import.c" <<'EOF'
#pragma clang module import COffBlocks
int main(void) {
    offblocks_client *client = 0;
    char *out = 0;
    offblocks_result rc = offblocks_client_key_id(client, &out);
    return rc == OFFBLOCKS_NULL_ARGUMENT && OFFBLOCKS_VERSION_MAJOR >= 0 ? 0 : 1;
}
EOF
    clang -fmodules -fmodules-cache-path="$work/cache" -fmodule-map-file="$modulemap" \
        -fsyntax-only -Werror "$work/import.c"
    echo "check-abi: module COffBlocks imports with clang $(clang -dumpversion)"
else
    echo "check-abi: clang not found: module map checked for structure only"
fi
