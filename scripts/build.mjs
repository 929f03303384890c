// Bundles what ships: the CLI, the language server and the extension, each one file under dist/.
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  define: { KUBECERT_VERSION: JSON.stringify(pkg.version) },
};

const entries = [
  ['server/src/cli.ts', 'dist/cli.js'],
  ['server/src/server.ts', 'dist/server.js'],
  ['client/src/extension.ts', 'dist/extension.js', { external: ['vscode'] }],
];
const started = Date.now();
// A release build starts from an empty dist/, so no stale bundle or source map ships.
if (production) rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await Promise.all(
  entries
    .filter(([entry]) => existsSync(entry))
    .map(([entry, outfile, extra = {}]) => build({ ...common, entryPoints: [entry], outfile, ...extra })),
);
console.log(`built ${entries.filter(([e]) => existsSync(e)).length} bundles in ${Date.now() - started} ms`);
