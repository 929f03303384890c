/**
 * `npm pack` on a clean copy of the working tree (the files git would clone, no dist/; node_modules linked, as after
 * `npm ci`) builds the bundles in prepack; the tarball installs into an empty folder with `npm install --offline` (it
 * has no dependencies: esbuild bundled them) and both bins work from there.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { cleanCopy, NOW_ISO, run, SEED } from './support';

let tmp = '';
before(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kubecert-pack-')));
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('npm pack on a clean clone builds in prepack; the tarball installs offline in an empty folder and both bins work', async () => {
  const clone = path.join(tmp, 'clone');
  cleanCopy(clone);
  assert.ok(!fs.existsSync(path.join(clone, 'dist')), 'a clean clone has no dist/');
  const pkg = JSON.parse(fs.readFileSync(path.join(clone, 'package.json'), 'utf8')) as { name: string; version: string; dependencies?: object };
  assert.equal(pkg.dependencies, undefined, 'no runtime dependencies: the bundles carry them');

  const packed = run('npm', ['pack', '--pack-destination', tmp], { cwd: clone, timeout: 300_000 });
  assert.equal(packed.code, 0, packed.stderr);
  // pre-commit's node hooks read the tarball's name from stdout: nothing else may be there.
  assert.equal(packed.stdout.trim(), `${pkg.name}-${pkg.version}.tgz`);
  const tarball = path.join(tmp, packed.stdout.trim());
  const listing = run('tar', ['tzf', tarball]).stdout.split('\n');
  for (const f of ['package/dist/cli.js', 'package/dist/server.js', 'package/bin/kubecert.js', 'package/bin/kubecert-language-server.js'])
    assert.ok(listing.includes(f), `${f} is not in the tarball`);
  assert.ok(!listing.some((f) => f.endsWith('.map') || f.includes('/test/') || f.includes('/server/src/')), 'only what runs ships');

  const empty = path.join(tmp, 'empty');
  fs.mkdirSync(empty);
  const installed = run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: empty, timeout: 300_000 });
  assert.equal(installed.code, 0, installed.stderr);

  const bin = (name: string) => path.join(empty, 'node_modules/.bin', name);
  assert.equal(run(bin('kubecert'), ['--version']).stdout.trim(), pkg.version);
  fs.copyFileSync(SEED, path.join(empty, 'admin.kubeconfig'));
  const checked = run(bin('kubecert'), ['check', 'admin.kubeconfig', '--now', NOW_ISO, '--format', 'json'], { cwd: empty });
  assert.equal(checked.code, 1, checked.stderr);
  const report = JSON.parse(checked.stdout) as { files: Array<{ findings: Array<{ code: string }> }> };
  assert.ok(report.files[0].findings.some((f) => f.code === 'cert-expired'));
  assert.match(run(bin('kubecert'), ['--help']).stdout, /kubecert serve \[PATH…\]/);

  // The language server answers initialize over stdio.
  const server = spawn(bin('kubecert-language-server'), ['--stdio'], { cwd: empty, stdio: ['pipe', 'pipe', 'pipe'] });
  const message = (body: object) => {
    const json = JSON.stringify({ jsonrpc: '2.0', ...body });
    return `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
  };
  let out = '';
  server.stdout.setEncoding('utf8');
  const answered = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no initialize result in 20 s: ${out}`)), 20_000);
    server.stdout.on('data', (c: string) => {
      out += c;
      if (/"id":1,"result"/.test(out) || /"result".*"id":1/.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
  });
  server.stdin.write(message({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
  const result = await answered;
  assert.match(result, /"hoverProvider":true/);
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  server.stdin.write(message({ id: 2, method: 'shutdown' }));
  server.stdin.write(message({ method: 'exit' }));
  const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
  assert.equal(await exited, 0);
  clearTimeout(timer);
});
