#!/usr/bin/env bash
# Runs every test of the repository: formatting, lints, unit tests and the
# black-box tests of the real `edgecart` binary over real wasm components.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain (pinned by rust-toolchain.toml)"
rustup toolchain install >/dev/null
rustc --version

step "formatting"
cargo fmt --all -- --check

step "lints"
cargo clippy --all-targets --locked -- -D warnings

step "unit and black-box tests"
cargo test --locked
