/**
 * The pre-commit hook (.pre-commit-hooks.yaml) run by Debian's pre-commit: `pre-commit try-repo` against this working
 * tree, in a temporary git repository. With the good kubeconfig staged it passes; with the bad one staged too it fails.
 *
 * pre-commit installs a `language: node` hook by `npm install` in a clone of this repository, then `npm pack` (which
 * builds in prepack). The test sets npm_config_offline=true: npm takes every package from the cache that `npm ci`
 * filled (scripts/setup.sh), and never the network. The hook reads the clock (pre-commit passes no --now), so the good
 * kubeconfig's certificates are valid from 2000 to 2099 and the bad one is the seed, whose CA expired in 2023.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { kubeconfig } from '../support/kubeconfig';
import { at, buildCert, keyPem, sharedKey } from '../support/pki';
import { haveTool, ROOT, run, SEED } from './support';

let tmp = '';
before(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kubecert-precommit-')));
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('pre-commit try-repo: a staged good kubeconfig passes, a staged bad one fails the hook', async (t) => {
  if (!haveTool(t, 'pre-commit', 'pre-commit')) return;
  const repo = path.join(tmp, 'repo');
  fs.mkdirSync(repo);
  const git = (...args: string[]) => {
    const r = run('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
  };
  git('init', '-q');
  const rsa = (slot: number) => sharedKey({ type: 'rsa', bits: 2048 }, slot);
  const ca = buildCert({
    subject: 'CN=lasting-ca',
    key: rsa(0),
    notBefore: at('2000-01-01T00:00:00Z'),
    notAfter: at('2099-01-01T00:00:00Z'),
    ca: true,
    keyUsage: ['keyCertSign'],
  });
  const user = buildCert({
    subject: 'CN=jane,O=developers',
    key: rsa(3),
    issuer: ca,
    notBefore: at('2000-01-01T00:00:00Z'),
    notAfter: at('2099-01-01T00:00:00Z'),
    extKeyUsage: ['clientAuth'],
  });
  fs.writeFileSync(
    path.join(repo, 'good.kubeconfig'),
    kubeconfig({
      clusters: [{ name: 'c', caPem: ca.pem, server: 'https://192.0.2.10:6443' }],
      users: [{ name: 'jane', certPem: user.pem, keyPem: keyPem(rsa(3), 'pkcs8') }],
      contexts: [{ name: 'jane@c', cluster: 'c', user: 'jane' }],
    }),
  );
  fs.copyFileSync(SEED, path.join(repo, 'bad.kubeconfig'));
  fs.writeFileSync(path.join(repo, 'notes.txt'), 'not matched by the hook\n');

  const env = { ...process.env, PRE_COMMIT_HOME: path.join(tmp, 'pre-commit-home'), npm_config_offline: 'true', NO_COLOR: '1' };
  const tryRepo = () => run('pre-commit', ['try-repo', ROOT, 'kubecert', '--color', 'never'], { cwd: repo, env, timeout: 600_000 });

  git('add', 'good.kubeconfig', 'notes.txt');
  const good = tryRepo();
  assert.equal(good.code, 0, `the good kubeconfig alone should pass:\n${good.stdout}${good.stderr}`);
  assert.match(good.stdout, /kubecert check\.+Passed/);

  git('add', 'bad.kubeconfig');
  const bad = tryRepo();
  assert.equal(bad.code, 1, `the bad kubeconfig should fail the hook:\n${bad.stdout}${bad.stderr}`);
  assert.match(bad.stdout, /kubecert check\.+Failed/);
  assert.match(bad.stdout, /bad\.kubeconfig:\d+:\d+ error cert-expired/);
  assert.ok(!/good\.kubeconfig:\d+:\d+ error/.test(bad.stdout), bad.stdout);
});
