#!/usr/bin/env bash
# Everything the tests need on a fresh Debian machine: system packages, npm packages,
# and (for the end-to-end suite) code-server with Chromium. Idempotent; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

need=()
command -v openssl >/dev/null || need+=(openssl)
command -v nvim >/dev/null || need+=(neovim)
command -v kubectl >/dev/null || need+=(kubernetes-client)
# The metrics suite: promtool and a Prometheus server (the prometheus package), and the pre-commit hook runner.
command -v promtool >/dev/null && command -v prometheus >/dev/null || need+=(prometheus)
command -v pre-commit >/dev/null || need+=(pre-commit)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: please install: ${need[*]} (e.g. sudo apt-get install ${need[*]})" >&2
  fi
fi

npm ci --no-audit --no-fund
if [ -f scripts/install-e2e.sh ]; then bash scripts/install-e2e.sh; fi
