#!/usr/bin/env bash
# Runs every test of the project: Rust, C and Python. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Rust: format, lints, tests"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked

if [ -x bindings/c/run-tests.sh ] || [ -f bindings/c/run-tests.sh ]; then
  echo "== C"
  bash bindings/c/run-tests.sh
fi

if [ -f bindings/python/run-tests.sh ]; then
  echo "== Python"
  bash bindings/python/run-tests.sh
fi

echo "== all tests passed"
