// `kubecert`: the command-line front end over the core. Thin: read files, analyse, print.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { analyseFile, DEFAULT_WARN_DAYS, fileInput, joinRoot, Workspace, type Analysis, type FileInput, type Host, type Span } from './core';
import { decodeCertificate, decodePem, type Certificate } from './core';
import { DecodeCache } from './core';
import { defaultKubeconfigs, expandPaths } from './cli/files';
import { formatSarif, terminalSafeJson } from './cli/formatSarif';
import { formatText } from './cli/formatText';
import { fileReport, type FileReport } from './cli/report';
import { SCAN_LIMITS, scanFolders } from './cli/scan';
import { LineIndex } from './positions';
import { fileHost } from './host';
import { probeKubeconfig } from './probe';

declare const KUBECERT_VERSION: string;
export const VERSION = typeof KUBECERT_VERSION === 'string' ? KUBECERT_VERSION : '0.0.0-dev';

const HELP = `kubecert ${VERSION} — what the certificates in your kubeconfig and manifests are, and what is wrong with them

Usage:
  kubecert check [PATH…] [options]
  kubecert --help | --version

With no PATH, checks the kubeconfig kubectl would use: every file in $KUBECONFIG,
else ~/.kube/config. All PATHs form one workspace: a folder is searched (symlinks
followed, .git and node_modules skipped) for kubeconfigs, manifests, PEM/DER files,
systemd units and option files, recognised by content; findings between files
(an Ingress and its Secret, a kubeconfig and the apiserver's certificate, a
webhook's caBundle and its Service's certificate) are reported on both sides.

Options:
  --now <ISO-8601>       judge validity at this moment instead of the clock
  --warn-days <N>        warn about certificates expiring within N days (default ${DEFAULT_WARN_DAYS})
  --server-cert <FILE>   hold every kubeconfig server address (or tls-server-name)
                         against this serving certificate (PEM or DER), e.g. an
                         apiserver.crt copied from a control plane
  --root <DIR>           read absolute paths written in manifests, flags and
                         kubeconfigs under DIR (a node's /etc copied elsewhere)
  --max-files <N>        read at most N files in folder scans (default ${SCAN_LIMITS.maxFiles})
  --format <F>           text (default), json or sarif
  --probe                also connect to each cluster's server with TLS (no
                         credentials sent) and check the certificate it serves
  --color / --no-color   force colour on or off (default: on for a terminal)
  -h, --help             show this help
  -V, --version          show the version

Exit status: 0 no errors, 1 errors found, 2 usage or read error.
Nothing in a kubeconfig is ever executed; no network is used without --probe.
`;

export interface CliIo {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  cwd: string;
  /** The clock, read once; tests pass --now instead. */
  clock: () => number;
}

interface Options {
  paths: string[];
  now?: number;
  warnDays: number;
  serverCert?: string;
  format: 'text' | 'json' | 'sarif';
  probe: boolean;
  color?: boolean;
  root?: string;
  maxFiles: number;
}

class UsageError extends Error {}

function parseArgs(args: string[]): Options {
  const o: Options = { paths: [], warnDays: DEFAULT_WARN_DAYS, format: 'text', probe: false, maxFiles: SCAN_LIMITS.maxFiles };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--now': {
        const v = value();
        const t = Date.parse(v);
        if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(t)) throw new UsageError(`--now: "${v}" is not an ISO-8601 date (e.g. 2026-11-21T00:00:00Z)`);
        o.now = t;
        break;
      }
      case '--warn-days': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new UsageError(`--warn-days: "${v}" is not a whole number of days`);
        o.warnDays = Number(v);
        break;
      }
      case '--server-cert':
        o.serverCert = value();
        break;
      case '--root':
        o.root = value();
        break;
      case '--max-files': {
        const v = value();
        if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`--max-files: "${v}" is not a positive whole number`);
        o.maxFiles = Number(v);
        break;
      }
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format: "${v}" is not one of text, json, sarif`);
        o.format = v;
        break;
      }
      case '--probe':
        o.probe = true;
        break;
      case '--color':
        o.color = true;
        break;
      case '--no-color':
        o.color = false;
        break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
        o.paths.push(a);
    }
  }
  return o;
}

function loadServerCert(path: string): Certificate {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`--server-cert: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const text = Buffer.from(bytes).toString('latin1');
  const cert = decodePem(text).find((i) => i.value?.kind === 'certificate')?.value;
  if (cert?.kind === 'certificate') return cert;
  if (bytes[0] === 0x30) {
    try {
      return decodeCertificate(bytes);
    } catch {
      // reported below
    }
  }
  throw new UsageError(`--server-cert: ${path} holds no certificate (PEM or DER)`);
}

export async function main(io: CliIo): Promise<number> {
  const [command, ...rest] = io.argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.stdout(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '-V' || command === '--version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (command !== 'check') {
    io.stderr(`kubecert: unknown command "${command}"; try "kubecert --help"\n`);
    return 2;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    io.stdout(HELP);
    return 0;
  }
  let options: Options;
  let serverCertificate: Certificate | undefined;
  try {
    options = parseArgs(rest);
    if (options.serverCert) serverCertificate = loadServerCert(resolve(io.cwd, options.serverCert));
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`kubecert: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const now = options.now ?? io.clock();
  const explicit = options.paths.length > 0;
  let root: string | undefined;
  if (options.root !== undefined) {
    root = resolve(io.cwd, options.root);
    try {
      if (!statSync(root).isDirectory()) throw new Error('not a folder');
    } catch {
      io.stderr(`kubecert: --root: ${options.root} is not a folder\n`);
      return 2;
    }
  }
  // kubectl skips $KUBECONFIG entries that do not exist; named paths must exist.
  const given: Given = explicit ? classify(options.paths.map((p) => resolve(io.cwd, p))) : expandPaths(defaultKubeconfigs(io.env, io.cwd), true);
  const scan = scanFolders(given.folders ?? [], { ...SCAN_LIMITS, maxFiles: options.maxFiles });
  const files = orderFiles(given, scan.files);
  const errors = [...given.errors, ...scan.errors];
  let readError = errors.length > 0;
  if (!explicit && files.length === 0) {
    io.stderr(
      `kubecert: no kubeconfig to check: ${io.env.KUBECONFIG ? `none of the files in $KUBECONFIG exists` : '~/.kube/config does not exist and $KUBECONFIG is not set'}\n`,
    );
    return 2;
  }
  for (const e of errors) io.stderr(`kubecert: ${e}\n`);
  const host = rootedHost(fileHost(), root);
  const cache = new DecodeCache();
  const workspace = new Workspace({ now, warnDays: options.warnDays, host, cache, serverCertificate, root });
  const read = new Map<string, { input: FileInput; named: boolean; text: string }>();
  for (const { path: file, named } of files) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      io.stderr(`kubecert: ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      readError = true;
      continue;
    }
    const input = fileInput(bytes);
    read.set(file, { input, named, text: input.text });
  }
  const analyses = new Map<string, Analysis>();
  for (const [file, { input }] of read) analyses.set(file, analyseFile(input, { now, warnDays: options.warnDays, path: file, host, cache, serverCertificate }));
  workspace.updateAll(analyses);
  if (options.probe) {
    for (const [file, analysis] of analyses) {
      if (!analysis.kubeconfig) continue;
      const probed = await probeKubeconfig(analysis, io.stderr);
      workspace.update(file, analyseFile(read.get(file)!.input, { now, warnDays: options.warnDays, path: file, host, cache, serverCertificate, probed }));
    }
  }
  const shownPath = (file: string): string => {
    const shown = relative(io.cwd, file);
    return shown.startsWith('..') ? file : shown;
  };
  const lineIndexes = new Map<string, LineIndex>();
  const elsewhere = (path: string, span: Span) => {
    const text = read.get(path)?.text;
    if (text === undefined) return { path: shownPath(path), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
    let lines = lineIndexes.get(path);
    if (!lines) lineIndexes.set(path, (lines = new LineIndex(text)));
    return { path: shownPath(path), range: lines.range(span) };
  };
  const reports: FileReport[] = [];
  for (const [file, { named, text }] of read) {
    const analysis = workspace.analysis(file);
    if (!analysis) continue;
    // A searched folder holds many files; report only those Kubecert understands.
    if (!named && (analysis.kind === 'none' || (analysis.kind === 'flags' && analysis.sites.length === 0))) continue;
    reports.push(fileReport(shownPath(file), text, analysis, { findings: workspace.findings(file), elsewhere }));
  }
  for (const limit of scan.limits) {
    const zero = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    reports.push({
      path: shownPath(limit.under),
      kind: 'none',
      certificates: [],
      findings: [{ code: 'input-limit', severity: 'warning', message: limit.message, where: '(folder)', range: zero }],
    });
  }
  if (options.format === 'json') io.stdout(terminalSafeJson({ files: reports }));
  else if (options.format === 'sarif') io.stdout(formatSarif(reports, VERSION, (p) => p.split('\\').join('/')));
  else io.stdout(formatText(reports, { color: options.color ?? (io.isTTY && !io.env.NO_COLOR), now }));
  if (readError) return 2;
  return reports.some((r) => r.findings.some((f) => f.severity === 'error')) ? 1 : 0;
}

interface Given {
  files: string[];
  folders?: string[];
  errors: string[];
  /** Every PATH in order, files and folders, to report in the order given. */
  order?: string[];
}

/** Named PATHs: files are read whatever they hold, folders are searched. */
function classify(paths: string[]): Given {
  const out: Given & { folders: string[]; order: string[] } = { files: [], folders: [], errors: [], order: [] };
  for (const p of paths) {
    let stat;
    try {
      stat = statSync(p);
    } catch (e) {
      out.errors.push(`${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}`);
      continue;
    }
    (stat.isDirectory() ? out.folders : out.files).push(p);
    out.order.push(p);
  }
  return out;
}

/** Files named and files found, in the order of the PATHs, each real file once. */
function orderFiles(given: Given, found: Array<{ path: string; under: string }>): Array<{ path: string; named: boolean }> {
  const out: Array<{ path: string; named: boolean }> = [];
  const seen = new Set<string>();
  const add = (path: string, named: boolean): void => {
    let real = path;
    try {
      real = realpathSync(path);
    } catch {
      // read (and reported) as named
    }
    if (seen.has(real)) return;
    seen.add(real);
    out.push({ path, named });
  };
  for (const p of given.order ?? given.files) {
    if (given.files.includes(p)) add(p, true);
    else for (const f of found) if (f.under === p) add(f.path, false);
  }
  return out;
}

/** With --root, an absolute path written in a file is read under the root (unless it already points there). */
function rootedHost(host: Host, root: string | undefined): Host {
  if (!root) return host;
  return { readFile: (path) => host.readFile(path === root || path.startsWith(root + '/') ? path : joinRoot(root, path)) };
}

/** The process wiring, called by bin/kubecert.js. */
export function run(): void {
  main({
    argv: process.argv.slice(2),
    env: process.env,
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
    clock: () => Date.now(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`kubecert: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
