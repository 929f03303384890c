// The language server's folder walk (server/src/scan.ts): found by content, `find -L` with loop detection, fifos never
// opened, .git/node_modules and excluded globs skipped, the count limit said once.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { globToRegExp, scanFolders } from '../../server/src/scan';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubecert-scan-'));
  dirs.push(dir);
  for (const d of ['a/b', '.git', 'node_modules/x', 'charts/c', 'real']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'a/secret.yaml'), SECRET);
  writeFileSync(join(dir, 'a/b/test-ec-kubeconfig'), 'apiVersion: v1\nkind: Config\nclusters: []\n');
  writeFileSync(join(dir, 'a/b/ca.crt'), PEM);
  writeFileSync(join(dir, 'a/notes.txt'), 'nothing Kubecert reads\n');
  writeFileSync(join(dir, 'a/values.yaml'), 'replicas: 3\n');
  writeFileSync(join(dir, '.git/config.yaml'), SECRET);
  writeFileSync(join(dir, 'node_modules/x/s.yaml'), SECRET);
  writeFileSync(join(dir, 'charts/c/s.yaml'), SECRET);
  writeFileSync(join(dir, 'real/install.golden'), SECRET);
  symlinkSync(join(dir, 'real'), join(dir, 'a/linked')); // a folder reached through a link: walked once
  symlinkSync(join(dir, 'a'), join(dir, 'a/b/loop')); // a loop
  symlinkSync(join(dir, 'a/secret.yaml'), join(dir, 'a/b/same.yaml')); // one real file, read once
  symlinkSync(join(dir, 'gone'), join(dir, 'a/dangling.yaml'));
  spawnSync('mkfifo', [join(dir, 'a/pipe.yaml')]);
  return dir;
}

test('found by content, symlinks followed once, loops, fifos, .git, node_modules and excluded globs skipped', async () => {
  const dir = tree();
  const scan = await scanFolders([dir], { exclude: ['charts/**'] });
  const found = scan.files.map((f) => `${relative(dir, f.path)} ${f.form}`).sort();
  // a/secret.yaml is reached first as a/b/same.yaml (names in order: b before secret.yaml), and read once.
  assert.deepEqual(found, ['a/b/ca.crt pem', 'a/b/same.yaml yaml', 'a/b/test-ec-kubeconfig yaml', 'a/linked/install.golden yaml']);
  assert.deepEqual(scan.limits, []);
});

test('the count limit stops the walk and is said once', async () => {
  const dir = tree();
  const scan = await scanFolders([dir], { maxFiles: 2 });
  assert.equal(scan.files.length, 2);
  assert.deepEqual(scan.limits, ['The workspace index stopped at 2 files; the rest of the folders was not read (kubecert.workspace.maxFiles).']);
});

test('globs: ** any folders, * within a name, {a,b}, a bare name at any depth', () => {
  const match = (glob: string, path: string) => globToRegExp(glob).test(path);
  assert.ok(match('charts/**', 'charts/x/y.yaml'));
  assert.ok(!match('charts/**', 'other/charts.yaml'));
  assert.ok(match('*.golden', 'deep/er/install.golden'));
  assert.ok(!match('*.golden', 'install.golden.yaml'));
  assert.ok(match('**/test/*.{yaml,yml}', 'a/test/x.yml'));
  assert.ok(!match('**/test/*.{yaml,yml}', 'a/test/sub/x.yml'));
  assert.ok(match('vendor', 'a/vendor/x.yaml'), 'a bare name matches a folder at any depth');
});
