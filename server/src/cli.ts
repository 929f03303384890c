// `kubecert`: the command-line front end over the core. Thin: read files, analyse, print.
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_WARN_DAYS, joinRoot } from './core';
import { decodeCertificate, decodePem, type Certificate } from './core';
import { defaultKubeconfigs } from './cli/files';
import { formatMetrics } from './cli/formatOpenMetrics';
import { formatSarif, terminalSafeJson } from './cli/formatSarif';
import { formatText } from './cli/formatText';
import { formatHtml } from './cli/formatHtml';
import { type FileReport } from './cli/report';
import { scanPaths, type Scan, type ScanOptions } from './cli/scan';
import { DEFAULT_INTERVAL, DEFAULT_LISTEN, parseDuration, parseListen, serve } from './cli/serve';
import { SCAN_LIMITS } from './cli/walk';
import { probeKubeconfig } from './probe';
import { readRegularFile } from './readFile';

declare const KUBECERT_VERSION: string;
export const VERSION = typeof KUBECERT_VERSION === 'string' ? KUBECERT_VERSION : '0.0.0-dev';

const HELP = `kubecert ${VERSION} — what the certificates in your kubeconfig and manifests are, and what is wrong with them

Usage:
  kubecert check [PATH…] [options]
  kubecert serve [PATH…] [--listen HOST:PORT] [--interval D] [options]
  kubecert --help | --version

With no PATH, checks the kubeconfig kubectl would use: every file in $KUBECONFIG,
else ~/.kube/config. All PATHs form one workspace: a folder is searched (symlinks
followed, .git and node_modules skipped) for kubeconfigs, manifests, PEM/DER files,
systemd units and option files, recognised by content; findings between files
(an Ingress and its Secret, a kubeconfig and the apiserver's certificate, a
webhook's caBundle and its Service's certificate) are reported on both sides. Only regular files up to 32 MiB are read (UTF-8, or
UTF-16 with a byte-order mark).

kubecert serve scans PATHs again every interval and whenever a file changes, and
serves the last complete scan as Prometheus metrics (OpenMetrics, or the text
format 0.0.4 by Accept) at /metrics, and /healthz; nothing else. SIGTERM stops it.

Options:
  --now <ISO-8601>       judge validity at this moment instead of the clock
  --warn-days <N>        warn about certificates expiring within N days (default ${DEFAULT_WARN_DAYS})
  --server-cert <FILE>   hold every kubeconfig server address (or tls-server-name)
                         against this serving certificate (PEM or DER), e.g. an
                         apiserver.crt copied from a control plane
  --format <F>           text (default), json, sarif, openmetrics, or html (one
                         self-contained page: timeline, certificate table, findings)
  --probe                also connect to each cluster's server with TLS (no
                         credentials sent) and check the certificate it serves
  --color / --no-color   force colour on or off (default: on for a terminal)
  --root <DIR>           DIR stands for a node's / (its file system mounted in a
                         container, or a copy of its /etc): absolute paths written
                         in kubeconfigs, manifests and flags, and absolute PATHs
                         outside DIR, are read under DIR; metrics name the node's paths
  --max-files <N>        read at most N files in folder scans (default ${SCAN_LIMITS.maxFiles})
  --listen <HOST:PORT>   serve: where to listen (default ${DEFAULT_LISTEN}, loopback)
  --interval <D>         serve: scan again every D (default 5m; e.g. 30s, 1h)
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
  /** The clock, read once (by serve, once per scan); tests pass --now instead. */
  clock: () => number;
  /** serve: calls stop once when the process is asked to end (SIGTERM, SIGINT). */
  onStop?: (stop: () => void) => void;
}

interface Options {
  paths: string[];
  now?: number;
  warnDays: number;
  serverCert?: string;
  format: 'text' | 'json' | 'sarif' | 'openmetrics' | 'html';
  probe: boolean;
  color?: boolean;
  root?: string;
  maxFiles: number;
  /** serve: where to listen, and how often to scan again (milliseconds). */
  listen: string;
  interval: number;
}

class UsageError extends Error {}

function parseArgs(args: string[]): Options {
  const o: Options = {
    paths: [],
    warnDays: DEFAULT_WARN_DAYS,
    format: 'text',
    probe: false,
    maxFiles: SCAN_LIMITS.maxFiles,
    listen: DEFAULT_LISTEN,
    interval: DEFAULT_INTERVAL,
  };
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
      case '--format': {
        const v = value();
        if (!['text', 'json', 'sarif', 'openmetrics', 'html'].includes(v))
          throw new UsageError(`--format: "${v}" is not one of text, json, sarif, openmetrics, html`);
        o.format = v as Options['format'];
        break;
      }
      case '--probe':
        o.probe = true;
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
      case '--listen': {
        const v = value();
        if (!parseListen(v)) throw new UsageError(`--listen: "${v}" is not HOST:PORT (e.g. 127.0.0.1:9793)`);
        o.listen = v;
        break;
      }
      case '--interval': {
        const v = value();
        const ms = parseDuration(v);
        if (ms === undefined || ms < 1000) throw new UsageError(`--interval: "${v}" is not a duration of 1s or more (e.g. 30s, 5m, 1h)`);
        o.interval = ms;
        break;
      }
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

/** A serving certificate file, as the core's file references: a certificate chain is never near this. */
const SERVER_CERT_BYTES = 1024 * 1024;

function loadServerCert(path: string): Certificate {
  const read = readRegularFile(path, SERVER_CERT_BYTES);
  if ('error' in read) throw new UsageError(`--server-cert: cannot read ${path}: ${read.error}`);
  const { bytes } = read;
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
  if (command !== 'check' && command !== 'serve') {
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
  const explicit = options.paths.length > 0;
  const root = options.root === undefined ? undefined : resolve(io.cwd, options.root);
  if (root !== undefined && !isFolder(root)) {
    io.stderr(`kubecert: --root: ${options.root} is not a folder\n`);
    return 2;
  }
  // kubectl skips $KUBECONFIG entries that do not exist; named paths must exist.
  const paths = explicit ? options.paths.map((p) => resolve(io.cwd, p)) : defaultKubeconfigs(io.env, io.cwd);
  const scanAt = (now: number, extra: Partial<ScanOptions> = {}): Promise<Scan> =>
    scanPaths({
      paths,
      explicit,
      skipMissing: !explicit,
      now,
      warnDays: options.warnDays,
      cwd: io.cwd,
      root,
      nodePaths: command === 'serve' || options.format === 'openmetrics',
      maxFiles: options.maxFiles,
      serverCertificate,
      elapsed: () => performance.now(),
      ...extra,
    });
  if (command === 'serve') {
    if (options.probe) {
      io.stderr('kubecert: --probe is for kubecert check only: an exporter opens no connection to a cluster\n');
      return 2;
    }
    return serveMetrics(
      io,
      options,
      paths.map((p) => (root && isAbsolute(p) && !p.startsWith(root + '/') ? joinRoot(root, p) : p)),
      () => scanAt(options.now ?? io.clock(), { pause: () => new Promise((r) => setImmediate(r)) }),
    );
  }
  const now = options.now ?? io.clock();
  const scan = await scanAt(now, { probe: options.probe ? (analysis) => probeKubeconfig(analysis, io.stderr) : undefined });
  if (!explicit && scan.filesScanned === 0 && scan.readErrors.length === 0) {
    io.stderr(
      `kubecert: no kubeconfig to check: ${io.env.KUBECONFIG ? `none of the files in $KUBECONFIG exists` : '~/.kube/config does not exist and $KUBECONFIG is not set'}\n`,
    );
    return 2;
  }
  for (const e of scan.readErrors) io.stderr(`kubecert: ${e}\n`);
  const readError = scan.readErrors.length > 0;
  const reports: FileReport[] = scan.files.map((f) => f.report);
  if (options.format === 'json') io.stdout(terminalSafeJson({ files: reports }));
  else if (options.format === 'openmetrics') io.stdout(formatMetrics(scan, 'openmetrics', VERSION));
  else if (options.format === 'html')
    io.stdout(
      formatHtml(
        scan.files.map(({ report, verdicts }) => ({ report, verdicts })),
        { now, warnDays: options.warnDays, version: VERSION },
      ),
    );
  else if (options.format === 'sarif') io.stdout(formatSarif(reports, VERSION, (p) => p.split('\\').join('/')));
  else io.stdout(formatText(reports, { color: options.color ?? (io.isTTY && !io.env.NO_COLOR), now }));
  if (readError) return 2;
  return reports.some((r) => r.findings.some((f) => f.severity === 'error')) ? 1 : 0;
}

/** `kubecert serve`: until onStop fires (SIGTERM, SIGINT), then a graceful close. */
async function serveMetrics(io: CliIo, options: Options, watched: string[], scan: () => Promise<Scan>): Promise<number> {
  const listen = parseListen(options.listen);
  if (!listen || !io.onStop) {
    io.stderr(`kubecert: serve needs a listen address and a way to be stopped\n`);
    return 2;
  }
  const log = (line: string) => io.stderr(`kubecert serve: ${line}\n`);
  let exporter;
  try {
    exporter = await serve({ scan, listen, interval: options.interval, watch: watched, version: VERSION, log, clock: io.clock });
  } catch (e) {
    io.stderr(`kubecert: serve: cannot listen on ${options.listen}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return 2;
  }
  const { host, port } = exporter.address;
  log(`listening on http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`);
  await new Promise<void>((resolve) => io.onStop?.(resolve));
  await exporter.close();
  log('stopped');
  return 0;
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
    onStop: (stop) => {
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
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

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
