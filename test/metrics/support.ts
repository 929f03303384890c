// Shared by the metrics suite: the Debian tools it drives, a reader of metric samples, and `kubecert serve` as a process.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { request } from 'node:http';
import * as path from 'node:path';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export const ROOT = process.env.KUBECERT_ROOT ?? join(__dirname, '../../..');
export const SEED = join(ROOT, 'test/fixtures/seed/admin.kubeconfig');
export const NOW_ISO = '2026-11-21T00:00:00Z';

/**
 * Whether a tool the setup script installs is on PATH. Missing outside CI, the test is skipped and says why; in CI
 * (CI=true), where scripts/setup.sh installed it, it fails.
 */
export function haveTool(t: TestContext, command: string, pkg: string, versionArgs = ['--version']): boolean {
  const r = spawnSync(command, versionArgs, { encoding: 'utf8', timeout: 20_000 });
  if (r.status === 0) return true;
  const why = `${command} is not installed (apt-get install -y ${pkg}; scripts/setup.sh installs it)`;
  if (process.env.CI === 'true') assert.fail(why);
  t.skip(why);
  return false;
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** The series as written, labels included: `name{a="b"}`. */
  series: string;
}

/** Samples of the text formats (OpenMetrics or 0.0.4), label values unescaped. */
export function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    for (const l of body.matchAll(re)) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1], labels, value: Number(m[3]), series: m[1] + body });
  }
  return out;
}

export function find(list: Sample[], name: string, labels: Record<string, string>): Sample[] {
  return list.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request to 127.0.0.1, bounded by a timeout. */
export function get(port: number, path: string, options: { method?: string; accept?: string; timeout?: number } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.accept ? { accept: options.accept } : {},
        timeout: options.timeout ?? 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer in time`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls until check returns a value, at most `timeout` ms; fails with the last state otherwise. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeout = 30_000, every = 200): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeout} ms${last ? ` (last: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

export interface ServeProcess {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  /** SIGTERM, then the exit code (fails if it does not end within 10 s). */
  stop(): Promise<number | null>;
}

/** `node bin/kubecert.js serve …` on 127.0.0.1 with a free port; resolves once it listens. */
export async function startServe(args: string[], options: { cwd?: string; uid?: number; gid?: number } = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/kubecert.js'), 'serve', '--listen', '127.0.0.1:0', ...args], {
    cwd: options.cwd ?? ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
  });
  let err = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => (err += c));
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await Promise.race([
    waitFor('kubecert serve listening', () => /listening on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(err)?.[1], 20_000, 50).then(Number),
    exited.then((code) => assert.fail(`kubecert serve exited (${code}) before listening: ${err}`)),
  ]);
  return {
    child,
    port,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A TCP port free on 127.0.0.1 at the moment of asking. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function run(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: options.timeout ?? 120_000, cwd: options.cwd, env: options.env, input: options.input });
  assert.equal(r.error, undefined, `${cmd}: ${r.error?.message}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The files a clone of the working tree has (tracked, and new ones not ignored), copied; node_modules linked. */
export function cleanCopy(to: string): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(listed.status, 0, `git ls-files: ${listed.stderr}`);
  for (const rel of listed.stdout.split('\0')) {
    if (rel === '' || rel === 'node_modules' || rel === '.vscode-test') continue;
    const from = path.join(ROOT, rel);
    if (!fs.existsSync(from) || fs.lstatSync(from).isDirectory()) continue;
    fs.mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
    fs.copyFileSync(from, path.join(to, rel));
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(to, 'node_modules'));
}
