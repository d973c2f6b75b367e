#!/usr/bin/env bash
# Runs the whole test suite: cargo-nextest when installed, else cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."

if cargo nextest --version >/dev/null 2>&1; then
  exec cargo nextest run --workspace --all-targets --no-fail-fast "$@"
fi
exec cargo test --workspace --all-targets --no-fail-fast "$@"
