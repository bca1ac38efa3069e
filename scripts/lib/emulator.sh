# The local OffBlocks emulator (`offblocks-sandbox`) for bash scripts: the one way they
# start it, read the variables it prints and stop it. Source it, then:
#
#   emulator_start [ARGS...]   runs `offblocks-sandbox --port 0 --exit-on-stdin-close
#                              ARGS...` (a running one is stopped first), waits for the
#                              OFFBLOCKS_* lines it prints and exports them
#                              (OFFBLOCKS_BASE_URL, OFFBLOCKS_API_KEY, OFFBLOCKS_API_SECRET);
#                              returns 1, after showing its stderr, when it does not start
#   emulator_stop              stops it (harmless when none runs)
#
# The binary is the one `cargo build --release -p offblocks-sandbox` writes, under
# CARGO_TARGET_DIR (default <repo>/target). Read at each start:
#   EMULATOR_TIMEOUT   seconds to wait for each line (default 30)
#   EMULATOR_PREFIX    an array: a command to run it under, e.g. (nice -n 5)
# Sets EMULATOR_PID, and EMULATOR_LOG: the file its stderr goes to.
#
# One emulator at a time. It runs as a coprocess whose stdin only this shell holds (its
# children do not inherit it), so it stops when the script ends, however it ends. The
# first start also puts emulator_stop in front of the EXIT trap the caller set before
# it (set yours first; the caller's command still runs, with its $?).

_emulator_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
_emulator_dir=""
_emulator_in=""
EMULATOR_PID=""
EMULATOR_LOG=""

emulator_start() {
    emulator_stop
    local bin=${CARGO_TARGET_DIR:-$_emulator_repo/target}/release/offblocks-sandbox
    local timeout=${EMULATOR_TIMEOUT:-30}
    if [ ! -x "$bin" ]; then
        echo "emulator: no executable $bin (cargo build --release -p offblocks-sandbox)" >&2
        return 1
    fi
    if [ -z "$_emulator_dir" ]; then
        _emulator_dir=$(mktemp -d)
        _emulator_trap
    fi
    EMULATOR_LOG="$_emulator_dir/stderr"
    coproc _EMULATOR {
        exec ${EMULATOR_PREFIX[@]+"${EMULATOR_PREFIX[@]}"} "$bin" --port 0 \
            --exit-on-stdin-close "$@" 2>"$EMULATOR_LOG"
    }
    EMULATOR_PID=${_EMULATOR_PID:-$!}
    # Bash forgets the coprocess's descriptors when it is gone: an emulator that exits at
    # once leaves none to read.
    local out=${_EMULATOR[0]:-}
    _emulator_in=${_EMULATOR[1]:-}
    local line seen=""
    while [ -n "$out" ] && IFS= read -r -t "$timeout" line <&"$out" 2>/dev/null; do
        if [[ $line =~ ^(OFFBLOCKS_[A-Z0-9_]+)=(.*)$ ]]; then
            export "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
            seen+=" ${BASH_REMATCH[1]}"
            [ "${BASH_REMATCH[1]}" = OFFBLOCKS_API_SECRET ] && break
        else
            echo "emulator: unexpected output: $line" >&2
        fi
    done
    local name missing=""
    for name in OFFBLOCKS_BASE_URL OFFBLOCKS_API_KEY OFFBLOCKS_API_SECRET; do
        [[ "$seen " == *" $name "* ]] || missing+=" $name"
    done
    if [ -n "$missing" ]; then
        echo "emulator: $bin printed no$missing (waited up to $timeout s a line); its stderr:" >&2
        cat "$EMULATOR_LOG" >&2
        emulator_stop
        return 1
    fi
}

emulator_stop() {
    if [ -n "$_emulator_in" ]; then
        # Closing its stdin makes it exit (--exit-on-stdin-close); the kill makes sure.
        { eval "exec $_emulator_in>&-"; } 2>/dev/null || true
        _emulator_in=""
    fi
    if [ -n "$EMULATOR_PID" ]; then
        kill "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
        EMULATOR_PID=""
    fi
}

# emulator_stop (and the log's removal) in front of the caller's EXIT trap.
_emulator_trap() {
    local previous
    previous=$(trap -p EXIT)
    previous=${previous#"trap -- "}
    previous=${previous%" EXIT"}
    eval "previous=${previous:-''}"
    # shellcheck disable=SC2064 # expanded now, on purpose: the caller's command as it is
    trap "_emulator_exit && :; $previous" EXIT
}

_emulator_exit() {
    local status=$?
    emulator_stop
    rm -rf "$_emulator_dir"
    return "$status"
}
