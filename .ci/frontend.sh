#!/usr/bin/env bash
# The forms frontend in CI. Source it from .ci/run before the tests (`. .ci/frontend.sh`): it installs
# Debian's chromium and Node when missing, installs frontend/ exactly as package-lock.json pins it, rebuilds
# connector_core/web/static/forms.js and fails if the committed bundle differs from the fresh build (so a
# pip install serves what the sources say), then exports the switches that turn the form tests' skips
# (no Node, no browser) into failures.
set -euo pipefail

frontend_apt_install() {
    if [ "$(id -u)" != 0 ]; then
        echo "frontend: '$*' missing and not root to apt-get install it" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

command -v chromium >/dev/null 2>&1 || frontend_apt_install chromium
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    frontend_apt_install nodejs npm
fi
echo "frontend: $(node --version), npm $(npm --version), $(chromium --version 2>/dev/null | head -n 1)"

(cd frontend && npm ci --no-audit --no-fund --loglevel=error)
(cd frontend && npm run --silent build)
if ! git diff --quiet -- connector_core/web/static/forms.js; then
    git --no-pager diff --stat -- connector_core/web/static/forms.js >&2
    echo "frontend: the committed connector_core/web/static/forms.js is not what frontend/ builds;" \
        "run 'npm ci && npm run build' in frontend/ and commit the bundle" >&2
    exit 1
fi
echo "frontend: the committed bundle is what the sources build"

export CHANNEL_CONNECTORS_REQUIRE_NODE=1 CHANNEL_CONNECTORS_REQUIRE_BROWSER=1
