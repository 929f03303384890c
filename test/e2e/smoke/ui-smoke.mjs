#!/usr/bin/env node
// Example of a Playwright-driven UI test that reuses runInCodeServer.mjs's
// start/stop logic: opens the workspace with the smoke extension loaded in
// development mode, runs "Kubecert Smoke: Hello" from the command palette and
// waits for the notification it shows.
//
//   node test/e2e/smoke/ui-smoke.mjs [--screenshot out.png]
//
// Exit code 0 = passed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, startCodeServer } from '../runInCodeServer.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const shotIdx = process.argv.indexOf('--screenshot');
const screenshot = shotIdx > 0 ? path.resolve(process.argv[shotIdx + 1]) : undefined;

const t0 = Date.now();
const server = await startCodeServer({
  workspace: path.join(here, 'workspace'),
  env: { KUBECERT_E2E_MARKER: 'ui' },
});
let browser;
let page;
let code = 1;
try {
  ({ browser, page } = await launchBrowser());
  // Development mode without a test suite: the extension is loaded, the window stays open.
  await page.goto(server.workbenchUrl({ extensionDevelopmentPath: path.join(here, 'extension') }));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  // the explorer shows the workspace file once the remote connection is up
  await page.getByRole('treeitem', { name: 'kubeconfig.yaml' }).waitFor({ timeout: 60000 });

  // Run the command from the palette. Commands contributed by the extension
  // only show up once the extension host has scanned it, which can be a few
  // seconds after the explorer is ready -> retry until it is listed.
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Kubecert Smoke: Hello' }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1'); // F1 = command palette
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('>Kubecert Smoke: Hello');
    try {
      await row.waitFor({ timeout: 3000 });
      break;
    } catch (err) {
      if (attempt >= 20) throw err;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }
  await page.keyboard.press('Enter');

  const toast = page.locator('.notification-toast', { hasText: 'Kubecert smoke: hello world' });
  await toast.waitFor({ timeout: 30000 });
  console.log('ui-smoke: notification shown');
  if (screenshot) {
    await page.screenshot({ path: screenshot });
    console.log(`ui-smoke: screenshot ${screenshot}`);
  }
  code = 0;
} catch (err) {
  console.error('ui-smoke: FAILED', err);
  if (screenshot && page) await page.screenshot({ path: screenshot }).catch(() => {});
} finally {
  await browser?.close().catch(() => {});
  await server.stop();
}
console.log(`ui-smoke: ${code === 0 ? 'PASSED' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
process.exit(code);
