// What a person sees in VS Code (code-server in Chromium, driven by Playwright): the hover over a
// certificate blob, the context in the status bar, switching it by clicking. A screenshot is kept.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = process.env.KUBECERT_ROOT ?? join(__dirname, '../../..');
const codeServer = join(root, '.vscode-test/code-server/node_modules/code-server/out/node/entry.js');
const missing = !existsSync(codeServer)
  ? 'code-server is not installed (scripts/install-e2e.sh installs it)'
  : !existsSync('/usr/bin/chromium')
    ? 'chromium is not installed'
    : '';
// The harness is ESM; this file compiles to CommonJS, whose import() would become require().
const importEsm = new Function('p', 'return import(p)') as (p: string) => Promise<Record<string, (...a: unknown[]) => Promise<any>>>;

const CONFIG = `apiVersion: v1
clusters:
- cluster:
    server: https://127.0.0.10:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: alice
  name: prod
- context:
    cluster: prod
    user: alice
    namespace: web
  name: staging
current-context: prod
kind: Config
users:
- name: alice
  user: {}
`;

test('hover, status bar and context switching as a person sees them', { skip: missing || false, timeout: 300_000 }, async () => {
  const { startCodeServer, launchBrowser } = await importEsm(join(root, 'test/e2e/runInCodeServer.mjs'));
  const ws = mkdtempSync(join(tmpdir(), 'kubecert-ui-'));
  copyFileSync(join(root, 'test/fixtures/seed/admin.kubeconfig'), join(ws, 'admin.kubeconfig'));
  const home = mkdtempSync(join(tmpdir(), 'kubecert-home-'));
  mkdirSync(join(home, '.kube'));
  const kubeconfig = join(home, '.kube/config');
  writeFileSync(kubeconfig, CONFIG);
  const server = await startCodeServer({
    workspace: ws,
    env: { HOME: home, KUBECONFIG: kubeconfig },
    settings: { 'kubecert.now': '2026-11-21T00:00:00Z', 'editor.hover.delay': 100 },
  });
  const { browser, page } = await launchBrowser({ viewport: { width: 1400, height: 900 } });
  const artifacts = join(root, 'test-results');
  mkdirSync(artifacts, { recursive: true });
  try {
    await page.goto(server.workbenchUrl({ extensionDevelopmentPath: root, openFile: join(ws, 'admin.kubeconfig') }), { waitUntil: 'domcontentloaded' });
    const status = page.locator('.statusbar-item', { hasText: 'prod · default' });
    await status.waitFor({ timeout: 90_000 });

    // One language client, one set of diagnostics: 1 error (expired CA), 2 warnings (chain, superuser).
    // Waiting for them also means the server is up (it starts in the background, after activation).
    const problems = page.locator('[id="status.problems"]');
    await page.waitForFunction(`/Errors: 1, Warnings: 2/.test(document.getElementById('status.problems')?.getAttribute('aria-label') ?? '')`, undefined, {
      timeout: 60_000,
    });

    const line = page.locator('.view-line', { hasText: 'client-certificate-data' });
    await line.waitFor({ timeout: 60_000 });
    const box = await line.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + 400, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover', { hasText: 'system:masters' });
    await hover.first().waitFor({ timeout: 30_000 });
    assert.match((await hover.first().innerText()).replace(/\s+/g, ' '), /CN=admin/);
    await page.screenshot({ path: join(artifacts, 'vscode-hover.png') });
    assert.match((await problems.getAttribute('aria-label')) ?? (await problems.innerText()), /Errors: 1, Warnings: 2/);

    await page.keyboard.press('Escape');
    await status.click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 30_000 });
    await input.fill('staging');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'staging' }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.statusbar-item', { hasText: 'staging · web' }).waitFor({ timeout: 30_000 });
    assert.equal(readFileSync(kubeconfig, 'utf8'), CONFIG.replace('current-context: prod', 'current-context: staging'));

    // A change made outside (kubectl config use-context) shows within a second or so.
    writeFileSync(kubeconfig, CONFIG);
    await page.locator('.statusbar-item', { hasText: 'prod · default' }).waitFor({ timeout: 5_000 });
    await page.screenshot({ path: join(artifacts, 'vscode-status.png') });
  } catch (e) {
    await page.screenshot({ path: join(artifacts, 'vscode-failure.png') }).catch(() => undefined);
    throw e;
  } finally {
    await browser.close();
    await server.stop();
  }
});
