// Open documents and their analyses: parsed once per version, read by every feature.
// A large analysis runs in steps; hovers and code actions read the analysis so far meanwhile.
import { URI } from 'vscode-uri';
import { analyseFile, sniff, SNIFF_BYTES } from '../core';
import { analyseInSteps, decodeAt, partialAnalysis, type Analysis, type AnalysisOptions, type Progress, type Structure } from '../core';
import { DecodeCache, decodeSite, type Host } from '../core';
import type { TextEdit } from '../core';
import { editedSite, reuseDocuments, reuseStructure } from '../core';
import { inside } from '../core';
import { nestingLimits } from '../core';
import { LineIndex, type Position } from '../positions';
import type { Settings } from '../../../shared/settings';
import { textLimit } from '../host';

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
const INTERESTING =
  /clusters|contexts|current-context|certificate|caBundle|tls\.crt|-----BEGIN|kind["']?\s*:\s*["']?(Secret|ConfigMap|Ingress|Pod|KubeletConfiguration|CertificateSigningRequest|APIService|CustomResourceDefinition|\w*WebhookConfiguration|\w*List)/;

const YAML_LANGUAGES = new Set(['yaml', 'json', 'jsonc', 'kubeconfig']);

interface Job {
  version: number;
  text: string;
  options: AnalysisOptions;
  steps: Generator<Progress, Analysis, void>;
  progress?: Progress;
  lines: LineIndex;
}

/** The one edit that turned version `from` of a document into version `to`. */
interface Edit {
  from: number;
  to: number;
  edit: TextEdit;
}

export class Workspace {
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly jobs = new Map<string, Job>();
  /** The latest structure known per document, and of which version: the base an edit inside one value reuses. */
  private readonly structures = new Map<string, { version: number; text: string; structure: Structure; lines: LineIndex }>();
  private readonly edits = new Map<string, Edit>();
  /** The last finished analysis's decoded sites per document: what an analysis on a reused structure need not decode again. */
  private readonly decoded = new Map<string, Progress>();
  /** Each open document's language: a `pem` document (or any that is not YAML or JSON) is read as its content says. */
  readonly languages = new Map<string, string>();
  readonly cache = new DecodeCache();
  private readonly maxTextLength = textLimit();

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

  /**
   * A document went from version `from` to `to` by this one edit of its text (undefined: by anything else). The
   * analysis of `to` may then reuse the structure of `from`.
   */
  edited(uri: string, from: number, to: number, edit: TextEdit | undefined): void {
    if (edit) this.edits.set(uri, { from, to, edit });
    else this.edits.delete(uri);
  }

  getSettings(): Settings {
    return this.settings;
  }

  now(): number {
    return this.settings.now ?? this.clock();
  }

  private options(uri: string, now: number): AnalysisOptions {
    return {
      now,
      warnDays: this.settings.warnDays,
      path: pathOf(uri),
      host: this.host,
      cache: this.cache,
      severities: this.settings.severities,
      maxTextLength: this.maxTextLength,
    };
  }

  private job(uri: string, version: number, text: string): Job | undefined {
    let job = this.jobs.get(uri);
    if (job && job.version === version && job.text === text) return job;
    // A document worth analysing stays so through its edits: no pattern search of the whole text per keystroke.
    const before = this.snapshots.get(uri);
    if (!(before && before.analysis !== EMPTY) && !INTERESTING.test(text)) return undefined;
    const options = this.options(uri, this.now());
    const reused = this.reusable(uri, version, text, options);
    const previous = reused.structure && this.decoded.get(uri);
    job = { version, text, options, steps: analyseInSteps(text, options, { known: reused.structure, previous }), lines: reused.lines ?? new LineIndex(text) };
    this.jobs.set(uri, job);
    return job;
  }

  /**
   * The line index and structure of this version, derived from the last version's when a single edit led here: the
   * lines when it added or removed no line break, the structure when it stayed inside one value (neither reads the new
   * text), or the other documents' when it stayed inside a few documents of a manifest stream.
   */
  private reusable(uri: string, version: number, text: string, options: AnalysisOptions): { structure?: Structure; lines?: LineIndex } {
    const last = this.lastEdit(uri, version, text);
    if (!last) return {};
    const { base, edit } = last;
    return {
      structure: reuseStructure(base.structure, base.text, edit) ?? reuseDocuments(base.structure, edit, text, options),
      lines: base.lines.edited(edit.span, edit.newText, text),
    };
  }

  /** The last version whose structure is known, when one recorded edit leads from its text to this version's. */
  private lastEdit(uri: string, version: number, text: string) {
    const base = this.structures.get(uri);
    const edit = this.edits.get(uri);
    if (!base || !edit || edit.from !== base.version || edit.to !== version) return undefined;
    // The edit must lead from that text to this one (a client that resends a version, a restored snapshot).
    const { span, newText } = edit.edit;
    return base.text.length + newText.length - (span.end - span.start) === text.length ? { base, edit: edit.edit } : undefined;
  }

  /** Runs the job's next step; the first one yields the structure, kept as the base for the next edit. */
  private advance(uri: string, job: Job): IteratorResult<Progress, Analysis> {
    const r = job.steps.next();
    if (!r.done && !job.progress) this.structures.set(uri, { version: job.version, text: job.text, structure: r.value.structure, lines: job.lines });
    if (!r.done) job.progress = r.value;
    return r;
  }

  /**
   * Runs one step of this version's analysis. Returns the finished snapshot, or undefined when more
   * steps remain (call again on a later turn of the event loop).
   */
  step(uri: string, version: number, text: string): Snapshot | undefined {
    const done = this.snapshots.get(uri);
    if (done && done.version === version && done.text === text) return done;
    const whole = this.notYaml(uri, version, text);
    if (whole) return whole;
    const job = this.job(uri, version, text);
    if (!job) return this.store(uri, version, text, this.unanalysed(text), new LineIndex(text), this.now());
    const r = this.advance(uri, job);
    if (!r.done) return undefined;
    this.jobs.delete(uri);
    if (job.progress) this.decoded.set(uri, job.progress);
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
    const whole = this.notYaml(uri, version, text);
    if (whole) return whole;
    const job = this.job(uri, version, text);
    if (!job) return this.snapshot(uri, version, text);
    if (!job.progress && this.advance(uri, job).done) return this.snapshot(uri, version, text);
    const progress = job.progress!;
    const offset = job.lines.offset(position);
    progress.structure.sites.forEach((site, i) => {
      if (inside(site.field.span, offset) || inside(site.field.keySpan, offset)) decodeAt(progress, i, job.options, this.cache);
    });
    return { uri, version, text, path: job.options.path, analysis: partialAnalysis(progress), lines: job.lines, now: job.options.now, complete: false };
  }

  /**
   * What a hover can use at once. Before this version's analysis has begun, a hover inside the certificate value the
   * last edit changed (one just pasted) gets that value decoded alone, on the previous version's structure: the new
   * version's structure costs a pass over the whole document (~15 ms at 1,000 contexts), the value well under one.
   */
  forHover(uri: string, version: number, text: string, position: Position): Snapshot {
    const done = this.snapshots.get(uri);
    const job = this.jobs.get(uri);
    const begun = (done && done.version === version && done.text === text) || (job && job.version === version && job.text === text && job.progress);
    return (!begun && this.editedValue(uri, version, text, position)) || this.current(uri, version, text, position);
  }

  /**
   * A document whose language is not YAML or JSON (a `.pem`, `.crt`, `.key` file) whose text is PEM or binary-install
   * flags: analysed whole, as the workspace index reads it on disk (such files are small).
   */
  private notYaml(uri: string, version: number, text: string): Snapshot | undefined {
    const language = this.languages.get(uri);
    if (language === undefined || YAML_LANGUAGES.has(language)) return undefined;
    const form = sniff(text.slice(0, SNIFF_BYTES));
    if (form !== 'pem' && form !== 'flags') return undefined;
    const options = this.options(uri, this.now());
    return this.store(uri, version, text, analyseFile({ text, form }, options), new LineIndex(text), options.now);
  }

  private editedValue(uri: string, version: number, text: string, position: Position): Snapshot | undefined {
    const last = this.lastEdit(uri, version, text);
    if (!last) return undefined;
    const { base, edit } = last;
    const lines = base.lines.edited(edit.span, edit.newText, text);
    const site = lines && editedSite(base.structure, base.text, edit);
    if (!lines || !site || !inside(site.field.span, lines.offset(position))) return undefined;
    const options = this.options(uri, this.now());
    const progress: Progress = { structure: { ...base.structure, sites: [site] }, decoded: [decodeSite(site, options.host, this.cache)] };
    return { uri, version, text, path: options.path, analysis: partialAnalysis(progress), lines, now: options.now, complete: false };
  }

  /** A text with nothing Kubecert analyses: nothing, unless it nests too deep to tell (then it says so, as the CLI does). */
  private unanalysed(text: string): Analysis {
    const severity = this.settings.severities['input-limit'];
    if (severity === 'off') return EMPTY;
    const findings = nestingLimits(text);
    return findings.length === 0 ? EMPTY : { ...EMPTY, findings: severity ? findings.map((f) => ({ ...f, severity })) : findings };
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

  /** The analysis of the document's current version is no longer right (a file it reads changed on disk). */
  invalidate(uri: string): void {
    this.snapshots.delete(uri);
    this.jobs.delete(uri);
  }

  forget(uri: string): void {
    this.languages.delete(uri);
    this.snapshots.delete(uri);
    this.jobs.delete(uri);
    this.structures.delete(uri);
    this.edits.delete(uri);
    this.decoded.delete(uri);
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
