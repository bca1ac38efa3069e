#!/usr/bin/env bash
# Runs whole onboardings from Rust (its request key in memory, and held by a child
# openssl process behind SigningKey::external) and from C through the independent Go verifier
# (tools/verifier), which checks every request the way OffBlocks' own verifier does with
# its defaults, in front of the emulator in its strict modes. Asserts every signed
# request verified and none was refused, and prints the counts.
#
#   tools/verifier/run.sh [--skewed] [--skew-ms "0 1500 4000"] [--tls-skew-ms "1500"]
#
# By default one run with the clocks agreeing (skew 0). --skewed (or
# OFFBLOCKS_VERIFIER_SKEWED=1) adds runs where the client's clock is 1.5 s and 4 s
# ahead of the server's: the verifier's clock and the emulator's are both set that far
# behind the system clock, so the server's `Date` agrees with the verifier. Those pass
# only with a client that follows the server's clock and re-signs once after a
# signature refusal.
#
# --skewed also runs over HTTPS end to end (the clients → the verifier, which terminates
# TLS with its own throwaway CA, given to them as OFFBLOCKS_CA_FILE → the emulator
# started with --tls, whose CA the verifier trusts) with the client 1.5 s ahead;
# --tls-skew-ms picks those skews ("" for none).
#
# Needs go, cargo, a C compiler, openssl and curl. CARGO_TARGET_DIR is honoured.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

skews="0"
tls_skews=""
[ "${OFFBLOCKS_VERIFIER_SKEWED:-0}" = "1" ] && { skews="0 1500 4000"; tls_skews="1500"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --skewed) skews="0 1500 4000"; tls_skews="1500" ;;
        --skew-ms) shift; skews="${1:?--skew-ms needs a list of milliseconds}" ;;
        --tls-skew-ms) shift; tls_skews="${1?--tls-skew-ms needs a list of milliseconds}" ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

for tool in go cargo cc openssl curl; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is needed" >&2; exit 2; }
done

target="${CARGO_TARGET_DIR:-$root/target}"
work="$(mktemp -d)"
verifier_pid=""
cleanup() {
    if [ -n "$verifier_pid" ]; then
        kill "$verifier_pid" 2>/dev/null || true
        wait "$verifier_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=../../scripts/lib/emulator.sh
source "$root/scripts/lib/emulator.sh"
# shellcheck source=../../scripts/lib/soname.sh
source "$root/scripts/lib/soname.sh"

echo "== building the verifier, the emulator, the Rust example and the C library"
(cd tools/verifier && go build -o "$work/verifier" .)
cargo build --release --locked -q -p offblocks-sandbox --bin offblocks-sandbox
cargo build --release --locked -q -p offblocks --lib --example onboarding
offblocks_soname_link "$target/release" >/dev/null
cc -std=c11 -Wall -Wextra -Werror -I include bindings/c/onboarding.c \
    -L "$target/release" -loffblocks -Wl,-rpath,"$target/release" -o "$work/onboarding-c"
openssl ecparam -name secp384r1 -genkey -noout -out "$work/signing-key.pem" 2>/dev/null

# Waits for `VERIFIER_URL=…` in what the verifier prints, and prints the URL.
wait_verifier_url() {
    local value=""
    for _ in $(seq 1 300); do
        value="$(sed -n "s/^VERIFIER_URL=//p" "$work/verifier.out" | head -n 1)"
        [ -n "$value" ] && { echo "$value"; return 0; }
        kill -0 "$verifier_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "run.sh: no VERIFIER_URL from the verifier; its stderr:" >&2
    cat "$work/verifier.err" >&2
    return 1
}

count() { # count FIELD: one count from the verifier
    curl -fsS ${OFFBLOCKS_CA_FILE:+--cacert "$OFFBLOCKS_CA_FILE"} "$verifier_url/_verifier/stats" |
        sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

failures=0
summary=()

# run_client NAME SKEW SCHEME COMMAND...: one onboarding; checks the verifier's counts
# moved as they must (some verified, none refused).
run_client() {
    local name="$1" skew="$2" scheme="$3"
    shift 3
    local verified_before refused_before status=0
    verified_before="$(count verified)"
    refused_before="$(count refused)"
    "$@" >"$work/client.log" 2>&1 || status=$?
    local verified=$(($(count verified) - verified_before))
    local refused=$(($(count refused) - refused_before))
    local verdict="ok"
    if [ "$status" -ne 0 ] || [ "$refused" -ne 0 ] || [ "$verified" -lt 5 ]; then
        verdict="FAILED"
        failures=$((failures + 1))
        echo "-- $name, client +${skew} ms: exit $status, verified $verified, refused $refused; client output:"
        sed 's/^/   | /' "$work/client.log"
        echo "   the verifier's refusals so far:"
        curl -fsS ${OFFBLOCKS_CA_FILE:+--cacert "$OFFBLOCKS_CA_FILE"} "$verifier_url/_verifier/stats" | tr ',' '\n' | sed -n '/refusals/,$p' | sed 's/^/   | /'
    fi
    summary+=("$(printf '%-5s %-5s client +%-5s ms  exit %-3s verified %-4s refused %-4s %s' \
        "$name" "$scheme" "$skew" "$status" "$verified" "$refused" "$verdict")")
}

# one_run SKEW SCHEME: the emulator and the verifier at -SKEW ms, a Rust and a C
# onboarding through the verifier; SCHEME https runs every leg over TLS.
one_run() {
    local skew="$1" scheme="$2"
    echo "== client clock +${skew} ms ahead of the server (emulator and verifier at -${skew} ms), $scheme"
    local emulator_tls=() verifier_tls=()
    unset OFFBLOCKS_CA_FILE
    if [ "$scheme" = https ]; then
        emulator_tls=(--tls --ca-file "$work/emulator-ca.pem")
    fi
    emulator_start --activation-polls 0 --created-tolerance 0 --clock-offset-ms "-$skew" \
        --refusal-style offblocks ${emulator_tls[@]+"${emulator_tls[@]}"}
    emulator_url="$OFFBLOCKS_BASE_URL"
    if [ "$scheme" = https ]; then
        verifier_tls=(-upstream-ca "$OFFBLOCKS_CA_FILE" -tls-ca-out "$work/verifier-ca.pem")
    fi

    "$work/verifier" -upstream "$emulator_url" -skew-ms "-$skew" ${verifier_tls[@]+"${verifier_tls[@]}"} \
        >"$work/verifier.out" 2>"$work/verifier.err" &
    verifier_pid=$!
    verifier_url="$(wait_verifier_url)"
    echo "   emulator $emulator_url, verifier $verifier_url"

    # The clients go through the verifier, with the emulator's credentials (and, over
    # HTTPS, the verifier's CA).
    export OFFBLOCKS_BASE_URL="$verifier_url/v1"
    if [ "$scheme" = https ]; then
        export OFFBLOCKS_CA_FILE="$work/verifier-ca.pem"
    else
        unset OFFBLOCKS_CA_FILE
    fi
    run_client rust "$skew" "$scheme" env OFFBLOCKS_SIGNING_KEY="$work/signing-key.pem" \
        cargo run --release --locked -q -p offblocks --example onboarding
    run_client rkms "$skew" "$scheme" env OFFBLOCKS_SIGNING_KEY="$work/signing-key.pem" \
        cargo run --release --locked -q -p offblocks --example onboarding -- --external-signer
    run_client c "$skew" "$scheme" "$work/onboarding-c"
    unset OFFBLOCKS_CA_FILE

    kill "$verifier_pid" 2>/dev/null || true
    wait "$verifier_pid" 2>/dev/null || true
    verifier_pid=""
    emulator_stop
    sed 's/^/   /' "$work/verifier.err" | tail -n 1
}

for skew in $skews; do
    one_run "$skew" http
done
for skew in $tls_skews; do
    one_run "$skew" https
done

echo "== verifier summary (every signed request must verify, none be refused)"
printf '   %s\n' "${summary[@]}"
if [ "$failures" -ne 0 ]; then
    echo "== $failures onboarding(s) failed under the verifier"
    exit 1
fi
echo "== all onboardings verified"
