// The health of a context, read off the findings of its kubeconfig: one row per state, judged at NOW.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse, type AnalysisOptions } from '../../server/src/core/analysis';
import { certificatesHealth, contextHealth, contextsHealth, type ContextHealth, type KubeconfigFile } from '../../server/src/core/ide/health';
import { NOW, pki } from '../support/fixtures';
import { kubeconfig, type KubeconfigSpec, type UserSpec } from '../support/kubeconfig';
import { at, buildCert } from '../support/pki';

const DAY = 86_400_000;

function file(path: string, spec: KubeconfigSpec | string, options: Partial<AnalysisOptions> = {}): KubeconfigFile {
  const text = typeof spec === 'string' ? spec : kubeconfig(spec);
  return { path, analysis: analyse(text, { now: NOW, warnDays: 30, path, ...options }) };
}

/** One cluster `prod` with `ca`, one user `alice`, one context `prod`. */
function single(user: Omit<UserSpec, 'name'>, caPem = pki().ca.pem, options: Partial<AnalysisOptions> = {}): ContextHealth {
  const h = contextHealth(
    [
      file(
        '/k/config',
        { clusters: [{ name: 'prod', caPem }], users: [{ name: 'alice', ...user }], contexts: [{ name: 'prod', cluster: 'prod', user: 'alice' }] },
        options,
      ),
    ],
    'prod',
  );
  assert.ok(h, 'the context is judged');
  return h;
}

test('each state of a context, with the credential and the reason in words', () => {
  const f = pki();
  const expiring = f.leaf('CN=alice', f.ca, { notAfter: new Date(NOW + 10 * DAY) });
  const serverOnly = f.leaf('CN=alice', f.ca, { extKeyUsage: ['serverAuth'] });
  const fromOther = f.leaf('CN=alice', f.otherCa);
  const underExpired = f.leaf('CN=alice', f.expiredCa);
  const notYet = f.leaf('CN=alice', f.ca, { notBefore: new Date(NOW + 5 * DAY), notAfter: new Date(NOW + 400 * DAY) });
  const cases: Array<{ name: string; health: ContextHealth; severity: string; reason?: RegExp; auth?: string }> = [
    { name: 'healthy', health: single({ certPem: f.admin.pem, keyPem: f.adminKeyPem }), severity: 'ok' },
    {
      name: 'client certificate expiring within warnDays',
      health: single({ certPem: expiring.pem, keyPem: f.adminKeyPem }),
      severity: 'warning',
      reason: /^client certificate of alice: expires 2026-12-01$/,
    },
    {
      name: 'key mismatch',
      health: single({ certPem: f.admin.pem, keyPem: f.otherKeyPem }),
      severity: 'error',
      reason: /^client certificate of alice: key does not match$/,
    },
    {
      name: 'expired CA',
      health: single({ certPem: underExpired.pem, keyPem: f.adminKeyPem }, f.expiredCa.pem),
      severity: 'error',
      reason: /^CA of prod: expired 2023-01-01$/,
    },
    {
      name: 'client certificate the cluster CA did not sign',
      health: single({ certPem: fromOther.pem, keyPem: f.adminKeyPem }),
      severity: 'warning',
      reason: /^client certificate of alice: not signed by the cluster's CA$/,
    },
    {
      name: 'chain through an expired CA',
      health: single({ certPem: f.leaf('CN=alice', f.expiredCa, { notBefore: at('2019-01-01T00:00:00Z') }).pem, keyPem: f.adminKeyPem }, f.expiredCa.pem),
      severity: 'error',
      reason: /^client certificate of alice: its chain runs through an expired CA$/,
    },
    {
      name: 'missing clientAuth',
      health: single({ certPem: serverOnly.pem, keyPem: f.adminKeyPem }),
      severity: 'error',
      reason: /^client certificate of alice: not allowed for client authentication$/,
    },
    {
      name: 'not yet valid',
      health: single({ certPem: notYet.pem, keyPem: f.adminKeyPem }),
      severity: 'error',
      reason: /^client certificate of alice: not valid yet$/,
    },
    {
      name: 'a certificate without its key',
      health: single({ certPem: f.admin.pem }),
      severity: 'error',
      reason: /^client certificate of alice: no client key beside it$/,
    },
    { name: 'a token', health: single({ token: 'not-a-real-token' }), severity: 'ok', auth: 'token' },
    { name: 'no credentials', health: single({}), severity: 'ok', auth: 'none' },
  ];
  for (const c of cases) {
    assert.equal(c.health.severity, c.severity, `${c.name}: ${JSON.stringify(c.health.reasons)}`);
    if (c.reason)
      assert.ok(
        c.health.reasons.some((r) => c.reason!.test(r.message)),
        `${c.name}: ${c.health.reasons.map((r) => r.message).join(' | ')}`,
      );
    else assert.deepEqual(c.health.reasons, [], c.name);
    if (c.auth) assert.equal(c.health.auth, c.auth, c.name);
  }
  assert.equal(cases[0].health.auth, 'certificate');
});

test('exec plugins and auth-providers are named, never run', () => {
  const text = `apiVersion: v1
kind: Config
clusters:
- cluster: {server: "https://192.0.2.10:6443"}
  name: prod
contexts:
- context: {cluster: prod, user: sso}
  name: sso
- context: {cluster: prod, user: gcp}
  name: gcp
users:
- name: sso
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/false}
- name: gcp
  user:
    auth-provider: {name: gcp}
`;
  const all = contextsHealth([file('/k/config', text)]);
  assert.deepEqual(
    all.map((c) => [c.context, c.auth, c.severity]),
    [
      ['sso', 'exec', 'ok'],
      ['gcp', 'auth-provider', 'ok'],
    ],
  );
});

test('the severities setting applies as it does to diagnostics', () => {
  const f = pki();
  const masters = f.leaf('CN=root,O=system:masters', f.ca);
  assert.equal(single({ certPem: masters.pem, keyPem: f.adminKeyPem }).severity, 'warning');
  assert.equal(single({ certPem: masters.pem, keyPem: f.adminKeyPem }, f.ca.pem, { severities: { 'superuser-group': 'off' } }).severity, 'ok');
  assert.equal(single({ certPem: masters.pem, keyPem: f.adminKeyPem }, f.ca.pem, { severities: { 'superuser-group': 'error' } }).severity, 'error');
});

test('a KUBECONFIG list: names found in another file, the first definition wins, a broken file breaks every context', () => {
  const f = pki();
  const a = file('/k/a', 'apiVersion: v1\nkind: Config\ncontexts:\n- context: {cluster: prod, user: alice}\n  name: other\n');
  const b = file('/k/b', {
    clusters: [{ name: 'prod', caPem: f.ca.pem }],
    users: [{ name: 'alice', certPem: f.admin.pem, keyPem: f.otherKeyPem }],
    contexts: [],
  });
  const other = contextHealth([a, b], 'other');
  assert.equal(other?.severity, 'error');
  assert.deepEqual(
    other?.reasons.map((r) => [r.code, r.path]),
    [['key-mismatch', '/k/b']],
  );
  // Alone, file a names a cluster and a user that exist nowhere.
  assert.deepEqual(
    contextHealth([a], 'other')
      ?.reasons.map((r) => r.code)
      .sort(),
    ['unknown-cluster', 'unknown-user'],
  );
  // The first file's alice (healthy) hides the second's.
  const good = file('/k/c', { users: [{ name: 'alice', certPem: f.admin.pem, keyPem: f.adminKeyPem }], contexts: [] });
  assert.equal(contextHealth([a, good, b], 'other')?.severity, 'ok');
  const broken = file('/k/d', 'clusters: [\n');
  assert.equal(contextHealth([a, good, b, broken], 'other')?.severity, 'error');
});

test('a broken chain counts for the context whose cluster it concerns, not for another that shares the user', () => {
  const f = pki();
  const text = kubeconfig({
    clusters: [
      { name: 'right', caPem: f.ca.pem },
      { name: 'wrong', caPem: f.otherCa.pem },
    ],
    users: [{ name: 'alice', certPem: f.admin.pem, keyPem: f.adminKeyPem }],
    contexts: [
      { name: 'right', cluster: 'right', user: 'alice' },
      { name: 'wrong', cluster: 'wrong', user: 'alice' },
    ],
  });
  const all = contextsHealth([file('/k/config', text)]);
  assert.deepEqual(
    all.map((c) => [c.context, c.severity, c.reasons.map((r) => r.code)]),
    [
      ['right', 'ok', []],
      ['wrong', 'warning', ['chain-untrusted']],
    ],
  );
});

test('each certificate carries the findings at its place; a bundle’s by index', () => {
  const f = pki();
  const text = kubeconfig({
    clusters: [{ name: 'prod', caPem: f.ca.pem + f.expiredCa.pem }],
    users: [{ name: 'alice', certPem: f.admin.pem, keyPem: f.otherKeyPem }],
    contexts: [{ name: 'prod', cluster: 'prod', user: 'alice' }],
  });
  const health = certificatesHealth(analyse(text, { now: NOW, warnDays: 30 }), NOW);
  assert.deepEqual(
    health.map((h) => [h.occurrence.certificate.subject.text, h.role, h.severity, h.residual]),
    [
      ['CN=kubernetes', 'cluster-ca', 'ok', '8y 1mo'],
      ['CN=old-ca', 'cluster-ca', 'error', 'expired'],
      ['O=kubeadm:cluster-admins,CN=admin', 'client-certificate', 'error', '6mo'],
    ],
  );
  assert.match(health[2].reasons[0].message, /key does not match/);
  assert.deepEqual(
    health.map((h) => h.clusters),
    [['prod'], ['prod'], ['prod']],
  );
  // A user's certificate belongs to every cluster a context pairs it with; a user no context uses, to none.
  const two = kubeconfig({
    clusters: [
      { name: 'a', caPem: f.ca.pem },
      { name: 'b', caPem: f.ca.pem },
    ],
    users: [
      { name: 'alice', certPem: f.admin.pem, keyPem: f.adminKeyPem },
      { name: 'unused', certPem: f.admin.pem, keyPem: f.adminKeyPem },
    ],
    contexts: [
      { name: 'x', cluster: 'a', user: 'alice' },
      { name: 'y', cluster: 'b', user: 'alice' },
    ],
  });
  assert.deepEqual(
    certificatesHealth(analyse(two, { now: NOW }), NOW).map((h) => [h.occurrence.site.where, h.clusters]),
    [
      ['clusters[a].certificate-authority-data', ['a']],
      ['clusters[b].certificate-authority-data', ['b']],
      ['users[alice].client-certificate-data', ['a', 'b']],
      ['users[unused].client-certificate-data', []],
    ],
  );
  // A certificate built for the test, not from the shared PKI: nothing at its place, ok.
  const lone = buildCert({ subject: 'CN=lone', key: f.rsa(6), notBefore: at('2026-01-01T00:00:00Z'), notAfter: at('2030-01-01T00:00:00Z'), ca: true });
  const one = certificatesHealth(analyse(kubeconfig({ clusters: [{ name: 'x', caPem: lone.pem }] }), { now: NOW }), NOW);
  assert.deepEqual(
    one.map((h) => h.severity),
    ['ok'],
  );
});
