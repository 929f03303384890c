// The workspace benchmark: a generated tree of 5,000 files (about 21,000 objects: Secrets, Ingresses, webhooks with
// their Services and Deployments, kubeconfigs, PEM files), side by side:
//   - `kubecert check TREE` as its bin runs it (fresh process: walk, sniff, read, analyse, link, print JSON);
//   - the same files analysed one by one in-process (each alone, its own decode cache): the sum of single analyses;
//   - the workspace in-process (the same analyses with one decode cache, as the CLI has, then the links), and one
//     incremental update of a linked Secret;
//   - the by-hand loop `for f in …/cert.pem; do openssl x509 -noout -enddate -in "$f"; done` over the PEM files.
//
//   npm run build && npx tsc -p . && node bench/workspace.mjs [--files 5000] [--runs 3] [--keep DIR (the tree stays there)] [--generate-only]
//
// Ratios, medians of the runs; nothing here is a test. Certificates come from the openssl command line (a CA and 32
// leaves, reused), so the tree is the same shape on every machine.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const FILES = opt('--files', 5000);
const RUNS = opt('--runs', 3);
const NOW = '2026-11-21T00:00:00Z';
const core = require(join(ROOT, 'out/server/src/core/index.js'));

function openssl(argv, env = {}) {
  const r = spawnSync('openssl', argv, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`openssl ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function makeCerts(dir) {
  const ca = join(dir, 'ca');
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${ca}.key`,
    '-out',
    `${ca}.crt`,
    '-subj',
    '/CN=bench-ca',
    '-days',
    '3650',
  ]);
  const leaves = [];
  for (let i = 0; i < 32; i++) {
    const leaf = join(dir, `leaf${i}`);
    openssl([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${leaf}.key`,
      '-out',
      `${leaf}.csr`,
      '-subj',
      `/CN=svc${i}`,
    ]);
    writeFileSync(`${leaf}.ext`, `subjectAltName=DNS:svc${i}.example.com,DNS:hook${i}.ns${i}.svc\nextendedKeyUsage=serverAuth\n`);
    openssl([
      'x509',
      '-req',
      '-in',
      `${leaf}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      '730',
      '-extfile',
      `${leaf}.ext`,
      '-out',
      `${leaf}.crt`,
    ]);
    leaves.push({ crt: readFileSync(`${leaf}.crt`, 'utf8'), key: readFileSync(`${leaf}.key`, 'utf8') });
  }
  return { ca: readFileSync(`${ca}.crt`, 'utf8'), leaves };
}

const b64 = (s) => Buffer.from(s).toString('base64');

function generate(dir, pki) {
  const groups = Math.ceil(FILES / 5);
  let objects = 0;
  for (let g = 0; g < groups; g++) {
    const leaf = pki.leaves[g % 32];
    const ns = `ns${g}`;
    const d = join(dir, `team-${g}`);
    mkdirSync(d, { recursive: true });
    const secrets = [];
    const ingresses = [];
    for (let i = 0; i < 8; i++) {
      secrets.push(
        `apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls-${i}\n  namespace: ${ns}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64(leaf.crt)}\n  tls.key: ${b64(leaf.key)}\n`,
      );
      ingresses.push(
        `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web-${i}\n  namespace: ${ns}\nspec:\n  tls:\n  - hosts:\n    - ${i === 0 ? 'wrong' : `svc${g % 32}`}.example.com\n    secretName: tls-${i}\n`,
      );
    }
    writeFileSync(join(d, 'secrets.yaml'), secrets.join('---\n'));
    writeFileSync(join(d, 'ingresses.yaml'), ingresses.join('---\n'));
    writeFileSync(
      join(d, 'webhook.yaml'),
      `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: hook-${g}\nwebhooks:\n- name: hook.example.com\n  clientConfig:\n    caBundle: ${b64(pki.ca)}\n    service:\n      name: hook${g % 32}\n      namespace: ${ns}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: hook${g % 32}\n  namespace: ${ns}\nspec:\n  selector:\n    app: hook\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hook\n  namespace: ${ns}\nspec:\n  template:\n    metadata:\n      labels:\n        app: hook\n    spec:\n      volumes:\n      - name: tls\n        secret:\n          secretName: tls-1\n`,
    );
    writeFileSync(
      join(d, 'admin.kubeconfig'),
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://svc${g % 32}.example.com:6443\n    certificate-authority-data: ${b64(pki.ca)}\nusers:\n- name: u\n  user:\n    client-certificate-data: ${b64(leaf.crt)}\n    client-key-data: ${b64(leaf.key)}\ncontexts:\n- name: u@c\n  context: {cluster: c, user: u}\ncurrent-context: u@c\n`,
    );
    writeFileSync(join(d, 'cert.pem'), leaf.crt);
    objects += 8 + 8 + 3 + 1 + 1;
  }
  return { groups, files: groups * 5, objects };
}

function timeCli(dir) {
  const flags = /^#!\/usr\/bin\/env -S node((?: --?\S+)*)/
    .exec(readFileSync(join(ROOT, 'bin/kubecert.js'), 'utf8'))[1]
    .trim()
    .split(/\s+/);
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...flags, join(ROOT, 'bin/kubecert.js'), 'check', dir, '--now', NOW, '--format', 'json'], { maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 1) throw new Error(`kubecert check exited ${r.status}: ${r.stderr}`);
  const files = JSON.parse(r.stdout.toString()).files;
  return { ms, files: files.length, findings: files.reduce((n, f) => n + f.findings.length, 0) };
}

function inputs(dir) {
  const out = new Map();
  for (const team of spawnSync('ls', [dir], { encoding: 'utf8' }).stdout.trim().split('\n')) {
    for (const name of ['secrets.yaml', 'ingresses.yaml', 'webhook.yaml', 'admin.kubeconfig', 'cert.pem']) {
      const path = join(dir, team, name);
      out.set(path, core.fileInput(new Uint8Array(readFileSync(path))));
    }
  }
  return out;
}

function timeSingles(files, now) {
  const t = process.hrtime.bigint();
  for (const [path, input] of files) core.analyseFile(input, { now, path });
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function timeWorkspace(files, now) {
  const t = process.hrtime.bigint();
  // One decode cache for the run, as kubecert check has.
  const cache = new core.DecodeCache();
  const ws = new core.Workspace({ now, cache });
  const analyses = new Map();
  for (const [path, input] of files) analyses.set(path, core.analyseFile(input, { now, path, cache }));
  ws.updateAll(analyses);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  // One edit that changes a link: a Secret file rewritten with another certificate.
  const [path] = [...files.keys()].filter((p) => p.endsWith('secrets.yaml'));
  const text = files.get(path).text;
  const t2 = process.hrtime.bigint();
  const affected = ws.setText(path, { text: text.replace('tls-0', 'tls-renamed') });
  const updateMs = Number(process.hrtime.bigint() - t2) / 1e6;
  return { ms, updateMs, affected: affected.length };
}

function timeOpensslLoop(dir) {
  const t = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', `for f in "${dir}"/*/cert.pem; do openssl x509 -noout -enddate -in "$f"; done | wc -l`], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  return { ms, lines: Number(r.stdout.trim()) };
}

const keep = args.includes('--keep') ? args[args.indexOf('--keep') + 1] : undefined;
const work = keep ?? mkdtempSync(join(tmpdir(), 'kubecert-bench-ws-'));
if (keep) mkdirSync(keep, { recursive: true });
try {
  mkdirSync(join(work, 'pki'));
  const pki = makeCerts(join(work, 'pki'));
  const tree = join(work, 'tree');
  const shape = generate(tree, pki);
  if (args.includes('--generate-only')) {
    console.log(tree);
    process.exit(0);
  }
  const now = Date.parse(NOW);
  const files = inputs(tree);
  timeSingles(files, now); // warm the JIT for the in-process figures
  const rows = { cli: [], singles: [], workspace: [], update: [], openssl: [] };
  let last;
  for (let run = 0; run < RUNS; run++) {
    last = timeCli(tree);
    rows.cli.push(last.ms);
    rows.singles.push(timeSingles(files, now));
    const ws = timeWorkspace(files, now);
    rows.workspace.push(ws.ms);
    rows.update.push(ws.updateMs);
    last.affected = ws.affected;
    rows.openssl.push(timeOpensslLoop(tree).ms);
  }
  const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)]));
  const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);
  console.log(`workspace: ${shape.files} files, ${shape.objects} objects, ${shape.groups} PEM files; ${RUNS} runs, medians`);
  console.log(`| measure | time | ratio |`);
  console.log(`| --- | --- | --- |`);
  console.log(`| sum of single analyses (in-process, each file alone) | ${fmt(m.singles)} | 1 |`);
  console.log(`| workspace in-process (the same analyses + links) | ${fmt(m.workspace)} | ${(m.workspace / m.singles).toFixed(2)}× |`);
  console.log(`| \`kubecert check TREE\` (fresh process: walk, read, analyse, link, JSON) | ${fmt(m.cli)} | ${(m.cli / m.singles).toFixed(2)}× |`);
  console.log(`| update of one Secret file (${last.affected} files re-evaluated) | ${fmt(m.update)} | |`);
  console.log(`| by hand: openssl x509 -enddate over the ${shape.groups} PEM files | ${fmt(m.openssl)} | ${(m.openssl / m.cli).toFixed(1)}× kubecert check |`);
  console.log(`(kubecert check reported ${last.files} files, ${last.findings} findings)`);
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
