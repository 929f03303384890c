// What a person sees of the certificates in VS Code (code-server in Chromium, driven by Playwright): the status bar's
// verdict (a client certificate expiring within the window, then a key that does not match), the same verdicts in the
// context picker, the Certificates view in expiry order revealing one on click, and the timeline webview. Screenshots
// of each go to test-results/.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { NOW, pki } from '../support/fixtures';
import { kubeconfig } from '../support/kubeconfig';

const root = process.env.KUBECERT_ROOT ?? join(__dirname, '../../..');
const codeServer = join(root, '.vscode-test/code-server/node_modules/code-server/out/node/entry.js');
const missing = !existsSync(codeServer)
  ? 'code-server is not installed (scripts/install-e2e.sh installs it)'
  : !existsSync('/usr/bin/chromium')
    ? 'chromium is not installed'
    : '';
// The harness is ESM; this file compiles to CommonJS, whose import() would become require().
const importEsm = new Function('p', 'return import(p)') as (p: string) => Promise<Record<string, (...a: unknown[]) => Promise<any>>>;

function config(): string {
  const f = pki();
  const carol = f.leaf('CN=carol', f.ca, { notAfter: new Date(NOW + 10 * 86_400_000) });
  return kubeconfig({
    clusters: [{ name: 'prod', caPem: f.ca.pem, server: 'https://127.0.0.10:6443' }],
    users: [
      { name: 'carol', certPem: carol.pem, keyPem: f.adminKeyPem },
      { name: 'alice', certPem: f.admin.pem, keyPem: f.otherKeyPem },
    ],
    contexts: [
      { name: 'carol@prod', cluster: 'prod', user: 'carol' },
      { name: 'alice@prod', cluster: 'prod', user: 'alice' },
    ],
    current: 'carol@prod',
  });
}

test('status bar verdicts, the context picker, the Certificates view and the timeline', { skip: missing || false, timeout: 400_000 }, async () => {
  const { startCodeServer, launchBrowser } = await importEsm(join(root, 'test/e2e/runInCodeServer.mjs'));
  const ws = mkdtempSync(join(tmpdir(), 'kubecert-views-'));
  copyFileSync(join(root, 'test/fixtures/seed/admin.kubeconfig'), join(ws, 'admin.kubeconfig'));
  const home = mkdtempSync(join(tmpdir(), 'kubecert-home-'));
  mkdirSync(join(home, '.kube'));
  const kubeconfigPath = join(home, '.kube/config');
  writeFileSync(kubeconfigPath, config());
  const server = await startCodeServer({
    workspace: ws,
    env: { HOME: home, KUBECONFIG: kubeconfigPath },
    settings: { 'kubecert.now': '2026-11-21T00:00:00Z', 'workbench.tips.enabled': false },
  });
  const { browser, page } = await launchBrowser({ viewport: { width: 1400, height: 900 } });
  const artifacts = join(root, 'test-results');
  mkdirSync(artifacts, { recursive: true });
  const shot = (name: string) => page.screenshot({ path: join(artifacts, name) });
  const palette = async (command: string): Promise<void> => {
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: command }).first();
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill(`>${command}`);
      try {
        await row.waitFor({ timeout: 3000 });
        break;
      } catch (err) {
        if (attempt >= 20) throw err;
        await page.keyboard.press('Escape');
      }
    }
    await page.keyboard.press('Enter');
  };
  try {
    await page.goto(server.workbenchUrl({ extensionDevelopmentPath: root, openFile: join(ws, 'admin.kubeconfig') }), { waitUntil: 'domcontentloaded' });

    // 1. Carol's client certificate expires in 10 days: the item turns to the warning colour, the tooltip says why.
    const carol = page.locator('.statusbar-item.warning-kind', { hasText: 'carol@prod · default' });
    await carol.waitFor({ timeout: 90_000 });
    await carol.hover();
    const tooltip = page.locator('.monaco-hover, .workbench-hover', { hasText: 'client certificate of carol: expires 2026-12-01' });
    await tooltip.first().waitFor({ timeout: 15_000 });
    await shot('views-status-warning.png');
    await page.mouse.move(700, 400);

    // 2. The picker carries every context's verdict before switching.
    await carol.click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 30_000 });
    const alice = page.locator('.quick-input-list .monaco-list-row', { hasText: 'alice@prod' }).first();
    await alice.waitFor({ timeout: 30_000 });
    assert.match(await alice.innerText(), /client certificate of alice: key does not match/);
    const carolRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'carol@prod' }).first();
    assert.match(await carolRow.innerText(), /client certificate of carol: expires 2026-12-01/);
    assert.equal(await alice.locator('.codicon-error').count(), 1, 'an error icon on the context whose key does not match');
    assert.equal(await carolRow.locator('.codicon-warning').count(), 1, 'a warning icon on the expiring one');
    await shot('views-quick-pick.png');

    // 3. Switching to it: the error colour.
    await input.fill('alice@prod');
    await page.keyboard.press('Enter');
    await page.locator('.statusbar-item.error-kind', { hasText: 'alice@prod · default' }).waitFor({ timeout: 30_000 });
    await shot('views-status-error.png');

    // 4. The Certificates view: each file's certificates, soonest expiry first; a click reveals one.
    await palette('Explorer: Focus on Certificates View');
    // The workspace folder's pane collapsed, so the view has room for every row (a list draws only what is visible).
    await page
      .locator('.pane-header', { hasText: /kubecert-views-/i })
      .first()
      .click();
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Certificates/i }) });
    const rows = pane.locator('.monaco-list-row');
    await pane.locator('.monaco-list-row', { hasText: 'carol' }).waitFor({ timeout: 30_000 });
    await pane.locator('.monaco-list-row', { hasText: 'admin.kubeconfig' }).waitFor({ timeout: 30_000 });
    // Files in the order of their soonest expiry: the seed's CA expired in 2023.
    const labels = (await rows.locator('.label-name').allInnerTexts()).map((t: string) => t.trim());
    assert.deepEqual(labels, ['admin.kubeconfig', 'CA kubernetes', 'admin', 'config', 'carol', 'admin', 'CA kubernetes'], labels.join(' | '));
    await shot('views-certificates.png');
    await pane.locator('.monaco-list-row', { hasText: 'carol' }).click();
    await page.locator('.tab.active', { hasText: 'config' }).waitFor({ timeout: 30_000 });
    await page
      .locator('.statusbar-item', { hasText: /Ln 22, Col \d+ \(\d+ selected\)/ })
      .first()
      .waitFor({ timeout: 10_000 });

    // 5. The timeline: one bar per certificate, nothing requested beyond code-server on loopback, no console error.
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r: { url(): string }) => requests.push(r.url()));
    page.on('console', (m: { type(): string; text(): string }) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text());
    });
    await palette('Kubecert: Show Certificate Timeline');
    let bars = 0;
    let timeline: any;
    for (let i = 0; i < 60 && bars === 0; i++) {
      for (const frame of page.frames()) {
        const n = await frame
          .locator('svg.timeline g.bar')
          .count()
          .catch(() => 0);
        if (n > 0) {
          bars = n;
          timeline = frame;
        }
      }
      if (bars === 0) await page.waitForTimeout(500);
    }
    assert.equal(bars, 5, 'three certificates in the kubeconfig, two in admin.kubeconfig');
    assert.equal(await timeline.locator('table tbody tr').count(), 5, 'the table alternative lists the same');
    assert.equal(await timeline.locator('svg.timeline g.bar.sev-error').count(), 2, 'the expired CA and the mismatched key');
    await shot('views-timeline.png');
    const offsite = requests.filter((u) => !/^(https?:\/\/127\.0\.0\.1[:/]|blob:|data:|vscode-)/.test(u));
    assert.deepEqual(offsite, [], 'nothing beyond code-server on loopback');
    assert.deepEqual(errors, []);
    // A click on a bar brings the kubeconfig back in front of the timeline.
    assert.equal(await page.locator('.tab.active', { hasText: 'Certificate Timeline' }).count(), 1);
    await timeline.locator('svg.timeline g.bar', { hasText: 'carol' }).locator('rect').click();
    await page.locator('.tab.active', { hasText: 'config' }).waitFor({ timeout: 30_000 });
  } catch (e) {
    await shot('views-failure.png').catch(() => undefined);
    throw e;
  } finally {
    await browser.close();
    await server.stop();
  }
});
