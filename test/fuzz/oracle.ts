// What counts as a failure, checked here against the core (synchronously, in the worker) and in lspServer.ts against
// the built server over stdio: no throw; nothing over 2 s; every span inside the text; no private-key material shown.
import { performance } from 'node:perf_hooks';
import { analyse, textOfBytes, type Analysis } from '../../server/src/core';
import type { Host } from '../../server/src/core';
import { decodedTextAt } from '../../server/src/core';
import { applyEdits } from '../../server/src/core';
import type { Span } from '../../server/src/core';
import { fixesFor, refactorsAt } from '../../server/src/core';
import { hoverAt } from '../../server/src/core';
import { completions, definition, lenses, outline, references } from '../../server/src/core';
import { renderHover } from '../../server/src/lsp/markdown';
import { DOC_PATH, leakedSecret, type Secret } from './corpus';

/** Every input is judged at this moment (the project's test clock). */
export const FUZZ_NOW = Date.UTC(2026, 10, 21);
/** The bound: no input may take longer than this, in any phase. */
export const LIMIT_MS = 2000;
const MIB = 1024 * 1024;

/**
 * The bound for an input of this many characters: 2 s up to 1 MiB (more than Kubernetes stores in one object),
 * 2 s per MiB beyond (the 19 MB, 5,000-context benchmark kubeconfig takes 3 s to its first diagnostics).
 */
export function limitMs(characters: number): number {
  return LIMIT_MS * Math.max(1, characters / MIB);
}

/** A request not answered by then counts as unanswered (a slower answer is already a failure). */
export const UNANSWERED_MS = 5000;

export type FailureKind = 'throw' | 'slow' | 'span' | 'secret' | 'internal-error' | 'unanswered' | 'server-error' | 'hang' | 'crash' | 'memory' | 'mismatch';

export interface Failure {
  kind: FailureKind;
  /** core.analyse, core.features, server.diagnostics, server.hover, server.codeAction, server.change … */
  phase: string;
  message: string;
  stack?: string;
  ms?: number;
}

export interface CheckRequest {
  text: string;
  positions: number[];
  server: boolean;
  hoverFirst: boolean;
  edit?: { offset: number; deleteCount: number; insert: string };
  languageId: string;
  /**
   * Multiplies every time limit (default 1: the 2 s). The test command replays inputs beside other suites on
   * two shared cores, where wall time says more about the neighbours than about Kubecert; `npm run fuzz` keeps 1.
   */
  timeAllowance?: number;
}

export interface CheckOutcome {
  failures: Failure[];
  /** Milliseconds by phase. */
  timings: Record<string, number>;
  findings: number;
  codes: string[];
}

export interface OracleContext {
  host: Host;
  secrets: Secret[];
  /** Called as each phase starts: the watchdog outside knows where a hang happened. */
  phase(name: string): void;
}

/** Messages that mean the core failed inside rather than judged the input. */
const INTERNAL =
  /Maximum call stack size exceeded|out of memory|Invalid string length|Invalid array length|is not a function|Cannot read properties of|undefined is not|The YAML parser failed/;

export function errorOf(e: unknown): { message: string; stack?: string } {
  if (e instanceof Error) return { message: `${e.constructor.name}: ${e.message}`, stack: e.stack?.split('\n').slice(0, 12).join('\n') };
  return { message: String(e) };
}

function badSpan(span: Span | undefined, length: number): string | undefined {
  if (!span) return 'missing span';
  const { start, end } = span;
  if (!Number.isInteger(start) || !Number.isInteger(end)) return `non-integer span ${start}..${end}`;
  if (start < 0 || end < start || end > length) return `span ${start}..${end} outside 0..${length}`;
  return undefined;
}

export function checkCore(
  text: string,
  request: CheckRequest,
  ctx: OracleContext,
  timings: Record<string, number>,
): { failures: Failure[]; analysis?: Analysis } {
  const failures: Failure[] = [];
  const fail = (f: Failure): void => void failures.push(f);
  ctx.phase('core.analyse');
  let analysis: Analysis;
  const started = performance.now();
  try {
    analysis = analyse(text, { now: FUZZ_NOW, path: DOC_PATH, host: ctx.host });
  } catch (e) {
    fail({ kind: 'throw', phase: 'core.analyse', ...errorOf(e), ms: performance.now() - started });
    return { failures };
  }
  const limit = limitMs(text.length) * (request.timeAllowance ?? 1);
  const ms = (timings['core.analyse'] = performance.now() - started);
  if (ms > limit)
    fail({
      kind: 'slow',
      phase: 'core.analyse',
      message: `analyse() took ${ms.toFixed(0)} ms on ${text.length} characters (limit ${limit.toFixed(0)} ms)`,
      ms,
    });

  for (const f of analysis.findings) {
    const bad = badSpan(f.span, text.length) ?? f.related?.map((r) => (r.path ? undefined : badSpan(r.span, text.length))).find(Boolean);
    if (bad) {
      fail({ kind: 'span', phase: 'core.analyse', message: `${f.code} at ${f.where}: ${bad}` });
      break;
    }
  }
  const internal = analysis.findings.find((f) => INTERNAL.test(f.message));
  if (internal)
    fail({ kind: 'internal-error', phase: 'core.analyse', message: `${internal.code} reports an internal failure: ${internal.message.slice(0, 300)}` });
  const shown = JSON.stringify(analysis.findings);
  const leak = leakedSecret(shown, ctx.secrets, text);
  if (leak) fail({ kind: 'secret', phase: 'core.analyse', message: `findings show material of ${leak.key}: "${leak.needle}"` });

  if (text.length <= AS_KUBECTL_READS_MAX) {
    ctx.phase('core.encodings');
    try {
      const mismatch = readAsKubectlReads(text, analysis, ctx.host);
      if (mismatch) fail({ kind: 'mismatch', phase: 'core.encodings', message: mismatch });
    } catch (e) {
      fail({ kind: 'throw', phase: 'core.encodings', ...errorOf(e) });
    }
  }

  ctx.phase('core.features');
  const spent = { ms: 0 };
  try {
    checkFeatures(text, analysis, request, ctx, fail, spent);
  } catch (e) {
    fail({ kind: 'throw', phase: 'core.features', ...errorOf(e) });
  }
  const featureMs = (timings['core.features'] = spent.ms);
  if (featureMs > limit)
    fail({ kind: 'slow', phase: 'core.features', message: `hover, fixes, outline and lenses took ${featureMs.toFixed(0)} ms`, ms: featureMs });
  return { failures, analysis };
}

/** Inputs up to this size are also read in the other encodings and line endings kubectl reads (one more analysis). */
const AS_KUBECTL_READS_MAX = 128 * 1024;
const UNPAIRED = /[\uD800-\uDFFF]/u;

/**
 * The same text as kubectl would read it from other bytes must give the same findings: UTF-16 LE and BE with a
 * byte-order mark decode to this very text, and with every line ended by a lone CR instead of LF (or CRLF) the
 * findings are those of the LF text, at the same offsets (a CR for a LF keeps every offset). Undefined when they agree.
 */
function readAsKubectlReads(text: string, analysis: Analysis, host: Host): string | undefined {
  // An unpaired surrogate has no UTF-16 bytes of its own (the decoder gives U+FFFD): only a text without one round-trips.
  if (!UNPAIRED.test(text)) {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    if (textOfBytes(le) !== text) return 'UTF-16 LE with a byte-order mark does not decode to the text';
    if (textOfBytes(Buffer.from(le).swap16()) !== text) return 'UTF-16 BE with a byte-order mark does not decode to the text';
  }
  if (!text.includes('\n')) return undefined;
  const lf = text.replace(/\r\n?/g, '\n');
  const shape = (a: Analysis) => a.findings.map((f) => `${f.code} ${f.span.start}-${f.span.end}`).join('\n');
  const want = shape(lf === text ? analysis : analyse(lf, { now: FUZZ_NOW, path: DOC_PATH, host }));
  const got = shape(analyse(lf.replace(/\n/g, '\r'), { now: FUZZ_NOW, path: DOC_PATH, host }));
  if (got === want) return undefined;
  const [a, b] = [want.split('\n'), got.split('\n')];
  const i = Math.max(
    0,
    a.findIndex((x, k) => x !== b[k]),
  );
  return `with lone CR line endings the findings differ from LF at #${i}: ${a[i] ?? '(none)'} vs ${b[i] ?? '(none)'}`;
}

/**
 * What the editor would ask of the analysis: hovers and the decoded view at the positions, fixes for every finding,
 * outline, lenses. `spent` counts the core's time only, not this oracle's own searching.
 */
function checkFeatures(text: string, analysis: Analysis, request: CheckRequest, ctx: OracleContext, fail: (f: Failure) => void, spent: { ms: number }): void {
  const core = <T>(call: () => T): T => {
    const started = performance.now();
    try {
      return call();
    } finally {
      spent.ms += performance.now() - started;
    }
  };
  const span = (where: string, s: Span | undefined): void => {
    const bad = badSpan(s, text.length);
    if (bad) fail({ kind: 'span', phase: 'core.features', message: `${where}: ${bad}` });
  };
  const secret = (where: string, shown: string): void => {
    const leak = leakedSecret(shown, ctx.secrets, text);
    if (leak) fail({ kind: 'secret', phase: 'core.features', message: `${where} shows material of ${leak.key}: "${leak.needle}"` });
  };
  for (const offset of request.positions) {
    const hover = core(() => hoverAt(analysis, offset, FUZZ_NOW));
    if (hover) {
      span('hover', hover.span);
      secret(
        'hover',
        core(() => renderHover(hover)),
      );
    }
    const decoded = core(() => decodedTextAt(analysis, offset, FUZZ_NOW));
    if (decoded) secret('decoded certificate view', decoded.text + decoded.pem);
    const def = core(() => definition(analysis, offset));
    if (def) span('definition', def);
    for (const r of core(() => references(analysis, offset, true))) span('references', r);
    for (const c of core(() => completions(analysis, offset))) span('completion', c.span);
    for (const fix of core(() => refactorsAt(analysis, offset, ctx.host, DOC_PATH))) {
      for (const e of fix.edits) span(`refactor "${fix.title}"`, e.span);
      core(() => applyEdits(text, fix.edits));
      if (fix.createFile) secret(`refactor "${fix.title}" file content`, fix.createFile.content);
    }
  }
  const symbols = core(() => outline(analysis, FUZZ_NOW));
  const walk = (list: typeof symbols): void => {
    for (const s of list) {
      span(`outline ${s.name}`, s.span);
      span(`outline ${s.name} selection`, s.selection);
      walk(s.children);
    }
  };
  walk(symbols);
  secret('outline', JSON.stringify(symbols));
  const lensList = core(() => lenses(analysis, FUZZ_NOW));
  for (const l of lensList) span('lens', l.span);
  secret('code lenses', JSON.stringify(lensList));
  for (const f of analysis.findings.slice(0, 500)) {
    for (const fix of core(() => fixesFor(text, analysis, { code: f.code, span: f.span, data: f.data }))) {
      for (const e of fix.edits) span(`fix "${fix.title}" for ${f.code}`, e.span);
      core(() => applyEdits(text, fix.edits));
    }
  }
}
