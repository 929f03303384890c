// The benchmark: Kubecert's language server vs yaml-language-server on kubeconfigs of 10 … 5,000
// contexts and a 2,000-document manifest file, plus `kubecert check` on the largest kubeconfig, the
// servers' responsiveness during the first analysis of the 5,000-context file, the extension's
// activation in a real extension host (code-server) and the size of the packaged .vsix.
// `npm run bench` builds first; see bench/README.md for what each number means.
//
//   node scripts/bench.mjs [--runs N] [--sizes 10,100,1000,5000,7500,20000] [--quick] [--timeout SECONDS]
//                          [--no-manifests] [--no-stream] [--no-cli] [--servers kubecert,yaml-ls] [--no-network-guard]
//                          [--no-responsiveness] [--no-hover-at-diagnostics] [--no-plain-server]
//                          [--no-extension] [--activation-runs N] [--no-vsix] [--no-workspace-lsp]
//
// Writes bench/results/latest.json and bench/results/latest.md and prints the Markdown.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAllDocuments, parseDocument } from 'yaml';
import { CACHE_DIR, ensureInputs } from '../bench/generate.mjs';
import { BenchError, LspServer } from '../bench/lspDriver.mjs';
import { growth, markdown, median, summarise, summariseResponsiveness, targets } from '../bench/report.mjs';
import { measureWorkspaceLsp } from '../bench/workspaceLsp.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NOW = '2026-11-21T00:00:00Z';
const WARM_HOVERS = 10;
const PARSE_SAMPLES = 5;
/** The size at which the responsiveness during the first analysis is measured (when it is among --sizes). */
const RESPONSIVENESS_SIZE = 5000;
/** The sizes at which a hover is sent the moment the open's diagnostics arrive. */
const HOVER_AT_DIAGNOSTICS_SIZES = [1000, 5000];
/** The size at which `node dist/server.js` (no flags: it relaunches itself with them) runs beside the bin's form. */
const PLAIN_SERVER_SIZE = 1000;
/** The CLI is timed at this size when it is measured (its target), else at the largest. */
const CLI_SIZE = 5000;

// ------------------------------------------------------------------ arguments

function parseArgs(argv) {
  const o = {
    runs: undefined,
    sizes: undefined,
    quick: false,
    timeoutMs: 120_000,
    manifests: true,
    stream: true,
    hoverAtDiagnostics: true,
    plainServer: true,
    cli: true,
    servers: ['kubecert', 'yamlLs'],
    guard: true,
    responsiveness: true,
    extension: true,
    activationRuns: 3,
    vsix: true,
    out: 'latest',
    workspaceLsp: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    const name = a.split('=')[0];
    if (name === '--runs') o.runs = Number(value());
    else if (name === '--sizes')
      o.sizes = value()
        .split(',')
        .map((s) => Number(s.replace(/[_,]/g, '')));
    else if (name === '--no-workspace-lsp') o.workspaceLsp = false;
    else if (name === '--quick') o.quick = true;
    else if (name === '--timeout') o.timeoutMs = Number(value()) * 1000;
    else if (name === '--no-manifests') o.manifests = false;
    else if (name === '--no-stream') o.stream = false;
    else if (name === '--no-hover-at-diagnostics') o.hoverAtDiagnostics = false;
    else if (name === '--no-plain-server') o.plainServer = false;
    else if (name === '--no-cli') o.cli = false;
    else if (name === '--no-network-guard') o.guard = false;
    else if (name === '--no-responsiveness') o.responsiveness = false;
    else if (name === '--no-extension') o.extension = false;
    else if (name === '--activation-runs') o.activationRuns = Number(value());
    else if (name === '--no-vsix') o.vsix = false;
    else if (name === '--out') o.out = value();
    else if (name === '--servers')
      o.servers = value()
        .split(',')
        .map((s) => (/^y/i.test(s) ? 'yamlLs' : 'kubecert'));
    else if (name === '--help' || name === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  o.sizes ??= o.quick ? [10, 100, 1000] : [10, 100, 1000, 5000, 7500, 20000];
  o.runs ??= 5;
  if (!Number.isInteger(o.runs) || o.runs < 1) usage('--runs must be a positive integer');
  if (o.sizes.some((s) => !Number.isInteger(s) || s < 1)) usage('--sizes must be positive integers');
  if (!(o.timeoutMs > 0)) usage('--timeout must be a positive number of seconds');
  if (!Number.isInteger(o.activationRuns) || o.activationRuns < 1) usage('--activation-runs must be a positive integer');
  if (!/^[\w.-]+$/.test(o.out)) usage('--out must be a plain file name');
  o.sizes = [...new Set(o.sizes)].sort((a, b) => a - b);
  return o;
}

function usage(error) {
  const text = `usage: node scripts/bench.mjs [--runs N] [--sizes 10,100,1000,5000,7500,20000] [--quick] [--timeout SECONDS]
                              [--no-manifests] [--no-stream] [--no-cli] [--servers kubecert,yaml-ls] [--no-network-guard]
                              [--no-responsiveness] [--no-hover-at-diagnostics] [--no-plain-server]
                              [--no-extension] [--activation-runs N] [--no-vsix] [--no-workspace-lsp]
  --quick               sizes 10,100,1000 (no 5,000 and up), ${5} runs unless --runs is given
  --no-stream           skip the 4,000-document manifest stream (9 MB: keystrokes inside one document, and one that adds a document)
  --no-hover-at-diagnostics  skip the hover sent the moment the open's diagnostics arrive (${HOVER_AT_DIAGNOSTICS_SIZES.join(', ')} contexts)
  --out NAME            write bench/results/NAME.json and NAME.md (default: latest)
  --no-plain-server     skip \`node dist/server.js\` (no flags) beside the bin's form at ${PLAIN_SERVER_SIZE.toLocaleString('en-US')} contexts
  --no-responsiveness   skip the hover sent right after opening the ${RESPONSIVENESS_SIZE.toLocaleString('en-US')}-context file
  --no-extension        skip the extension's activation in code-server (test/e2e/runInCodeServer.mjs)
  --activation-runs N   fresh code-server runs for the activation figure (default 3)
  --no-vsix             skip packaging the .vsix (node scripts/package.mjs) and reporting its size
  --no-workspace-lsp    skip the language server on a 5,000-file workspace (bench/workspaceLsp.mjs)`;
  if (error) {
    console.error(`bench: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

const opts = parseArgs(process.argv.slice(2));
const log = (s) => process.stderr.write(`${s}\n`);

// ------------------------------------------------------------------ servers

const schemaUri = pathToFileURL(join(ROOT, 'bench/kubeconfig.schema.json')).href;
/**
 * What both servers get through didChangeConfiguration / workspace/configuration.
 * The second glob is needed because yaml-language-server matches with picomatch without `dot`:
 * `*.kubeconfig` alone does not match files under bench/.cache/.
 */
const SETTINGS = {
  kubecert: { now: NOW },
  yaml: {
    validate: true,
    hover: true,
    completion: true,
    format: { enable: false },
    schemas: { [schemaUri]: ['*.kubeconfig', '.cache/**/*.kubeconfig'] },
    // Never fetch the schema store catalogue or Kubernetes CRD schemas: no network.
    schemaStore: { enable: false },
    kubernetesCRDStore: { enable: false },
  },
  http: { proxy: '', proxyStrictSSL: false },
  '[yaml]': null,
  editor: null,
};

const guard = opts.guard ? ['--require', join(ROOT, 'bench/noNetwork.cjs')] : [];
/** The node flags a bin's shebang (`#!/usr/bin/env -S node …`) starts it with: Kubecert runs here as its bins run it. */
function shebangFlags(bin) {
  const m = /^#!\/usr\/bin\/env -S node((?: --?\S+)*)\s*$/.exec(readFileSync(join(ROOT, bin), 'utf8').split('\n')[0]);
  if (!m) throw new BenchError(`${bin} does not start with "#!/usr/bin/env -S node [flags]"`);
  return m[1].trim().split(/\s+/).filter(Boolean);
}
const SERVER_FLAGS = shebangFlags('bin/kubecert-language-server.js');
const CLI_FLAGS = shebangFlags('bin/kubecert.js');
const SERVERS = {
  kubecert: { label: 'Kubecert', args: [...SERVER_FLAGS, ...guard, join(ROOT, 'dist/server.js'), '--stdio'], initializationOptions: { now: NOW } },
  // As the README's other-editor instructions could start it: no flags, so it relaunches itself with them.
  kubecertPlain: { label: 'node dist/server.js', args: [...guard, join(ROOT, 'dist/server.js'), '--stdio'], initializationOptions: { now: NOW } },
  yamlLs: {
    label: 'yaml-language-server',
    args: [...guard, join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server'), '--stdio'],
    initializationOptions: {},
  },
};

const startServer = (key) =>
  LspServer.start({
    name: SERVERS[key].label,
    command: process.execPath,
    args: SERVERS[key].args,
    cwd: ROOT,
    settings: SETTINGS,
    initializationOptions: SERVERS[key].initializationOptions,
    timeoutMs: opts.timeoutMs,
  });

/**
 * Untimed check that yaml-language-server validated the whole file against the schema, not just its
 * beginning: break the base64 of the last client-key-data (a `!` fails the schema's pattern) and
 * require a diagnostic on that line.
 */
async function schemaCoversWholeFile(s, uri, text) {
  const lines = text.split('\n');
  const line = lines.findLastIndex((l) => l.startsWith('    client-key-data: '));
  if (line < 0) return null;
  const character = '    client-key-data: '.length + 10;
  const r = await s.change(uri, { start: { line, character }, end: { line, character: character + 1 } }, '!');
  const hit = (s.lastDiagnostics.get(uri) ?? []).some((d) => d.range.start.line === line);
  return { ok: hit, line, diagnostics: r.count };
}

/** One fresh server, one document: the timings of one run. */
async function runOnce(key, input, text, { sanity = false } = {}) {
  const uri = pathToFileURL(input.path).href;
  const s = await startServer(key);
  try {
    await s.configure();
    const open = await s.open(uri, text);
    const first = await s.hover(uri, input.meta.hover);
    // On a kubeconfig both servers must answer (yaml-ls with the schema's description): an empty
    // hover means the schema was not applied, and the run would measure the wrong thing.
    if (first.empty || first.chars === 0) {
      if (input.meta.kind === 'kubeconfig')
        throw new BenchError(
          `${s.name} returned an empty hover at ${input.meta.hover.line}:${input.meta.hover.character} (${input.meta.hover.what})${key === 'yamlLs' ? ': is the schema applied?' : ''}`,
        );
    }
    const warm = [];
    for (let i = 0; i < WARM_HOVERS; i++) warm.push((await s.hover(uri, input.meta.hover)).ms);
    const e = input.meta.edit;
    const edit = await s.change(uri, { start: { line: e.line, character: e.character }, end: { line: e.line, character: e.character + 1 } }, e.new);
    const diagnosed = s.lastDiagnostics.get(uri) ?? [];
    // A keystroke that adds a document (the stream: `---` typed on its own line inside a document), a moment later.
    let addDocument;
    if (input.meta.addDocument) {
      await s.quiet(uri, 300);
      const a = input.meta.addDocument;
      addDocument = await s.change(uri, { start: { line: a.line, character: a.character }, end: { line: a.line, character: a.character } }, a.text);
    }
    // A moment later (300 ms without diagnostics, as a person pastes), a certificate the server has never seen is
    // pasted over the hovered value and hovered at once.
    await s.quiet(uri, 300);
    const p = input.meta.paste;
    const pasted = await s.changeWithHover(
      uri,
      { start: { line: p.line, character: p.character }, end: { line: p.line, character: p.endCharacter } },
      p.text,
      input.meta.hover,
    );
    if (key === 'kubecert' && !pasted.text.includes(`CN=${p.subjectCN}`))
      throw new BenchError(`${s.name}'s hover on the pasted certificate does not name CN=${p.subjectCN}: it answered about another text`);
    const mem = s.memory();
    let schemaCheck;
    if (sanity && key === 'yamlLs' && input.meta.kind === 'kubeconfig') {
      schemaCheck = await schemaCoversWholeFile(s, uri, text);
      if (schemaCheck && !schemaCheck.ok)
        throw new BenchError(`${s.name} reported nothing for a schema violation on the last line (${schemaCheck.line}): it did not validate the whole file`);
    }
    if (s.networkBlocked) throw new BenchError(`${s.name} tried to use the network (blocked)${s.stderrSuffix()}`);
    return {
      start: s.timings.start,
      openFirst: open.first,
      openNonEmpty: open.firstNonEmpty,
      openPublishes: open.publishes,
      openCount: open.finalCount,
      hoverFirst: first.ms,
      hoverChars: first.chars,
      hoverWarm: median(warm),
      hoverNew: pasted.hoverMs,
      keystroke: edit.ms,
      keystrokeCount: edit.count,
      ...(addDocument ? { keystrokeAddDocument: addDocument.ms, addDocumentCount: addDocument.count } : {}),
      inputLimit: diagnosed.some((d) => d.code === 'input-limit'),
      keystrokeVersioned: edit.versioned,
      peakRssMb: mem.hwmKb / 1024,
      ...(schemaCheck ? { schemaCoversWholeFile: schemaCheck } : {}),
      configurationRequests: s.configurationRequests,
      unhandledRequests: [...new Set(s.unhandledRequests)],
    };
  } finally {
    await s.stop();
  }
}

/**
 * The bare YAML parse of the same text, in this process: untimed warm-up parses (at least 3 and at
 * least 300 ms, at most 20) so the JIT has optimised the parser, then the median of 5.
 */
function bareParse(text, multi) {
  const parse = () => (multi ? parseAllDocuments(text, { keepSourceTokens: true }) : parseDocument(text, { keepSourceTokens: true }));
  const warmStart = performance.now();
  for (let i = 0; i < 20 && (i < 3 || performance.now() - warmStart < 300); i++) parse();
  const samples = [];
  for (let i = 0; i < PARSE_SAMPLES; i++) {
    const t = performance.now();
    parse();
    samples.push(performance.now() - t);
  }
  return { samples, median: median(samples) };
}

/** `node [shebang flags] bin/kubecert.js check FILE --now … --format json > /dev/null`, wall time spawn → exit. */
function runCli(path) {
  return new Promise((resolve, reject) => {
    const devNull = openSync('/dev/null', 'w');
    const t = performance.now();
    const child = spawn(process.execPath, [...CLI_FLAGS, join(ROOT, 'bin/kubecert.js'), 'check', path, '--now', NOW, '--format', 'json'], {
      cwd: ROOT,
      stdio: ['ignore', devNull, 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new BenchError(`kubecert check timed out after ${opts.timeoutMs / 1000} s`));
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      closeSync(devNull);
      const ms = performance.now() - t;
      // 0: no errors, 1: errors found (expected: some certificates are expired); 2: usage or read error.
      if (code === 0 || code === 1) resolve({ ms, code });
      else reject(new BenchError(`kubecert check exited with ${code}: ${stderr.trim()}`));
    });
  });
}

/** A fresh server, didOpen, and a hover sent the moment the first diagnostics arrive (LspServer.openThenHover). */
async function runHoverAtDiagnostics(key, input, text) {
  const uri = pathToFileURL(input.path).href;
  const s = await startServer(key);
  try {
    await s.configure();
    const r = await s.openThenHover(uri, text, input.meta.hover);
    if (r.hoverEmpty || r.hoverChars === 0) throw new BenchError(`${s.name} returned an empty hover at ${input.meta.hover.line}:${input.meta.hover.character}`);
    if (s.networkBlocked) throw new BenchError(`${s.name} tried to use the network (blocked)${s.stderrSuffix()}`);
    return r;
  } finally {
    await s.stop();
  }
}

/**
 * Responsiveness during the first analysis: a fresh server, didOpen and at once a hover on the same
 * certificate as the other hovers (the middle cluster's certificate-authority-data), without waiting
 * for diagnostics. See LspServer.openWithHover.
 */
async function runResponsiveness(key, input, text) {
  const uri = pathToFileURL(input.path).href;
  const s = await startServer(key);
  try {
    await s.configure();
    const r = await s.openWithHover(uri, text, input.meta.hover);
    if (s.networkBlocked) throw new BenchError(`${s.name} tried to use the network (blocked)${s.stderrSuffix()}`);
    return r;
  } finally {
    await s.stop();
  }
}

// ------------------------------------------------------------------ the extension: activation, .vsix

/** Children started by spawnCollect; told to stop (SIGTERM: the e2e runner then stops its code-server) if the benchmark exits. */
const collected = new Set();
process.on('exit', () => {
  for (const child of collected) {
    try {
      child.kill('SIGTERM');
    } catch {
      // gone
    }
  }
});

/** Runs a command, keeps the tail of its output; on timeout SIGTERM, then SIGKILL 15 s later. */
function spawnCollect(command, args, { env = process.env, timeoutMs }) {
  return new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    collected.add(child);
    let output = '';
    const keep = (d) => (output = (output + d).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    let killer;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    }, timeoutMs);
    let settled = false;
    const done = (code, signal, error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killer);
      collected.delete(child);
      resolve({ code, signal, error, timedOut, output, ms: performance.now() - t });
    };
    child.on('error', (err) => done(null, null, err.message));
    // 'close' once the output is read to the end; 2 s after 'exit' at most, should a grandchild keep the pipes open.
    child.on('close', (code, signal) => done(code, signal));
    child.on('exit', (code, signal) => setTimeout(() => done(code, signal), 2000).unref());
  });
}

const tail = (output, lines = 15) => output.trim().split('\n').slice(-lines).join('\n');
/** The runner's own error line (`[e2e] ERROR: …`), else its last line: the one-line summary of a failed run. */
const runnerError = (output) => {
  const lines = output.trim().split('\n');
  return (lines.find((l) => l.startsWith('[e2e] ERROR')) ?? lines[lines.length - 1] ?? '').slice(0, 300);
};

const E2E_TOOLS_DIR = process.env.KUBECERT_E2E_TOOLS_DIR || join(ROOT, '.vscode-test/code-server');
const E2E_RUNNER = join(ROOT, 'test/e2e/runInCodeServer.mjs');
const ACTIVATION_SOURCE = join(ROOT, 'test/e2e/activation/index.ts');
const ACTIVATION_DIR = join(ROOT, 'bench/.cache/activation');
const ACTIVATION_FIXTURE = join(ROOT, 'test/fixtures/seed/admin.kubeconfig');

/** Why the activation cannot be measured here, or null. Missing tools are "not measured", never a failure. */
function activationMissing() {
  const chromium = process.env.KUBECERT_E2E_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(join(E2E_TOOLS_DIR, 'node_modules/code-server/out/node/entry.js')))
    return `code-server is not installed in ${relative(ROOT, E2E_TOOLS_DIR) || E2E_TOOLS_DIR} — scripts/install-e2e.sh installs it`;
  if (!existsSync(join(E2E_TOOLS_DIR, 'node_modules/playwright-core'))) return 'playwright-core is not installed — scripts/install-e2e.sh installs it';
  if (!existsSync(chromium)) return `chromium is not installed at ${chromium}`;
  for (const f of [E2E_RUNNER, ACTIVATION_SOURCE, ACTIVATION_FIXTURE, 'node_modules/typescript/bin/tsc'])
    if (!existsSync(resolve(ROOT, f))) return `${relative(ROOT, resolve(ROOT, f))} is missing`;
  if (!existsSync(join(ROOT, 'dist/extension.js'))) return 'dist/extension.js is missing — run `npm run build`';
  return null;
}

/**
 * Compiles test/e2e/activation/index.ts (and whatever it imports) with the project's compiler options
 * into bench/.cache/activation/out/ — on its own, so it neither depends on the rest of the project
 * type-checking nor writes into out/ while other builds may be using it. tsc emits despite type
 * errors; the output is used when it was written, and the errors are kept.
 */
function compileActivationEntry() {
  mkdirSync(ACTIVATION_DIR, { recursive: true });
  const rel = (p) => relative(ACTIVATION_DIR, p);
  writeFileSync(
    join(ACTIVATION_DIR, 'tsconfig.json'),
    JSON.stringify(
      {
        extends: rel(join(ROOT, 'tsconfig.json')),
        compilerOptions: { outDir: 'out', rootDir: rel(ROOT), sourceMap: false },
        files: [rel(ACTIVATION_SOURCE)],
        include: [],
      },
      null,
      2,
    ) + '\n',
  );
  const out = join(ACTIVATION_DIR, 'out/test/e2e/activation/index.js');
  rmSync(out, { force: true });
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ACTIVATION_DIR, 'tsconfig.json')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: opts.timeoutMs,
  });
  const messages = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (!existsSync(out))
    throw new BenchError(
      `tsc did not compile ${relative(ROOT, ACTIVATION_SOURCE)} (exit ${r.status}${r.error ? `, ${r.error.message}` : ''})${messages ? `:\n${tail(messages)}` : ''}`,
    );
  return { path: out, tscErrors: r.status === 0 ? null : tail(messages, 30) };
}

/**
 * One fresh code-server (fresh user data, extensions and temp folders: runInCodeServer.mjs) with the
 * repository as the development extension (dist/extension.js as `npm run build` made it), a workspace
 * holding admin.kubeconfig, HOME and KUBECONFIG pointing at a copy of it; the entry opens the file,
 * activates Kubecert and writes what the extension measured.
 */
async function runActivationOnce(entry) {
  const tmp = mkdtempSync(join(tmpdir(), 'kubecert-bench-activation-'));
  try {
    const ws = join(tmp, 'workspace');
    const home = join(tmp, 'home');
    mkdirSync(join(ws, '.vscode'), { recursive: true });
    mkdirSync(join(home, '.kube'), { recursive: true });
    copyFileSync(ACTIVATION_FIXTURE, join(ws, 'admin.kubeconfig'));
    copyFileSync(ACTIVATION_FIXTURE, join(home, '.kube/config'));
    writeFileSync(join(ws, '.vscode/settings.json'), JSON.stringify({ 'kubecert.now': NOW }));
    const outFile = join(tmp, 'activation.json');
    const args = [E2E_RUNNER, '--extension', ROOT, '--tests', entry, '--workspace', ws, '--timeout', String(opts.timeoutMs)];
    for (const kv of [`HOME=${home}`, `KUBECONFIG=${join(home, '.kube/config')}`, `KUBECERT_ACTIVATION_OUT=${outFile}`]) args.push('--env', kv);
    // The runner's --timeout covers the suite; code-server's and Chromium's start (≤ 60 s each) come on top.
    const r = await spawnCollect(process.execPath, args, { timeoutMs: opts.timeoutMs + 150_000 });
    if (r.timedOut) throw new BenchError(`runInCodeServer.mjs did not finish in ${(opts.timeoutMs + 150_000) / 1000} s\n${tail(r.output)}`);
    if (r.code !== 0) throw new BenchError(`runInCodeServer.mjs exited with ${r.code ?? r.signal ?? r.error}: ${runnerError(r.output)}\n${tail(r.output)}`);
    let figures;
    try {
      figures = JSON.parse(readFileSync(outFile, 'utf8'));
    } catch (e) {
      throw new BenchError(`the activation entry wrote no figures (${e.message}):\n${tail(r.output)}`);
    }
    const { loadMs, hostMs, activateMs } = figures;
    if (typeof loadMs !== 'number' || typeof activateMs !== 'number')
      throw new BenchError(
        `the extension reported no ${typeof loadMs !== 'number' ? 'load time (is the bundle banner or footer missing from dist/extension.js?)' : 'activate() time'}: ${JSON.stringify(figures)}`,
      );
    return { loadMs, hostMs, activateMs, totalMs: loadMs + activateMs, vscode: figures.vscode ?? null, wallMs: r.ms };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The activation section: "not measured" (with the reason) when the tools are missing, never a failure of the bench. */
async function measureActivation(failures) {
  const missing = activationMissing();
  if (missing) {
    log(`bench: extension activation not measured: ${missing}`);
    return { measured: false, reason: missing };
  }
  let entry;
  try {
    entry = compileActivationEntry();
  } catch (e) {
    failures.push({ input: 'activation', server: 'tsc', run: 0, error: e.message });
    log(`bench: extension activation: FAILED to compile the entry: ${e.message}`);
    return { measured: false, reason: `the extension-host entry did not compile: ${e.message.split('\n')[0]}` };
  }
  if (entry.tscErrors) log(`bench: tsc reported errors while compiling the activation entry (output used anyway):\n${entry.tscErrors}`);
  const all = [];
  for (let r = 1; r <= opts.activationRuns; r++) {
    try {
      const m = await runActivationOnce(entry.path);
      all.push(m);
      log(
        `  activation run ${r}/${opts.activationRuns} load ${m.loadMs.toFixed(1)} · (VS Code ${m.hostMs.toFixed(1)}) · activate() ${m.activateMs.toFixed(1)} · total ${m.totalMs.toFixed(1)} ms (VS Code ${m.vscode}; run took ${(m.wallMs / 1000).toFixed(1)} s)`,
      );
    } catch (e) {
      all.push({ error: e.message });
      failures.push({ input: 'activation', server: 'extension host', run: r, error: e.message });
      log(`  activation run ${r}/${opts.activationRuns}: FAILED: ${e.message}`);
    }
  }
  const ok = all.filter((m) => !m.error);
  let codeServer = null;
  try {
    codeServer = JSON.parse(readFileSync(join(E2E_TOOLS_DIR, 'node_modules/code-server/package.json'), 'utf8')).version;
  } catch {
    // unknown
  }
  return {
    measured: ok.length > 0,
    ...(ok.length ? {} : { reason: 'every run failed (see Failures)' }),
    runs: ok.length,
    failed: all.length - ok.length,
    totalMs: median(ok.map((m) => m.totalMs)),
    loadMs: median(ok.map((m) => m.loadMs)),
    hostMs: median(ok.map((m) => m.hostMs)),
    activateMs: median(ok.map((m) => m.activateMs)),
    vscode: ok[0]?.vscode ?? null,
    codeServer,
    bundle: 'dist/extension.js',
    setup: {
      workspace: 'a temporary folder holding test/fixtures/seed/admin.kubeconfig (opened by the entry)',
      home: 'a fresh temporary folder',
      kubeconfig: 'a copy of admin.kubeconfig at $HOME/.kube/config',
    },
    bundleBytes: statSync(join(ROOT, 'dist/extension.js')).size,
    tscErrors: entry.tscErrors,
    all,
  };
}

/**
 * `node scripts/package.mjs --out <temporary folder>/kubecert.vsix` (a production build staged in a
 * temporary folder and packed by vsce), the size of the file, then the folder is removed. TMPDIR
 * points into that folder too, so the script's staging folder cannot outlive it even if it fails.
 * Without --out the script would write kubecert.vsix in the repository root.
 */
async function measureVsix(failures) {
  for (const f of ['scripts/package.mjs', 'node_modules/@vscode/vsce/vsce']) {
    if (!existsSync(join(ROOT, f))) {
      log(`bench: .vsix not measured: ${f} is missing`);
      return { measured: false, reason: `${f} is missing` };
    }
  }
  const tmp = mkdtempSync(join(tmpdir(), 'kubecert-bench-vsix-'));
  try {
    const out = join(tmp, 'kubecert.vsix');
    const r = await spawnCollect(process.execPath, [join(ROOT, 'scripts/package.mjs'), '--out', out], {
      env: { ...process.env, TMPDIR: tmp },
      timeoutMs: opts.timeoutMs,
    });
    if (r.timedOut || r.code !== 0 || !existsSync(out)) {
      const error = `node scripts/package.mjs ${r.timedOut ? `timed out after ${opts.timeoutMs / 1000} s` : `exited with ${r.code ?? r.signal ?? r.error}`}${existsSync(out) ? '' : ' and wrote no .vsix'}:\n${tail(r.output)}`;
      failures.push({ input: 'vsix', server: 'package', run: 1, error });
      log(`bench: .vsix: FAILED: ${error}`);
      return { measured: false, reason: `packaging failed: ${error.split('\n')[0]}` };
    }
    const bytes = statSync(out).size;
    const packed = /Packaged: .*\((\d+) files?, ([^)]+)\)/.exec(r.output);
    // vsce's listing of what went in (one line per entry, with sizes), for the JSON.
    const listing = r.output
      .split('\n')
      .filter((l) => /[├└│]/.test(l))
      .map((l) => l.replace(/\s+$/, ''));
    log(`bench: .vsix ${(bytes / 1024).toFixed(0)} KB (${bytes} bytes${packed ? `, ${packed[1]} files` : ''}; packaged in ${(r.ms / 1000).toFixed(1)} s)`);
    return {
      measured: true,
      bytes,
      files: packed ? Number(packed[1]) : null,
      packageMs: r.ms,
      command: 'node scripts/package.mjs --out <temporary folder>/kubecert.vsix',
      listing,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ preflight

/** yaml-language-server must really validate against the schema, or the comparison is meaningless. */
async function schemaPreflight() {
  const path = join(CACHE_DIR, 'schema-check.kubeconfig');
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: c',
    '  cluster:',
    '    server: https://192.0.2.1:6443',
    '    insecure-skip-tls-verify: "yes"',
    'users:',
    '- name: u',
    '  user:',
    '    token: t',
    'contexts:',
    '- name: x',
    '  context:',
    '    cluster: c',
    '    user: u',
    'current-context: x',
    '',
  ].join('\n');
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(path, text);
  const s = await startServer('yamlLs');
  try {
    await s.configure();
    const uri = pathToFileURL(path).href;
    await s.open(uri, text, { quietMs: 300 });
    const diags = s.lastDiagnostics.get(uri) ?? [];
    const hit = diags.find((d) => d.range.start.line === 6 && /boolean/i.test(d.message));
    return {
      ok: Boolean(hit),
      message: hit ? hit.message : `no diagnostic for the wrong type; got ${JSON.stringify(diags.map((d) => d.message))}`,
      diagnostics: diags.map((d) => ({ line: d.range.start.line, message: d.message, source: d.source })),
    };
  } finally {
    await s.stop();
  }
}

// ------------------------------------------------------------------ main

async function main() {
  const began = performance.now();
  const loadavgStart = loadavg();
  for (const f of ['dist/server.js', 'bin/kubecert.js', 'node_modules/yaml-language-server/bin/yaml-language-server']) {
    if (!existsSync(join(ROOT, f))) {
      log(`bench: ${f} is missing — run \`npm run build\` (or \`npm run bench\`, which builds first).`);
      process.exit(2);
    }
  }
  const pkg = (p) => JSON.parse(readFileSync(join(ROOT, p), 'utf8')).version;
  let commit = null;
  try {
    const head = readFileSync(join(ROOT, '.git/HEAD'), 'utf8').trim();
    commit = head.startsWith('ref: ') ? readFileSync(join(ROOT, '.git', head.slice(5)), 'utf8').trim() : head;
  } catch {
    // not a git checkout, or a packed ref
  }
  const environment = {
    node: process.versions.node,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown CPU',
    kubecertVersion: pkg('package.json'),
    yamlLsVersion: pkg('node_modules/yaml-language-server/package.json'),
    yamlVersion: pkg('node_modules/yaml/package.json'),
    commit,
    loadavgStart,
  };
  // The extension's own figures (activation, .vsix) belong to Kubecert, like the CLI timing.
  const withKubecert = opts.servers.includes('kubecert');
  const responsivenessSize = opts.responsiveness && opts.sizes.includes(RESPONSIVENESS_SIZE) ? RESPONSIVENESS_SIZE : null;
  const config = {
    runs: opts.runs,
    sizes: opts.sizes,
    manifests: opts.manifests,
    cli: opts.cli,
    servers: opts.servers,
    warmHovers: WARM_HOVERS,
    parseSamples: PARSE_SAMPLES,
    timeoutMs: opts.timeoutMs,
    now: NOW,
    networkGuard: opts.guard,
    quick: opts.quick,
    serverFlags: SERVER_FLAGS,
    cliFlags: CLI_FLAGS,
    responsiveness: responsivenessSize,
    stream: opts.stream,
    hoverAtDiagnostics: opts.hoverAtDiagnostics ? HOVER_AT_DIAGNOSTICS_SIZES.filter((n) => opts.sizes.includes(n)) : [],
    plainServer: opts.plainServer && withKubecert && opts.sizes.includes(PLAIN_SERVER_SIZE) ? PLAIN_SERVER_SIZE : null,
    extension: opts.extension && withKubecert,
    activationRuns: opts.activationRuns,
    vsix: opts.vsix && withKubecert,
  };
  log(
    `bench: ${opts.runs} runs · sizes ${opts.sizes.join(', ')}${opts.manifests ? ' · manifests' : ''}${opts.cli ? ' · CLI' : ''}${responsivenessSize ? ` · responsiveness at ${responsivenessSize}` : ''}` +
      `${config.extension ? ` · activation (${opts.activationRuns} runs)` : ''}${config.vsix ? ' · .vsix' : ''} · timeout ${opts.timeoutMs / 1000} s · load average ${loadavgStart.map((x) => x.toFixed(2)).join(' ')}`,
  );
  if (opts.runs < 5) log('bench: fewer than 5 runs — medians will be noisy');

  const t = performance.now();
  const inputs = ensureInputs({ sizes: opts.sizes, manifests: opts.manifests, stream: opts.stream, log: (s) => log(`bench: ${s}`) });
  log(`bench: inputs ready in ${((performance.now() - t) / 1000).toFixed(1)} s (${CACHE_DIR})`);

  const failures = [];
  const preflight = {};
  if (opts.servers.includes('yamlLs')) {
    try {
      preflight.yamlLsSchema = await schemaPreflight();
    } catch (e) {
      preflight.yamlLsSchema = { ok: false, message: e.message };
    }
    log(`bench: yaml-language-server schema validation: ${preflight.yamlLsSchema.ok ? 'ok' : 'FAILED'} (${preflight.yamlLsSchema.message})`);
    if (!preflight.yamlLsSchema.ok)
      failures.push({ input: 'preflight', server: 'yamlLs', run: 0, error: `schema validation does not run: ${preflight.yamlLsSchema.message}` });
  }

  const cliSize = opts.cli && opts.servers.includes('kubecert') ? (opts.sizes.includes(CLI_SIZE) ? CLI_SIZE : opts.sizes[opts.sizes.length - 1]) : null;
  const results = { kubeconfig: {}, manifests: undefined, stream: undefined, cli: undefined, activation: undefined, vsix: undefined };
  const cliRuns = [];

  /** Runs every server `runs` times on one input, interleaved; with `cli`, a CLI run after each round. */
  async function measure(label, input, multi, withCli, servers = opts.servers) {
    const text = readFileSync(input.path, 'utf8');
    const runs = Object.fromEntries(servers.map((k) => [k, []]));
    for (let r = 1; r <= opts.runs; r++) {
      for (const key of servers) {
        try {
          const m = await runOnce(key, input, text, { sanity: r === 1 });
          runs[key].push(m);
          log(
            `  ${label} run ${r}/${opts.runs} ${SERVERS[key].label.padEnd(20)} start ${m.start.toFixed(0)} · open ${m.openFirst.toFixed(0)} (${m.openCount} diags) · hover ${m.hoverFirst.toFixed(1)}/${m.hoverWarm.toFixed(1)} · keystroke ${m.keystroke.toFixed(1)}${m.keystrokeAddDocument !== undefined ? ` · adds a document ${m.keystrokeAddDocument.toFixed(1)}` : ''} · peak ${m.peakRssMb.toFixed(0)} MB`,
          );
        } catch (e) {
          runs[key].push({ error: e.message });
          failures.push({ input: label, server: key, run: r, error: e.message });
          log(`  ${label} run ${r}/${opts.runs} ${SERVERS[key].label}: FAILED: ${e.message}`);
        }
      }
      if (withCli) {
        try {
          const c = await runCli(input.path);
          cliRuns.push(c.ms);
          log(`  ${label} run ${r}/${opts.runs} kubecert check       ${c.ms.toFixed(0)} ms (exit ${c.code})`);
        } catch (e) {
          failures.push({ input: label, server: 'cli', run: r, error: e.message });
          log(`  ${label} run ${r}/${opts.runs} kubecert check: FAILED: ${e.message}`);
        }
      }
    }
    const parse = bareParse(text, multi);
    const out = { input: input.meta, file: input.path, bareParse: parse.median, bareParseSamples: parse.samples };
    for (const key of servers) out[key] = { ...summarise(runs[key]), all: runs[key] };
    return out;
  }

  /** A hover sent the moment the open's diagnostics arrive: per run and server (interleaved), a fresh process. */
  async function measureHoverAtDiagnostics(label, input) {
    const text = readFileSync(input.path, 'utf8');
    const out = {};
    for (const key of opts.servers) out[key] = [];
    for (let r = 1; r <= opts.runs; r++) {
      for (const key of opts.servers) {
        try {
          const m = await runHoverAtDiagnostics(key, input, text);
          out[key].push(m);
          log(
            `  ${label} hover at diagnostics run ${r}/${opts.runs} ${SERVERS[key].label.padEnd(20)} open ${m.openFirst.toFixed(0)} · hover ${m.hoverMs.toFixed(1)} ms`,
          );
        } catch (e) {
          out[key].push({ error: e.message });
          failures.push({ input: `${label} hover at diagnostics`, server: key, run: r, error: e.message });
          log(`  ${label} hover at diagnostics run ${r}/${opts.runs} ${SERVERS[key].label}: FAILED: ${e.message}`);
        }
      }
    }
    for (const key of opts.servers) {
      const ok = out[key].filter((m) => !m.error);
      out[key] = {
        runs: ok.length,
        failed: out[key].length - ok.length,
        hoverMs: median(ok.map((m) => m.hoverMs)),
        openFirst: median(ok.map((m) => m.openFirst)),
        all: out[key],
      };
    }
    return out;
  }

  /**
   * Responsiveness during the first analysis: per run and server (interleaved) a fresh process,
   * didOpen and at once a hover; its latency and whether it came before the first diagnostics.
   */
  async function measureResponsiveness(label, input) {
    const text = readFileSync(input.path, 'utf8');
    const runs = Object.fromEntries(opts.servers.map((k) => [k, []]));
    for (let r = 1; r <= opts.runs; r++) {
      for (const key of opts.servers) {
        try {
          const m = await runResponsiveness(key, input, text);
          runs[key].push(m);
          log(
            `  ${label} responsiveness run ${r}/${opts.runs} ${SERVERS[key].label.padEnd(20)} hover right after open ${m.hoverMs.toFixed(1)} ms (${m.hoverEmpty || m.hoverChars === 0 ? 'empty' : `${m.hoverChars} chars`}), ` +
              `${m.hoverBeforeDiagnostics ? 'before' : 'after'} the first diagnostics (open → diagnostics ${m.openFirst.toFixed(0)})`,
          );
        } catch (e) {
          runs[key].push({ error: e.message });
          failures.push({ input: `${label} responsiveness`, server: key, run: r, error: e.message });
          log(`  ${label} responsiveness run ${r}/${opts.runs} ${SERVERS[key].label}: FAILED: ${e.message}`);
        }
      }
    }
    const out = { hover: input.meta.hover };
    for (const key of opts.servers) out[key] = { ...summariseResponsiveness(runs[key]), all: runs[key] };
    return out;
  }

  for (const size of opts.sizes) {
    log(`bench: ${size} contexts`);
    const servers = size === config.plainServer ? [...opts.servers, 'kubecertPlain'] : opts.servers;
    results.kubeconfig[size] = await measure(`${size}`, inputs.kubeconfigs[size], false, size === cliSize, servers);
    if (config.hoverAtDiagnostics.includes(size)) {
      log(`bench: ${size} contexts: a hover sent the moment the open's diagnostics arrive`);
      results.kubeconfig[size].hoverAtDiagnostics = await measureHoverAtDiagnostics(`${size}`, inputs.kubeconfigs[size]);
    }
    if (size === responsivenessSize) {
      log(`bench: ${size} contexts: a hover sent right after didOpen, during the first analysis`);
      results.kubeconfig[size].responsiveness = await measureResponsiveness(`${size}`, inputs.kubeconfigs[size]);
    }
  }
  if (cliSize !== null) {
    results.cli = {
      size: cliSize,
      file: inputs.kubeconfigs[cliSize].path,
      runs: cliRuns,
      median: median(cliRuns),
      serverOpen: results.kubeconfig[cliSize].kubecert?.openFirst ?? null,
    };
  }
  if (opts.manifests) {
    log(`bench: manifest file`);
    results.manifests = await measure('manifests', inputs.manifests, true, false);
  }
  if (opts.stream) {
    log(`bench: manifest stream`);
    results.stream = await measure('stream', inputs.stream, true, false);
  }
  const skipped = (flag) => ({ measured: false, reason: withKubecert ? `skipped with ${flag}` : 'skipped: --servers without kubecert' });
  if (config.extension) {
    log(`bench: extension activation in code-server (${opts.activationRuns} runs, a fresh code-server each)`);
    results.activation = await measureActivation(failures);
  } else results.activation = skipped('--no-extension');
  if (config.vsix) {
    log('bench: .vsix (node scripts/package.mjs)');
    results.vsix = await measureVsix(failures);
  } else results.vsix = skipped('--no-vsix');
  let workspaceMd = '';
  if (opts.workspaceLsp && withKubecert) {
    log('bench: the language server on a 5,000-file workspace (bench/workspaceLsp.mjs)');
    try {
      const w = await measureWorkspaceLsp({ runs: Math.min(opts.runs, 3), log: (s) => log(s) });
      results.workspaceLsp = w.result;
      workspaceMd = `\n${w.markdown}\n`;
    } catch (e) {
      failures.push({ input: 'workspace', server: 'kubecert', run: 0, error: e.message });
    }
  } else results.workspaceLsp = skipped('--no-workspace-lsp');

  const report = {
    generatedAt: new Date().toISOString(),
    durationMs: performance.now() - began,
    argv: process.argv.slice(2),
    environment: { ...environment, loadavgEnd: loadavg() },
    config,
    preflight,
    results,
    failures,
  };
  report.targets = targets(results);
  report.growth = growth(results);
  const md = markdown(report) + workspaceMd;
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const writeAtomic = (name, content) => {
    writeFileSync(join(dir, `${name}.tmp`), content);
    renameSync(join(dir, `${name}.tmp`), join(dir, name));
  };
  writeAtomic(`${opts.out}.json`, JSON.stringify(report, null, 2) + '\n');
  writeAtomic(`${opts.out}.md`, md);
  await new Promise((resolve) => process.stdout.write(md, resolve));
  log(`bench: done in ${(report.durationMs / 1000).toFixed(0)} s; wrote bench/results/${opts.out}.json and bench/results/${opts.out}.md`);
  if (failures.length) log(`bench: ${failures.length} failure(s)`);
  // Exit explicitly: a server that ignored shutdown must not keep the benchmark alive (the exit hook kills it).
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  log(`bench: ${e instanceof BenchError ? e.message : e.stack}`);
  process.exit(1);
});
