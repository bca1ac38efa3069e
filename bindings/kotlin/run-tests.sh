#!/usr/bin/env bash
# The Kotlin binding's tests on a desktop JVM, from a fresh clone:
#
#   bash bindings/kotlin/run-tests.sh
#
# 1. builds liboffblocks and the emulator (release; cargo does nothing when they are up to
#    date), as bindings/c/run-tests.sh does;
# 2. `mvn -q -B test`: the JUnit tests start the emulator themselves
#    (`offblocks-sandbox --port 0 --exit-on-stdin-close`, reading its OFFBLOCKS_* lines) and
#    load the library from target/release (the pom passes both paths);
# 3. package-aar.sh with fake per-ABI copies of the host library is exercised by
#    PackageAarTest inside the same run.
#
# Needs a JDK (17+) and Maven; the Maven dependencies come from Maven Central.
# Environment: CARGO_TARGET_DIR (default <repo>/target); MAVEN_ARGS are passed to mvn.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}

for tool in java mvn cargo; do
    command -v "$tool" >/dev/null || { echo "run-tests.sh: $tool is not installed" >&2; exit 1; }
done

echo "== building liboffblocks and offblocks-sandbox (release)"
(cd "$root" && cargo build --release --locked -p offblocks -p offblocks-sandbox)

echo "== mvn test (JUnit, desktop JVM, against the emulator)"
cd "$here"
# shellcheck disable=SC2086
mvn -q -B ${MAVEN_ARGS:-} test \
    -Doffblocks.target="$target" \
    -Doffblocks.library.path="$target/release/liboffblocks.so" \
    -Doffblocks.sandbox.bin="$target/release/offblocks-sandbox"

# Surefire is quiet with -q: print the counts, as the other test runners do.
python3 - "$here/target/surefire-reports" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
t = f = e = s = 0
for path in glob.glob(sys.argv[1] + "/TEST-*.xml"):
    r = ET.parse(path).getroot()
    t += int(r.get("tests", 0)); f += int(r.get("failures", 0)); e += int(r.get("errors", 0)); s += int(r.get("skipped", 0))
print(f"Tests run: {t}, Failures: {f}, Errors: {e}, Skipped: {s}")
PY
echo "== Kotlin tests passed"
