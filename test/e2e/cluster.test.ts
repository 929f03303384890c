// A cluster's tree opened as a VS Code workspace (code-server in Chromium, driven by Playwright): the cross-file
// san-mismatch on kubelet.conf shows in the Problems panel without opening it; a .crt file's hover shows its subject.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { haNode } from '../support/trees';

const root = process.env.KUBECERT_ROOT ?? join(__dirname, '../../..');
const codeServer = join(root, '.vscode-test/code-server/node_modules/code-server/out/node/entry.js');
const missing = !existsSync(codeServer)
  ? 'code-server is not installed (scripts/install-e2e.sh installs it)'
  : !existsSync('/usr/bin/chromium')
    ? 'chromium is not installed'
    : '';
// The harness is ESM; this file compiles to CommonJS, whose import() would become require().
const importEsm = new Function('p', 'return import(p)') as (p: string) => Promise<Record<string, (...a: unknown[]) => Promise<any>>>;

test('the HA tree as a workspace: san-mismatch on kubelet.conf in the Problems panel, a .crt hover', { skip: missing || false, timeout: 300_000 }, async () => {
  const { startCodeServer, launchBrowser } = await importEsm(join(root, 'test/e2e/runInCodeServer.mjs'));
  const ws = mkdtempSync(join(tmpdir(), 'kubecert-wudang-'));
  for (const [rel, content] of haNode('wudang', 'shaolin')) {
    mkdirSync(dirname(join(ws, rel)), { recursive: true });
    writeFileSync(join(ws, rel), content);
  }
  const home = mkdtempSync(join(tmpdir(), 'kubecert-home-'));
  const crt = join(ws, 'etc/kubernetes/pki/apiserver.crt');
  const server = await startCodeServer({
    workspace: ws,
    env: { HOME: home, KUBECONFIG: join(home, 'none') },
    settings: { 'kubecert.now': '2026-11-21T00:00:00Z', 'editor.hover.delay': 100 },
  });
  const { browser, page } = await launchBrowser({ viewport: { width: 1400, height: 900 } });
  const artifacts = join(root, 'test-results');
  mkdirSync(artifacts, { recursive: true });
  try {
    await page.goto(server.workbenchUrl({ extensionDevelopmentPath: root, openFile: crt }), { waitUntil: 'domcontentloaded' });

    // The hover on the certificate's base64 names its subject.
    const line = page.locator('.view-line').nth(2);
    await line.waitFor({ timeout: 90_000 });
    const hover = page.locator('.monaco-hover', { hasText: 'CN=kube-apiserver' });
    for (let i = 0; i < 60 && !(await hover.count()); i++) {
      const box = await line.boundingBox();
      assert.ok(box);
      await page.mouse.move(box.x + 40 + (i % 2) * 10, box.y + box.height / 2);
      await hover
        .first()
        .waitFor({ timeout: 2_000 })
        .catch(() => undefined);
    }
    assert.match((await hover.first().innerText()).replace(/\s+/g, ' '), /CN=kube-apiserver/);
    await page.screenshot({ path: join(artifacts, 'vscode-crt-hover.png') });
    await page.keyboard.press('Escape');

    // Problems panel: kubelet.conf was never opened; its server: line is the cross-file san-mismatch.
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'not 10.24.138.208' });
    await row.first().waitFor({ timeout: 90_000 });
    const panel = (await page.locator('.markers-panel').innerText()).replace(/\s+/g, ' ');
    assert.match(panel, /kubelet\.conf/);
    assert.match(panel, /san-mismatch/);
    await page.screenshot({ path: join(artifacts, 'vscode-cluster-problems.png') });
  } catch (e) {
    await page.screenshot({ path: join(artifacts, 'vscode-cluster-failure.png') }).catch(() => undefined);
    throw e;
  } finally {
    await browser.close();
    await server.stop();
  }
});
