// The benchmark: Kubecert's language server vs yaml-language-server on kubeconfigs of 10 … 5,000
// contexts and a 2,000-document manifest file, plus `kubecert check` on the largest kubeconfig.
// `npm run bench` builds first; see bench/README.md for what each number means.
//
//   node scripts/bench.mjs [--runs N] [--sizes 10,100,1000,5000] [--quick] [--timeout SECONDS]
//                          [--no-manifests] [--no-cli] [--servers kubecert,yaml-ls] [--no-network-guard]
//
// Writes bench/results/latest.json and bench/results/latest.md and prints the Markdown.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAllDocuments, parseDocument } from 'yaml';
import { CACHE_DIR, ensureInputs, KUBECERT_MAX_TEXT } from '../bench/generate.mjs';
import { BenchError, LspServer } from '../bench/lspDriver.mjs';
import { growth, markdown, median, summarise, targets } from '../bench/report.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NOW = '2026-11-21T00:00:00Z';
const WARM_HOVERS = 10;
const PARSE_SAMPLES = 5;

// ------------------------------------------------------------------ arguments

function parseArgs(argv) {
  const o = { runs: undefined, sizes: undefined, quick: false, timeoutMs: 120_000, manifests: true, cli: true, servers: ['kubecert', 'yamlLs'], guard: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    const name = a.split('=')[0];
    if (name === '--runs') o.runs = Number(value());
    else if (name === '--sizes') o.sizes = value().split(',').map((s) => Number(s.replace(/[_,]/g, '')));
    else if (name === '--quick') o.quick = true;
    else if (name === '--timeout') o.timeoutMs = Number(value()) * 1000;
    else if (name === '--no-manifests') o.manifests = false;
    else if (name === '--no-cli') o.cli = false;
    else if (name === '--no-network-guard') o.guard = false;
    else if (name === '--servers') o.servers = value().split(',').map((s) => (/^y/i.test(s) ? 'yamlLs' : 'kubecert'));
    else if (name === '--help' || name === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  o.sizes ??= o.quick ? [10, 100, 1000] : [10, 100, 1000, 5000];
  o.runs ??= 5;
  if (!Number.isInteger(o.runs) || o.runs < 1) usage('--runs must be a positive integer');
  if (o.sizes.some((s) => !Number.isInteger(s) || s < 1)) usage('--sizes must be positive integers');
  if (!(o.timeoutMs > 0)) usage('--timeout must be a positive number of seconds');
  o.sizes = [...new Set(o.sizes)].sort((a, b) => a - b);
  return o;
}

function usage(error) {
  const text = `usage: node scripts/bench.mjs [--runs N] [--sizes 10,100,1000,5000] [--quick] [--timeout SECONDS]
                              [--no-manifests] [--no-cli] [--servers kubecert,yaml-ls] [--no-network-guard]
  --quick   sizes 10,100,1000 (no 5,000), ${5} runs unless --runs is given`;
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
const SERVERS = {
  kubecert: { label: 'Kubecert', args: [...guard, join(ROOT, 'dist/server.js'), '--stdio'], initializationOptions: { now: NOW } },
  yamlLs: { label: 'yaml-language-server', args: [...guard, join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server'), '--stdio'], initializationOptions: {} },
};

const startServer = (key) =>
  LspServer.start({ name: SERVERS[key].label, command: process.execPath, args: SERVERS[key].args, cwd: ROOT, settings: SETTINGS, initializationOptions: SERVERS[key].initializationOptions, timeoutMs: opts.timeoutMs });

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
      if (input.meta.kind === 'kubeconfig') throw new BenchError(`${s.name} returned an empty hover at ${input.meta.hover.line}:${input.meta.hover.character} (${input.meta.hover.what})${key === 'yamlLs' ? ': is the schema applied?' : ''}`);
    }
    const warm = [];
    for (let i = 0; i < WARM_HOVERS; i++) warm.push((await s.hover(uri, input.meta.hover)).ms);
    const e = input.meta.edit;
    const edit = await s.change(uri, { start: { line: e.line, character: e.character }, end: { line: e.line, character: e.character + 1 } }, e.new);
    const mem = s.memory();
    let schemaCheck;
    if (sanity && key === 'yamlLs' && input.meta.kind === 'kubeconfig') {
      schemaCheck = await schemaCoversWholeFile(s, uri, text);
      if (schemaCheck && !schemaCheck.ok) throw new BenchError(`${s.name} reported nothing for a schema violation on the last line (${schemaCheck.line}): it did not validate the whole file`);
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
      keystroke: edit.ms,
      keystrokeCount: edit.count,
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

/** `node bin/kubecert.js check FILE --now … --format json > /dev/null`, wall time spawn → exit. */
function runCli(path) {
  return new Promise((resolve, reject) => {
    const devNull = openSync('/dev/null', 'w');
    const t = performance.now();
    const child = spawn(process.execPath, [join(ROOT, 'bin/kubecert.js'), 'check', path, '--now', NOW, '--format', 'json'], { cwd: ROOT, stdio: ['ignore', devNull, 'pipe'] });
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

// ------------------------------------------------------------------ preflight

/** yaml-language-server must really validate against the schema, or the comparison is meaningless. */
async function schemaPreflight() {
  const path = join(CACHE_DIR, 'schema-check.kubeconfig');
  const text = [
    'apiVersion: v1', 'kind: Config', 'clusters:', '- name: c', '  cluster:', '    server: https://192.0.2.1:6443', '    insecure-skip-tls-verify: "yes"',
    'users:', '- name: u', '  user:', '    token: t', 'contexts:', '- name: x', '  context:', '    cluster: c', '    user: u', 'current-context: x', '',
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
    return { ok: Boolean(hit), message: hit ? hit.message : `no diagnostic for the wrong type; got ${JSON.stringify(diags.map((d) => d.message))}`, diagnostics: diags.map((d) => ({ line: d.range.start.line, message: d.message, source: d.source })) };
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
  const config = { runs: opts.runs, sizes: opts.sizes, manifests: opts.manifests, cli: opts.cli, servers: opts.servers, warmHovers: WARM_HOVERS, parseSamples: PARSE_SAMPLES, timeoutMs: opts.timeoutMs, now: NOW, networkGuard: opts.guard, quick: opts.quick };
  log(`bench: ${opts.runs} runs · sizes ${opts.sizes.join(', ')}${opts.manifests ? ' · manifests' : ''}${opts.cli ? ' · CLI' : ''} · timeout ${opts.timeoutMs / 1000} s · load average ${loadavgStart.map((x) => x.toFixed(2)).join(' ')}`);
  if (opts.runs < 5) log('bench: fewer than 5 runs — medians will be noisy');

  const t = performance.now();
  const inputs = ensureInputs({ sizes: opts.sizes, manifests: opts.manifests, log: (s) => log(`bench: ${s}`) });
  log(`bench: inputs ready in ${((performance.now() - t) / 1000).toFixed(1)} s (${CACHE_DIR})`);
  for (const [size, input] of Object.entries(inputs.kubeconfigs)) {
    if (input.meta.chars > KUBECERT_MAX_TEXT) log(`bench: WARNING: the ${size}-context file is over Kubecert's 20 MB limit; Kubecert will report input-limit instead of analysing it`);
  }

  const failures = [];
  const preflight = {};
  if (opts.servers.includes('yamlLs')) {
    try {
      preflight.yamlLsSchema = await schemaPreflight();
    } catch (e) {
      preflight.yamlLsSchema = { ok: false, message: e.message };
    }
    log(`bench: yaml-language-server schema validation: ${preflight.yamlLsSchema.ok ? 'ok' : 'FAILED'} (${preflight.yamlLsSchema.message})`);
    if (!preflight.yamlLsSchema.ok) failures.push({ input: 'preflight', server: 'yamlLs', run: 0, error: `schema validation does not run: ${preflight.yamlLsSchema.message}` });
  }

  const cliSize = opts.cli && opts.servers.includes('kubecert') ? opts.sizes[opts.sizes.length - 1] : null;
  const results = { kubeconfig: {}, manifests: undefined, cli: undefined };
  const cliRuns = [];

  /** Runs every server `runs` times on one input, interleaved; with `cli`, a CLI run after each round. */
  async function measure(label, input, multi, withCli) {
    const text = readFileSync(input.path, 'utf8');
    const runs = Object.fromEntries(opts.servers.map((k) => [k, []]));
    for (let r = 1; r <= opts.runs; r++) {
      for (const key of opts.servers) {
        try {
          const m = await runOnce(key, input, text, { sanity: r === 1 });
          runs[key].push(m);
          log(
            `  ${label} run ${r}/${opts.runs} ${SERVERS[key].label.padEnd(20)} start ${m.start.toFixed(0)} · open ${m.openFirst.toFixed(0)} (${m.openCount} diags) · hover ${m.hoverFirst.toFixed(1)}/${m.hoverWarm.toFixed(1)} · keystroke ${m.keystroke.toFixed(1)} · peak ${m.peakRssMb.toFixed(0)} MB`,
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
    for (const key of opts.servers) out[key] = { ...summarise(runs[key]), all: runs[key] };
    return out;
  }

  for (const size of opts.sizes) {
    log(`bench: ${size} contexts`);
    results.kubeconfig[size] = await measure(`${size}`, inputs.kubeconfigs[size], false, size === cliSize);
  }
  if (cliSize !== null) {
    results.cli = { size: cliSize, file: inputs.kubeconfigs[cliSize].path, runs: cliRuns, median: median(cliRuns), serverOpen: results.kubeconfig[cliSize].kubecert?.openFirst ?? null };
  }
  if (opts.manifests) {
    log(`bench: manifest file`);
    results.manifests = await measure('manifests', inputs.manifests, true, false);
  }

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
  const md = markdown(report);
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const writeAtomic = (name, content) => {
    writeFileSync(join(dir, `${name}.tmp`), content);
    renameSync(join(dir, `${name}.tmp`), join(dir, name));
  };
  writeAtomic('latest.json', JSON.stringify(report, null, 2) + '\n');
  writeAtomic('latest.md', md);
  await new Promise((resolve) => process.stdout.write(md, resolve));
  log(`bench: done in ${(report.durationMs / 1000).toFixed(0)} s; wrote bench/results/latest.json and bench/results/latest.md`);
  if (failures.length) log(`bench: ${failures.length} failure(s)`);
  // Exit explicitly: a server that ignored shutdown must not keep the benchmark alive (the exit hook kills it).
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  log(`bench: ${e instanceof BenchError ? e.message : e.stack}`);
  process.exit(1);
});
