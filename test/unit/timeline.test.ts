// The timeline's layout: a pure function from certificates, now and the warning window to bars on one axis.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml, layoutTimeline, timelineSvg, type TimelineCertificate } from '../../server/src/core/ide/timeline';
import { NOW } from '../support/fixtures';

const t = (iso: string) => Date.parse(iso);
const cert = (id: string, subject: string, issuer: string, from: string, to: string, extra: Partial<TimelineCertificate> = {}): TimelineCertificate => ({
  id,
  subject,
  issuer,
  notBefore: t(from),
  notAfter: t(to),
  ca: false,
  severity: 'ok',
  where: `f · ${id}`,
  ...extra,
});

const CERTS = [
  cert('leaf', 'CN=admin', 'CN=kubernetes', '2025-06-01T00:00:00Z', '2027-06-01T00:00:00Z'),
  cert('old', 'CN=old-ca', 'CN=old-ca', '2018-01-01T00:00:00Z', '2023-01-01T00:00:00Z', { ca: true, severity: 'error' }),
  cert('ca', 'CN=kubernetes', 'CN=kubernetes', '2025-01-01T00:00:00Z', '2035-01-01T00:00:00Z', { ca: true }),
  cert('soon', 'CN=web', 'CN=kubernetes', '2025-12-01T00:00:00Z', '2026-12-01T00:00:00Z', { severity: 'warning' }),
];

test('rows: each CA above what it signs, each level by expiry; bars where their dates fall on the axis', () => {
  const l = layoutTimeline(CERTS, { now: NOW, warnDays: 30, width: 1000 });
  assert.deepEqual(
    l.bars.map((b) => [b.id, b.row, b.depth]),
    [
      ['old', 0, 0],
      ['ca', 1, 0],
      ['soon', 2, 1],
      ['leaf', 3, 1],
    ],
  );
  // The axis covers every certificate and the warning window; x grows with time, linearly.
  assert.ok(l.start <= t('2018-01-01T00:00:00Z') && l.end >= t('2035-01-01T00:00:00Z'));
  const x = (ms: number) => l.left + ((ms - l.start) / (l.end - l.start)) * (l.width - l.left - 16);
  for (const b of l.bars) {
    const c = CERTS.find((c) => c.id === b.id)!;
    assert.ok(Math.abs(b.x1 - x(c.notBefore)) < 0.1, `${b.id} x1`);
    assert.ok(Math.abs(b.x2 - x(c.notAfter)) < 0.1, `${b.id} x2`);
    assert.ok(b.x1 >= l.left && b.x2 <= l.width, `${b.id} inside the plot`);
  }
  assert.ok(Math.abs(l.nowX - x(NOW)) < 0.1);
  assert.equal(l.warn.x1, l.nowX);
  assert.ok(Math.abs(l.warn.x2 - x(NOW + 30 * 86_400_000)) < 0.1);
  // The expired CA ends left of now, the expiring leaf inside the window.
  const bar = (id: string) => l.bars.find((b) => b.id === id)!;
  assert.ok(bar('old').x2 < l.nowX);
  assert.ok(bar('soon').x2 > l.warn.x1 && bar('soon').x2 < l.warn.x2);
  assert.equal(bar('old').severity, 'error');
  assert.equal(bar('ca').label, 'CA kubernetes');
  // Rows stack downwards, one per certificate; years on the axis over this 17-year span.
  assert.deepEqual(
    l.bars.map((b) => b.y),
    [...l.bars.map((b) => b.y)].sort((a, b) => a - b),
  );
  assert.equal(new Set(l.bars.map((b) => b.y)).size, 4);
  assert.ok(l.ticks.length >= 3 && l.ticks.every((k) => /^\d{4}$/.test(k.label)), JSON.stringify(l.ticks));
});

test('a certificate valid until 9999 is cut at the axis, not squashing the rest; a short span has month ticks', () => {
  const forever = cert('forever', 'CN=forever', 'CN=forever', '2026-01-01T00:00:00Z', '9999-12-31T23:59:59Z', { ca: true });
  const l = layoutTimeline([forever, CERTS[0]], { now: NOW, warnDays: 30 });
  const f = l.bars.find((b) => b.id === 'forever')!;
  assert.equal(f.clipped.end, true);
  assert.ok(f.x2 <= l.width);
  const leaf = l.bars.find((b) => b.id === 'leaf')!;
  assert.ok(leaf.x2 - leaf.x1 > 20, 'the two-year leaf is still visible');
  const short = layoutTimeline([cert('a', 'CN=a', 'CN=b', '2026-10-01T00:00:00Z', '2027-02-01T00:00:00Z')], { now: NOW, warnDays: 30 });
  assert.ok(
    short.ticks.every((k) => /^\d{4}-\d{2}$/.test(k.label)),
    JSON.stringify(short.ticks),
  );
  assert.deepEqual(layoutTimeline([], { now: NOW, warnDays: 30 }).bars, []);
});

test('the SVG escapes everything from a certificate: a subject with <script>, quotes and &', () => {
  const hostile = cert('x"><script>', 'CN=<script>alert("x")</script> & co', 'CN=<b>issuer</b>', '2025-01-01T00:00:00Z', '2027-01-01T00:00:00Z');
  const svg = timelineSvg(layoutTimeline([hostile], { now: NOW, warnDays: 30 }));
  assert.ok(!svg.includes('<script'), svg);
  assert.ok(!svg.includes('<b>'), svg);
  assert.match(svg, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; co/);
  assert.match(svg, /data-id="x&quot;&gt;&lt;script&gt;"/);
  assert.equal((svg.match(/<g class="bar /g) ?? []).length, 1);
  assert.equal(escapeHtml(`<a href='x'>&</a>`), '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
});
