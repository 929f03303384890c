#!/usr/bin/env bash
# The Action's install step: builds Kubecert in the Action's own checkout, once (a checkout that has dist/ is used as is).
set -euo pipefail
cd "${GITHUB_ACTION_PATH:?the GitHub Action runner sets GITHUB_ACTION_PATH}"
node -e 'const [major] = process.versions.node.split(".").map(Number); if (major < 20) { console.error(`kubecert needs Node 20 or newer, this runner has ${process.version}: add actions/setup-node`); process.exit(1); }'
if [ ! -f dist/cli.js ]; then
  npm ci --no-audit --no-fund
  npm run build
fi
node bin/kubecert.js --version
