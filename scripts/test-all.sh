#!/usr/bin/env bash
# Runs every test of the project: Rust, C, Python, Kotlin (when a JDK and Maven are
# installed), Swift (when a toolchain can be had), the packages each kind of user installs
# (crate, C prefix, Python wheel) and the independent verifier. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Rust toolchain's format and lint components, added when missing (a minimal rustup
# profile has neither).
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    echo "== installing the $component component (rustup)"
    rustup component add "$component"
  fi
done

# What the checks below use, installed from Debian when missing: a C compiler, valgrind
# and clang (C checks), pkg-config (the C install check), curl and openssl (the verifier's
# runs), Python's venv module (the Python checks), a JDK and Maven (Kotlin), Go (the
# verifier).
missing=()
command -v cc >/dev/null || missing+=(gcc libc6-dev)
command -v python3 >/dev/null || missing+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
command -v go >/dev/null || missing+=(golang-go)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v clang >/dev/null || missing+=(clang)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  echo "== installing ${missing[*]} (apt)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"; } \
    || echo "warning: could not install ${missing[*]}; the checks that need them are skipped or fail"
fi

echo "== Rust: format, lints, tests"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked

# The webhook-driven onboarding: the in-process emulator with KYC taking 2 s and
# duplicated, reordered deliveries; onboard_or_wait resumed from the inbox's events only.
# (examples/onboarding.rs runs below, through the independent verifier.)
echo "== Rust: examples/webhook_onboarding.rs"
cargo run --locked -q --example webhook_onboarding

if [ -x bindings/c/run-tests.sh ] || [ -f bindings/c/run-tests.sh ]; then
  echo "== C"
  bash bindings/c/run-tests.sh
fi

if [ -f bindings/python/run-tests.sh ]; then
  echo "== Python"
  bash bindings/python/run-tests.sh
fi

if command -v mvn >/dev/null && command -v java >/dev/null; then
  echo "== Kotlin"
  bash bindings/kotlin/run-tests.sh
else
  echo "== Kotlin: skipped (needs java and mvn: apt-get install openjdk-17-jdk-headless maven)"
fi

# Swift on Linux: the host's swift, or a cached Debian trixie root with swiftlang (made on
# first use, about 2 minutes); run-tests.sh prints "== Swift: skipped (…)" and succeeds
# when it can get neither.
echo "== Swift"
bash bindings/swift/run-tests.sh

# Packaging: what each kind of user installs, checked the way they would use it. They
# reuse the release builds above.
echo "== Crate: package contents, the packaged crate's build, docs without warnings"
bash scripts/check-package.sh
echo "== C: scripts/install.sh, then the example built through pkg-config (shared, static)"
bash scripts/test-install.sh
echo "== Python: the wheel, in a fresh virtualenv without Rust"
bash scripts/test-wheel.sh

# 64-bit ARM Linux: the library and the C tests built for aarch64-unknown-linux-gnu and
# run under qemu-user against the emulator, then the Rust unit tests the same way; then
# the ARM64 Linux wheel (glibc 2.17), its library and emulator run under qemu too. Each
# says "skipped: <why>" and passes when its toolchain cannot be had. The macOS builds
# (scripts/build-cross.sh macos-arm64 macos-x86_64) are not part of this command: nothing
# here can run them.
echo "== ARM64 (qemu)"
bash scripts/test-arm64.sh
bash scripts/build-cross.sh linux-arm64

# The independent verifier (Go, standard library only): its unit tests, then whole
# onboardings from Rust and C through it, with the client's clock in step with the
# server's and 1.5 s and 4 s ahead of it (OffBlocks' verifier has no tolerance).
# The verifier's go.mod asks for Go 1.22 (an older distribution Go cannot build it).
go_ok() { command -v go >/dev/null && printf '%s\n' go1.22 "$(go env GOVERSION)" | sort -V -C; }
if go_ok; then
  echo "== Go verifier (tools/verifier)"
  (cd tools/verifier && go vet ./... && go test ./...)
  bash tools/verifier/run.sh --skewed
else
  echo "== Go 1.22 or later not installed: skipping the independent verifier (tools/verifier)"
fi

echo "== all tests passed"
