#!/usr/bin/env bash
# Builds liboffblocks (release) and the emulator, then builds the C programs with
# -std=c11 -Wall -Wextra -Werror and runs them against a fresh emulator each:
#
#   test_offblocks, linked dynamically, under AddressSanitizer + UndefinedBehaviorSanitizer
#   test_offblocks, linked statically,  under AddressSanitizer + UndefinedBehaviorSanitizer
#   test_offblocks, linked dynamically, without sanitizers, under valgrind memcheck
#   onboarding (the example), linked dynamically, under AddressSanitizer
#   bench_onboarding, two flows, under AddressSanitizer (the bench runs; nothing is timed)
#
# Why both ASan and valgrind: ASan intercepts malloc/free process-wide, so its leak
# checker sees the Rust side's allocations too (Rust uses the system allocator), but it
# instruments only the C code: a bad read inside the uninstrumented Rust library would
# pass unseen. Valgrind checks every instruction of both sides, and counts leaks again.
#
# Then check-abi.sh: exported symbols == header declarations, and the Swift module map.
# Environment: CARGO_TARGET_DIR (default <repo>/target), CC (default gcc).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
lib="$target/release"
cc=${CC:-gcc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
# shellcheck source=../../scripts/lib/emulator.sh
source "$root/scripts/lib/emulator.sh"
# shellcheck source=../../scripts/lib/soname.sh
source "$root/scripts/lib/soname.sh"

echo "== building liboffblocks and offblocks-sandbox (release)"
(cd "$root" && cargo build --release --locked -p offblocks)
(cd "$root" && cargo build --release --locked -p offblocks-sandbox --bin offblocks-sandbox)

# A fresh emulator for each program (the tests rotate and revoke its credentials):
# emulator_start exports OFFBLOCKS_BASE_URL, OFFBLOCKS_API_KEY and OFFBLOCKS_API_SECRET,
# without printing them.
start_sandbox() {
    # --proxy: the network tests also go through the emulator's CONNECT proxy. Extra
    # arguments (--tls, --webhook-signing-key) are passed on; the variables they print
    # are not left set for the next start.
    unset OFFBLOCKS_PROXY_URL OFFBLOCKS_CA_FILE OFFBLOCKS_WEBHOOK_PUBLIC_KEY_FILE
    emulator_start --proxy "$@"
    if [ -z "${OFFBLOCKS_PROXY_URL:-}" ]; then
        echo "the emulator printed no OFFBLOCKS_PROXY_URL" >&2
        exit 1
    fi
    echo "   emulator at $OFFBLOCKS_BASE_URL"
}

cflags=(-std=c11 -Wall -Wextra -Werror -g -I "$root/include")
sanitize=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
sources=("$here/test_offblocks.c" "$here/test_network.c" "$here/test_inbox.c" "$here/test_request_signer.c")
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

echo "== building the C programs"
# The programs record the SONAME and load that name through their rpath.
soname=$(offblocks_soname_link "$lib")
"$cc" "${cflags[@]}" "${sanitize[@]}" "${sources[@]}" -L "$lib" -loffblocks \
    -Wl,-rpath,"$lib" -lpthread -o "$work/test_dynamic"
"$cc" "${cflags[@]}" "${sanitize[@]}" "${sources[@]}" "$lib/liboffblocks.a" \
    -lpthread -ldl -lm -o "$work/test_static"
"$cc" "${cflags[@]}" "${sources[@]}" -L "$lib" -loffblocks -Wl,-rpath,"$lib" -lpthread \
    -o "$work/test_valgrind"
"$cc" "${cflags[@]}" "${sanitize[@]}" "$here/onboarding.c" -L "$lib" -loffblocks \
    -Wl,-rpath,"$lib" -o "$work/onboarding"
"$cc" "${cflags[@]}" "${sanitize[@]}" "$here/bench_onboarding.c" -L "$lib" -loffblocks \
    -Wl,-rpath,"$lib" -o "$work/bench_onboarding"
if ! readelf -d "$work/test_dynamic" | grep -q "(NEEDED).*\[$soname\]"; then
    echo "test_dynamic does not record $soname" >&2
    exit 1
fi
# The static program must not depend on the shared library.
if ldd "$work/test_static" | grep -q liboffblocks; then
    echo "test_static is linked to liboffblocks.so" >&2
    exit 1
fi

echo "== test_offblocks (dynamic, ASan+UBSan), over HTTPS (the emulator's CA as caFile)"
start_sandbox --tls
"$work/test_dynamic"

echo "== test_offblocks (static, ASan+UBSan), the emulator signing its webhook deliveries"
start_sandbox --webhook-signing-key generate
"$work/test_static"

if command -v valgrind >/dev/null; then
    echo "== test_offblocks (dynamic, valgrind)"
    start_sandbox
    valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,possible \
        --show-leak-kinds=definite,possible --error-exitcode=1 \
        --suppressions="$here/valgrind.supp" "$work/test_valgrind"
else
    echo "== valgrind not installed: skipping the valgrind run (apt-get install valgrind)"
fi

echo "== onboarding example (dynamic, ASan), over HTTPS (OFFBLOCKS_CA_FILE)"
start_sandbox --tls
"$work/onboarding"

echo "== the onboarding bench, two flows (ASan; checks it runs, times nothing)"
start_sandbox
OFFBLOCKS_BENCH_JSON= "$work/bench_onboarding" 2
emulator_stop

echo "== exported symbols and module map"
bash "$here/check-abi.sh" "$lib"
echo "== C tests passed"
