// One scan of PATHs as one workspace: the files named and found, read, analysed and linked, with what each certificate
// is for the metrics. The one function `kubecert check` and `kubecert serve` share.
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import {
  analyseFile,
  attributes,
  certificatesHealth,
  DecodeCache,
  fileInput,
  joinRoot,
  Workspace,
  type Analysis,
  type Certificate,
  type FileInput,
  type Host,
  type Served,
  type Span,
  type VerdictSeverity,
} from '../core';
import { fileHost, textLimit } from '../host';
import { LineIndex } from '../positions';
import { readRegularFile } from '../readFile';
import { fileReport, type FileReport } from './report';
import { SCAN_LIMITS, scanFolders } from './walk';

export interface ScanOptions {
  /** Absolute paths: named by the user, or kubectl's kubeconfig list. */
  paths: string[];
  /** True when the paths were named by the user: a named file is reported even when it holds nothing Kubecert reads. */
  explicit: boolean;
  /** Skip named paths that do not exist ($KUBECONFIG entries, as kubectl does). */
  skipMissing?: boolean;
  now: number;
  warnDays: number;
  cwd: string;
  /** A folder that stands for a node's `/`: absolute paths written in files (and PATHs outside it) are read under it. */
  root?: string;
  /** Report paths as the node names them (metrics), not as the local file system does. */
  nodePaths?: boolean;
  maxFiles?: number;
  serverCertificate?: Certificate;
  /** The CLI's --probe: what each cluster's server serves, for a kubeconfig's second analysis. Not used by `kubecert serve`. */
  probe?: (analysis: Analysis) => Promise<Record<string, Served>>;
  /** Awaited between files: `kubecert serve` answers its requests there. */
  pause?: () => Promise<void>;
  /** A clock for the scan's duration only (never for validity). */
  elapsed?: () => number;
}

/** What a certificate is, for a metric's labels: read from the analysis, never from key material. */
export interface CertificateFacts {
  where: string;
  /** client, ca, serving, issued or pem: what the place it sits in makes it. */
  kind: string;
  subjectCN: string;
  subjectO: string;
  issuerCN: string;
  /** Decimal, as Go's big.Int prints it (x509-certificate-exporter's serial_number). */
  serial: string;
  notBefore: number;
  notAfter: number;
}

export interface ScannedFile {
  report: FileReport;
  certificates: CertificateFacts[];
  /** Each certificate's verdict, in the report's order, from all its findings (the HTML report's colours). */
  verdicts: VerdictSeverity[];
}

export interface Scan {
  files: ScannedFile[];
  /** One line per path or file that could not be read. */
  readErrors: string[];
  filesScanned: number;
  now: number;
  durationSeconds: number;
}

const ZERO = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export async function scanPaths(options: ScanOptions): Promise<Scan> {
  const started = options.elapsed?.() ?? 0;
  const { now, warnDays, serverCertificate, root } = options;
  const onDisk = (p: string): string => (root && isAbsolute(p) && !inside(p, root) ? joinRoot(root, p) : p);
  const given = classify(options.paths.map(onDisk), options.skipMissing ?? false);
  const walked = scanFolders(given.folders, { ...SCAN_LIMITS, maxFiles: options.maxFiles ?? SCAN_LIMITS.maxFiles });
  const files = orderFiles(given, walked.files);
  const readErrors = [...given.errors, ...walked.errors];
  const shownPath = (file: string): string => {
    if (options.nodePaths && root && inside(file, root)) return file.slice(root.replace(/\/+$/, '').length);
    const shown = relative(options.cwd, file);
    return shown.startsWith('..') ? file : shown;
  };

  const host = rootedHost(fileHost(), root);
  const cache = new DecodeCache();
  const maxTextLength = textLimit();
  const analysisOptions = { now, warnDays, host, cache, serverCertificate, maxTextLength };
  const workspace = new Workspace({ ...analysisOptions, root });
  const read = new Map<string, { input: FileInput; named: boolean }>();
  const analyses = new Map<string, Analysis>();
  for (const { path: file, named } of files) {
    // Between files, a server answers its requests (a scrape during a scan gets the last complete one).
    if (options.pause) await options.pause();
    // Never more than the core analyses: a device, a fifo or a 1 GiB file ends here, before it is read.
    const bytes = readRegularFile(file, maxTextLength);
    if ('error' in bytes) {
      readErrors.push(`${shownPath(file)}: ${bytes.error}`);
      continue;
    }
    const input = fileInput(bytes.bytes);
    read.set(file, { input, named });
    analyses.set(file, analyseFile(input, { ...analysisOptions, path: file }));
  }
  workspace.updateAll(analyses);
  if (options.probe) {
    for (const [file, analysis] of analyses) {
      if (!analysis.kubeconfig) continue;
      const probed = await options.probe(analysis);
      workspace.update(file, analyseFile(read.get(file)!.input, { ...analysisOptions, path: file, probed }));
    }
  }

  const lineIndexes = new Map<string, LineIndex>();
  const elsewhere = (path: string, span: Span) => {
    const text = read.get(path)?.input.text;
    if (text === undefined) return { path: shownPath(path), range: ZERO };
    let lines = lineIndexes.get(path);
    if (!lines) lineIndexes.set(path, (lines = new LineIndex(text)));
    return { path: shownPath(path), range: lines.range(span) };
  };
  const scanned: ScannedFile[] = [];
  for (const [file, { named, input }] of read) {
    const analysis = workspace.analysis(file);
    if (!analysis) continue;
    // A searched folder holds many files; report only those Kubecert understands.
    if (!named && (analysis.kind === 'none' || (analysis.kind === 'flags' && analysis.sites.length === 0))) continue;
    const findings = workspace.findings(file);
    const report = fileReport(shownPath(file), input.text, analysis, { findings, elsewhere });
    const verdicts = certificatesHealth({ ...analysis, findings }, now).map((h) => h.severity);
    scanned.push({ report, certificates: certificateFacts(analysis), verdicts });
  }
  for (const limit of walked.limits) {
    const finding = { code: 'input-limit' as const, severity: 'warning' as const, message: limit.message, where: '(folder)', range: ZERO };
    scanned.push({ report: { path: shownPath(limit.under), kind: 'none', certificates: [], findings: [finding] }, certificates: [], verdicts: [] });
  }
  return { files: scanned, readErrors, filesScanned: read.size, now, durationSeconds: ((options.elapsed?.() ?? 0) - started) / 1000 };
}

function certificateFacts(analysis: Analysis): CertificateFacts[] {
  return analysis.certificates.map(({ site, certificate: c, index }) => ({
    where: site.where,
    kind: kindOf(site.role, c, index),
    subjectCN: attributes(c.subject, 'CN').join(','),
    subjectO: attributes(c.subject, 'O').join(','),
    issuerCN: attributes(c.issuer, 'CN').join(','),
    serial: /^[0-9a-f]+$/i.test(c.serial) ? BigInt('0x' + c.serial).toString() : c.serial,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
  }));
}

function kindOf(role: string, c: Certificate, index: number): string {
  if (role === 'cluster-ca' || role === 'ca-bundle') return 'ca';
  // The certificates after the first of a client or serving bundle are its chain.
  if (index > 0 && c.ca) return 'ca';
  // A key field can hold its certificate too (kubelet's kubelet-client-current.pem).
  if (role === 'client-certificate' || role === 'client-key') return 'client';
  if (role === 'serving-certificate' || role === 'serving-key') return 'serving';
  if (role === 'issued-certificate') return 'issued';
  return c.ca ? 'ca' : 'pem';
}

interface Given {
  files: string[];
  folders: string[];
  errors: string[];
  /** Every PATH in order, files and folders, to report in the order given. */
  order: string[];
}

/** Named PATHs: files are read whatever they hold, folders are searched. */
function classify(paths: string[], skipMissing: boolean): Given {
  const out: Given = { files: [], folders: [], errors: [], order: [] };
  for (const p of paths) {
    let stat;
    try {
      stat = statSync(p);
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      if (!(missing && skipMissing)) out.errors.push(`${p}: ${missing ? 'no such file or folder' : (e as Error).message}`);
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
  for (const p of given.order) {
    if (given.files.includes(p)) add(p, true);
    else for (const f of found) if (f.under === p) add(f.path, false);
  }
  return out;
}

function inside(path: string, root: string): boolean {
  const r = resolve(root);
  return path === r || path.startsWith(r.replace(/\/+$/, '') + '/');
}

/** With --root, an absolute path written in a file is read under the root (unless it already points there). */
function rootedHost(host: Host, root: string | undefined): Host {
  if (!root) return host;
  return { readFile: (path) => host.readFile(inside(path, root) ? path : joinRoot(root, path)) };
}
