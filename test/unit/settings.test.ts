// One settings type for client and server: defaults, validation, and package.json's contribution held to the code list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODES } from '../../shared/codes';
import { DEFAULT_SETTINGS, resolveSettings } from '../../shared/settings';

const root = process.env.KUBECERT_ROOT ?? join(__dirname, '../../..');

test("package.json's kubecert.severities enum lists exactly the finding codes", () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const listed = pkg.contributes.configuration.properties['kubecert.severities'].propertyNames.enum as string[];
  assert.deepEqual([...listed].sort(), Object.keys(CODES).sort());
});

test("package.json's defaults are the settings' defaults", () => {
  const props = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).contributes.configuration.properties;
  assert.equal(props['kubecert.warnDays'].default, DEFAULT_SETTINGS.warnDays);
  assert.equal(props['kubecert.maxProblems'].default, DEFAULT_SETTINGS.maxProblems);
  assert.equal(props['kubecert.codeLens.enabled'].default, DEFAULT_SETTINGS.codeLens);
  assert.equal(props['kubecert.statusBar.enabled'].default, DEFAULT_SETTINGS.statusBar);
  assert.deepEqual(props['kubecert.workspace.exclude'].default, DEFAULT_SETTINGS.workspace.exclude);
  assert.equal(props['kubecert.workspace.maxFiles'].default, DEFAULT_SETTINGS.workspace.maxFiles);
});

test('workspace settings: globs kept, an invalid maxFiles dropped', () => {
  const s = resolveSettings({ workspace: { exclude: ['charts/**', 3, ' '], maxFiles: -2 } });
  assert.deepEqual(s.workspace, { exclude: ['charts/**'], maxFiles: DEFAULT_SETTINGS.workspace.maxFiles });
  assert.equal(resolveSettings({ workspace: { maxFiles: 0 } }).workspace.maxFiles, 0);
});

test('resolveSettings fills defaults and drops what is invalid', () => {
  assert.deepEqual(resolveSettings(undefined), {
    ...DEFAULT_SETTINGS,
    severities: {},
    kubeconfig: [],
    workspace: { ...DEFAULT_SETTINGS.workspace, exclude: [] },
  });
  const s = resolveSettings({
    kubeconfig: ['a', 3, ''],
    warnDays: -1,
    severities: { 'cert-expired': 'warning', 'no-such-code': 'error', 'weak-key': 'loud' },
    now: '2026-11-21T00:00:00Z',
    codeLens: { enabled: false },
    statusBar: false,
    maxProblems: 0,
  });
  assert.deepEqual(s.kubeconfig, ['a']);
  assert.equal(s.warnDays, DEFAULT_SETTINGS.warnDays);
  assert.deepEqual(s.severities, { 'cert-expired': 'warning' });
  assert.equal(s.now, Date.parse('2026-11-21T00:00:00Z'));
  assert.equal(s.codeLens, false);
  assert.equal(s.statusBar, false);
  assert.equal(s.maxProblems, DEFAULT_SETTINGS.maxProblems);
  assert.equal(resolveSettings({ now: 'not a date' }).now, undefined);
  assert.equal(resolveSettings({ codeLens: false }).codeLens, false);
});
