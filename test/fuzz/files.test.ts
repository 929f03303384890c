// Hostile files given to `kubecert check` as a PATH, and every seed of the fuzz corpus in every encoding and line ending
// kubectl reads. Special files and huge files must end at once with a clear message and exit status 2 (the built CLI,
// killed if it runs past the fuzz suite's hang bound); UTF-16 LE/BE with a byte-order mark, a UTF-8 byte-order mark,
// CRLF and lone CR must give the very findings, at the very lines and columns, of the UTF-8 LF text. All inputs are
// made here, in a mkdtemp folder; the clock is --now.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../server/src/cli';
import { LIMITS } from '../../server/src/core';
import { loadCorpus, ROOT } from './corpus';
import { LIMIT_MS } from './oracle';

const NOW_ISO = '2026-11-21T00:00:00Z';
/** As fuzz.test.ts: a run past 3× the 2 s bound has hung. */
const HANG_MS = 3 * LIMIT_MS + 1000;
const GIB = 1024 ** 3;

const dir = mkdtempSync(join(tmpdir(), 'kubecert-hostile-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The built CLI, as a user runs it; a run past the hang bound is killed and says so. */
function kubecert(args: string[], stdin: 'ignore' | 'pipe' | number = 'ignore'): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/kubecert.js'), 'check', ...args, '--now', NOW_ISO], { stdio: [stdin, 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => void (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

function sparse(name: string, size: number): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
  return path;
}

async function ends(args: string[], says: RegExp, stdin: 'ignore' | 'pipe' | number = 'ignore'): Promise<Run> {
  const r = await kubecert(args, stdin);
  assert.equal(r.signal, null, `kubecert check ${args.join(' ')} was still running after ${HANG_MS} ms`);
  assert.equal(r.status, 2, `exit status for ${args.join(' ')}: ${r.stderr}`);
  assert.match(r.stderr, says);
  return r;
}

test('special files given as a PATH are refused before a byte is read: a device, a fifo, /dev/stdin with an open pipe, a socket', async () => {
  await ends(['/dev/zero'], /^kubecert: \/dev\/zero: it is a character device, not a regular file; Kubecert never reads one$/m);
  await ends(['/dev/urandom'], /\/dev\/urandom: it is a character device/);
  const fifo = join(dir, 'fifo.yaml');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  await ends([fifo], /fifo\.yaml: it is a pipe, not a regular file/);
  // stdin a pipe that has a writer (this process holds the fifo open for reading and writing) and never writes.
  const pipe = join(dir, 'stdin.fifo');
  assert.equal(spawnSync('mkfifo', [pipe]).status, 0, 'mkfifo');
  const writer = openSync(pipe, constants.O_RDWR);
  try {
    await ends(['/dev/stdin'], /\/dev\/stdin: it is a pipe, not a regular file/, writer);
  } finally {
    closeSync(writer);
  }
  // Node gives a child's stdin as a socket pair, never written to here.
  await ends(['/dev/stdin'], /\/dev\/stdin: it is a socket, not a regular file/, 'pipe');
  const socket = join(dir, 'kubeconfig.sock');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  try {
    // A socket cannot even be opened as a file: the message says why, and nothing waits.
    await ends([socket], /kubeconfig\.sock: it is a socket, not a regular file/);
  } finally {
    server.close();
  }
  // A good file beside a bad one is still checked: the bad one costs only its message.
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'apiVersion: v1\nkind: Config\ncurrent-context: nowhere\n');
  const r = await ends([good, '/dev/zero'], /\/dev\/zero: it is a character device/);
  assert.match(r.stdout, /unknown-context/);
});

test('a 1 GiB sparse file, and one a byte over the limit, end at once with their real size', async () => {
  const huge = sparse('f.yaml', GIB);
  await ends([huge], /f\.yaml: it is 1 GiB \(1,073,741,824 bytes\); Kubecert reads files up to [\d.]+ MiB$/m);
  const over = sparse('over.yaml', LIMITS.maxTextLength + 1);
  await ends([over], new RegExp(`over\\.yaml: it is 512 MiB \\(${(LIMITS.maxTextLength + 1).toLocaleString('en-US')} bytes\\)`));
  // The same file given through --server-cert.
  await ends(['--server-cert', huge, join(dir, 'missing.yaml')], /--server-cert: cannot read .*f\.yaml: it is 1 GiB/);
});

test('a kubeconfig that references a 1 GiB file: a finding with the real size, the file not read', async () => {
  sparse('ca.crt', GIB);
  const config = join(dir, 'refers.kubeconfig');
  writeFileSync(config, 'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://192.0.2.1\n    certificate-authority: ca.crt\n');
  const r = await kubecert([config, '--format', 'json']);
  assert.equal(r.signal, null);
  const findings = (JSON.parse(r.stdout) as { files: Array<{ findings: Array<{ code: string; message: string }> }> }).files[0].findings;
  const f = findings.find((x) => x.code === 'not-a-certificate');
  assert.ok(f, JSON.stringify(findings));
  assert.match(f.message, /ca\.crt is 1,073,741,824 bytes \(1\.0 GiB\), too large to be a certificate or key file/);
});

// ---------------------------------------------------------------------------------------------------------------
// Encodings and line endings, over every seed of the corpus

interface Shape {
  certificates: string[];
  findings: string[];
}

/** What `kubecert check --format json` says of these bytes: certificates and findings with their 0-based ranges. */
async function shapeOf(name: string, bytes: Buffer): Promise<Shape> {
  const file = join(dir, 'enc', name);
  writeFileSync(file, bytes);
  let stdout = '';
  await main({
    argv: ['check', file, '--now', NOW_ISO, '--format', 'json'],
    env: {},
    isTTY: false,
    cwd: dir,
    clock: () => assert.fail('the CLI read the wall clock'),
    stdout: (s) => void (stdout += s),
    stderr: () => undefined,
  });
  const report = (
    JSON.parse(stdout) as {
      files: Array<{ certificates: Array<{ where: string; range: unknown; sha256: string }>; findings: Array<{ code: string; range: unknown }> }>;
    }
  ).files[0];
  return {
    certificates: (report?.certificates ?? []).map((c) => `${c.where} ${JSON.stringify(c.range)} ${c.sha256}`),
    findings: (report?.findings ?? []).map((f) => `${f.code} ${JSON.stringify(f.range)}`),
  };
}

const utf16 = (text: string, be: boolean): Buffer => {
  const b = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  return be ? b.swap16() : b;
};

test(
  'every seed in UTF-16 LE/BE with a BOM, with a UTF-8 BOM, with CRLF and with lone CR: the findings of the UTF-8 LF text',
  { timeout: 300_000 },
  async (t) => {
    mkdirSync(join(dir, 'enc'), { recursive: true });
    const seeds = loadCorpus().seeds.filter((s) => s.text.length < 512 * 1024);
    let compared = 0;
    let withFindings = 0;
    for (const [i, seed] of seeds.entries()) {
      const lf = seed.text.replace(/\r\n?/g, '\n');
      const want = await shapeOf(`${i}-lf.yaml`, Buffer.from(lf));
      if (want.findings.length > 0) withFindings++;
      const variants: Array<[string, Buffer]> = [
        ['utf-16le', utf16(lf, false)],
        ['utf-16be', utf16(lf, true)],
        ['utf-8 bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lf)])],
        ['crlf', Buffer.from(lf.replace(/\n/g, '\r\n'))],
        ['cr', Buffer.from(lf.replace(/\n/g, '\r'))],
        ['utf-16le cr', utf16(lf.replace(/\n/g, '\r'), false)],
      ];
      for (const [variant, bytes] of variants) {
        assert.deepEqual(await shapeOf(`${i}-${variant.replace(/\W/g, '')}.yaml`, bytes), want, `${seed.name} in ${variant}`);
        compared++;
      }
    }
    assert.ok(withFindings >= seeds.length / 2, `only ${withFindings} of ${seeds.length} seeds have findings: the comparison says little`);
    t.diagnostic(`${seeds.length} seeds (${withFindings} with findings), ${compared} variants compared`);
  },
);
