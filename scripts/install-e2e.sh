#!/usr/bin/env bash
# Installs everything needed to run the extension's end-to-end tests inside a
# real VS Code (code-server in headless Chromium) on a machine without access to
# the VS Code download servers or GitHub -- only the npm registry and Debian's apt
# repositories are needed.
#
#   scripts/install-e2e.sh            # idempotent; re-runs are ~instant
#   E2E_FORCE=1 scripts/install-e2e.sh   # reinstall code-server/playwright-core
#   E2E_SKIP_APT=1 scripts/install-e2e.sh # don't touch Debian packages
#
# Result (all under .vscode-test/, which git ignores):
#   .vscode-test/code-server/node_modules/.bin/code-server   (code-server 4.100.3 = VS Code 1.100.3)
#   .vscode-test/code-server/node_modules/playwright-core    (drives /usr/bin/chromium)
#   .vscode-test/code-server/.e2e-installed                  (marker, see STAMP below)
#
# See test/e2e/README.md for why every step below is needed.
set -euo pipefail

# ---- pinned versions -------------------------------------------------------
CODE_SERVER_VERSION=4.100.3        # last release that runs on Node 20 (newer need Node 22)
PLAYWRIGHT_CORE_VERSION=1.65.1
RIPGREP_NPM_VERSION=1.15.11        # @vscode/ripgrep version pinned by code-server's lib/vscode shrinkwrap
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
RIPGREP_BIN_PKG=@vscode/ripgrep-linux-x64@1.18.0   # the rg binary, published on npm
APT_PACKAGES=(chromium fonts-liberation build-essential python3 pkg-config
              libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="$ROOT/.vscode-test"
PREFIX="$BASE/code-server"
STAMP_FILE="$PREFIX/.e2e-installed"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
STAMP="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION node$NODE_MAJOR $(uname -m)"

export CI="${CI:-true}"
export DEBIAN_FRONTEND=noninteractive

T0=$(date +%s)
step_start=$T0
log()  { printf '[install-e2e] %s\n' "$*"; }
step() { step_start=$(date +%s); log "== $*"; }
done_step() { log "   done in $(( $(date +%s) - step_start ))s"; }
die()  { log "ERROR: $*"; exit 1; }

SUDO=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); fi
fi

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  die "only linux x86_64 is supported (ripgrep asset / chromium path are x86_64 specific)"
fi
if [ "$NODE_MAJOR" != 20 ]; then
  die "code-server $CODE_SERVER_VERSION requires Node 20 (found $(node -v))"
fi

# ---- 1. Debian packages ----------------------------------------------------
apt_missing() {
  local p missing=()
  for p in "${APT_PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | cut -c1-2)" != "ii" ]; then
      missing+=("$p")
    fi
  done
  echo "${missing[@]:-}"
}

if [ "${E2E_SKIP_APT:-}" = 1 ]; then
  log "E2E_SKIP_APT=1: not checking Debian packages"
else
  step "Debian packages: ${APT_PACKAGES[*]}"
  missing="$(apt_missing)"
  if [ -z "$missing" ]; then
    log "   all present"
  else
    log "   missing/unconfigured: $missing"
    APT=("${SUDO[@]}" apt-get -y -q -o DPkg::Lock::Timeout=900 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    # A previously interrupted dpkg run (e.g. a failed parallel apt-get install)
    # leaves packages "unpacked but not configured"; finish configuring them.
    if [ -n "$("${SUDO[@]}" dpkg --audit 2>/dev/null | head -1)" ]; then
      log "   dpkg reports half-installed packages, running dpkg --configure -a"
      "${SUDO[@]}" dpkg --configure -a || log "   (dpkg --configure -a failed; continuing, apt-get will retry)"
    fi
    # No package lists yet (fresh container)? -> apt-get update first.
    if ! apt-cache policy chromium 2>/dev/null | grep 'Candidate: [0-9]' >/dev/null; then
      "${APT[@]}" update
    fi
    if ! "${APT[@]}" install --no-install-recommends "${APT_PACKAGES[@]}"; then
      log "   apt-get install failed, retrying after apt-get update"
      "${APT[@]}" update
      "${APT[@]}" install --no-install-recommends "${APT_PACKAGES[@]}"
    fi
    missing="$(apt_missing)"
    [ -z "$missing" ] || die "still missing after apt-get install: $missing"
  fi
  [ -x /usr/bin/chromium ] || die "/usr/bin/chromium not found"
  done_step
fi

# ---- 2. code-server + playwright-core ---------------------------------------
verify_install() {
  local cs="$PREFIX/node_modules/code-server"
  local vs="$cs/lib/vscode"
  local f
  # argon2 (code-server's own dependency) is hoisted to $PREFIX/node_modules
  if [ ! -e "$PREFIX/node_modules/argon2/lib/binding/napi-v3/argon2.node" ] &&
     [ ! -e "$cs/node_modules/argon2/lib/binding/napi-v3/argon2.node" ]; then
    VERIFY_MISSING="argon2/lib/binding/napi-v3/argon2.node"
    return 1
  fi
  for f in \
    "$vs/node_modules/node-pty/build/Release/pty.node" \
    "$vs/node_modules/@vscode/spdlog/build/Release/spdlog.node" \
    "$vs/node_modules/native-watchdog/build/Release/watchdog.node" \
    "$vs/node_modules/kerberos/build/Release/kerberos.node" \
    "$vs/node_modules/@vscode/ripgrep/bin/rg" \
    "$vs/node_modules.asar" \
    "$vs/extensions/node_modules/typescript/package.json" \
    "$PREFIX/node_modules/playwright-core/package.json"; do
    if [ ! -e "$f" ]; then
      VERIFY_MISSING="$f"
      return 1
    fi
  done
  [ "$(node -p "require('$cs/package.json').version")" = "$CODE_SERVER_VERSION" ] || { VERIFY_MISSING="code-server version"; return 1; }
  [ "$(node -p "require('$PREFIX/node_modules/playwright-core/package.json').version")" = "$PLAYWRIGHT_CORE_VERSION" ] || { VERIFY_MISSING="playwright-core version"; return 1; }
  return 0
}

VERIFY_MISSING=""
if [ "${E2E_FORCE:-}" != 1 ] && [ -f "$STAMP_FILE" ] && [ "$(cat "$STAMP_FILE")" = "$STAMP" ] && verify_install; then
  log "code-server $CODE_SERVER_VERSION and playwright-core $PLAYWRIGHT_CORE_VERSION already installed in ${PREFIX#$ROOT/} (marker ok)"
else
  [ -n "$VERIFY_MISSING" ] && log "reinstalling: missing $VERIFY_MISSING"
  rm -f "$STAMP_FILE"
  if [ "${E2E_FORCE:-}" = 1 ]; then
    log "E2E_FORCE=1: removing ${PREFIX#$ROOT/}"
    rm -rf "$PREFIX"
  fi
  mkdir -p "$PREFIX"

  # Keep every temporary download inside .vscode-test (and make the ripgrep
  # cache location below deterministic).
  export TMPDIR="$BASE/tmp"
  mkdir -p "$TMPDIR"

  # -- 2a. ripgrep: @vscode/ripgrep's postinstall downloads
  #    https://github.com/microsoft/ripgrep-prebuilt/releases/.../$RIPGREP_ASSET
  #    unless "$TMPDIR/vscode-ripgrep-cache-<version>/$RIPGREP_ASSET" exists
  #    ("Using cached download"), then runs `tar xvf <asset> -C bin` and expects bin/rg.
  step "ripgrep cache ($RIPGREP_ASSET from npm:$RIPGREP_BIN_PKG)"
  RG_CACHE="$TMPDIR/vscode-ripgrep-cache-$RIPGREP_NPM_VERSION"
  if [ -s "$RG_CACHE/$RIPGREP_ASSET" ] && tar tzf "$RG_CACHE/$RIPGREP_ASSET" 2>/dev/null | grep -x 'rg' >/dev/null; then
    log "   already cached"
  else
    mkdir -p "$RG_CACHE"
    work="$(mktemp -d)"
    (cd "$work" && npm pack --silent "$RIPGREP_BIN_PKG" >/dev/null && tar xzf ./*.tgz)
    [ -x "$work/package/bin/rg" ] || die "rg binary not found in $RIPGREP_BIN_PKG"
    "$work/package/bin/rg" --version 2>/dev/null | sed -n '1s/^/   /p' || true
    tar czf "$RG_CACHE/$RIPGREP_ASSET.tmp" -C "$work/package/bin" rg
    mv "$RG_CACHE/$RIPGREP_ASSET.tmp" "$RG_CACHE/$RIPGREP_ASSET"
    rm -rf "$work"
  fi
  done_step

  # -- 2b. npm install. The prefix gets its own package.json so that npm treats
  #    it as a project (and not /work/main), with an allowScripts policy for the
  #    packages whose install scripts we need.
  step "npm install code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION into ${PREFIX#$ROOT/}"
  cat > "$PREFIX/package.json" <<EOF
{
  "name": "kubecert-e2e-tools",
  "private": true,
  "description": "Generated by scripts/install-e2e.sh -- code-server + playwright-core for test/e2e",
  "dependencies": {
    "code-server": "$CODE_SERVER_VERSION",
    "playwright-core": "$PLAYWRIGHT_CORE_VERSION"
  },
  "allowScripts": {
    "code-server": true,
    "argon2": true
  }
}
EOF
  # Environment for code-server's postinstall.sh and the nested
  # `npm install` runs it does in lib/vscode and lib/vscode/extensions:
  #  - unsafe-perm: postinstall.sh refuses to run as root without it
  #  - yes: node-pty's post-install runs `npx node-gyp` (prompt -> CI failure)
  #  - nodedir: build native modules against the local node headers instead of
  #    downloading them from nodejs.org (no network)
  #  - ignore-scripts / strict-allow-scripts: make sure no user/global npmrc
  #    silently disables the install scripts
  #  - foreground-scripts: show what the scripts do (and fail visibly)
  NODE_PREFIX="$(dirname "$(dirname "$(command -v node)")")"
  if [ -f "$NODE_PREFIX/include/node/node.h" ]; then
    export npm_config_nodedir="$NODE_PREFIX"
  else
    log "   WARNING: no node headers in $NODE_PREFIX/include/node; node-gyp will try to download them"
  fi
  export npm_config_unsafe_perm=true
  export npm_config_yes=true
  export npm_config_ignore_scripts=false
  export npm_config_strict_allow_scripts=false
  export npm_config_foreground_scripts=true
  export npm_config_audit=false
  export npm_config_fund=false
  export npm_config_update_notifier=false
  export npm_config_progress=false
  export JOBS="${JOBS:-max}"   # parallel node-gyp builds

  INSTALL_LOG="$BASE/install-e2e.npm.log"
  log "   (full log: ${INSTALL_LOG#$ROOT/})"
  if ! (cd "$PREFIX" && npm install --no-package-lock --loglevel=warn) >"$INSTALL_LOG" 2>&1; then
    tail -60 "$INSTALL_LOG"
    die "npm install failed (see $INSTALL_LOG)"
  fi
  # Summary: which install scripts ran. Expected noise in the full log:
  # "npm warn install-scripts ... not yet covered by allowScripts" (advisory in
  # npm 11; the scripts did run), "Unknown env config unsafe-perm/nodedir",
  # argon2's failed prebuilt download from github.com (falls back to a build).
  grep -E '^> .*@.* (pre|post)?install$|Using cached download|npm error' "$INSTALL_LOG" | sed 's/^/   | /' || true
  done_step

  # -- 2c. If the install scripts did not run (ignore-scripts / a future npm
  #    enforcing allowScripts), run code-server's postinstall.sh ourselves, with
  #    install scripts explicitly allowed for this known set of packages.
  if ! verify_install; then
    step "code-server postinstall did not complete ($VERIFY_MISSING missing) -- running it directly"
    FALLBACK_ENV=(npm_config_ignore_scripts=false npm_config_strict_allow_scripts=false
                  npm_config_dangerously_allow_all_scripts=true)
    (cd "$PREFIX/node_modules/code-server" &&
      env "${FALLBACK_ENV[@]}" npm_config_user_agent="npm/$(npm -v) node/$(node -v) linux x64" sh ./postinstall.sh) >>"$INSTALL_LOG" 2>&1 ||
      { tail -60 "$INSTALL_LOG"; die "code-server postinstall failed (see $INSTALL_LOG)"; }
    # argon2: code-server's own native dependency (password hashing; loaded at startup)
    if [ ! -e "$PREFIX/node_modules/argon2/lib/binding/napi-v3/argon2.node" ]; then
      (cd "$PREFIX" && env "${FALLBACK_ENV[@]}" npm rebuild argon2) >>"$INSTALL_LOG" 2>&1 || true
    fi
    done_step
  fi
  verify_install || die "installation incomplete: $VERIFY_MISSING missing (see $INSTALL_LOG)"

  step "sanity check"
  # (XDG_* -> code-server writes its default config.yaml / coder-logs there, not into ~)
  ver="$(XDG_CONFIG_HOME="$TMPDIR/xdg-config" XDG_DATA_HOME="$TMPDIR/xdg-data" \
         "$PREFIX/node_modules/.bin/code-server" --version 2>&1 | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' | head -1 || true)"
  [ -n "$ver" ] || die "code-server --version failed"
  log "   code-server $ver"
  done_step
  echo "$STAMP" > "$STAMP_FILE"
  rm -rf "$TMPDIR/xdg-config" "$TMPDIR/xdg-data" 2>/dev/null || true
fi

log "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
log "total: $(( $(date +%s) - T0 ))s"
