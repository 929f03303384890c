// The Certificates view's order and filters, and the timeline webview's page: what it may load, what it escapes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CertificateItem } from '../../shared/protocol';
import { filtered, groupCertificates, roleWords, shortSubject } from '../../client/src/views/inventory';
import { timelineHtml } from '../../client/src/views/timelineHtml';
import { NOW } from '../support/fixtures';

const DAY = 86_400_000;
const item = (subject: string, notAfterDays: number, extra: Partial<CertificateItem> = {}): CertificateItem => ({
  uri: 'file:///k/config',
  path: '/k/config',
  where: `users[${subject}].client-certificate-data`,
  index: 0,
  range: { start: { line: 1, character: 2 }, end: { line: 1, character: 9 } },
  subject: `CN=${subject}`,
  issuer: 'CN=kubernetes',
  role: 'client-certificate',
  clusters: ['prod'],
  ca: false,
  notBefore: new Date(NOW - 365 * DAY).toISOString(),
  notAfter: new Date(NOW + notAfterDays * DAY).toISOString(),
  residual: 'x',
  sha256: 'AB:CD',
  severity: 'ok',
  reasons: [],
  source: 'kubeconfig',
  ...extra,
});

const RESULT = { now: NOW, warnDays: 30, certificates: [item('later', 400), item('gone', -3), item('soon', 10), item('edge', 30)] };

test('soonest expiry first; the filters keep expired, expiring within warnDays, or all', () => {
  const names = (f: 'all' | 'expiring' | 'expired') => filtered(RESULT, f).map((c) => shortSubject(c.subject));
  assert.deepEqual(names('all'), ['gone', 'soon', 'edge', 'later']);
  assert.deepEqual(names('expired'), ['gone']);
  // 30 days exactly is outside a 30-day window, as cert-expiring-soon judges it.
  assert.deepEqual(names('expiring'), ['soon']);
  assert.equal(shortSubject('O=system:masters,CN=admin'), 'admin');
  assert.equal(shortSubject('O=acme'), 'O=acme');
  assert.equal(roleWords('cluster-ca', true), 'cluster CA');
});

test('groups by file, by cluster (a user under every cluster a context pairs it with), by kind, or none', () => {
  const items = [
    item('ca', 500, { role: 'cluster-ca', ca: true, clusters: ['prod'], where: 'clusters[prod].certificate-authority-data' }),
    item('shared', 20, { clusters: ['prod', 'staging'] }),
    item('web', 10, { path: '/w/secret.yaml', uri: 'file:///w/secret.yaml', role: 'serving-certificate', clusters: [] }),
  ];
  const sorted = filtered({ now: NOW, warnDays: 30, certificates: items }, 'all');
  const shape = (g: ReturnType<typeof groupCertificates>) => g.map((x) => [x.label, x.description, x.items.map((i) => shortSubject(i.subject))]);
  assert.deepEqual(shape(groupCertificates(sorted, 'file')), [
    ['secret.yaml', '/w/', ['web']],
    ['config', '/k/', ['shared', 'ca']],
  ]);
  assert.deepEqual(shape(groupCertificates(sorted, 'cluster')), [
    ['(no cluster)', '', ['web']],
    ['prod', 'cluster', ['shared', 'ca']],
    ['staging', 'cluster', ['shared']],
  ]);
  assert.deepEqual(shape(groupCertificates(sorted, 'kind')), [
    ['serving', '', ['web']],
    ['client', '', ['shared']],
    ['cluster CA', '', ['ca']],
  ]);
  assert.deepEqual(groupCertificates(sorted, 'none'), []);
});

test('the timeline page: a strict CSP, one script with its nonce, every certificate as a bar and a table row, subjects escaped', () => {
  const hostile = item('<img src=x onerror=alert(1)>', 100, { severity: 'error' });
  const html = timelineHtml({ ...RESULT, certificates: [...RESULT.certificates, hostile] }, 'n0nce');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-n0nce'; script-src 'nonce-n0nce';">/);
  assert.deepEqual(html.match(/<script[^>]*>/g), ['<script nonce="n0nce">']);
  assert.deepEqual(html.match(/<style[^>]*>/g), ['<style nonce="n0nce">']);
  assert.equal((html.match(/<g class="bar /g) ?? []).length, 5);
  assert.equal((html.match(/<tr><td><button class="reveal"/g) ?? []).length, 5);
  assert.ok(!html.includes('<img'), 'the subject is text, not markup');
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(html, /<g class="bar sev-error" data-id="4"/);
  // Nothing from outside: no src or href at all, and the theme's colours through its CSS variables.
  assert.ok(!/\s(src|href)=/.test(html.split('&lt;img src=x onerror=alert(1)&gt;').join('')));
  assert.match(html, /--kc-error: var\(--vscode-editorError-foreground\)/);
  // A fresh nonce each time when none is given.
  assert.notEqual(/nonce-([^']+)'/.exec(timelineHtml(RESULT))?.[1], /nonce-([^']+)'/.exec(timelineHtml(RESULT))?.[1]);
});
