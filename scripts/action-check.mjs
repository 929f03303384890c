// The Action's check step (action.yml): `kubecert check` with the step's inputs, SARIF to a file, the text report and
// one annotation per finding in the log, outputs for later steps, and the exit status `fail-on` asks for.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const env = process.env;
const cli = join(env.GITHUB_ACTION_PATH ?? resolve(dirname(new URL(import.meta.url).pathname), '..'), 'bin', 'kubecert.js');
const fail = (message) => {
  console.error(`::error title=kubecert::${escapeData(message)}`);
  process.exit(2);
};

const paths = (env.KUBECERT_PATHS ?? '.').split(/\s+/).filter((p) => p !== '');
const failOn = (env.KUBECERT_FAIL_ON || 'error').trim();
if (!['error', 'warning', 'never'].includes(failOn)) fail(`fail-on: "${failOn}" is not one of error, warning, never`);
const warnDays = (env.KUBECERT_WARN_DAYS || '30').trim();
const now = (env.KUBECERT_NOW ?? '').trim();
const sarifFile = resolve((env.KUBECERT_SARIF || 'kubecert.sarif').trim());
if (paths.length === 0) fail('paths: nothing to check');

const args = ['check', ...paths, '--warn-days', warnDays, ...(now ? ['--now', now] : [])];
const sarif = spawnSync(process.execPath, [cli, ...args, '--format', 'sarif'], { encoding: 'utf8', maxBuffer: 1 << 30 });
if (sarif.error) fail(`cannot run kubecert: ${sarif.error.message}`);
process.stderr.write(sarif.stderr);
// 2: a usage or read error; the report is not to be trusted, whatever fail-on says.
if (sarif.status === 2 || sarif.status === null) fail(`kubecert check stopped (exit status ${sarif.status}): ${sarif.stderr.trim()}`);
mkdirSync(dirname(sarifFile), { recursive: true });
writeFileSync(sarifFile, sarif.stdout);

const text = spawnSync(process.execPath, [cli, ...args, '--no-color'], { encoding: 'utf8', maxBuffer: 1 << 30 });
process.stdout.write(text.stdout);

const results = JSON.parse(sarif.stdout).runs.flatMap((r) => r.results);
const count = (level) => results.filter((r) => r.level === level).length;
const errors = count('error');
const warnings = count('warning');
for (const r of results) {
  const loc = r.locations?.[0]?.physicalLocation;
  const props = loc ? `file=${escapeProperty(loc.artifactLocation.uri)},line=${loc.region.startLine},col=${loc.region.startColumn},` : '';
  const kind = r.level === 'error' ? 'error' : r.level === 'warning' ? 'warning' : 'notice';
  console.log(`::${kind} ${props}title=${escapeProperty(`kubecert ${r.ruleId}`)}::${escapeData(r.message.text)}`);
}
if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `sarif-file=${sarifFile}\nerrors=${errors}\nwarnings=${warnings}\n`);
console.log(`kubecert: ${errors} errors, ${warnings} warnings; SARIF in ${sarifFile}; fail-on: ${failOn}`);
process.exit((failOn === 'error' && errors > 0) || (failOn === 'warning' && errors + warnings > 0) ? 1 : 0);

// Workflow commands: data escapes %, CR and LF; properties also : and ,.
function escapeData(s) {
  return String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s) {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
