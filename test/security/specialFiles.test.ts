// A file reference may name a named pipe, a socket or a device. Opening a pipe for reading blocks until
// someone writes to it, so a careless reader would hang the server and the CLI for good; reading
// /dev/urandom would read forever or return noise. Only regular files are ever read.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileHost } from '../../server/src/host';

const root = process.env.KUBECERT_ROOT ?? join(__dirname, '../../..');

function fifo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubecert-fifo-'));
  const path = join(dir, 'ca.crt');
  const r = spawnSync('mkfifo', [path]);
  assert.equal(r.status, 0, `mkfifo failed: ${r.stderr}`);
  return path;
}

test('the host refuses a named pipe, a device and a folder without blocking', () => {
  const host = fileHost();
  for (const path of [fifo(), '/dev/urandom', '/dev/null', tmpdir()]) {
    const r = host.readFile(path);
    assert.ok('error' in r, `${path} was read`);
    assert.match(r.error, /not a regular file|folder/, path);
  }
});

test('kubecert check on a kubeconfig naming a named pipe finishes and says what it is', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubecert-fifo-cfg-'));
  const config = join(dir, 'config');
  writeFileSync(
    config,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: c',
      '  cluster:',
      '    server: https://127.0.0.1:6443',
      `    certificate-authority: ${fifo()}`,
      'contexts: []',
      'users: []',
      '',
    ].join('\n'),
  );
  const r = spawnSync(process.execPath, [join(root, 'bin/kubecert.js'), 'check', config, '--now', '2026-11-21T00:00:00Z'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(r.signal, null, 'kubecert check hung on the pipe and was killed');
  assert.match(r.stdout, /not a regular file/);
});
