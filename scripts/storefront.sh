#!/usr/bin/env bash
# Builds and tests the storefront (storefront/, Vite + React + TypeScript).
#
#   scripts/storefront.sh build   npm ci when node_modules is stale, the API types
#                                 check, tsc, eslint, vitest, then the production
#                                 build into storefront/dist with .br/.gz siblings
#   scripts/storefront.sh dist    npm ci when stale and the production build only
#                                 (what `edgecart up --build` runs)
#   scripts/storefront.sh e2e     Playwright end-to-end tests in Debian's Chromium
#                                 against the real `edgecart` binary (installs
#                                 Chromium with apt-get when it is missing)
set -euo pipefail
cd "$(dirname "$0")/../storefront"

install_deps() {
  # npm ci rewrites node_modules; skip it while the lockfile is unchanged since.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  fi
}

chromium() {
  if [ -x /usr/bin/chromium ]; then
    return
  fi
  echo "Chromium is missing: installing Debian's chromium package"
  local sudo=()
  if [ "$(id -u)" != 0 ]; then sudo=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
}

case "${1:-}" in
  build)
    install_deps
    npm run --silent api:check
    npm run --silent typecheck
    npm run --silent lint
    npm test
    npm run --silent build
    ;;
  dist)
    install_deps
    npm run --silent build
    ;;
  e2e)
    install_deps
    chromium
    npm run --silent e2e
    ;;
  *)
    echo "usage: $0 build|dist|e2e" >&2
    exit 2
    ;;
esac
