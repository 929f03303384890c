// The kubeconfig list kubectl would use, analysed with the session's settings, and what the core judges of it: the
// verdict of each context (status bar, context picker) and every certificate known (tree view, timeline).
import { URI } from 'vscode-uri';
import { analyse, authWords, certificatesHealth, contextsHealth, type Analysis, type KubeconfigFile } from '../core';
import { LineIndex } from '../positions';
import type { CertificateItem, CertificatesResult, ContextHealthResult } from '../../../shared/protocol';
import type { Session } from './session';
import type { Snapshot } from './workspace';

/** The host reads at most this much; a larger kubeconfig is reported, not judged on its first megabyte. */
const READ_LIMIT = 1024 * 1024;

/** How long an analysis of an unchanged file is reused (validity judged up to this much earlier). */
const REUSE_MS = 60_000;

interface Analysed {
  text: string;
  settings: object;
  now: number;
  analysis: Analysis;
}

/** Each server's last analysis of each file of the list, by path. */
const analysed = new WeakMap<Session, Map<string, Analysed>>();

interface Read {
  path: string;
  uri: string;
  text: string;
  analysis: Analysis;
}

/** Each file of the list: the open document's text when it is open in the editor, else the file through the host. */
function readList(session: Session, list: unknown): { read: Read[]; errors: string[] } {
  const files = Array.isArray(list) ? list.filter((f): f is string => typeof f === 'string' && f !== '') : [];
  const read: Read[] = [];
  const errors: string[] = [];
  const settings = session.workspace.getSettings();
  const now = session.workspace.now();
  for (const path of files) {
    const uri = URI.file(path).toString();
    const snap = session.documents.get(uri) ? session.snapshotOf(uri) : undefined;
    if (snap) {
      read.push({ path, uri, text: snap.text, analysis: snap.analysis });
      continue;
    }
    const r = session.host.readFile(path);
    if ('error' in r) {
      // A missing file of the list is skipped, as kubectl skips it.
      if (r.error !== 'no such file') errors.push(`${path}: ${r.error}`);
      continue;
    }
    if (r.bytes.length > READ_LIMIT) {
      errors.push(`${path}: larger than 1 MiB, not judged here (kubecert check reads it whole)`);
      continue;
    }
    const text = Buffer.from(r.bytes).toString('utf8');
    // The status bar asks after every change of diagnostics: a file unchanged, judged a moment ago, is not analysed again.
    const known = analysed.get(session) ?? new Map<string, Analysed>();
    analysed.set(session, known);
    const last = known.get(path);
    if (last && last.text === text && last.settings === settings && Math.abs(last.now - now) < REUSE_MS) {
      read.push({ path, uri, text, analysis: last.analysis });
      continue;
    }
    const analysis = analyse(text, {
      now,
      warnDays: settings.warnDays,
      path,
      host: session.host,
      cache: session.workspace.cache,
      severities: settings.severities,
    });
    known.set(path, { text, settings, now, analysis });
    read.push({ path, uri, text, analysis });
  }
  return { read, errors };
}

/** A file the editor has not opened (a kubeconfig of the list, listed in the certificate view), analysed as it is on disk. */
export function fileSnapshot(session: Session, uri: string): Snapshot | undefined {
  let path: string;
  try {
    const u = URI.parse(uri);
    if (u.scheme !== 'file') return undefined;
    path = u.fsPath;
  } catch {
    return undefined;
  }
  const [read] = readList(session, [path]).read;
  if (!read) return undefined;
  return { uri, version: -1, text: read.text, path, analysis: read.analysis, lines: new LineIndex(read.text), now: session.workspace.now(), complete: true };
}

export function contextHealth(session: Session, files: unknown): ContextHealthResult {
  const { read, errors } = readList(session, files);
  const list: KubeconfigFile[] = read.map(({ path, analysis }) => ({ path, analysis }));
  return { contexts: contextsHealth(list).map((c) => ({ ...c, authWords: authWords(c.auth) })), errors };
}

export function certificates(session: Session, files: unknown): CertificatesResult {
  const { read } = readList(session, files);
  const now = session.workspace.now();
  const seen = new Set(read.map((r) => r.uri));
  const out: CertificateItem[] = read.flatMap((r) => items(r.uri, r.path, r.text, r.analysis, now, 'kubeconfig'));
  for (const doc of session.documents.all()) {
    if (seen.has(doc.uri)) continue;
    const snap = session.snapshotOf(doc.uri);
    if (snap && snap.analysis.certificates.length > 0) out.push(...items(snap.uri, snap.path, snap.text, snap.analysis, snap.now, 'document'));
  }
  return { certificates: out, now, warnDays: session.workspace.getSettings().warnDays };
}

function items(uri: string, path: string | undefined, text: string, analysis: Analysis, now: number, source: CertificateItem['source']): CertificateItem[] {
  const lines = new LineIndex(text);
  return certificatesHealth(analysis, now, path).map(({ occurrence: { site, certificate: c, index }, clusters, role, severity, reasons, residual }) => ({
    uri,
    path,
    where: site.where,
    index,
    range: lines.range(site.field.span),
    subject: c.subject.text,
    issuer: c.issuer.text,
    role,
    clusters,
    ca: c.ca === true,
    notBefore: new Date(c.notBefore).toISOString(),
    notAfter: new Date(c.notAfter).toISOString(),
    residual,
    sha256: c.sha256,
    severity,
    reasons: reasons.map((r) => r.message),
    source,
  }));
}
