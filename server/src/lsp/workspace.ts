// Open documents and their analyses: parsed once per version, read by every feature.
// A large analysis runs in steps; hovers and code actions read the analysis so far meanwhile.
import { URI } from 'vscode-uri';
import { analyseInSteps, decodeAt, partialAnalysis, type Analysis, type AnalysisOptions, type Progress } from '../core/analysis';
import { DecodeCache, type Host } from '../core/decode';
import { inside } from '../core/locate';
import { LineIndex, type Position } from '../positions';
import type { Settings } from './settings';

export interface Snapshot {
  uri: string;
  version: number;
  text: string;
  path?: string;
  analysis: Analysis;
  lines: LineIndex;
  now: number;
  /** False while the analysis is still under way (no findings yet). */
  complete: boolean;
}

const EMPTY: Analysis = { kind: 'none', objects: [], sites: [], materials: [], certificates: [], findings: [] };

/** Cheap test before any parsing: other YAML costs a regex scan and nothing more. */
const INTERESTING = /clusters|contexts|current-context|certificate|caBundle|tls\.crt|-----BEGIN|kind["']?\s*:\s*["']?(Secret|ConfigMap|Ingress|Pod|KubeletConfiguration|CertificateSigningRequest|APIService|CustomResourceDefinition|\w*WebhookConfiguration|\w*List)/;

interface Job {
  version: number;
  text: string;
  options: AnalysisOptions;
  steps: Generator<Progress, Analysis, void>;
  progress?: Progress;
  lines: LineIndex;
}

export class Workspace {
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly jobs = new Map<string, Job>();
  readonly cache = new DecodeCache();

  constructor(
    private readonly host: Host,
    private settings: Settings,
    private readonly clock: () => number,
  ) {}

  setSettings(settings: Settings): void {
    this.settings = settings;
    this.snapshots.clear();
    this.jobs.clear();
  }

  getSettings(): Settings {
    return this.settings;
  }

  now(): number {
    return this.settings.now ?? this.clock();
  }

  private options(uri: string, now: number): AnalysisOptions {
    return { now, warnDays: this.settings.warnDays, path: pathOf(uri), host: this.host, cache: this.cache, severities: this.settings.severities };
  }

  private job(uri: string, version: number, text: string): Job | undefined {
    let job = this.jobs.get(uri);
    if (job && job.version === version && job.text === text) return job;
    // A document worth analysing stays so through its edits: no pattern search of the whole text per keystroke.
    const before = this.snapshots.get(uri);
    if (!(before && before.analysis !== EMPTY) && !INTERESTING.test(text)) return undefined;
    const options = this.options(uri, this.now());
    job = { version, text, options, steps: analyseInSteps(text, options), lines: new LineIndex(text) };
    this.jobs.set(uri, job);
    return job;
  }

  /**
   * Runs one step of this version's analysis. Returns the finished snapshot, or undefined when more
   * steps remain (call again on a later turn of the event loop).
   */
  step(uri: string, version: number, text: string): Snapshot | undefined {
    const done = this.snapshots.get(uri);
    if (done && done.version === version && done.text === text) return done;
    const job = this.job(uri, version, text);
    if (!job) return this.store(uri, version, text, EMPTY, new LineIndex(text), this.now());
    const r = job.steps.next();
    if (!r.done) {
      job.progress = r.value;
      return undefined;
    }
    this.jobs.delete(uri);
    return this.store(uri, version, text, r.value, job.lines, job.options.now);
  }

  /** The analysis of this exact version, finished now if it is still under way. */
  snapshot(uri: string, version: number, text: string): Snapshot {
    for (;;) {
      const snap = this.step(uri, version, text);
      if (snap) return snap;
    }
  }

  /**
   * What a hover or code action at `offset` can use at once: the finished analysis, or the analysis so far
   * with the site under the cursor decoded on the spot.
   */
  current(uri: string, version: number, text: string, position: Position): Snapshot {
    const done = this.snapshots.get(uri);
    if (done && done.version === version && done.text === text) return done;
    const job = this.job(uri, version, text);
    if (!job) return this.snapshot(uri, version, text);
    if (!job.progress) {
      const r = job.steps.next();
      if (r.done) return this.snapshot(uri, version, text);
      job.progress = r.value;
    }
    const progress = job.progress;
    const offset = job.lines.offset(position);
    progress.structure.sites.forEach((site, i) => {
      if (inside(site.field.span, offset) || inside(site.field.keySpan, offset)) decodeAt(progress, i, job.options, this.cache);
    });
    return { uri, version, text, path: job.options.path, analysis: partialAnalysis(progress), lines: job.lines, now: job.options.now, complete: false };
  }

  private store(uri: string, version: number, text: string, analysis: Analysis, lines: LineIndex, now: number): Snapshot {
    const snap: Snapshot = { uri, version, text, path: pathOf(uri), analysis, lines, now, complete: true };
    this.snapshots.set(uri, snap);
    return snap;
  }

  /** Whether any document has been analysed (not merely found uninteresting). */
  analysed(): boolean {
    for (const snap of this.snapshots.values()) if (snap.analysis !== EMPTY) return true;
    return false;
  }

  peek(uri: string): Snapshot | undefined {
    return this.snapshots.get(uri);
  }

  forget(uri: string): void {
    this.snapshots.delete(uri);
    this.jobs.delete(uri);
  }
}

function pathOf(uri: string): string | undefined {
  try {
    const u = URI.parse(uri);
    return u.scheme === 'file' ? u.fsPath : undefined;
  } catch {
    return undefined;
  }
}
