// A minimal LSP client over stdio (vscode-jsonrpc, Content-Length framing) that drives any language
// server the same way and times what an editor user waits for. Used for both Kubecert and
// yaml-language-server, so the two are measured by exactly the same code.
//
//   const s = await LspServer.start({ name, command, args, settings, initializationOptions });
//   s.timings.start                       spawn → initialize result (ms)
//   await s.configure()                   didChangeConfiguration, answered from `settings`
//   await s.open(uri, text)               didOpen → first publishDiagnostics (and first non-empty)
//   await s.openWithHover(uri, text, pos) didOpen + an immediate hover: its latency, and whether it beat the diagnostics
//   await s.hover(uri, position)          one hover request, timed
//   await s.change(uri, range, text)      one incremental didChange → next publishDiagnostics
//   s.memory()                            VmHWM / VmRSS of the server process from /proc
//   await s.stop()                        shutdown + exit, SIGKILL after a grace period
//
// Every wait has a timeout (default 120 s): a hung or crashed server fails the run with a message
// that names the server, the step and the tail of its stderr.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';

export const DEFAULT_TIMEOUT_MS = 120_000;

/** Every child this module started; killed when the benchmark exits, however it exits. */
const children = new Set();
let hooksInstalled = false;
function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const killAll = () => {
    for (const child of children) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    children.clear();
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      killAll();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

export class BenchError extends Error {}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The settings section a server asks for: an exact key first, else a dotted path. */
function lookupSection(settings, section) {
  if (section === undefined || section === null || section === '') return settings;
  if (Object.prototype.hasOwnProperty.call(settings, section)) return settings[section];
  let cur = settings;
  for (const part of section.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(part in cur)) return null;
    cur = cur[part];
  }
  return cur;
}

export class LspServer {
  /**
   * @param {object} o
   * @param {string} o.name                 label for messages
   * @param {string} o.command              executable (usually process.execPath)
   * @param {string[]} o.args
   * @param {object} [o.settings]           answers to workspace/configuration; also sent in didChangeConfiguration
   * @param {object} [o.initializationOptions]
   * @param {number} [o.timeoutMs]
   * @param {string} [o.cwd]
   * @param {object} [o.env]
   */
  static async start(o) {
    const s = new LspServer(o);
    try {
      await s.initialize();
    } catch (e) {
      s.kill();
      throw e;
    }
    return s;
  }

  constructor(o) {
    installExitHooks();
    this.name = o.name;
    this.settings = o.settings ?? {};
    this.timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.initializationOptions = o.initializationOptions ?? {};
    this.timings = {};
    /** Every publishDiagnostics, in arrival order: { seq, t, uri, version, count }. */
    this.publishes = [];
    this.log = [];
    this.unhandledRequests = [];
    this.configurationRequests = 0;
    this.lastConfigurationAt = 0;
    this.waiters = new Set();
    /** The diagnostics of the latest publish per uri. */
    this.lastDiagnostics = new Map();
    this.versions = new Map();
    this.stderrTail = '';
    this.exited = null;

    this.t0 = performance.now();
    this.child = spawn(o.command, o.args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(this.child);
    this.pid = this.child.pid;
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
      if (chunk.includes('[kubecert-bench] blocked network access')) this.networkBlocked = true;
    });
    this.child.on('exit', (code, signal) => {
      children.delete(this.child);
      this.exited = { code, signal };
      if (!this.stopping) this.failAll(new BenchError(`${this.name} exited unexpectedly (code ${code}, signal ${signal})${this.stderrSuffix()}`));
    });
    this.child.on('error', (err) => this.failAll(new BenchError(`${this.name}: cannot start ${o.command}: ${err.message}`)));
    // A server that dies mid-write: keep the error on the connection, not as an uncaught exception.
    this.child.stdin.on('error', () => undefined);

    const c = createMessageConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.connection = c;
    c.onNotification('textDocument/publishDiagnostics', (p) => {
      const entry = { seq: this.publishes.length, t: performance.now(), uri: p.uri, version: p.version, count: p.diagnostics.length };
      this.publishes.push(entry);
      this.lastDiagnostics.set(p.uri, p.diagnostics);
      for (const w of [...this.waiters]) if (w.test(entry)) w.resolve(entry);
    });
    c.onNotification('window/logMessage', (p) => this.pushLog('log', p.message));
    c.onNotification('window/showMessage', (p) => this.pushLog('show', p.message));
    c.onNotification('telemetry/event', () => undefined);
    c.onNotification('$/progress', () => undefined);
    c.onRequest('workspace/configuration', (p) => {
      this.configurationRequests++;
      this.lastConfigurationAt = performance.now();
      return (p.items ?? []).map((item) => lookupSection(this.settings, item.section) ?? null);
    });
    c.onRequest('client/registerCapability', () => null);
    c.onRequest('client/unregisterCapability', () => null);
    c.onRequest('window/workDoneProgress/create', () => null);
    c.onRequest('workspace/workspaceFolders', () => null);
    c.onRequest((method) => {
      // Refresh requests and anything else: acknowledge, remember for the report.
      this.unhandledRequests.push(method);
      return null;
    });
    c.onError(() => undefined);
    c.onClose(() => undefined);
    c.listen();
  }

  pushLog(kind, message) {
    this.log.push(`${kind}: ${String(message).slice(0, 500)}`);
    if (this.log.length > 50) this.log.shift();
  }

  stderrSuffix() {
    const tail = this.stderrTail.trim();
    return tail ? `\n--- last stderr of ${this.name} ---\n${tail.split('\n').slice(-15).join('\n')}` : '';
  }

  failAll(err) {
    for (const w of [...this.waiters]) w.reject(err);
  }

  /** Races a promise against the timeout and the server's death. */
  async within(label, promise, timeoutMs = this.timeoutMs) {
    if (this.exited && !this.stopping) throw new BenchError(`${this.name}: ${label}: the server has exited (code ${this.exited.code})${this.stderrSuffix()}`);
    let timer;
    let waiter;
    const guard = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new BenchError(`${this.name}: timed out after ${timeoutMs / 1000} s waiting for ${label}${this.stderrSuffix()}`)),
        timeoutMs,
      );
      waiter = { test: () => false, resolve: () => undefined, reject };
      this.waiters.add(waiter);
    });
    try {
      return await Promise.race([promise, guard]);
    } finally {
      clearTimeout(timer);
      this.waiters.delete(waiter);
    }
  }

  /** The first publishDiagnostics (at or after `fromSeq`) that passes `test`. */
  waitForPublish(label, test, fromSeq = 0, timeoutMs = this.timeoutMs) {
    for (let i = fromSeq; i < this.publishes.length; i++) if (test(this.publishes[i])) return Promise.resolve(this.publishes[i]);
    let waiter;
    const p = new Promise((resolve, reject) => {
      waiter = { test: (e) => e.seq >= fromSeq && test(e), resolve, reject };
      this.waiters.add(waiter);
    });
    return this.within(label, p, timeoutMs).finally(() => this.waiters.delete(waiter));
  }

  async initialize() {
    const result = await this.within(
      'the initialize result',
      this.connection.sendRequest('initialize', {
        processId: process.pid,
        clientInfo: { name: 'kubecert-bench' },
        rootUri: null,
        workspaceFolders: null,
        capabilities: {
          workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: false },
          textDocument: {
            synchronization: { dynamicRegistration: false, didSave: false },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            publishDiagnostics: { relatedInformation: true, versionSupport: true },
          },
          window: { workDoneProgress: false },
        },
        initializationOptions: this.initializationOptions,
      }),
    );
    this.timings.start = performance.now() - this.t0;
    this.initializeResult = result;
    this.connection.sendNotification('initialized', {});
    return result;
  }

  /**
   * Sends the settings as didChangeConfiguration (Kubecert reads them from the notification,
   * yaml-language-server pulls them with workspace/configuration), then waits until no
   * configuration request has arrived for `settleMs`.
   */
  async configure({ settleMs = 150, maxMs = 5000 } = {}) {
    this.connection.sendNotification('workspace/didChangeConfiguration', { settings: this.settings });
    const started = performance.now();
    await this.within(
      'configuration to settle',
      (async () => {
        for (;;) {
          await sleep(25);
          const now = performance.now();
          const last = Math.max(started, this.lastConfigurationAt);
          if (now - last >= settleMs || now - started >= maxMs) return;
        }
      })(),
    );
  }

  /**
   * didOpen → the first publishDiagnostics for the uri (`first`), and the first one with at least
   * one diagnostic (`firstNonEmpty`, null when none came before the diagnostics went quiet).
   * Afterwards waits until no publish for the uri has arrived for `quietMs`, so that no late
   * validation of the opened text leaks into the next measurement.
   */
  async open(uri, text, { languageId = 'yaml', quietMs = 600 } = {}) {
    this.versions.set(uri, 1);
    const fromSeq = this.publishes.length;
    const t = performance.now();
    this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    const first = await this.waitForPublish(`the first diagnostics of ${uri}`, (e) => e.uri === uri, fromSeq);
    await this.quiet(uri, quietMs);
    const all = this.publishes.slice(fromSeq).filter((e) => e.uri === uri);
    const nonEmpty = all.find((e) => e.count > 0);
    const last = all[all.length - 1];
    return {
      first: first.t - t,
      firstCount: first.count,
      firstNonEmpty: nonEmpty ? nonEmpty.t - t : null,
      publishes: all.length,
      last: last.t - t,
      finalCount: last.count,
    };
  }

  /**
   * Responsiveness during the first analysis: didOpen, then at once (without waiting for anything)
   * a hover at `position`. Returns the hover's latency (request sent → result), whether the result
   * arrived before the first publishDiagnostics for the uri, and the open → first diagnostics time
   * of this open (which the hover may have delayed). Waits for both, then for the diagnostics to go
   * quiet, like open().
   *
   * "Before" is decided by message order: the hover's promise settles while its response message is
   * handled (vscode-jsonrpc handles one message per macrotask), so a publish counted at that moment
   * came earlier on the wire.
   */
  async openWithHover(uri, text, position, { languageId = 'yaml', quietMs = 600 } = {}) {
    this.versions.set(uri, 1);
    const fromSeq = this.publishes.length;
    const t = performance.now();
    this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    const tHover = performance.now();
    const hover = this.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position }).then((result) => ({
      result,
      at: performance.now(),
      publishesBefore: this.publishes.slice(fromSeq).filter((e) => e.uri === uri).length,
    }));
    const [h, first] = await Promise.all([
      this.within(`a hover at ${position.line}:${position.character} sent right after didOpen`, hover),
      this.waitForPublish(`the first diagnostics of ${uri}`, (e) => e.uri === uri, fromSeq),
    ]);
    await this.quiet(uri, quietMs);
    const contents = h.result?.contents;
    const hoverText =
      typeof contents === 'string'
        ? contents
        : Array.isArray(contents)
          ? contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n')
          : (contents?.value ?? '');
    return {
      hoverMs: h.at - tHover,
      hoverBeforeDiagnostics: h.publishesBefore === 0,
      hoverEmpty: !h.result,
      hoverChars: hoverText.length,
      openFirst: first.t - t,
      firstCount: first.count,
    };
  }

  /** Resolves once no publishDiagnostics for `uri` has arrived for `quietMs`. */
  async quiet(uri, quietMs) {
    await this.within(
      `diagnostics of ${uri} to go quiet`,
      (async () => {
        for (;;) {
          const mine = this.publishes.filter((e) => e.uri === uri);
          const lastT = mine.length ? mine[mine.length - 1].t : 0;
          const wait = lastT + quietMs - performance.now();
          if (wait <= 0) return;
          await sleep(Math.min(wait + 1, 100));
        }
      })(),
    );
  }

  /**
   * didOpen, and a hover at `position` sent the moment the first publishDiagnostics for the uri is handled (a user
   * hovers as soon as the squiggles appear), without any wait: its latency, request → result. Then waits for quiet.
   */
  async openThenHover(uri, text, position, { languageId = 'yaml', quietMs = 600 } = {}) {
    this.versions.set(uri, 1);
    const fromSeq = this.publishes.length;
    const t = performance.now();
    this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    const first = await this.waitForPublish(`the first diagnostics of ${uri}`, (e) => e.uri === uri, fromSeq);
    const h = await this.hover(uri, position);
    await this.quiet(uri, quietMs);
    return { openFirst: first.t - t, firstCount: first.count, hoverMs: h.ms, hoverEmpty: h.empty, hoverChars: h.chars };
  }

  async hover(uri, position) {
    const t = performance.now();
    const result = await this.within(
      `a hover at ${position.line}:${position.character}`,
      this.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position }),
    );
    const ms = performance.now() - t;
    const contents = result?.contents;
    const text =
      typeof contents === 'string'
        ? contents
        : Array.isArray(contents)
          ? contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n')
          : (contents?.value ?? '');
    return { ms, empty: !result, chars: text.length, text };
  }

  /**
   * One incremental didChange → the publishDiagnostics of that version. A server that publishes
   * a version must publish exactly that one; a server that publishes no version (yaml-language-
   * server) is matched by the first publish for the uri after the change was sent.
   */
  async change(uri, range, newText) {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const fromSeq = this.publishes.length;
    const t = performance.now();
    this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: newText }] });
    const e = await this.waitForPublish(
      `the diagnostics of version ${version} of ${uri}`,
      (p) => p.uri === uri && (p.version === undefined || p.version === null || p.version === version),
      fromSeq,
    );
    return { ms: e.t - t, count: e.count, versioned: e.version !== undefined && e.version !== null };
  }

  /**
   * An edit and, at once (without waiting for anything), a hover at `position`: the hover's latency
   * (request sent → result) and text, and the change → diagnostics time of that version. Used to hover a
   * certificate pasted by the edit, which the server has never decoded when the hover arrives.
   */
  async changeWithHover(uri, range, newText, position) {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const fromSeq = this.publishes.length;
    const t = performance.now();
    this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: newText }] });
    const tHover = performance.now();
    const hover = this.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position }).then((result) => ({ result, at: performance.now() }));
    const [h, e] = await Promise.all([
      this.within(`a hover at ${position.line}:${position.character} sent right after an edit`, hover),
      this.waitForPublish(
        `the diagnostics of version ${version} of ${uri}`,
        (p) => p.uri === uri && (p.version === undefined || p.version === null || p.version === version),
        fromSeq,
      ),
    ]);
    const contents = h.result?.contents;
    const text =
      typeof contents === 'string'
        ? contents
        : Array.isArray(contents)
          ? contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n')
          : (contents?.value ?? '');
    return { hoverMs: h.at - tHover, text, changeMs: e.t - t };
  }

  /** Peak (VmHWM) and current (VmRSS) resident set of the server process, in KiB. */
  memory() {
    try {
      const status = readFileSync(`/proc/${this.serverPid()}/status`, 'utf8');
      const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { hwmKb: kb('VmHWM'), rssKb: kb('VmRSS') };
    } catch {
      return { hwmKb: NaN, rssKb: NaN };
    }
  }

  /**
   * The process that serves: Kubecert's server started without its heap flags runs itself again with them
   * (server/src/relaunch.ts) and stays as a relay; then its one child that runs server.js.
   */
  serverPid() {
    try {
      const children = readFileSync(`/proc/${this.pid}/task/${this.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      if (children.length !== 1) return this.pid;
      return readFileSync(`/proc/${children[0]}/cmdline`, 'utf8').includes('server.js') ? Number(children[0]) : this.pid;
    } catch {
      return this.pid;
    }
  }

  /** SIGKILL now, no shutdown handshake (a server that failed or hung). */
  kill() {
    this.stopping = true;
    try {
      this.child.kill('SIGKILL');
    } catch {
      // gone
    }
    this.connection.dispose();
    children.delete(this.child);
  }

  async stop(graceMs = 3000) {
    this.stopping = true;
    if (!this.exited) {
      try {
        await Promise.race([this.connection.sendRequest('shutdown'), sleep(graceMs)]);
        this.connection.sendNotification('exit');
      } catch {
        // already gone
      }
    }
    if (!this.exited) {
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          try {
            this.child.kill('SIGKILL');
          } catch {
            // gone
          }
          resolve();
        }, graceMs);
        this.child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.connection.dispose();
    children.delete(this.child);
  }
}
