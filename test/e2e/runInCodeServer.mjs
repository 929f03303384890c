#!/usr/bin/env node
// Runs a VS Code extension test suite inside a real VS Code (code-server, i.e.
// VS Code Server + the web workbench) driven by headless Chromium -- no
// desktop VS Code / Electron download needed. See test/e2e/README.md.
//
//   node test/e2e/runInCodeServer.mjs --extension <abs dir> --tests <abs path to suite.js>
//        --workspace <dir | file | x.code-workspace> [--screenshot out.png] [--timeout ms]
//        [--env KEY=VALUE ...] [--keep] [--verbose]
//
// Exit code: the suite's exit code (0 = run() resolved), 1 if run() rejected,
// 124 on timeout, 2 on usage / infrastructure errors.
//
// Library use (e.g. from a Playwright-driven UI test):
//   import { startCodeServer, launchBrowser } from './runInCodeServer.mjs';
//   const server = await startCodeServer({ workspace, env: { KUBECONFIG } });
//   const { browser, page } = await launchBrowser();
//   await page.goto(server.url);  // or server.workbenchUrl({ extensionDevelopmentPath, ... })
//   ...
//   await browser.close(); await server.stop();
//
// Installation: scripts/install-e2e.sh (code-server + playwright-core under .vscode-test/).

import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');
export const TOOLS_DIR = process.env.KUBECERT_E2E_TOOLS_DIR || path.join(REPO_ROOT, '.vscode-test', 'code-server');
export const CODE_SERVER_ENTRY = path.join(TOOLS_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const SUITE_WRAPPER = path.join(HERE, 'suiteWrapper.cjs');
export const CHROMIUM_PATH = process.env.KUBECERT_E2E_CHROMIUM || '/usr/bin/chromium';

const INSTALL_HINT = 'run scripts/install-e2e.sh first';

// Chromium flags: no sandbox (we run as root in containers), and no background
// traffic (the network is closed; without these Chromium keeps retrying).
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
  '--metrics-recording-only',
  '--password-store=basic',
  '--use-mock-keychain',
];

// User settings written into every fresh user-data-dir (kept minimal: no welcome
// page, no trust prompt, no update/telemetry/network chatter).
export const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'npm.autoDetect': 'off',
  'typescript.disableAutomaticTypeAcquisition': true,
  'chat.disableAIFeatures': true,
  'window.restoreWindows': 'none',
};

function log(...args) {
  console.log('[e2e]', ...args);
}

function requireFromTools() {
  if (!fs.existsSync(path.join(TOOLS_DIR, 'package.json'))) {
    throw new Error(`e2e tools not installed in ${TOOLS_DIR} -- ${INSTALL_HINT}`);
  }
  return createRequire(path.join(TOOLS_DIR, 'package.json'));
}

/** A free TCP port on 127.0.0.1 (bind to port 0, read it back, release it). */
export async function getFreePort() {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

function httpGetStatus(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

function cleanEnv(env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || v === null) continue;
    // Leftovers from a VS Code terminal the runner may be started from would
    // make code-server think it is a CLI talking to another instance.
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || k === 'ELECTRON_NO_ATTACH_CONSOLE') continue;
    out[k] = String(v);
  }
  return out;
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** vscode-remote URI for an absolute server-side path. */
function remoteUri(authority, absPath) {
  const p = absPath.split(path.sep).map(encodeURIComponent).join('/');
  return `vscode-remote://${authority}${p.startsWith('/') ? '' : '/'}${p}`;
}

/**
 * URL of the workbench. workspace: folder, *.code-workspace or a file (its
 * folder is opened and the file shown). extensionDevelopmentPath /
 * extensionTestsPath: absolute paths on this machine; passed via the `payload`
 * query parameter because code-server's CLI rejects --extensionDevelopmentPath.
 */
export function buildWorkbenchUrl({ port, host = '127.0.0.1', workspace, extensionDevelopmentPath, extensionTestsPath, openFile, extraPayload = [] }) {
  const authority = `${host}:${port}`;
  const url = new URL(`http://${authority}/`);
  const payload = [];
  if (workspace) {
    const abs = path.resolve(workspace);
    const st = fs.statSync(abs);
    if (st.isDirectory()) {
      url.searchParams.set('folder', abs);
    } else if (abs.endsWith('.code-workspace')) {
      url.searchParams.set('workspace', abs);
    } else {
      url.searchParams.set('folder', path.dirname(abs));
      openFile = openFile || abs;
    }
  } else {
    url.searchParams.set('ew', 'true'); // explicitly empty window
  }
  for (const p of [].concat(extensionDevelopmentPath || [])) {
    payload.push(['extensionDevelopmentPath', remoteUri(authority, path.resolve(p))]);
  }
  if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(authority, path.resolve(extensionTestsPath))]);
  if (openFile) payload.push(['openFile', remoteUri(authority, path.resolve(openFile))]);
  payload.push(...extraPayload);
  if (payload.length) url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

/**
 * Starts code-server on a free loopback port, in its own process group.
 *
 * opts:
 *   workspace       folder / file / .code-workspace to open (used for `url`)
 *   env             extra environment for code-server and therefore for the
 *                   extension host (KUBECONFIG, HOME, ...)
 *   port            fixed port (default: a free one)
 *   userDataDir     default: fresh dir under a temp dir
 *   extensionsDir   default: fresh dir under the temp dir
 *   settings        extra user settings (merged over DEFAULT_SETTINGS)
 *   extraArgs       more code-server CLI args
 *   installExtensions  .vsix files (or gallery ids -- fail offline) installed
 *                   into extensionsDir with `code-server --install-extension`
 *                   before the server starts
 *   userShellEnv    true: let VS Code server resolve the login-shell environment
 *                   for the extension host (default false: VSCODE_CLI=1 disables
 *                   it, so the extension host sees exactly our environment)
 *   keep            keep the temp dir on stop()
 *   onLog(line)     code-server stdout/stderr lines (default: buffered only)
 *   startTimeout    ms (default 60000)
 * returns { url, port, authority, tmpDir, userDataDir, extensionsDir, logFile,
 *           process, workbenchUrl(opts), serverLog(), stop() }
 */
export async function startCodeServer(opts = {}) {
  if (!fs.existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(`code-server not found at ${CODE_SERVER_ENTRY} -- ${INSTALL_HINT}`);
  }
  const tmpDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kubecert-e2e-'));
  const userDataDir = opts.userDataDir ? path.resolve(opts.userDataDir) : path.join(tmpDir, 'user-data');
  const extensionsDir = opts.extensionsDir ? path.resolve(opts.extensionsDir) : path.join(tmpDir, 'extensions');
  const logFile = path.join(tmpDir, 'code-server.log');
  await fsp.mkdir(path.join(userDataDir, 'User'), { recursive: true });
  await fsp.mkdir(extensionsDir, { recursive: true });
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  if (!fs.existsSync(settingsFile)) {
    await fsp.writeFile(settingsFile, JSON.stringify({ ...DEFAULT_SETTINGS, ...(opts.settings || {}) }, null, 2));
  }
  const port = opts.port || (await getFreePort());
  const authority = `127.0.0.1:${port}`;
  const configFile = path.join(tmpDir, 'config.yaml');
  const runtimeDir = path.join(tmpDir, 'run');
  await fsp.mkdir(runtimeDir, { mode: 0o700 });
  await fsp.mkdir(path.join(tmpDir, 'tmp'));
  await fsp.writeFile(configFile, `bind-addr: ${authority}\nauth: none\ncert: false\n`);

  const args = [
    CODE_SERVER_ENTRY,
    '--auth',
    'none',
    '--bind-addr',
    authority,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(opts.extraArgs || []),
  ];
  const env = cleanEnv({
    ...process.env,
    // code-server writes its default config / coder-logs under the XDG dirs;
    // keep them out of $HOME (which tests may even point elsewhere).
    // (and VS Code its deviceid under $XDG_CACHE_HOME/Microsoft)
    XDG_CONFIG_HOME: path.join(tmpDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(tmpDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(tmpDir, 'xdg-cache'),
    // VS Code creates its vscode-ipc-*.sock (and other runtime files) here
    // instead of leaving them behind in /tmp.
    XDG_RUNTIME_DIR: runtimeDir,
    // os.tmpdir() of code-server and the extension host: per-run, removed by stop()
    // (built-in extensions leave e.g. vscode-typescript*/ dirs behind otherwise).
    TMPDIR: path.join(tmpDir, 'tmp'),
    // No extension gallery (open-vsx.org is unreachable anyway): avoids
    // network errors and the marketplace queries/recommendations.
    EXTENSIONS_GALLERY: '{}',
    // per-run scratch dir, also visible to the suite (suiteWrapper.cjs writes
    // suite-result.json here)
    KUBECERT_E2E_TMPDIR: tmpDir,
    ...(opts.userShellEnv ? {} : { VSCODE_CLI: '1' }),
    ...(opts.env || {}),
  });
  if (opts.userShellEnv) delete env.VSCODE_CLI;

  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  for (const ext of [].concat(opts.installExtensions || [])) {
    const target = /\.vsix$/i.test(ext) ? path.resolve(ext) : ext;
    const r = spawnSync(process.execPath, [CODE_SERVER_ENTRY, ...common, '--install-extension', target], {
      cwd: tmpDir,
      env,
      encoding: 'utf8',
      timeout: 120000,
    });
    const out = `${r.stdout || ''}${r.stderr || ''}`.trim();
    if (r.status !== 0 || /Failed Installing|Error while installing/i.test(out)) {
      if (!opts.keep) await fsp.rm(tmpDir, { recursive: true, force: true }).catch(() => {});
      throw new Error(`code-server --install-extension ${target} failed (exit ${r.status}):\n${out}`);
    }
    if (opts.onLog) for (const l of out.split('\n')) opts.onLog(l);
  }

  args.splice(1, 0, ...common);
  const logStream = fs.createWriteStream(logFile);
  const lines = [];
  const child = spawn(process.execPath, args, {
    cwd: tmpDir,
    env,
    detached: true, // own process group -> stop() kills the extension host too
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      logStream.write(chunk);
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        if (opts.onLog) opts.onLog(line);
      }
    });
  }

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    if (groupAlive(child.pid)) {
      killGroup(child.pid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (groupAlive(child.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (groupAlive(child.pid)) killGroup(child.pid, 'SIGKILL');
    }
    await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 2000))]);
    await new Promise((r) => logStream.end(r));
    if (!opts.keep) await fsp.rm(tmpDir, { recursive: true, force: true }).catch(() => {});
  }

  // Wait until /healthz answers (or code-server dies).
  const deadline = Date.now() + (opts.startTimeout || 60000);
  for (;;) {
    if (exited) {
      const tail = lines.slice(-30).join('\n');
      await stop();
      throw new Error(`code-server exited during startup (${JSON.stringify(exited)}):\n${tail}`);
    }
    if ((await httpGetStatus(`http://${authority}/healthz`)) === 200) break;
    if (Date.now() > deadline) {
      const tail = lines.slice(-30).join('\n');
      await stop();
      throw new Error(`code-server did not become ready on ${authority}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  const workbenchUrl = (o = {}) => buildWorkbenchUrl({ port, workspace: opts.workspace, ...o });
  return {
    url: workbenchUrl(),
    port,
    authority,
    tmpDir,
    userDataDir,
    extensionsDir,
    logFile,
    process: child,
    exited: exitPromise,
    workbenchUrl,
    serverLog: () => lines.join('\n'),
    stop,
  };
}

/**
 * Launches Debian's Chromium through playwright-core (headless, no sandbox,
 * fresh temporary profile). opts: { headless = true, viewport, args, slowMo }.
 * returns { browser, context, page }
 */
export async function launchBrowser(opts = {}) {
  const require = requireFromTools();
  const { chromium } = require('playwright-core');
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} not found -- ${INSTALL_HINT}`);
  // Playwright gives Chromium a fresh temporary profile (--user-data-dir) itself;
  // this dir catches what Chromium still writes to $XDG_CONFIG_HOME / $XDG_CACHE_HOME
  // (crash-report settings, dconf) instead of $HOME.
  const xdgDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kubecert-e2e-browser-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(xdgDir, 'config'), XDG_CACHE_HOME: path.join(xdgDir, 'cache') },
    headless: opts.headless !== false,
    chromiumSandbox: false,
    args: [...CHROMIUM_ARGS, ...(opts.args || [])],
    slowMo: opts.slowMo,
    timeout: opts.timeout || 60000,
  });
  browser.on('disconnected', () => fs.rmSync(xdgDir, { recursive: true, force: true }));
  const context = await browser.newContext({
    viewport: opts.viewport || { width: 1440, height: 900 },
    // code-server/VS Code checks clipboard permissions; grant so UI tests can copy/paste
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  return { browser, context, page };
}

// ---------------------------------------------------------------------------
// CLI

// Known-harmless log lines, hidden unless --verbose.
const EXTHOST_LOG_NOISE = [
  /Could not identify extension for 'vscode' require call/, // the suite itself requires 'vscode'
  /resource scoped configuration without providing a resource.*'files\.watcherExclude'/, // built-in extensions
];
const WORKBENCH_LOG_NOISE = [
  /^Resolving connection token|^Resolved connection token/,
  /^Creating a socket/,
  /^\[Service Worker\]/,
  /^Updating additional builtin extensions cache/,
  /^ChatSessionStore:/,
  /^Extension host .*(started|exiting|terminating)/,
  /No extension gallery service configured|Ignoring fetching additional builtin extensions from gallery/,
  /getaddrinfo ENOTFOUND|ERR_NAME_NOT_RESOLVED|net::ERR_/,
];

function usage(msg) {
  if (msg) console.error(`runInCodeServer: ${msg}`);
  console.error(
    'usage: node test/e2e/runInCodeServer.mjs --extension <dir> --tests <suite.js> --workspace <dir|file>\n' +
      '         [--screenshot out.png] [--timeout ms] [--env KEY=VALUE ...] [--keep] [--verbose] [--user-shell-env] [--no-wrap]\n' +
      '         [--vsix file.vsix ...]   (install a packaged extension; --extension then optional)',
  );
  process.exit(2);
}

/**
 * New entries of the extension-host log files (<user-data-dir>/logs/<date>/exthost1/remoteexthost.log)
 * since the last call, as strings (an entry = a timestamped line + its continuation lines).
 */
function makeLogTailer(userDataDir) {
  const offsets = new Map();
  return function readNew() {
    const out = [];
    const logsDir = path.join(userDataDir, 'logs');
    const files = [];
    const walk = (d) => {
      let entries = [];
      try {
        entries = fs.readdirSync(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/^(remoteexthost|exthost)\.log$/.test(e.name)) files.push(p);
      }
    };
    walk(logsDir);
    for (const f of files.sort()) {
      let data;
      try {
        data = fs.readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      const off = offsets.get(f) || 0;
      // only consume complete lines
      const end = data.lastIndexOf('\n') + 1;
      if (end > off) {
        for (const line of data.slice(off, end).split('\n')) {
          if (!line) continue;
          if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(line) || out.length === 0) out.push(line);
          else out[out.length - 1] += '\n' + line;
        }
        offsets.set(f, end);
      }
    }
    return out;
  };
}

async function main(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        extension: { type: 'string' },
        tests: { type: 'string' },
        workspace: { type: 'string' },
        screenshot: { type: 'string' },
        timeout: { type: 'string' },
        env: { type: 'string', multiple: true },
        keep: { type: 'boolean' },
        verbose: { type: 'boolean' },
        'user-shell-env': { type: 'boolean' },
        'no-wrap': { type: 'boolean' },
        vsix: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    usage(err.message);
  }
  if (values.help) usage();
  if (!values.extension && !values.vsix) usage('--extension (or --vsix) is required');
  if (!values.tests) usage('--tests is required');
  const extensionPath = values.extension ? path.resolve(values.extension) : undefined;
  const vsixFiles = (values.vsix || []).map((v) => path.resolve(v));
  for (const v of vsixFiles) if (!fs.existsSync(v)) usage(`--vsix ${v} does not exist`);
  const testsPath = path.resolve(values.tests);
  const workspace = values.workspace ? path.resolve(values.workspace) : undefined;
  if (extensionPath && !fs.existsSync(path.join(extensionPath, 'package.json'))) usage(`no package.json in --extension ${extensionPath}`);
  if (!fs.existsSync(testsPath) && !fs.existsSync(testsPath + '.js')) usage(`--tests ${testsPath} does not exist`);
  if (workspace && !fs.existsSync(workspace)) usage(`--workspace ${workspace} does not exist`);
  const timeoutMs = values.timeout ? Number(values.timeout) : 300000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) usage(`bad --timeout ${values.timeout}`);
  const extraEnv = {};
  for (const kv of values.env || []) {
    const i = kv.indexOf('=');
    if (i <= 0) usage(`bad --env ${kv} (expected KEY=VALUE)`);
    extraEnv[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const verbose = !!values.verbose || process.env.KUBECERT_E2E_VERBOSE === '1';

  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  let server;
  let browser;
  let exitCode = 2;
  let tailer;
  // <user-data-dir>/logs/*/exthost1/remoteexthost.log: activation events and
  // errors of the extension host (e.g. "Activating extension X failed").
  // Printed: errors/warnings (minus known noise), everything with --verbose.
  const flushExtHostLog = () => {
    if (!tailer) return;
    for (const entry of tailer()) {
      const interesting = /\[(error|warning)\]/.test(entry) && !EXTHOST_LOG_NOISE.some((re) => re.test(entry));
      if (verbose || interesting) console.log(`[exthost] ${entry}`);
    }
  };

  const onSignal = async (sig) => {
    log(`${sig}: shutting down`);
    try {
      await browser?.close();
    } catch {}
    await server?.stop();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // By default the suite is run through suiteWrapper.cjs (fixes console
    // formatting, see there); --no-wrap hands the suite to VS Code directly.
    const wrap = !values['no-wrap'];
    server = await startCodeServer({
      workspace,
      env: wrap ? { ...extraEnv, KUBECERT_E2E_SUITE: testsPath } : extraEnv,
      keep: !!values.keep,
      userShellEnv: !!values['user-shell-env'],
      installExtensions: vsixFiles,
      onLog: verbose ? (l) => console.log(`[code-server] ${l}`) : undefined,
    });
    log(`code-server ready on http://${server.authority} (${elapsed()})${values.keep ? `, temp dir ${server.tmpDir}` : ''}`);
    tailer = makeLogTailer(server.userDataDir);

    const launched = await launchBrowser();
    browser = launched.browser;
    const { page } = launched;
    log(`chromium started (${elapsed()})`);

    let resolveExit;
    const exitPromise = new Promise((r) => (resolveExit = r));
    const clientLogs = [];
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      if (Array.isArray(logs)) clientLogs.push(...logs);
      resolveExit({ code: typeof code === 'number' ? code : 1 });
    });
    // When extensionTestsPath is set, the workbench's log service forwards every
    // log message to window.codeAutomationLog -- including everything the
    // extension host (the suite, the extension) writes with console.*.
    // This is the suite's "stdout".
    await page.exposeFunction('codeAutomationLog', (type, message) => {
      const text = String(message);
      if (!verbose && WORKBENCH_LOG_NOISE.some((re) => re.test(text))) return;
      const prefix = type === 'info' ? '' : `[${type}] `;
      for (const line of text.split('\n')) console.log(`${prefix}${line}`);
    });
    // The browser console repeats the log-service messages (already printed
    // via codeAutomationLog); only show it with --verbose.
    page.on('console', (msg) => {
      if (verbose) console.log(`[browser:${msg.type()}] ${msg.text()}`);
    });
    page.on('pageerror', (err) => console.log(`[browser:pageerror] ${err.message}`));
    page.on('crash', () => resolveExit({ code: 3, reason: 'page crashed' }));

    // The web workbench only runs extensionTestsPath in extension-development
    // mode, so with --vsix alone an empty placeholder extension is "developed".
    let devPath = extensionPath;
    if (!devPath) {
      devPath = path.join(server.tmpDir, 'placeholder-extension');
      await fsp.mkdir(devPath, { recursive: true });
      await fsp.writeFile(
        path.join(devPath, 'package.json'),
        JSON.stringify({ name: 'e2e-placeholder', publisher: 'kubecert-test', version: '0.0.0', engines: { vscode: '*' } }),
      );
    }
    const url = server.workbenchUrl({ extensionDevelopmentPath: devPath, extensionTestsPath: wrap ? SUITE_WRAPPER : testsPath });
    if (verbose) log(`opening ${url}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    const shown = path.relative(process.cwd(), testsPath);
    log(`workbench loading; running ${shown.startsWith('..') ? testsPath : shown} (timeout ${timeoutMs}ms)`);

    const logTimer = setInterval(flushExtHostLog, 500);
    let timer;
    const result = await Promise.race([
      exitPromise,
      server.exited.then((e) => ({ code: 2, reason: `code-server exited unexpectedly (${JSON.stringify(e)})` })),
      new Promise((r) => (timer = setTimeout(() => r({ code: 124, reason: `timeout after ${timeoutMs}ms` }), timeoutMs))),
    ]);
    clearTimeout(timer);
    clearInterval(logTimer);
    await new Promise((r) => setTimeout(r, 300)); // let the last log lines hit the disk
    flushExtHostLog();
    // VS Code reports exit code 0 also when the extension host died (crash,
    // SIGKILL, OOM) before the suite finished; the wrapper's marker tells.
    if (wrap && result.code === 0) {
      let marker;
      try {
        marker = JSON.parse(fs.readFileSync(path.join(server.tmpDir, 'suite-result.json'), 'utf8'));
      } catch {}
      if (!marker || marker.status !== 'passed') {
        result.code = 1;
        result.reason = marker
          ? `suite reported ${JSON.stringify(marker)} but VS Code exited with 0`
          : 'the extension host ended before the suite finished (crashed or killed?)';
      }
    }
    if (result.reason) log(`ERROR: ${result.reason}`);
    exitCode = result.code;

    if (values.screenshot) {
      const shot = path.resolve(values.screenshot);
      await fsp.mkdir(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot }).then(
        () => log(`screenshot: ${shot}`),
        (err) => log(`screenshot failed: ${err.message}`),
      );
    }
    if (values.keep) {
      for (const l of clientLogs) {
        const p = path.join(server.tmpDir, 'client-logs', l.relativePath);
        await fsp.mkdir(path.dirname(p), { recursive: true });
        await fsp.writeFile(p, l.contents);
      }
    }
    if (exitCode !== 0 && exitCode !== 1 && !verbose) {
      console.log('[e2e] --- last code-server output ---');
      console.log(server.serverLog().split('\n').slice(-25).join('\n'));
    }
  } catch (err) {
    log(`ERROR: ${err && err.stack ? err.stack : err}`);
    exitCode = 2;
  } finally {
    try {
      await browser?.close();
    } catch {}
    if (server) {
      flushExtHostLog();
      await server.stop();
      if (values.keep) log(`kept ${server.tmpDir}`);
    }
  }
  log(`${exitCode === 0 ? 'PASSED' : `FAILED (exit code ${exitCode})`} in ${elapsed()}`);
  return exitCode;
}

const isMain = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}
