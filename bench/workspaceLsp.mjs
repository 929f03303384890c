// The language server on a workspace of 5,000 files (20,000 objects: Secrets, Ingresses, webhooks, kubeconfigs, PEM
// bundles), fresh process per run: how long the background index takes, whether it delays the first opened file's
// diagnostics (against the same open without a workspace), and how fast an edit that changes a cross-file link
// re-publishes the closed file it affects.
//
//   npm run build && node bench/workspaceLsp.mjs [--runs N] [--edits N]   (scripts/bench.mjs calls measureWorkspaceLsp() too)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NOW = '2026-11-21T00:00:00Z';
const TREE_VERSION = 1;
export const TREE_DIR = join(ROOT, 'bench', '.cache', `workspace-lsp-v${TREE_VERSION}`);
/** Files of each kind; each holds four objects. */
const PER_KIND = 1000;
/** Every tenth Ingress file's first host is not covered by its Secret (in another file): 100 cross-file findings. */
const BROKEN_EVERY = 10;
const LEAVES = 40;

// ------------------------------------------------------------------ the tree, generated once with openssl

function openssl(args, input) {
  const r = spawnSync('openssl', args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function pki(dir) {
  const ecKey = () => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  const caKey = ecKey();
  writeFileSync(join(dir, 'ca.key.tmp'), caKey);
  const caPem = openssl(['req', '-x509', '-new', '-key', join(dir, 'ca.key.tmp'), '-subj', '/CN=bench-ca', '-days', '3650', '-set_serial', '1']);
  writeFileSync(join(dir, 'ca.crt.tmp'), caPem);
  const leaf = (i, host) => {
    const key = ecKey();
    writeFileSync(join(dir, 'leaf.key.tmp'), key);
    const csr = openssl(['req', '-new', '-key', join(dir, 'leaf.key.tmp'), '-subj', `/CN=${host}`]);
    writeFileSync(join(dir, 'ext.tmp'), `subjectAltName=DNS:${host}\nextendedKeyUsage=serverAuth\n`);
    const pem = openssl(
      [
        'x509',
        '-req',
        '-CA',
        join(dir, 'ca.crt.tmp'),
        '-CAkey',
        join(dir, 'ca.key.tmp'),
        '-set_serial',
        String(100 + i),
        '-days',
        '730',
        '-extfile',
        join(dir, 'ext.tmp'),
      ],
      csr,
    );
    return { host, pem, key };
  };
  const leaves = Array.from({ length: LEAVES }, (_, i) => leaf(i, `h${i}.bench.invalid`));
  const fixer = leaf(LEAVES, 'wrong-0.bench.invalid');
  for (const f of ['ca.key.tmp', 'ca.crt.tmp', 'leaf.key.tmp', 'ext.tmp']) rmSync(join(dir, f), { force: true });
  return { caPem, leaves, fixer };
}

const b64 = (s) => Buffer.from(s).toString('base64');

function secretDoc(name, leaf) {
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: web\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64(leaf.pem)}\n  tls.key: ${b64(leaf.key)}\n`;
}

function ingressDoc(name, host, secret) {
  return `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${name}\n  namespace: web\nspec:\n  tls:\n  - hosts:\n    - ${host}\n    secretName: ${secret}\n  rules:\n  - host: ${host}\n`;
}

function webhookDoc(name, caPem) {
  return `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: ${name}\nwebhooks:\n- name: ${name}.bench.invalid\n  admissionReviewVersions: [v1]\n  sideEffects: None\n  clientConfig:\n    service:\n      name: ${name}\n      namespace: hooks\n    caBundle: ${b64(caPem)}\n`;
}

function kubeconfigText(i, caPem) {
  const n = [0, 1, 2, 3];
  return (
    `apiVersion: v1\nkind: Config\nclusters:\n` +
    n.map((j) => `- name: c${j}\n  cluster:\n    server: https://10.${i % 250}.${j}.1:6443\n    certificate-authority-data: ${b64(caPem)}\n`).join('') +
    `users:\n` +
    n.map((j) => `- name: u${j}\n  user:\n    token: bench-${i}-${j}\n`).join('') +
    `contexts:\n` +
    n.map((j) => `- name: x${j}\n  context:\n    cluster: c${j}\n    user: u${j}\n`).join('') +
    `current-context: x0\n`
  );
}

/** The tree (cached): paths relative to it, and what the measurements need to know about it. */
export function ensureTree(log = () => {}) {
  const meta = join(TREE_DIR, 'meta.json');
  if (existsSync(meta)) return JSON.parse(readFileSync(meta, 'utf8'));
  const t = performance.now();
  const tmp = `${TREE_DIR}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const d of ['secrets', 'ingresses', 'webhooks', 'kubeconfigs', 'pki']) mkdirSync(join(tmp, d), { recursive: true });
  const { caPem, leaves, fixer } = pki(tmp);
  const leafOf = (i, j) => leaves[(i * 4 + j) % LEAVES];
  for (let i = 0; i < PER_KIND; i++) {
    const q = [0, 1, 2, 3];
    writeFileSync(join(tmp, `secrets/s${i}.yaml`), q.map((j) => secretDoc(`tls-${i}-${j}`, leafOf(i, j))).join('---\n'));
    writeFileSync(
      join(tmp, `ingresses/g${i}.yaml`),
      q
        .map((j) => ingressDoc(`web-${i}-${j}`, i % BROKEN_EVERY === 0 && j === 0 ? `wrong-${i}.bench.invalid` : leafOf(i, j).host, `tls-${i}-${j}`))
        .join('---\n'),
    );
    writeFileSync(join(tmp, `webhooks/w${i}.yaml`), q.map((j) => webhookDoc(`hook-${i}-${j}`, caPem)).join('---\n'));
    writeFileSync(join(tmp, `kubeconfigs/k${i}.kubeconfig`), kubeconfigText(i, caPem));
    writeFileSync(join(tmp, `pki/p${i}.pem`), q.map((j) => leafOf(i, j).pem).join(''));
  }
  const info = {
    files: PER_KIND * 5,
    objects: PER_KIND * 5 * 4,
    broken: PER_KIND / BROKEN_EVERY,
    open: 'ingresses/g500.yaml',
    // Fixing and breaking this Secret withdraws and raises the san-mismatch on ingresses/g0.yaml (closed).
    edit: { file: 'secrets/s0.yaml', affected: 'ingresses/g0.yaml', broken: secretDoc('tls-0-0', leafOf(0, 0)), fixed: secretDoc('tls-0-0', fixer) },
    generateMs: 0,
  };
  info.generateMs = performance.now() - t;
  writeFileSync(join(tmp, 'meta.json'), JSON.stringify(info));
  mkdirSync(join(TREE_DIR, '..'), { recursive: true });
  rmSync(TREE_DIR, { recursive: true, force: true });
  renameSync(tmp, TREE_DIR);
  log(`workspace tree: ${info.files} files, ${info.objects} objects in ${(info.generateMs / 1000).toFixed(1)} s (${TREE_DIR})`);
  return info;
}

// ------------------------------------------------------------------ a plain client

function serverFlags() {
  const m = /^#!\/usr\/bin\/env -S node((?: --?\S+)*)\s*$/.exec(readFileSync(join(ROOT, 'bin/kubecert-language-server.js'), 'utf8').split('\n')[0]);
  return m ? m[1].trim().split(/\s+/).filter(Boolean) : [];
}

async function startServer(folder) {
  const child = spawn(process.execPath, [...serverFlags(), join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const c = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const publishes = [];
  const waiters = new Set();
  c.onNotification('textDocument/publishDiagnostics', (p) => {
    const e = { t: performance.now(), uri: p.uri, version: p.version, count: p.diagnostics.length };
    publishes.push(e);
    for (const w of [...waiters]) if (w.test(e)) (waiters.delete(w), w.resolve(e));
  });
  c.onNotification(() => undefined);
  c.onRequest(() => null);
  c.listen();
  await c.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    workspaceFolders: folder ? [{ uri: pathToFileURL(folder).href, name: 'bench' }] : null,
    capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } } },
    initializationOptions: { now: NOW, clientWatchesFiles: true },
  });
  const initialized = performance.now();
  void c.sendNotification('initialized', {});
  const wait = (test, timeoutMs = 120_000) =>
    new Promise((resolve, reject) => {
      const hit = publishes.find(test);
      if (hit) return resolve(hit);
      const w = { test, resolve };
      waiters.add(w);
      setTimeout(() => (waiters.delete(w), reject(new Error('timed out waiting for diagnostics'))), timeoutMs).unref();
    });
  const peakRssMb = () => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : NaN;
    } catch {
      return NaN;
    }
  };
  const stop = async () => {
    await c.sendRequest('shutdown').catch(() => undefined);
    void c.sendNotification('exit');
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r()));
    c.dispose();
  };
  return { c, publishes, wait, initialized, peakRssMb, stop };
}

// ------------------------------------------------------------------ one run

async function runOnce(info, edits) {
  const uri = (rel) => pathToFileURL(join(TREE_DIR, rel)).href;
  const openText = readFileSync(join(TREE_DIR, info.open), 'utf8');

  // Without a workspace: the same file's open → first diagnostics.
  const alone = await startServer(undefined);
  let t = performance.now();
  void alone.c.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(info.open), languageId: 'yaml', version: 1, text: openText } });
  const aloneOpen = (await alone.wait((e) => e.uri === uri(info.open))).t - t;
  await alone.stop();

  // With the workspace: the file opened right after initialized, while the index starts.
  const s = await startServer(TREE_DIR);
  t = performance.now();
  void s.c.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(info.open), languageId: 'yaml', version: 1, text: openText } });
  const wsOpen = (await s.wait((e) => e.uri === uri(info.open))).t - t;
  // The index is complete when every broken Ingress file (closed) has its cross-file diagnostic.
  const broken = new Set();
  const done = await s.wait((e) => {
    if (e.count > 0 && e.uri.includes('/ingresses/')) broken.add(e.uri);
    return broken.size >= info.broken;
  });
  const indexMs = done.t - s.initialized;
  const rss = s.peakRssMb();

  // Edits of an open Secret that fix and break the link: the closed Ingress file's next publish.
  const file = uri(info.edit.file);
  const affected = uri(info.edit.affected);
  const text = readFileSync(join(TREE_DIR, info.edit.file), 'utf8');
  void s.c.sendNotification('textDocument/didOpen', { textDocument: { uri: file, languageId: 'yaml', version: 1, text } });
  await s.wait((e) => e.uri === file && e.version === 1);
  const editMs = [];
  for (let k = 0; k < edits; k++) {
    const fix = k % 2 === 0;
    const next = fix ? text.replace(info.edit.broken, info.edit.fixed) : text;
    const from = s.publishes.length;
    const t0 = performance.now();
    void s.c.sendNotification('textDocument/didChange', { textDocument: { uri: file, version: k + 2 }, contentChanges: [{ text: next }] });
    const e = await s.wait((p) => s.publishes.indexOf(p) >= from && p.uri === affected);
    if ((e.count === 0) !== fix) throw new Error(`edit ${k}: ${info.edit.affected} has ${e.count} diagnostics after ${fix ? 'the fix' : 'the break'}`);
    editMs.push(e.t - t0);
  }
  await s.stop();
  return { aloneOpen, wsOpen, indexMs, editMs: median(editMs), peakRssMb: rss };
}

const median = (xs) => {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

/** Runs the workspace measurements; returns the medians and a Markdown table. */
export async function measureWorkspaceLsp({ runs = 5, edits = 10, log = (s) => process.stderr.write(s + '\n') } = {}) {
  if (!existsSync(join(ROOT, 'dist/server.js'))) throw new Error('dist/server.js is missing: npm run build');
  const info = ensureTree(log);
  const all = [];
  for (let r = 1; r <= runs; r++) {
    const m = await runOnce(info, edits);
    all.push(m);
    log(
      `  workspace run ${r}/${runs}: index ${m.indexMs.toFixed(0)} ms · open ${m.wsOpen.toFixed(0)} ms (alone ${m.aloneOpen.toFixed(0)} ms) · edit → affected file ${m.editMs.toFixed(1)} ms · peak ${m.peakRssMb.toFixed(0)} MB`,
    );
  }
  const pick = (k) => median(all.map((m) => m[k]));
  // Paired: each run's open with the index against the same run's open without a workspace.
  const ratio = median(all.map((m) => m.wsOpen / m.aloneOpen));
  const result = {
    files: info.files,
    objects: info.objects,
    runs,
    indexMs: pick('indexMs'),
    openMs: pick('wsOpen'),
    openAloneMs: pick('aloneOpen'),
    editMs: pick('editMs'),
    peakRssMb: pick('peakRssMb'),
    openRatio: ratio,
    all,
  };
  const markdown = [
    `Workspace of ${info.files.toLocaleString('en-US')} files (${info.objects.toLocaleString('en-US')} objects), ${runs} runs, medians:`,
    '',
    '| measure | result | target |',
    '| --- | --- | --- |',
    `| background index (initialized → the last cross-file diagnostic) | ${(result.indexMs / 1000).toFixed(2)} s | ≤ 2 s ${result.indexMs <= 2000 ? '✓' : '✗'} |`,
    `| first opened file → diagnostics, with the index starting | ${result.openMs.toFixed(0)} ms against ${result.openAloneMs.toFixed(0)} ms without a workspace (${ratio.toFixed(2)}×, median of the runs' ratios) | ≤ 1.1× ${ratio <= 1.1 ? '✓' : '✗'} |`,
    `| edit of an open Secret → the closed Ingress file re-published | ${result.editMs.toFixed(1)} ms | ≤ 50 ms ${result.editMs <= 50 ? '✓' : '✗'} |`,
    `| server peak RSS after the index | ${result.peakRssMb.toFixed(0)} MB | |`,
  ].join('\n');
  return { result, markdown };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, d) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  const { markdown } = await measureWorkspaceLsp({ runs: arg('--runs', 5), edits: arg('--edits', 10) });
  process.stdout.write(markdown + '\n');
}
