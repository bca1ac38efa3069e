#!/usr/bin/env bash
# The Python wheel as a user gets it: built by scripts/build-wheel.sh, installed into a
# fresh virtualenv, and used from an empty directory by a shell with no Rust toolchain
# (no cargo on PATH, no CARGO_* or OFFBLOCKS_* variables, no repository around):
#
# - the wheel is `offblocks-<Cargo.toml version>-py3-none-manylinux_*`, and holds the
#   library and the emulator (executable);
# - its tag is the glibc floor of the binaries in it: `manylinux2014_x86_64.
#   manylinux_2_17_x86_64` when build-wheel.sh built against glibc 2.17 (cargo zigbuild),
#   and in every case `manylinux_X_Y` for the newest GLIBC_X.Y symbol they need;
# - `pip install --no-index` of it needs nothing else;
# - `import offblocks` loads the bundled library, of the crate's version;
# - `python -m offblocks onboard` runs the whole flow against the bundled emulator;
# - `offblocks.testing.sandbox()` runs one too, without pytest installed.
#
# Environment: CARGO_TARGET_DIR (default <repo>/target), PYTHON (default python3).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
fail() {
    echo "test-wheel: $*" >&2
    exit 1
}

bash "$root/scripts/build-wheel.sh" 2>&1 | tee "$work/build.log"
version=$(awk '/^\[/ { in_package = ($0 == "[package]") }
    in_package && /^version *=/ { gsub(/^version *= *"|".*$/, ""); print; exit }' \
    "$root/Cargo.toml")
wheels=("$target"/wheels/offblocks-*.whl)
[ ${#wheels[@]} -eq 1 ] || fail "expected one wheel in $target/wheels, got ${#wheels[*]}"
wheel=${wheels[0]}
case "$(basename "$wheel")" in
    "offblocks-$version-py3-none-manylinux"*"_$(uname -m).whl") ;;
    *) fail "unexpected wheel name $(basename "$wheel") (version $version)" ;;
esac

echo "== the wheel's tag and its binaries' glibc"
# shellcheck source=lib/cross.sh
source "$root/scripts/lib/cross.sh"
mkdir "$work/unpacked"
"$python" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$wheel" "$work/unpacked"
newest=GLIBC_2.17
for file in liboffblocks.so offblocks-sandbox; do
    [ -f "$work/unpacked/offblocks/$file" ] || fail "the wheel lacks offblocks/$file"
    needs=$(glibc_newest "$work/unpacked/offblocks/$file")
    newest=$(printf '%s\n' "$newest" "$needs" | sort -V | tail -n 1)
done
floor=${newest#GLIBC_}
tag=$(basename "$wheel" .whl)
tag=${tag#"offblocks-$version-py3-none-"}
# auditwheel names the policy's aliases in sorted order.
expected="manylinux_${floor//./_}_$(uname -m)"
[ "$floor" = 2.17 ] && expected="manylinux2014_$(uname -m).$expected"
[ "$tag" = "$expected" ] || fail "the wheel is tagged $tag; its binaries need glibc $floor ($expected)"
if grep -q '^== building liboffblocks and offblocks-sandbox against glibc 2.17 ' "$work/build.log"; then
    [ "$floor" = 2.17 ] || fail "built against glibc 2.17, yet a binary needs $newest"
else
    echo "   warning: built without the glibc 2.17 floor (see build-wheel.sh's output above)"
fi
echo "   $tag (the binaries need glibc $floor at most)"

echo "== the wheel's contents"
"$python" - "$wheel" <<'EOF'
import stat, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    infos = {i.filename: i for i in z.infolist()}
    for name, executable in [("offblocks/liboffblocks.so", True),
                             ("offblocks/offblocks-sandbox", True),
                             ("offblocks/testing.py", False),
                             ("offblocks/py.typed", False)]:
        info = infos.get(name)
        if info is None:
            sys.exit(f"the wheel lacks {name}")
        mode = info.external_attr >> 16
        if executable and not mode & stat.S_IXUSR:
            sys.exit(f"{name} is not executable in the wheel (mode {oct(mode)})")
        print(f"   {name} ({info.file_size} bytes)")
EOF

echo "== a fresh virtualenv, and a PATH without cargo"
"$python" -m venv "$work/venv"
clean_path="$work/venv/bin"
IFS=: read -ra dirs <<<"$PATH"
for dir in "${dirs[@]}"; do
    [ -n "$dir" ] && [ ! -e "$dir/cargo" ] && [ ! -e "$dir/rustc" ] && clean_path+=":$dir"
done
mkdir "$work/home" "$work/elsewhere"
# Only what a user's shell would have: no CARGO_*, RUSTUP_*, OFFBLOCKS_*, PYTHONPATH.
user=(env -i "HOME=$work/home" "PATH=$clean_path" "LANG=C.UTF-8" "TMPDIR=${TMPDIR:-/tmp}")
if "${user[@]}" sh -c 'command -v cargo || command -v rustc'; then
    fail "cargo is still on the PATH"
fi

echo "== pip install --no-index $(basename "$wheel")"
"${user[@]}" PIP_DISABLE_PIP_VERSION_CHECK=1 "$work/venv/bin/python" -m pip install \
    --quiet --no-index "$wheel"

cd "$work/elsewhere"
echo "== import offblocks"
"${user[@]}" "$work/venv/bin/python" - "$version" "$work/venv" <<'EOF'
import os, sys
from pathlib import Path

import offblocks
from offblocks.sandbox import find_sandbox_binary

version, venv = sys.argv[1], Path(sys.argv[2]).resolve()
package = Path(offblocks.__file__).resolve().parent
assert venv in package.parents, package
assert offblocks.__version__ == version, (offblocks.__version__, version)
assert offblocks.library_version() == version, offblocks.library_version()
assert Path(offblocks.library_path()).resolve() == package / "liboffblocks.so"
assert find_sandbox_binary() == package / "offblocks-sandbox", find_sandbox_binary()
print(f"   offblocks {offblocks.__version__} from {package}")
EOF

echo "== python -m offblocks onboard (the bundled emulator, over HTTPS with its CA as ca_file)"
"${user[@]}" "$work/venv/bin/python" -m offblocks onboard >"$work/onboard.out" 2>&1 \
    || { cat "$work/onboard.out" >&2; fail "python -m offblocks onboard failed"; }
grep -q '^local OffBlocks emulator at https://127.0.0.1:' "$work/onboard.out" \
    && grep -q '^registered the request-signing key as ' "$work/onboard.out" \
    && grep -Eq '\] done +active ' "$work/onboard.out" \
    && grep -Eq '^done: customer .* \(active\)' "$work/onboard.out" \
    || { cat "$work/onboard.out" >&2; fail "the onboarding did not finish"; }
sed 's/^/   /' "$work/onboard.out"

echo "== offblocks.testing.sandbox(), without pytest"
"${user[@]}" "$work/venv/bin/python" - <<'EOF'
import importlib.util

from offblocks import Wallet
from offblocks.testing import sandbox

assert importlib.util.find_spec("pytest") is None, "pytest is installed in the fresh venv"
with sandbox() as emulator, emulator.client() as client:
    client.auth.register_signing_key()
    done = client.onboard("wheel-testing", signer=Wallet.random())
    assert done.account.status == "active", done.account.status
    assert [c["externalId"] for c in emulator.state()["customers"]] == ["wheel-testing"]
print("   onboarded against offblocks.testing.sandbox()")
EOF
echo "== the wheel works without Rust"
