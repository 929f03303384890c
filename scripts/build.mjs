// Bundles what ships: the CLI, the language server and the extension, each one file under dist/.
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const production = process.argv.includes('--production');
const outdirIndex = process.argv.indexOf('--outdir');
const outdir = outdirIndex > 0 ? process.argv[outdirIndex + 1] : 'dist';
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
  ['server/src/cli.ts', `${outdir}/cli.js`],
  ['server/src/server.ts', `${outdir}/server.js`],
  // The banner and footer mark when the extension host starts and ends evaluating the bundle, for the activation figure.
  [
    'client/src/extension.ts',
    `${outdir}/extension.js`,
    {
      external: ['vscode'],
      banner: { js: 'globalThis.__kubecertLoadStart = performance.now();' },
      footer: { js: 'globalThis.__kubecertLoadEnd = performance.now();' },
    },
  ],
  ['client/src/languageClient.ts', `${outdir}/languageClient.js`, { external: ['vscode'] }],
];
const started = Date.now();
// A release build starts from an empty dist/, so no stale bundle or source map ships.
if (production) rmSync(outdir, { recursive: true, force: true });
await Promise.all(
  entries.filter(([entry]) => existsSync(entry)).map(([entry, outfile, extra = {}]) => build({ ...common, entryPoints: [entry], outfile, ...extra })),
);
console.log(`built ${entries.filter(([e]) => existsSync(e)).length} bundles in ${Date.now() - started} ms`);
