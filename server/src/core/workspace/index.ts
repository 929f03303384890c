/*
 * The workspace: many files' analyses as one cluster's PKI. Pure, like every room of the core: the caller reads files
 * and gives text (or analyses it made itself); nothing here reads a disk or a clock.
 *
 *   const ws = new Workspace({ now, root? , …AnalysisOptions });
 *   ws.setText(path, fileInput(bytes))   // analyses the file as its content says (YAML/JSON, PEM, DER, flags)
 *   ws.update(path, analysis)            // or hands over an analysis made elsewhere (an open document); undefined removes
 *     → the paths whose cross-file findings were evaluated again: the file, and only the files that looked up a key it
 *       offers or offered (a Secret's name, a Service, the apiserver, a CA subject, a public key, its own path)
 *   ws.findings(path)                    // its own findings and the cross-file ones, in offset order
 *   ws.crossFindings(path), ws.links(path), ws.certificates(), ws.paths()
 *   analyseWorkspace(files, options)     // all of it at once → { findingsByPath, certificates, links }
 *
 * Cross-file findings carry `related` locations with the other file's `path`. Paths are the caller's (absolute, `/`);
 * `root` maps absolute paths written in files (`/etc/kubernetes/pki/ca.crt`) under a folder (a node's backup).
 */
import type { Analysis, AnalysisOptions, CertificateOccurrence } from '../analysis';
import type { Finding } from '../findings/finding';
import { evaluate, signatureMemo, type Evaluation, type Link } from './checks';
import { offersOf, type Offer } from './facts';
import { analyseFile, byOffset, withSeverities, type FileInput } from './files';

export interface WorkspaceOptions extends Omit<AnalysisOptions, 'path'> {
  /** Absolute paths written in files are looked up under this folder first. */
  root?: string;
}

export interface WorkspaceResult {
  findingsByPath: Map<string, Finding[]>;
  certificates: Array<{ path: string; occurrence: CertificateOccurrence }>;
  links: Link[];
}

interface Entry {
  analysis: Analysis;
  offers: Array<[string, Offer]>;
  /** Keys its evaluation looked up. */
  reads: Set<string>;
  evaluation: Evaluation;
}

export class Workspace {
  private readonly files = new Map<string, Entry>();
  private readonly offered = new Map<string, Offer[]>();
  private readonly readers = new Map<string, Set<string>>();
  private readonly signedBy = signatureMemo();

  constructor(readonly options: WorkspaceOptions) {}

  /** Analyses `input` as the file at `path` and puts it in the workspace. */
  setText(path: string, input: FileInput): string[] {
    return this.update(path, analyseFile(input, { ...this.options, path }));
  }

  /** Puts (or, with undefined, removes) a file's analysis; returns the paths whose cross-file findings were evaluated again. */
  update(path: string, analysis: Analysis | undefined): string[] {
    return this.updateAll(new Map([[path, analysis]]));
  }

  /** Many files at once: every offer is in place before anything is evaluated, and each affected file is evaluated once. */
  updateAll(changes: ReadonlyMap<string, Analysis | undefined>): string[] {
    const changed = new Set<string>();
    const affected = new Set<string>();
    for (const [path, analysis] of changes) {
      const old = this.files.get(path);
      if (old) {
        for (const [key, offer] of old.offers) {
          changed.add(key);
          const list = this.offered.get(key);
          const i = list ? list.indexOf(offer) : -1;
          if (list && i >= 0) list.splice(i, 1);
          if (list && list.length === 0) this.offered.delete(key);
        }
        this.forget(path, old);
        this.files.delete(path);
      }
      if (!analysis) continue;
      const offers = offersOf(path, analysis);
      for (const [key, offer] of offers) {
        changed.add(key);
        const list = this.offered.get(key);
        if (list) list.push(offer);
        else this.offered.set(key, [offer]);
      }
      this.files.set(path, { analysis, offers, reads: new Set(), evaluation: { findings: [], links: [] } });
      affected.add(path);
    }
    for (const key of changed) for (const reader of this.readers.get(key) ?? []) if (this.files.has(reader)) affected.add(reader);
    for (const p of affected) this.evaluate(p);
    return [...affected];
  }

  private forget(path: string, entry: Entry): void {
    for (const key of entry.reads) {
      const set = this.readers.get(key);
      set?.delete(path);
      if (set && set.size === 0) this.readers.delete(key);
    }
    entry.reads.clear();
  }

  private evaluate(path: string): void {
    const entry = this.files.get(path);
    if (!entry) return;
    this.forget(path, entry);
    const lookup = (key: string): Offer[] => {
      if (!entry.reads.has(key)) {
        entry.reads.add(key);
        let set = this.readers.get(key);
        if (!set) this.readers.set(key, (set = new Set()));
        set.add(path);
      }
      return this.offered.get(key) ?? [];
    };
    const locate = (written: string | undefined): string | undefined => {
      if (!written) return undefined;
      const candidates = this.options.root && written.startsWith('/') ? [joinRoot(this.options.root, written), written] : [written];
      for (const c of candidates) if (lookup(`file:${c}`).length) return c;
      return undefined;
    };
    const evaluation = evaluate(path, entry.analysis, lookup, this.options.now, locate, this.signedBy);
    evaluation.findings = withSeverities(evaluation.findings, this.options.severities);
    entry.evaluation = evaluation;
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  analysis(path: string): Analysis | undefined {
    return this.files.get(path)?.analysis;
  }

  crossFindings(path: string): Finding[] {
    return this.files.get(path)?.evaluation.findings ?? [];
  }

  /** The file's own findings and the cross-file ones, in offset order. */
  findings(path: string): Finding[] {
    const entry = this.files.get(path);
    if (!entry) return [];
    if (entry.evaluation.findings.length === 0) return entry.analysis.findings;
    return [...entry.analysis.findings, ...entry.evaluation.findings].sort(byOffset);
  }

  links(path?: string): Link[] {
    if (path !== undefined) return this.files.get(path)?.evaluation.links ?? [];
    return [...this.files.values()].flatMap((e) => e.evaluation.links);
  }

  certificates(): WorkspaceResult['certificates'] {
    return [...this.files].flatMap(([path, e]) => e.analysis.certificates.map((occurrence) => ({ path, occurrence })));
  }
}

export function joinRoot(root: string, absolute: string): string {
  return root.replace(/\/+$/, '') + absolute;
}

/** Every file at once: the analyses, then the links between them. */
export function analyseWorkspace(files: ReadonlyMap<string, FileInput>, options: WorkspaceOptions): WorkspaceResult {
  const ws = new Workspace(options);
  const analyses = new Map<string, Analysis>();
  for (const [path, input] of files) analyses.set(path, analyseFile(input, { ...options, path }));
  ws.updateAll(analyses);
  const findingsByPath = new Map<string, Finding[]>();
  for (const path of ws.paths()) findingsByPath.set(path, ws.findings(path));
  return { findingsByPath, certificates: ws.certificates(), links: ws.links() };
}

export { analyseFile, fileInput, type FileInput } from './files';
export { blankTemplates, sniff, SNIFF_BYTES, type FileForm } from './sniff';
export type { Link } from './checks';
