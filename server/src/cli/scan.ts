// One scan of PATHs: every file read and analysed as `kubecert check` does, with what each certificate is for the metrics.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyse, attributes, DecodeCache, type Analysis, type Certificate, type Host, type Served } from '../core';
import { fileHost } from '../host';
import { expandPaths } from './files';
import { fileReport, type FileReport } from './report';

export interface ScanOptions {
  /** Absolute paths as the scanned machine names them (under `root` when one is given). */
  paths: string[];
  /** True when the paths were named by the user: a named file is reported even when it holds nothing Kubecert reads. */
  explicit: boolean;
  /** Skip named paths that do not exist ($KUBECONFIG entries, as kubectl does). */
  skipMissing?: boolean;
  now: number;
  warnDays: number;
  cwd: string;
  /** A folder that stands for `/`: a node's file system mounted into a container. */
  root?: string;
  serverCertificate?: Certificate;
  /** The CLI's --probe: what each cluster's server serves, for a kubeconfig's second analysis. Not used by `kubecert serve`. */
  probe?: (analysis: Analysis) => Promise<Record<string, Served>>;
  /** Awaited before each file: `kubecert serve` yields to its requests there. */
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
}

export interface Scan {
  files: ScannedFile[];
  /** One line per path or file that could not be read. */
  readErrors: string[];
  filesScanned: number;
  now: number;
  durationSeconds: number;
}

/** Scans PATHs and returns the report: the one function `kubecert check` and `kubecert serve` share. */
export async function scanPaths(options: ScanOptions): Promise<Scan> {
  const started = options.elapsed?.() ?? 0;
  const root = options.root;
  const onDisk = (p: string): string => (root ? join(root, p) : p);
  const { files, errors } = expandPaths(options.paths.map(onDisk), options.skipMissing);
  const readErrors = errors.map((e) => (root ? unrooted(e, root) : e));
  const host = root ? rootedHost(root) : fileHost();
  const cache = new DecodeCache();
  const scanned: ScannedFile[] = [];
  let filesScanned = 0;
  for (const file of files) {
    const path = root ? unrooted(file, root) : file;
    // Between files, a server answers its requests (a scrape during a scan gets the last complete one).
    if (options.pause) await options.pause();
    const text = readDocument(file);
    if (typeof text !== 'string') {
      readErrors.push(`${path}: ${text.error}`);
      continue;
    }
    filesScanned++;
    const base = { now: options.now, warnDays: options.warnDays, path, host, cache, serverCertificate: options.serverCertificate };
    let analysis = analyse(text, base);
    // A searched folder holds many YAML files; report only those Kubecert understands.
    if (analysis.kind === 'none' && (!options.explicit || !options.paths.includes(path))) continue;
    if (options.probe && analysis.kubeconfig) analysis = analyse(text, { ...base, probed: await options.probe(analysis) });
    const shown = relative(options.cwd, path);
    scanned.push({ report: fileReport(root || shown.startsWith('..') ? path : shown, text, analysis), certificates: certificateFacts(analysis) });
  }
  return { files: scanned, readErrors, filesScanned, now: options.now, durationSeconds: ((options.elapsed?.() ?? 0) - started) / 1000 };
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

/** A document's text; a named pipe, socket or device is refused without a read (reading a pipe waits for a writer). */
function readDocument(file: string): string | { error: string } {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return { error: 'not a regular file (a pipe, socket or device is never read)' };
    return readFileSync(fd, 'utf8');
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A path on the scanned machine, from where it is mounted under root. */
function unrooted(path: string, root: string): string {
  const r = root.replace(/\/+$/, '');
  return path.startsWith(r + '/') ? path.slice(r.length) : path;
}

/** File references inside documents name the scanned machine's paths: they are read under root. */
function rootedHost(root: string): Host {
  const host = fileHost();
  return { readFile: (path: string) => host.readFile(join(root, path)) };
}
