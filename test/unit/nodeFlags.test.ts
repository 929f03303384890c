// The server's and the CLI's V8 flags live in one list (shared/nodeFlags.ts, which the VS Code client passes as
// execArgv); the bins carry them in their shebang, and the benchmark starts both the way the bins do.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NODE_FLAGS } from '../../shared/nodeFlags';

const ROOT = process.env.KUBECERT_ROOT ?? join(__dirname, '../../..');

for (const bin of ['bin/kubecert.js', 'bin/kubecert-language-server.js']) {
  test(`${bin} starts node with the server's flags`, () => {
    const shebang = readFileSync(join(ROOT, bin), 'utf8').split('\n')[0];
    assert.equal(shebang, `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
  });
}

test('this node accepts the flags, and the CLI runs through its shebang', () => {
  const accepted = spawnSync(process.execPath, [...NODE_FLAGS, '-e', '0'], { encoding: 'utf8' });
  assert.equal(accepted.status, 0, accepted.stderr);
  const cli = spawnSync(join(ROOT, 'bin/kubecert.js'), ['--help'], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(process.execPath, '..')}:${process.env.PATH ?? ''}` },
  });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /kubecert check/);
});
