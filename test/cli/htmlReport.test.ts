// `kubecert check --format html`: the page escapes what certificates say, and opened in headless Chromium it renders
// every subject, the expired CA left of now on the timeline, and asks for nothing over the network.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { main } from '../../server/src/cli';
import { NOW, pki } from '../support/fixtures';
import { kubeconfig } from '../support/kubeconfig';
import { buildCert } from '../support/pki';

const ROOT = process.env.KUBECERT_ROOT ?? resolve(__dirname, '../../..');
const SEED = join(ROOT, 'test/fixtures/seed/admin.kubeconfig');
const PLAYWRIGHT = join(ROOT, '.vscode-test/code-server/node_modules/playwright-core');
const CHROMIUM = '/usr/bin/chromium';
const HOSTILE = `<script>alert("x")</script> & "quoted" <img src=http://127.0.0.1:9/x.png>`;
/** How Kubecert writes that subject (RFC 4514 escapes), and that text escaped for HTML. */
const HOSTILE_SUBJECT = 'CN=\\<script\\>alert(\\"x\\")\\</script\\> & \\"quoted\\" \\<img src=http://127.0.0.1:9/x.png\\>';
const HOSTILE_HTML =
  'CN=\\&lt;script\\&gt;alert(\\&quot;x\\&quot;)\\&lt;/script\\&gt; &amp; \\&quot;quoted\\&quot; \\&lt;img src=http://127.0.0.1:9/x.png\\&gt;';

const dir = mkdtempSync(join(tmpdir(), 'kubecert-html-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function report(...paths: string[]): Promise<{ code: number; html: string }> {
  let html = '';
  const code = await main({
    argv: ['check', ...paths, '--format', 'html', '--now', '2026-11-21T00:00:00Z'],
    env: {},
    stdout: (s) => void (html += s),
    stderr: (s) => assert.fail(s),
    isTTY: false,
    cwd: dir,
    clock: () => assert.fail('the CLI read the wall clock'),
  });
  return { code, html };
}

function hostileKubeconfig(): string {
  const f = pki();
  const cert = buildCert({
    subject: [['CN', HOSTILE]],
    key: f.rsa(3),
    issuer: f.ca,
    notBefore: new Date(NOW - 86_400_000),
    notAfter: new Date(NOW + 5 * 86_400_000),
    extKeyUsage: ['clientAuth'],
  });
  const path = join(dir, 'hostile.kubeconfig');
  writeFileSync(
    path,
    kubeconfig({
      clusters: [{ name: 'prod', caPem: f.ca.pem }],
      users: [{ name: 'eve', certPem: cert.pem, keyPem: f.adminKeyPem }],
      contexts: [{ name: 'p', cluster: 'prod', user: 'eve' }],
    }),
  );
  return path;
}

test('everything taken from a certificate is escaped: <script>, quotes, &', async () => {
  const { code, html } = await report(hostileKubeconfig());
  assert.equal(code, 0);
  assert.ok(!html.includes('<script'), 'no script element, not even from a subject');
  assert.ok(!html.includes('<img'), 'no image element');
  assert.ok(html.includes(HOSTILE_HTML), 'the subject, escaped');
  // Self-contained: no reference to anything outside the page.
  assert.ok(!/(src|href)\s*=\s*["']?(https?:|\/\/|file:)/i.test(html.split(HOSTILE_HTML).join('')));
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
});

const missing = !existsSync(PLAYWRIGHT)
  ? 'playwright-core is not installed (scripts/install-e2e.sh)'
  : !existsSync(CHROMIUM)
    ? 'chromium is not installed'
    : '';

test(
  'the report in headless Chromium: every subject, the expired CA expired on the timeline, no network request',
  { skip: missing || false, timeout: 120_000 },
  async () => {
    const { code, html } = await report(SEED, hostileKubeconfig());
    assert.equal(code, 1, 'the seed has an error');
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    // playwright-core lives with code-server under .vscode-test (installed by scripts/install-e2e.sh), untyped here.
    const { chromium } = require(PLAYWRIGHT) as { chromium: any };
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r: { url(): string }) => requests.push(r.url()));
      page.on('console', (m: { type(): string; text(): string }) => m.type() === 'error' && errors.push(m.text()));
      const url = pathToFileURL(file).href;
      await page.goto(url, { waitUntil: 'load' });
      assert.deepEqual(requests, [url], 'the page asked for nothing but itself');
      assert.deepEqual(errors, []);
      const text = await page.innerText('body');
      for (const subject of [
        'CN=kubernetes,OU=System,O=k8s,L=BeiJing,ST=BeiJing,C=CN',
        'CN=admin,OU=System,O=system:masters,L=BeiJing,ST=BeiJing,C=CN',
        HOSTILE_SUBJECT,
        'CN=kubernetes',
      ])
        assert.ok(text.includes(subject), `the page shows ${subject}`);
      assert.equal(await page.locator('script, img').count(), 0);
      // Three bars; the seed's CA (expired 2023-03-11) is an error and ends left of the line at now.
      const bars: Array<{ cls: string | null; title: string; end: number }> = await page.$$eval(
        'svg.timeline g.bar',
        (
          gs: Array<{
            getAttribute(n: string): string | null;
            querySelector(s: string): { getAttribute(n: string): string | null; textContent: string | null } | null;
          }>,
        ) =>
          gs.map((g) => {
            const r = g.querySelector('rect');
            return {
              cls: g.getAttribute('class'),
              title: g.querySelector('title')?.textContent ?? '',
              end: Number(r?.getAttribute('x')) + Number(r?.getAttribute('width')),
            };
          }),
      );
      assert.equal(bars.length, 4);
      const nowX = Number(await page.getAttribute('svg.timeline line.now', 'x1'));
      const seedCa = bars.find((b) => b.title.startsWith('Subject: CN=kubernetes,OU=System'));
      assert.ok(seedCa, JSON.stringify(bars));
      assert.equal(seedCa.cls, 'bar sev-error');
      assert.ok(seedCa.end < nowX, `the expired CA ends at ${seedCa.end}, now is at ${nowX}`);
      assert.match(bars.find((b) => b.title.includes('alert('))!.cls ?? '', /sev-warning/);
      mkdirSync(join(ROOT, 'test-results'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'test-results/html-report.png'), fullPage: true });
      // Printable: the print stylesheet applies without error and the timeline stays.
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('svg.timeline').count(), 1);
    } finally {
      await browser.close();
    }
  },
);
