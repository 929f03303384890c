/**
 * What the user reads must agree with the diagnostics: the verdict of a site, user, cluster and context (hover, lens,
 * outline) comes from the same findings, severities and `severities` setting; a certificate's role comes from its field,
 * not its CA flag. Certificates are generated here with fixed dates; validity is judged at NOW.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyse, type Analysis, type AnalysisOptions } from '../../server/src/core/analysis';
import type { Code, Severity } from '../../server/src/core/findings/finding';
import { applyEdits } from '../../server/src/core/ide/edits';
import { fixesFor } from '../../server/src/core/ide/fixes';
import { hoverAt, type Hover } from '../../server/src/core/ide/hover';
import { lenses, outline } from '../../server/src/core/ide/outline';
import { renewalStepsAt } from '../../server/src/core/ide/renewal';
import { contextVerdict, siteVerdict, userVerdict, verdictText } from '../../server/src/core/ide/verdict';
import type { Host } from '../../server/src/core/x509/decode';
import { NOW, pki } from '../support/fixtures';
import { kubeconfig } from '../support/kubeconfig';
import { at, b64, buildCert, buildCsr, keyPem, sharedKey, type BuiltCert, type CertSpec } from '../support/pki';

const DAY = 86_400_000;
const ec = (slot: number) => sharedKey({ type: 'ec', curve: 'P-256' }, slot);
const P = pki();

/** Every line of a hover, `label: text`, in order. */
function lines(h: Hover | undefined): string[] {
  return (h?.sections ?? []).flatMap((s) => [`# ${s.title}`, ...s.rows.map((r) => `${r.label ? `${r.label}: ` : ''}${r.text}`)]);
}

function offsetOf(text: string, needle: string, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" (#${nth}) not in the text`);
  }
  return at;
}

const run = (text: string, options: Partial<AnalysisOptions> = {}): Analysis => analyse(text, { now: NOW, ...options });

// ---------------------------------------------------------------------------------------------- role by field

/** `openssl req -x509` as OpenSSL 3 runs it: self-signed with CA:TRUE, here for a client. */
const carol = buildCert({
  subject: 'CN=carol,O=system:masters',
  key: ec(1),
  notBefore: at('2025-01-01T00:00:00Z'),
  notAfter: at('2026-11-01T00:00:00Z'),
  ca: true,
  extKeyUsage: ['clientAuth'],
});
const www = buildCert({
  subject: 'CN=www.example.com',
  key: ec(1),
  notBefore: at('2025-01-01T00:00:00Z'),
  notAfter: at('2026-11-01T00:00:00Z'),
  ca: true,
  sans: ['DNS:www.example.com'],
});

const CA_FLAG_CASES: Array<{ name: string; text: string; where: string; says: string; hover: RegExp | null; renewal: RegExp; notRenewal: RegExp }> = [
  {
    name: 'a client field',
    text: kubeconfig({
      clusters: [{ name: 'prod', caPem: P.ca.pem }],
      users: [{ name: 'carol', certPem: carol.pem, keyPem: keyPem(ec(1), 'pkcs8') }],
      contexts: [{ name: 'carol@prod', cluster: 'prod', user: 'carol' }],
    }),
    where: 'users[carol].client-certificate-data',
    says: 'The client certificate O=system:masters,CN=carol expired',
    hover: /^system:masters: Superuser/m,
    renewal: /set-credentials 'carol'/,
    notRenewal: /Replace the CA|certificate-authority-data/,
  },
  {
    name: 'a TLS Secret',
    text: `apiVersion: v1
kind: Secret
metadata:
  name: web-tls
  namespace: web
type: kubernetes.io/tls
data:
  tls.crt: ${b64(www.pem)}
  tls.key: ${b64(keyPem(ec(1), 'pkcs8'))}
`,
    where: 'Secret[web/web-tls].data[tls.crt]',
    says: 'The serving certificate CN=www.example.com expired',
    hover: /^# In the cluster/m,
    renewal: /cmctl renew[\s\S]*kubectl create secret tls 'web-tls' -n 'web' --cert=tls\.crt --key=tls\.key --dry-run=client -o yaml/,
    notRenewal: /kubeadm|Replace the CA/,
  },
  {
    name: 'a CA field',
    text: kubeconfig({ clusters: [{ name: 'prod', caPem: carol.pem }], users: [], contexts: [] }),
    where: 'clusters[prod].certificate-authority-data',
    says: 'The CA certificate O=system:masters,CN=carol expired',
    hover: null,
    renewal: /Replace the CA[\s\S]*certificate-authority-data/,
    notRenewal: /set-credentials/,
  },
];

describe('a CA:TRUE self-signed certificate takes its role from its field', () => {
  for (const c of CA_FLAG_CASES)
    test(c.name, () => {
      const a = run(c.text);
      const expired = a.findings.find((f) => f.code === 'cert-expired' && f.where === c.where);
      assert.ok(expired, JSON.stringify(a.findings.map((f) => f.code)));
      assert.ok(expired.message.startsWith(c.says), expired.message);
      const site = a.sites.find((s) => s.where === c.where)!;
      const shown = lines(hoverAt(a, site.field.span.start + 2, NOW)).join('\n');
      if (c.hover) {
        assert.match(shown, c.hover);
        assert.match(shown, /^Note: CA:TRUE, yet it sits where the (client|serving) certificate belongs/m);
      } else assert.doesNotMatch(shown, /In the cluster/);
      const steps = renewalStepsAt(a, c.where, 0)!;
      const all = `${steps.title}\n${steps.steps.join('\n')}`;
      assert.match(all, c.renewal);
      assert.doesNotMatch(all, c.notRenewal);
    });

  test('the same client certificate with CA:FALSE reads the same', () => {
    const plain = buildCert({ ...carol.spec, ca: false });
    const a = run(
      kubeconfig({
        clusters: [{ name: 'prod', caPem: P.ca.pem }],
        users: [{ name: 'carol', certPem: plain.pem, keyPem: keyPem(ec(1), 'pkcs8') }],
        contexts: [{ name: 'carol@prod', cluster: 'prod', user: 'carol' }],
      }),
    );
    const expired = a.findings.find((f) => f.code === 'cert-expired')!;
    assert.ok(expired.message.startsWith('The client certificate O=system:masters,CN=carol expired'), expired.message);
    assert.ok(a.findings.some((f) => f.code === 'superuser-group'));
  });
});

// ---------------------------------------------------------------------------------------------- one verdict everywhere

const client = (subject: string, extra: Partial<CertSpec> = {}): BuiltCert => P.leaf(subject, P.ca, extra);

interface UserCase {
  name: string;
  cert: BuiltCert;
  key: string;
  codes: Code[];
  severity: Severity | 'ok';
}

const USERS: UserCase[] = [
  { name: 'expiring', cert: client('CN=erin', { notAfter: new Date(NOW + 9 * DAY) }), key: P.adminKeyPem, codes: ['cert-expiring-soon'], severity: 'warning' },
  { name: 'mismatched', cert: client('CN=mia'), key: P.otherKeyPem, codes: ['key-mismatch'], severity: 'error' },
  {
    name: 'bob',
    cert: client('CN=bob,OU=system:nodes', { notAfter: new Date(NOW + 9 * DAY) }),
    key: P.otherKeyPem,
    codes: ['cert-expiring-soon', 'group-in-ou', 'key-mismatch'],
    severity: 'error',
  },
  { name: 'healthy', cert: client('CN=hal,O=dev'), key: P.adminKeyPem, codes: [], severity: 'ok' },
];

const usersText = kubeconfig({
  clusters: [{ name: 'prod', caPem: P.ca.pem }],
  users: USERS.map((u) => ({ name: u.name, certPem: u.cert.pem, keyPem: u.key })),
  contexts: USERS.map((u) => ({ name: `${u.name}@team`, cluster: 'prod', user: u.name })),
});

describe('the context hover, the lens and the outline agree with the diagnostics', () => {
  const a = run(usersText);
  for (const u of USERS)
    test(`${u.name}: ${u.codes.join(', ') || 'no findings'}`, () => {
      const inUser = a.findings.filter((f) => f.where.startsWith(`users[${u.name}].`));
      assert.deepEqual([...new Set(inUser.map((f) => f.code))].sort(), u.codes, 'the diagnostics');
      for (const verdict of [contextVerdict(a, `${u.name}@team`), userVerdict(a, u.name)]) {
        assert.equal(verdict.severity, u.severity);
        assert.deepEqual([...new Set(verdict.reasons.map((r) => r.code))].sort(), u.codes);
      }
      // The context's hover leads with the verdict in words; every reason is said.
      const hover = lines(hoverAt(a, offsetOf(usersText, `name: ${u.name}@team`) + 7, NOW));
      assert.equal(hover[1], `Verdict: ${u.severity === 'ok' ? 'no problems found' : verdictText(contextVerdict(a, `${u.name}@team`))}`);
      // The same on `user: bob` inside the context.
      const ref = lines(hoverAt(a, offsetOf(usersText, `user: ${u.name}`) + 7, NOW));
      assert.equal(ref[1], hover[1]);
      if (u.codes.includes('key-mismatch'))
        assert.ok(
          hover.some((l) => l.startsWith('Client key: key does not match its certificate')),
          hover.join('\n'),
        );
      // The lenses of the certificate and the key: the site's verdict, in words.
      const certWhere = `users[${u.name}].client-certificate-data`;
      const keyWhere = `users[${u.name}].client-key-data`;
      const lensOf = (where: string) => lenses(a, NOW).find((l) => l.where === where)!;
      for (const where of [certWhere, keyWhere]) {
        const v = siteVerdict(a, where);
        const l = lensOf(where);
        assert.equal(l.severity, v.severity, where);
        for (const r of v.reasons) assert.ok(l.title.includes(r.message), `${l.title} lacks "${r.message}"`);
        assert.ok(!l.title.includes('$('), l.title);
      }
      if (u.codes.includes('key-mismatch')) assert.match(lensOf(keyWhere).title, /^private key · RSA 2048 · error: key does not match its certificate$/);
      // The outline's user and context.
      const symbols = outline(a, NOW);
      const user = symbols.find((s) => s.name === 'users')!.children.find((c) => c.name === u.name)!;
      const context = symbols.find((s) => s.name === 'contexts')!.children.find((c) => c.name === `${u.name}@team`)!;
      if (u.severity === 'ok') assert.match(user.detail, /· ok$/);
      else assert.equal(user.detail, verdictText(userVerdict(a, u.name)));
      assert.ok(context.detail.endsWith(verdictText(contextVerdict(a, `${u.name}@team`))), context.detail);
    });
});

/** One input per finding code that can sit in a kubeconfig entry: the verdicts must count it, as the user set it. */
const HEALTH: Array<{ code: Code; user?: string[]; cluster?: string[]; host?: Record<string, string> }> = [
  { code: 'cert-expired', user: [`client-certificate-data: ${b64(client('CN=x', { notAfter: new Date(NOW - DAY) }).pem)}`] },
  { code: 'cert-not-yet-valid', user: [`client-certificate-data: ${b64(client('CN=x', { notBefore: new Date(NOW + DAY) }).pem)}`] },
  { code: 'cert-expiring-soon', user: [`client-certificate-data: ${b64(client('CN=x', { notAfter: new Date(NOW + 3 * DAY) }).pem)}`] },
  { code: 'chain-untrusted', user: [`client-certificate-data: ${b64(P.leaf('CN=x', P.otherCa).pem)}`] },
  { code: 'key-mismatch', user: [`client-certificate-data: ${b64(client('CN=x').pem)}`, `client-key-data: ${b64(P.otherKeyPem)}`] },
  { code: 'group-in-ou', user: [`client-certificate-data: ${b64(client('CN=x,OU=system:masters').pem)}`] },
  { code: 'superuser-group', user: [`client-certificate-data: ${b64(client('CN=x,O=system:masters').pem)}`] },
  { code: 'missing-client-auth', user: [`client-certificate-data: ${b64(client('CN=x', { extKeyUsage: ['serverAuth'] }).pem)}`] },
  { code: 'not-a-ca', cluster: [`certificate-authority-data: ${b64(client('CN=leaf', { ca: false }).pem)}`] },
  { code: 'weak-signature', user: [`client-certificate-data: ${b64(client('CN=x', { hash: 'sha1' }).pem)}`] },
  { code: 'san-mismatch', cluster: [`certificate-authority-data: ${b64(buildCert({ ...www.spec, ca: false, notAfter: at('2030-01-01T00:00:00Z') }).pem)}`] },
  { code: 'invalid-base64', user: ['client-certificate-data: not*base64'] },
  { code: 'pem-not-base64', user: ['client-certificate-data: "-----BEGIN CERTIFICATE-----"'] },
  { code: 'pem-malformed', user: [`client-certificate-data: ${b64(client('CN=x').pem.trim().replace(/\n/g, ' '))}`] },
  { code: 'not-a-certificate', user: [`client-certificate-data: ${b64('hello')}`] },
  { code: 'insecure-with-ca', cluster: [`certificate-authority-data: ${b64(P.ca.pem)}`, 'insecure-skip-tls-verify: true'] },
  { code: 'conflicting-ca-source', cluster: [`certificate-authority-data: ${b64(P.ca.pem)}`, 'certificate-authority: /ca.crt'], host: { '/ca.crt': P.ca.pem } },
  { code: 'missing-file', user: ['client-certificate: /nowhere.crt'] },
  { code: 'insecure-server-url', cluster: [`certificate-authority-data: ${b64(P.ca.pem)}`], host: {} },
];

function healthText(c: (typeof HEALTH)[number]): string {
  const cluster = c.cluster ?? [`certificate-authority-data: ${b64(P.ca.pem)}`];
  const server = c.code === 'insecure-server-url' ? 'http://192.0.2.10:6443' : 'https://192.0.2.10:6443';
  return `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
${[...cluster, `server: ${server}`].map((l) => `    ${l}`).join('\n')}
contexts:
- name: ctx
  context:
    cluster: prod
    user: u
current-context: ctx
users:
- name: u
  user:
${(c.user ?? [`client-certificate-data: ${b64(client('CN=fine').pem)}`, `client-key-data: ${b64(P.adminKeyPem)}`]).map((l) => `    ${l}`).join('\n')}
`;
}

function memHost(files: Record<string, string>): Host {
  return { readFile: (path) => (files[path] === undefined ? { error: 'no such file' } : { bytes: new Uint8Array(Buffer.from(files[path])) }) };
}

describe('every finding code that affects health counts in the verdicts, with the severity the user set', () => {
  for (const c of HEALTH)
    test(c.code, () => {
      const text = healthText(c);
      const host = memHost(c.host ?? {});
      for (const override of [undefined, 'information', 'off'] as const) {
        const a = run(text, { host, path: '/k/config', ...(override ? { severities: { [c.code]: override } } : {}) });
        const raised = a.findings.filter((f) => f.code === c.code);
        const verdict = contextVerdict(a, 'ctx');
        const reasons = verdict.reasons.filter((r) => r.code === c.code);
        if (override === 'off') {
          assert.equal(raised.length, 0);
          assert.equal(reasons.length, 0, 'off: gone from the verdict too');
          continue;
        }
        assert.ok(raised.length > 0, `${c.code} raised: ${a.findings.map((f) => f.code).join(', ')}`);
        assert.ok(reasons.length > 0, `${c.code} in the context's verdict`);
        for (const r of reasons) assert.equal(r.severity, override ?? raised[0].severity);
        // The worst severity of the context is the worst of its findings.
        const rank = ['error', 'warning', 'information', 'hint'];
        const worst = a.findings.map((f) => f.severity).sort((x, y) => rank.indexOf(x) - rank.indexOf(y))[0];
        assert.equal(verdict.severity, worst);
        // A finding at a certificate site marks that site's lens with the same verdict.
        for (const f of raised) {
          const lens = lenses(a, NOW).find((l) => l.where === f.where);
          if (lens) assert.equal(lens.severity, siteVerdict(a, f.where).severity);
        }
      }
    });
});

// ---------------------------------------------------------------------------------------------- words

describe('what the hovers and messages say', () => {
  test('two CAs share a name: the hover says the signature fails, and names the CA it found apart', () => {
    const twin = buildCert({ ...P.otherCa.spec, subject: 'CN=kubernetes' });
    const leaf = P.leaf('CN=dave', twin);
    const text = kubeconfig({
      clusters: [{ name: 'prod', caPem: P.ca.pem }],
      users: [{ name: 'dave', certPem: leaf.pem, keyPem: P.adminKeyPem }],
      contexts: [{ name: 'dave@prod', cluster: 'prod', user: 'dave' }],
    });
    const a = run(text);
    const untrusted = a.findings.find((f) => f.code === 'chain-untrusted')!;
    assert.match(
      untrusted.message,
      /issued by another CA that is also named CN=kubernetes \(authority key identifier [0-9a-f]+\): the signature does not verify/,
    );
    assert.match(untrusted.message, /\(CN=kubernetes, serial [0-9a-f:]+, SHA-256 [0-9a-f]{16}…\)/);
    const shown = lines(hoverAt(a, offsetOf(text, 'client-certificate-data') + 2, NOW)).join('\n');
    assert.match(shown, /^Signed by: CN=kubernetes \(serial [0-9a-f:]+, SHA-256 [0-9a-f]{16}…\) has the issuer's name, but the signature does NOT verify/m);
  });

  test('renewal steps name the user and say why an OU is left out', () => {
    const a = run(usersText);
    const steps = renewalStepsAt(a, 'users[bob].client-certificate-data', 0)!.steps.join('\n');
    assert.match(steps, /OU=system:nodes is left out: Kubernetes ignores OU, and a group meant there belongs in O/);
    assert.match(steps, /-subj '\/CN=bob'/);
    assert.match(steps, /kubectl config set-credentials 'bob' --client-certificate=user\.crt/);
    assert.doesNotMatch(steps, /<user>/);
  });

  test('a missing file could not be read (not decoded); a missing user names the closest ones', () => {
    const text = kubeconfig({
      clusters: [{ name: 'prod', caPem: P.ca.pem }],
      users: [{ name: 'alice', certFile: '/nowhere/alice.crt', keyPem: P.adminKeyPem }, { name: 'alicia' }],
      contexts: [{ name: 'c', cluster: 'prod', user: 'alcie' }],
    });
    const a = run(text, { host: memHost({}), path: '/k/config' });
    assert.ok(lines(hoverAt(a, offsetOf(text, 'client-certificate:') + 2, NOW)).includes('Could not be read; see the diagnostic.'));
    const missing = lines(hoverAt(a, offsetOf(text, 'user: alcie') + 7, NOW));
    assert.equal(missing[0], '# No user named "alcie"');
    assert.ok(missing.includes('Existing users: alice, alicia'), missing.join('\n'));
  });

  test('superuser-group on a CSR not yet approved says what approving it would do', () => {
    const csr = buildCsr({ subject: 'CN=eve,O=system:masters', key: ec(2) });
    const text = `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: eve
spec:
  request: ${b64(csr.pem)}
  signerName: kubernetes.io/kube-apiserver-client
  usages: [client auth]
`;
    const f = run(text).findings.find((x) => x.code === 'superuser-group')!;
    assert.match(f.message, /approving it issues a superuser certificate/);
    assert.doesNotMatch(f.message, /rotating the CA that signed it/);
  });

  test('no "covers only no names", no "certificate certificate 1 of 2"', () => {
    const bare = buildCert({ subject: 'CN=bare', key: ec(3), notBefore: at('2025-01-01T00:00:00Z'), notAfter: at('2030-01-01T00:00:00Z') });
    const a = run(kubeconfig({ clusters: [{ name: 'prod', caPem: bare.pem }], users: [], contexts: [] }));
    const san = a.findings.find((f) => f.code === 'san-mismatch')!;
    assert.match(san.message, /has no subject alternative names, so it covers no name at all/);
    assert.doesNotMatch(san.message, /covers only no/);
    const old = P.leaf('CN=old', P.ca, { notAfter: new Date(NOW - DAY), hash: 'sha1' });
    const b = run(kubeconfig({ clusters: [{ name: 'prod', caPem: P.ca.pem }], users: [{ name: 'u', certPem: old.pem + P.ca.pem }], contexts: [] }));
    for (const f of b.findings) assert.doesNotMatch(f.message, /certificate certificate/, f.message);
    assert.ok(b.findings.some((f) => f.message.includes('O=old') || f.message.includes('CN=old (certificate 1 of 2)')));
  });
});

// ---------------------------------------------------------------------------------------------- chains by signature

describe('chains built by signature and key identifiers, not by name', () => {
  for (const ids of [true, false])
    test(`leaf, intermediate and root share one subject DN (${ids ? 'with' : 'without'} key identifiers)`, () => {
      const dates = { notBefore: at('2025-01-01T00:00:00Z'), notAfter: at('2030-01-01T00:00:00Z'), subjectKeyId: ids };
      const root = buildCert({ subject: 'CN=same,O=corp', key: ec(4), ca: true, ...dates });
      const mid = buildCert({ subject: 'CN=same,O=corp', key: ec(5), issuer: root, ca: true, ...dates });
      const leaf = buildCert({ subject: 'CN=same,O=corp', key: ec(6), issuer: mid, sans: ['DNS:web.example.com'], ...dates });
      const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: chain
data:
  bundle.pem: |
    ${(leaf.pem + mid.pem + root.pem).trim().split('\n').join('\n    ')}
`;
      const a = run(text);
      const chain = lines(hoverAt(a, offsetOf(text, 'bundle.pem') + 2, NOW)).join('\n');
      assert.match(chain, /^#1: O=corp,CN=same — signed by #2$/m);
      assert.match(chain, /^#2: O=corp,CN=same — signed by #3$/m);
      assert.match(chain, /^#3: O=corp,CN=same — self-signed root$/m);
      assert.equal((chain.match(/\(self-signed\)/g) ?? []).length, 1, 'only the root is marked self-signed');
    });

  test('a caBundle that pins the leaf itself: a warning that says Go trusts it as itself', () => {
    const leaf = P.leaf('CN=webhook.svc', P.ca, { extKeyUsage: ['serverAuth'], sans: ['DNS:webhook.svc'] });
    const text = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: hook
webhooks:
- name: hook.example.com
  clientConfig:
    caBundle: ${b64(leaf.pem)}
`;
    const f = run(text).findings.find((x) => x.code === 'not-a-ca')!;
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /Go accepts any certificate here as a trust anchor, so this works only while the server presents exactly this certificate/);
  });
});

// ---------------------------------------------------------------------------------------------- fixes where an edit helps

describe('quick fixes for csr-subject-mismatch and san-mismatch', () => {
  const fixed = (text: string, code: Code): { titles: string[]; after: string } => {
    const a = run(text);
    const f = a.findings.find((x) => x.code === code);
    assert.ok(f, `${code}: ${a.findings.map((x) => x.code).join(', ')}`);
    const fixes = fixesFor(text, a, { code: f.code, span: f.span, data: f.data });
    assert.ok(fixes.length > 0, 'a fix');
    return { titles: fixes.map((x) => x.title), after: applyEdits(text, fixes[0].edits) };
  };

  test('a CSR whose usages the signer refuses: spec.usages set to what it signs', () => {
    const csr = buildCsr({ subject: 'CN=jane,O=dev', key: ec(2) });
    const text = (usages: string) => `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: jane
spec:
  request: ${b64(csr.pem)}
  signerName: kubernetes.io/kube-apiserver-client
  usages:${usages}
`;
    const before = text('\n  - digital signature\n  - server auth');
    const r = fixed(before, 'csr-subject-mismatch');
    assert.deepEqual(r.titles, ['Set spec.usages to ["digital signature", "client auth"]']);
    assert.equal(r.after, text(' ["digital signature", "client auth"]'));
    assert.ok(!run(r.after).findings.some((f) => f.code === 'csr-subject-mismatch'));
  });

  test('a server the pinned certificate does not cover: tls-server-name set to a name it does', () => {
    const pinned = buildCert({
      subject: 'CN=api',
      key: ec(3),
      notBefore: at('2025-01-01T00:00:00Z'),
      notAfter: at('2030-01-01T00:00:00Z'),
      sans: ['DNS:api.internal', 'DNS:*.corp'],
    });
    const text = (extra: string) => `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    certificate-authority-data: ${b64(pinned.pem)}
    server: https://192.0.2.10:6443
${extra}contexts: []
users: []
`;
    const r = fixed(text(''), 'san-mismatch');
    assert.deepEqual(r.titles, ['Set tls-server-name to "api.internal"']);
    assert.equal(r.after, text('    tls-server-name: api.internal\n'));
    assert.ok(!run(r.after).findings.some((f) => f.code === 'san-mismatch'));
  });
});

// ---------------------------------------------------------------------------------------------- manifests in the editor

describe('manifests: Ingress hovers and an outline with certificate health', () => {
  const shop = P.leaf('CN=shop.example.com', P.ca, { extKeyUsage: ['serverAuth'], sans: ['DNS:shop.example.com'], notAfter: new Date(NOW + 5 * DAY) });
  const text = `apiVersion: v1
kind: Secret
metadata:
  name: web-tls
  namespace: default
type: kubernetes.io/tls
data:
  tls.crt: ${b64(shop.pem)}
  tls.key: ${b64(P.adminKeyPem)}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: default
spec:
  tls:
  - hosts:
    - shop.example.com
    - www.example.com
    secretName: web-tls
`;
  const a = run(text);

  test('a host the certificate does not cover: the hover says so, as the diagnostic does', () => {
    assert.ok(a.findings.some((f) => f.code === 'san-mismatch' && text.slice(f.span.start, f.span.end) === 'www.example.com'));
    const bad = lines(hoverAt(a, offsetOf(text, '- www.example.com') + 4, NOW));
    assert.equal(bad[0], '# Ingress host www.example.com');
    assert.equal(bad[1], 'Verdict: error: name not covered by the certificate');
    assert.ok(bad.includes('Host: www.example.com — NOT covered by the certificate: clients will reject it'), bad.join('\n'));
    const good = lines(hoverAt(a, offsetOf(text, '- shop.example.com') + 4, NOW));
    assert.equal(good[1], 'Verdict: no problems found');
    assert.ok(good.includes('Host: shop.example.com — covered by the certificate'));
    const secret = lines(hoverAt(a, offsetOf(text, 'secretName: web-tls') + 13, NOW));
    assert.equal(secret[0], '# Ingress TLS Secret web-tls');
    assert.ok(secret.includes('Certificate: CN=shop.example.com'));
  });

  test('the outline lists the Secret with its certificate and key, each with its health', () => {
    const symbols = outline(a, NOW);
    const secret = symbols.find((s) => s.name === 'Secret[default/web-tls]')!;
    assert.equal(secret.detail, `Secret · ${verdictText(siteVerdict(a, 'Secret[default/web-tls].data[tls.crt]'))}`);
    assert.deepEqual(
      secret.children.map((c) => `${c.name}: ${c.detail}`),
      ['tls.crt: CN=shop.example.com · expires in 5d · warning: expires soon (2026-11-26)', 'tls.key: private key · RSA 2048 · ok'],
    );
    const ingress = symbols.find((s) => s.name === 'Ingress[default/web]')!;
    assert.equal(ingress.detail, 'Ingress · error: name not covered by the certificate');
  });
});
