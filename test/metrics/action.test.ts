/**
 * The composite GitHub Action (action.yml), run locally the way the runner runs it: each step's `run` with bash, its
 * `env` with `${{ inputs.* }}` filled from the inputs given or their defaults, GITHUB_ACTION_PATH at this checkout,
 * GITHUB_OUTPUT a file. No GitHub needed. The install step finds dist/ built and only prints the version.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { kubeconfig } from '../support/kubeconfig';
import { at, buildCert, keyPem, sharedKey } from '../support/pki';
import { NOW_ISO, ROOT, SEED } from './support';

interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Array<{ name: string; id?: string; shell: string; run: string; env?: Record<string, string> }> };
}

const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as Action;
let workspace = '';
before(() => {
  workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kubecert-action-')));
  fs.mkdirSync(path.join(workspace, 'clusters'));
  fs.copyFileSync(SEED, path.join(workspace, 'clusters/admin.kubeconfig'));
  const rsa = (slot: number) => sharedKey({ type: 'rsa', bits: 2048 }, slot);
  const ca = buildCert({
    subject: 'CN=ci-ca',
    key: rsa(0),
    notBefore: at('2025-01-01T00:00:00Z'),
    notAfter: at('2035-01-01T00:00:00Z'),
    ca: true,
    keyUsage: ['keyCertSign'],
  });
  const root = buildCert({
    subject: 'CN=ci-root,O=system:masters',
    key: rsa(3),
    issuer: ca,
    notBefore: at('2025-01-01T00:00:00Z'),
    notAfter: at('2034-01-01T00:00:00Z'),
    extKeyUsage: ['clientAuth'],
  });
  fs.mkdirSync(path.join(workspace, 'warned'));
  fs.writeFileSync(
    path.join(workspace, 'warned/ci.kubeconfig'),
    kubeconfig({
      clusters: [{ name: 'c', caPem: ca.pem }],
      users: [{ name: 'root', certPem: root.pem, keyPem: keyPem(rsa(3), 'pkcs8') }],
      contexts: [{ name: 'c', cluster: 'c', user: 'root' }],
    }),
  );
});
after(() => {
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

/** Runs every step as the runner would; stops at the first that fails, as a job does. */
function runAction(inputs: Record<string, string>): StepRun {
  for (const k of Object.keys(inputs)) assert.ok(k in action.inputs, `action.yml has no input ${k}`);
  const value = (name: string) => inputs[name] ?? action.inputs[name]?.default ?? '';
  const outputFile = path.join(workspace, `output-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(outputFile, '');
  let stdout = '';
  let stderr = '';
  let code: number | null = 0;
  for (const step of action.runs.steps) {
    assert.equal(step.shell, 'bash');
    const stepEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(step.env ?? {})) {
      stepEnv[k] = v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => {
        assert.ok(name in action.inputs, `step "${step.name}" reads an undeclared input ${name}`);
        return value(name);
      });
      assert.ok(!stepEnv[k].includes('${{'), `an expression the local runner does not know: ${v}`);
    }
    assert.ok(!step.run.includes('${{'), 'inputs reach scripts through env, never spliced into the script');
    const r = spawnSync('bash', ['-e', '-c', step.run], {
      cwd: workspace,
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_ACTION_PATH: ROOT, GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: outputFile, ...stepEnv },
    });
    stdout += r.stdout;
    stderr += r.stderr;
    code = r.status;
    if (code !== 0) break;
  }
  const outputs = Object.fromEntries(
    fs
      .readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { code, stdout, stderr, outputs };
}

test('action.yml: a composite action with the documented inputs and outputs', () => {
  assert.equal(action.runs.using, 'composite');
  assert.deepEqual(Object.keys(action.inputs).sort(), ['fail-on', 'now', 'paths', 'sarif-file', 'warn-days']);
  for (const o of ['sarif-file', 'errors', 'warnings']) assert.match(action.outputs[o].value, new RegExp(`steps\\.check\\.outputs\\.${o}`));
  assert.ok(fs.existsSync(path.join(ROOT, 'dist/cli.js')), 'dist/cli.js is missing: run `npm run build` first');
});

test('fail-on error: the seed fails the step; SARIF written with its findings; annotations and outputs', () => {
  const r = runAction({ paths: 'clusters', now: NOW_ISO, 'sarif-file': 'reports/kubecert.sarif' });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const sarif = JSON.parse(fs.readFileSync(path.join(workspace, 'reports/kubecert.sarif'), 'utf8')) as {
    version: string;
    runs: Array<{ results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>;
  };
  assert.equal(sarif.version, '2.1.0');
  const results = sarif.runs[0].results;
  assert.ok(results.some((x) => x.ruleId === 'cert-expired' && x.level === 'error'));
  assert.equal(results[0].locations[0].physicalLocation.artifactLocation.uri, 'clusters/admin.kubeconfig');
  assert.deepEqual(r.outputs, { 'sarif-file': path.join(workspace, 'reports/kubecert.sarif'), errors: '1', warnings: '2' });
  assert.match(r.stdout, /^::error file=clusters\/admin\.kubeconfig,line=4,col=33,title=kubecert cert-expired::The CA certificate/m);
  assert.match(r.stdout, /1 error, 2 warnings in 1 file\./, 'the text report is in the log');
});

test('fail-on never passes with errors; fail-on warning fails on a warning that fail-on error lets through', () => {
  assert.equal(runAction({ paths: 'clusters', now: NOW_ISO, 'fail-on': 'never' }).code, 0);
  const warnedOnly = { paths: 'warned', now: NOW_ISO };
  const lenient = runAction(warnedOnly);
  assert.equal(lenient.code, 0, lenient.stdout + lenient.stderr);
  assert.deepEqual([lenient.outputs.errors, lenient.outputs.warnings], ['0', '1']);
  assert.match(lenient.stdout, /^::warning file=warned\/ci\.kubeconfig,.*title=kubecert superuser-group::/m);
  assert.equal(runAction({ ...warnedOnly, 'fail-on': 'warning' }).code, 1);
});

test('warn-days and now reach kubecert; bad inputs and a missing path stop the step with exit status 2', () => {
  // The CI certificate expires 2034-01-01: 400 days before it, warn-days 500 makes it expiring soon.
  const early = runAction({ paths: 'warned', now: '2032-11-27T00:00:00Z', 'warn-days': '500' });
  assert.equal(early.outputs.warnings, '2', early.stdout);
  const bad = runAction({ paths: 'clusters', 'fail-on': 'sometimes' });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /fail-on: "sometimes" is not one of error, warning, never/);
  const missing = runAction({ paths: 'no-such-folder', now: NOW_ISO });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no-such-folder/);
  assert.equal(runAction({ paths: 'clusters', now: 'yesterday' }).code, 2);
});
