// Thin handlers: fetch the analysis, ask the core, convert, return.
import {
  CodeActionKind,
  CompletionItemKind,
  ErrorCodes,
  ResponseError,
  DiagnosticSeverity,
  SymbolKind,
  type CodeAction,
  type CodeActionParams,
  type CodeLens,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type Location,
} from 'vscode-languageserver';
import type { AccessHost, Host } from '../core';
import { fileAccess } from '../fileAccess';
import { decodedTextAt } from '../core';
import { fixesFor, refactorsAt } from '../core';
import { mostSevere } from '../core';
import { hoverAt, oneLine } from '../core';
import { completions, definition, lenses, outline, references, type OutlineSymbol } from '../core';
import { renewalStepsAt } from '../core';
import { toCodeAction, toDiagnostic } from './convert';
import { renderHover } from './markdown';
import type { Snapshot } from './workspace';
import type { Position } from '../positions';
import { SHOW_DECODED_CERTIFICATE, type DecodedCertificateResult, type RenewalStepsResult } from '../../../shared/protocol';

export function diagnostics(snap: Snapshot, maxProblems = Number.POSITIVE_INFINITY): Diagnostic[] {
  const { shown, hidden } = mostSevere(snap.analysis.findings, maxProblems);
  const out = shown.map((f) => {
    const d = toDiagnostic(snap, f);
    // Messages quote certificates: their control characters (C1 ones included) are shown, not sent to a terminal UI.
    d.message = oneLine(d.message);
    for (const r of d.relatedInformation ?? []) r.message = oneLine(r.message);
    return d;
  });
  if (hidden > 0) {
    out.push({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Information,
      code: 'problems-not-shown',
      source: 'kubecert',
      message: `${grouped(hidden)} more problems are not shown: Kubecert lists at most ${grouped(maxProblems)} per file, the most severe first (setting kubecert.maxProblems). \`kubecert check\` lists them all.`,
    });
  }
  return out;
}

/** 47080 → "47,080", without loading ICU for toLocaleString. */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function hover(snap: Snapshot, position: Position, icons = false): Hover | null {
  const h = hoverAt(snap.analysis, snap.lines.offset(position), snap.now);
  if (!h) return null;
  return { contents: { kind: 'markdown', value: renderHover(h, icons) }, range: snap.lines.range(h.span) };
}

/** A command argument that is a position (executeCommand arguments come from the client unchecked). */
export function isPosition(value: unknown): value is Position {
  const p = value as Position | null;
  return typeof p === 'object' && p !== null && Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0;
}

/** What a deferred action carries until the user picks it: enough to compute it again, nothing of the key. */
interface Deferred {
  kubecert: 'deferred';
  uri: string;
  /** The cursor a refactor was offered at. */
  position: Position;
  /** The diagnostic a quick fix was offered for. */
  diagnostic?: { code: string; range: { start: Position; end: Position }; data?: Record<string, unknown> };
}

/**
 * Code actions at a range. A fix whose edits would carry private-key material is sent without them (the client asks
 * codeAction/resolve once the user picks it), and not at all to a client that cannot ask.
 */
export function codeActions(snap: Snapshot, params: CodeActionParams, host: Host, resolvesEdits: boolean): CodeAction[] {
  const out: CodeAction[] = [];
  const only = params.context.only;
  const wants = (kind: string): boolean => !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
  const deferred = (action: CodeAction, data: Deferred): void => {
    if (!resolvesEdits) return;
    action.data = data;
    out.push(action);
  };
  if (wants(CodeActionKind.QuickFix)) {
    for (const d of params.context.diagnostics) {
      if (d.source !== 'kubecert' || typeof d.code !== 'string') continue;
      const span = { start: snap.lines.offset(d.range.start), end: snap.lines.offset(d.range.end) };
      const data = d.data && typeof d.data === 'object' ? (d.data as Record<string, unknown>) : undefined;
      for (const fix of fixesFor(snap.text, snap.analysis, { code: d.code, span, data })) {
        if (fix.deferred)
          deferred(toCodeAction(snap, fix, d), {
            kubecert: 'deferred',
            uri: snap.uri,
            position: d.range.start,
            diagnostic: { code: d.code, range: d.range, data },
          });
        else out.push(toCodeAction(snap, fix, d));
      }
    }
  }
  const offset = snap.lines.offset(params.range.start);
  for (const fix of refactorsAt(snap.analysis, offset, withAccess(host), snap.path)) {
    if (!wants(fix.kind)) continue;
    const action = toCodeAction(snap, fix);
    if (fix.disabled) action.disabled = { reason: fix.disabled };
    if (fix.deferred) deferred(action, { kubecert: 'deferred', uri: snap.uri, position: params.range.start });
    else out.push(action);
  }
  return out;
}

/** The server's host, able to tell who may read a file (the file system's own answer unless the host has one). */
function withAccess(host: Host & AccessHost): AccessHost {
  return { readFile: (path) => host.readFile(path), access: (path) => (host.access ? host.access(path) : fileAccess(path)) };
}

function deferredOf(data: unknown): Deferred | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Partial<Deferred>;
  if (d.kubecert !== 'deferred' || typeof d.uri !== 'string' || !isPosition(d.position)) return undefined;
  const g = d.diagnostic;
  if (g !== undefined && (typeof g !== 'object' || g === null || typeof g.code !== 'string' || !isPosition(g.range?.start) || !isPosition(g.range?.end)))
    return undefined;
  return d as Deferred;
}

/** codeAction/resolve: the user picked a deferred action; its edits are computed now, on the document as it is now. */
export function resolveCodeAction(action: CodeAction, snapshotAt: (uri: string, position: Position) => Snapshot | undefined, host: Host): CodeAction {
  if (typeof action !== 'object' || action === null || typeof action.title !== 'string')
    throw new ResponseError(ErrorCodes.InvalidParams, 'codeAction/resolve: expected a code action');
  const data = deferredOf(action.data);
  const snap = data && snapshotAt(data.uri, data.position);
  if (!data || !snap) return action;
  const g = data.diagnostic;
  const fixes = g
    ? fixesFor(
        snap.text,
        snap.analysis,
        {
          code: g.code,
          span: { start: snap.lines.offset(g.range.start), end: snap.lines.offset(g.range.end) },
          data: g.data && typeof g.data === 'object' ? g.data : undefined,
        },
        { withSecrets: true },
      )
    : refactorsAt(snap.analysis, snap.lines.offset(data.position), withAccess(host), snap.path, { withSecrets: true });
  const fix = fixes.find((f) => f.deferred && !f.disabled && f.title === action.title);
  if (!fix) return action;
  return { ...action, edit: toCodeAction(snap, fix).edit };
}

const LENS_ICON = { error: '$(error) ', warning: '$(warning) ', information: '$(info) ', hint: '', ok: '' } as const;

/** Icons only for a client that draws them (VS Code); every other client reads the verdict in the title's words. */
export function codeLenses(snap: Snapshot, icons = false): CodeLens[] {
  return lenses(snap.analysis, snap.now).map((l) => ({
    range: snap.lines.range(l.span),
    // A lens without a command is not shown by VS Code; this one only opens the decoded view.
    // VS Code draws $(name) in a title as an icon; one written in a certificate stays text.
    command: {
      // Escaped for every client: one that draws codicons without saying so must not draw one from a certificate.
      title: `${icons ? LENS_ICON[l.severity] : ''}${l.title.replace(/\$\(/g, '\\$(')}`,
      command: SHOW_DECODED_CERTIFICATE,
      arguments: [snap.uri, snap.lines.position(l.span.start)],
    },
  }));
}

const SYMBOL_KIND: Record<OutlineSymbol['kind'], SymbolKind> = {
  cluster: SymbolKind.Module,
  user: SymbolKind.Constant,
  context: SymbolKind.Namespace,
  list: SymbolKind.Array,
  object: SymbolKind.Object,
  certificate: SymbolKind.Key,
};

export function documentSymbols(snap: Snapshot): DocumentSymbol[] {
  const convert = (s: OutlineSymbol): DocumentSymbol => ({
    name: s.name || ' ',
    detail: s.detail,
    kind: SYMBOL_KIND[s.kind],
    range: snap.lines.range(s.span),
    selectionRange: snap.lines.range(s.selection),
    children: s.children.map(convert),
  });
  return outline(snap.analysis, snap.now).map(convert);
}

export function gotoDefinition(snap: Snapshot, position: Position): Location | null {
  const span = definition(snap.analysis, snap.lines.offset(position));
  return span ? { uri: snap.uri, range: snap.lines.range(span) } : null;
}

export function findReferences(snap: Snapshot, position: Position, includeDeclaration: boolean): Location[] {
  return references(snap.analysis, snap.lines.offset(position), includeDeclaration).map((s) => ({ uri: snap.uri, range: snap.lines.range(s) }));
}

export function complete(snap: Snapshot, position: Position): CompletionItem[] {
  return completions(snap.analysis, snap.lines.offset(position)).map((c) => ({
    label: c.label,
    detail: c.detail,
    kind: CompletionItemKind.Reference,
    textEdit: { range: snap.lines.range(c.span), newText: c.label },
  }));
}

export function decodedCertificate(snap: Snapshot, position: Position): DecodedCertificateResult | null {
  return decodedTextAt(snap.analysis, snap.lines.offset(position), snap.now) ?? null;
}

export function renewal(snap: Snapshot, where: string, index: number): RenewalStepsResult | null {
  return renewalStepsAt(snap.analysis, where, index) ?? null;
}
