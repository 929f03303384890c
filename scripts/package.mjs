// npm run package: production bundles staged in a temporary folder, packed by vsce into a .vsix
// that holds only what runs (dist/, grammar, manifest, icon, README, LICENSE, CHANGELOG, the bins).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const outIndex = process.argv.indexOf('--out');
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(root, 'kubecert.vsix'));
const stage = mkdtempSync(join(tmpdir(), 'kubecert-package-'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

try {
  for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'syntaxes', 'images', 'bin'])
    cpSync(join(root, f), join(stage, f), { recursive: true });
  run(process.execPath, [join(root, 'scripts/build.mjs'), '--production', '--outdir', join(stage, 'dist')], root);
  run(
    process.execPath,
    [
      join(root, 'node_modules/@vscode/vsce/vsce'),
      'package',
      '--no-dependencies',
      '--allow-missing-repository',
      '--skip-license',
      '--no-rewrite-relative-links',
      '-o',
      out,
    ],
    stage,
  );
  console.log(`${out}: ${(statSync(out).size / 1024).toFixed(0)} KB (${pkg.name} ${pkg.version})`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
