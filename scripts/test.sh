#!/usr/bin/env bash
# Runs every test of the repository: formatting, the benchmark runners' figures,
# lints, unit tests, the black-box tests of the real `edgecart` binary over real
# wasm components, the storefront's checks and its end-to-end tests in Chromium,
# and the API contract test (schemathesis against a running shop).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
target="${CARGO_TARGET_DIR:-target}"

step "toolchain (pinned by rust-toolchain.toml)"
rustup toolchain install >/dev/null
rustc --version

step "formatting"
cargo fmt --all -- --check

step "benchmark runners: their figures and the tables they generated (python)"
python3 -m unittest discover -s bench -p 'test_*.py'

step "lints (host crates, then the components as wasm32-wasip2)"
cargo clippy --all-targets --locked -- -D warnings
cargo clippy --release --target wasm32-wasip2 --locked -p edgecart-kit -p users -p catalog -p cart -p orders -p web -- -D warnings

step "test tools (schemathesis, localstripe, moto S3 server) into $target/tools-venv"
venv="$target/tools-venv"
case "$venv" in /*) ;; *) venv="$PWD/$venv" ;; esac
if [ ! -x "$venv/bin/schemathesis" ] || [ ! -x "$venv/bin/localstripe" ] || [ ! -x "$venv/bin/moto_server" ]; then
  python3 -m venv "$venv"
  # Pinned: a fresh machine gets the versions CI was green with.
  "$venv/bin/pip" install --quiet schemathesis==4.32.5 hypothesis==6.170.15 localstripe==1.15.10 "moto[server]==5.2.5"
fi
export PATH="$venv/bin:$PATH"

step "storefront (npm ci, types, lint, unit tests, build)"
scripts/storefront.sh build

step "unit and black-box tests"
cargo test --locked

step "storefront end to end (Playwright + Chromium)"
scripts/storefront.sh e2e

step "API contract (schemathesis against docs/api/openapi.yaml)"
python3 tests/contract/run.py

step "load smoke (k6, 20 s against a seeded shop)"
scripts/k6-smoke.sh

step "deployment manifests (static checks)"
scripts/check-deploy.sh
