// Where Kubecert's server spends its time: runs `node --cpu-prof dist/server.js --stdio` under the
// benchmark's LSP driver (open one kubeconfig, then a series of one-character edits), then splits the
// V8 CPU profile into the open → diagnostics window and the keystroke → diagnostics windows and
// prints the top functions by self time (and by inclusive time) in each, mapped through
// dist/server.js.map back to server/src and node_modules.
//
//   node bench/profile.mjs [--size 1000] [--keystrokes 20] [--interval 100] [--top 10] [--file PATH]
//
// The profile's sample timestamps and this process's process.hrtime() read the same monotonic clock,
// so the client's send/receive times delimit the windows exactly. Profiles and the summary are left
// in bench/.cache/profiles/.
import { readdirSync, readFileSync, mkdirSync, writeFileSync, statSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureInputs } from './generate.mjs';
import { LspServer } from './lspDriver.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NOW = '2026-11-21T00:00:00Z';
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const size = Number(arg('--size', '1000'));
const keystrokes = Number(arg('--keystrokes', '20'));
const interval = Number(arg('--interval', '500'));
const top = Number(arg('--top', '10'));
const outDir = join(ROOT, 'bench/.cache/profiles', `${Date.now()}`);
const shebangFlags = readFileSync(join(ROOT, 'bin/kubecert-language-server.js'), 'utf8')
  .split('\n')[0]
  .replace(/^#!\/usr\/bin\/env -S node/, '')
  .trim()
  .split(/\s+/)
  .filter(Boolean);
mkdirSync(outDir, { recursive: true });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// performance.now() (ms) → the monotonic clock of V8's profiler (µs).
const offsetUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
const toUs = (ms) => ms * 1000 + offsetUs;

const input = arg('--file')
  ? { path: arg('--file'), meta: JSON.parse(readFileSync(`${arg('--file')}.meta.json`, 'utf8')) }
  : ensureInputs({ sizes: [size], manifests: false }).kubeconfigs[size];
const text = readFileSync(input.path, 'utf8');
const uri = pathToFileURL(input.path).href;

const s = await LspServer.start({
  name: 'Kubecert (profiled)',
  command: process.execPath,
  // With the flags of the bin's shebang, as the benchmark runs it.
  args: [
    ...shebangFlags,
    '--cpu-prof',
    '--cpu-prof-dir',
    outDir,
    '--cpu-prof-interval',
    String(interval),
    '--require',
    join(ROOT, 'bench/noNetwork.cjs'),
    join(ROOT, 'dist/server.js'),
    '--stdio',
  ],
  cwd: ROOT,
  settings: { kubecert: { now: NOW } },
  initializationOptions: { now: NOW },
  timeoutMs: 300_000,
});
await s.configure();
await sleep(300);

const windows = { open: [], keystroke: [] };
let t = performance.now();
const open = await s.open(uri, text, { quietMs: 500 });
windows.open.push([toUs(t), toUs(t + open.first)]);
const e = input.meta.edit;
const keystrokeMs = [];
for (let i = 0; i < keystrokes; i++) {
  await sleep(100);
  const range = { start: { line: e.line, character: e.character }, end: { line: e.line, character: e.character + 1 } };
  t = performance.now();
  const c = await s.change(uri, range, i % 2 === 0 ? e.new : e.old);
  windows.keystroke.push([toUs(t), toUs(t + c.ms)]);
  keystrokeMs.push(c.ms);
}
await sleep(200);
await s.stop(10_000);

const file = readdirSync(outDir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => join(outDir, f))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (!file) throw new Error(`no .cpuprofile in ${outDir} — did the server exit cleanly?`);
const profile = JSON.parse(readFileSync(file, 'utf8'));

// ------------------------------------------------------------------ source locations

const serverJs = join(ROOT, 'dist/server.js');
let sourceMap;
try {
  sourceMap = new SourceMap(JSON.parse(readFileSync(`${serverJs}.map`, 'utf8')));
} catch {
  sourceMap = undefined;
}
function where(cf) {
  const url = cf.url.startsWith('file://') ? fileURLToPath(cf.url) : cf.url;
  if (url === serverJs && sourceMap && cf.lineNumber >= 0) {
    const m = sourceMap.findEntry(cf.lineNumber, cf.columnNumber);
    if (m && m.originalSource) {
      const src = m.originalSource.startsWith('file://') ? fileURLToPath(m.originalSource) : m.originalSource;
      const rel = relative(ROOT, join(ROOT, 'dist', src)).replace(/^(\.\.\/)+/, '');
      return `${rel}:${m.originalLine + 1}`;
    }
  }
  if (!url) return '';
  return `${url.startsWith(ROOT) ? relative(ROOT, url) : url}:${cf.lineNumber + 1}`;
}

// ------------------------------------------------------------------ attribution

const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const keyOf = new Map();
for (const n of profile.nodes) {
  const cf = n.callFrame;
  const name = cf.functionName || (cf.url ? '(anonymous)' : '');
  keyOf.set(n.id, cf.url ? `${name}\t${where(cf)}` : name || '(root)');
}

/** The source file of a function key, or its category for V8's pseudo-frames. */
const fileOf = (k) => (k.includes('\t') ? k.split('\t')[1].replace(/:\d+$/, '') : k);

/**
 * Self and inclusive time per function within the windows. Each sample is weighted by its time
 * delta (µs since the previous sample): the profiler rarely manages the requested interval.
 */
function analyse(ranges) {
  const self = new Map();
  const incl = new Map();
  const files = new Map();
  let total = 0;
  let tt = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i];
    tt += dt;
    if (!ranges.some(([a, b]) => tt >= a && tt <= b)) continue;
    total += dt;
    const id = profile.samples[i];
    const k = keyOf.get(id);
    self.set(k, (self.get(k) ?? 0) + dt);
    files.set(fileOf(k), (files.get(fileOf(k)) ?? 0) + dt);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const kk = keyOf.get(cur);
      if (seen.has(kk)) continue;
      seen.add(kk);
      incl.set(kk, (incl.get(kk) ?? 0) + dt);
    }
  }
  const rank = (m) => [...m.entries()].filter(([k]) => k !== '(root)').sort((a, b) => b[1] - a[1]);
  return { total, self: rank(self), incl: rank(incl), files: rank(files) };
}

const pct = (x, total) => `${((100 * x) / total).toFixed(1)}%`;
const ms = (us) => `${(us / 1000).toFixed(0)} ms`;
const cell = (k) => {
  const [fn, loc = ''] = k.split('\t');
  return `\`${fn}\` | ${loc}`;
};
const lines = [];
lines.push(`# Kubecert CPU profile: ${input.meta.contexts ?? input.meta.documents} ${input.meta.kind === 'kubeconfig' ? 'contexts' : 'documents'}`, '');
lines.push(
  `Profile: ${relative(ROOT, file)} · sampling interval ${interval} µs requested · open → diagnostics ${open.first.toFixed(0)} ms · keystroke → diagnostics median ${[...keystrokeMs].sort((a, b) => a - b)[keystrokeMs.length >> 1].toFixed(1)} ms over ${keystrokes} edits`,
  '',
);
for (const [phase, ranges] of Object.entries(windows)) {
  const a = analyse(ranges);
  const wall = ranges.reduce((acc, [x, y]) => acc + (y - x), 0);
  lines.push(
    `## ${phase === 'open' ? 'open → diagnostics' : `keystroke → diagnostics (${keystrokes} edits together)`}: ${ms(wall)} wall, ${ms(a.total)} sampled`,
    '',
  );
  lines.push(`Top ${top} by self time:`, '', '| # | self | share | function | where |', '| ---: | ---: | ---: | --- | --- |');
  a.self.slice(0, top).forEach(([k, v], i) => lines.push(`| ${i + 1} | ${ms(v)} | ${pct(v, a.total)} | ${cell(k)} |`));
  lines.push('', 'Self time by source file:', '', '| self | share | file |', '| ---: | ---: | --- |');
  a.files.slice(0, top).forEach(([k, v]) => lines.push(`| ${ms(v)} | ${pct(v, a.total)} | ${k} |`));
  lines.push('', `Inclusive (self + callees), top ${top + 10}:`, '', '| total | share | function | where |', '| ---: | ---: | --- | --- |');
  a.incl.slice(0, top + 10).forEach(([k, v]) => lines.push(`| ${ms(v)} | ${pct(v, a.total)} | ${cell(k)} |`));
  lines.push('');
}
const md = lines.join('\n') + '\n';
writeFileSync(join(outDir, 'summary.md'), md);
writeFileSync(join(outDir, 'windows.json'), JSON.stringify({ windows, open, keystrokeMs }, null, 1));
process.stdout.write(md);
process.stderr.write(`profile: ${relative(ROOT, outDir)}\n`);
