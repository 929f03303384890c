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
import type { AccessHost, Analysis, Finding, Host, Hover as CoreHover, Link } from '../core';
import { inside, isoDate, residual } from '../core';
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
import type { LineIndex, Position } from '../positions';
import { URI } from 'vscode-uri';
import { SHOW_DECODED_CERTIFICATE, type DecodedCertificateResult, type RenewalStepsResult } from '../../../shared/protocol';

/** A file's positions: an open document's snapshot, or a disk file of the workspace index. */
export interface Place {
  uri: string;
  lines: LineIndex;
  path?: string;
}

/** Where another file's offsets become positions; undefined when it is neither open nor in the index. */
export type Resolve = (path: string) => Place | undefined;

/** The document's findings and the cross-file ones the workspace index found for it. */
export function diagnostics(snap: Snapshot, maxProblems = Number.POSITIVE_INFINITY, cross: Finding[] = [], resolve?: Resolve): Diagnostic[] {
  return diagnosticsAt(snap, cross.length ? [...snap.analysis.findings, ...cross] : snap.analysis.findings, maxProblems, resolve);
}

export function diagnosticsAt(place: Place, findings: Finding[], maxProblems = Number.POSITIVE_INFINITY, resolve?: Resolve): Diagnostic[] {
  const { shown, hidden } = mostSevere(findings, maxProblems);
  const out = shown.map((f) => {
    const d = toDiagnostic(place, f, resolve);
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

export function hover(snap: Snapshot, position: Position, linked?: CoreHover, icons = false): Hover | null {
  const h = hoverAt(snap.analysis, snap.lines.offset(position), snap.now);
  const both = h && linked ? { span: h.span, sections: [...h.sections, ...linked.sections] } : (h ?? linked);
  if (!both) return null;
  return { contents: { kind: 'markdown', value: renderHover(both, icons) }, range: snap.lines.range(both.span) };
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

export function gotoDefinition(
  snap: Snapshot,
  position: Position,
  links: Link[] = [],
  resolve?: Resolve,
  where: (path: string) => string = (p) => p,
): Location | null {
  const offset = snap.lines.offset(position);
  const span = definition(snap.analysis, offset);
  if (span) return { uri: snap.uri, range: snap.lines.range(span) };
  const link = links.find((l) => inside(l.from.span, offset));
  if (link) return locationIn(link.to.path, link.to.span, resolve);
  // A file reference the index does not hold (a kubeconfig's certificate-authority:, a flag's path): the file itself.
  const site = snap.analysis.sites.find((s) => s.encoding === 'file' && s.file?.resolved && inside(s.field.span, offset));
  return site?.file?.resolved ? locationIn(where(site.file.resolved), { start: 0, end: 0 }, resolve) : null;
}

function locationIn(path: string, span: { start: number; end: number }, resolve?: Resolve): Location {
  const place = resolve?.(path);
  const zero = { line: 0, character: 0 };
  return place ? { uri: place.uri, range: place.lines.range(span) } : { uri: URI.file(path).toString(), range: { start: zero, end: zero } };
}

/** What a reference to another file points at: the file and place, and the certificates there. */
export function linkHover(
  snap: Snapshot,
  position: Position,
  links: Link[],
  target: (path: string) => Analysis | undefined,
  resolve?: Resolve,
  indexed = true,
): CoreHover | undefined {
  const offset = snap.lines.offset(position);
  const link = links.find((l) => inside(l.from.span, offset));
  if (!link) return unresolvedSecret(snap, offset, indexed);
  const place = resolve?.(link.to.path);
  const line = place ? place.lines.position(link.to.span.start).line + 1 : 1;
  const rows: CoreHover['sections'][number]['rows'] = [{ label: 'File', text: `${link.to.path}:${line}`, code: true }];
  const analysis = target(link.to.path);
  const whole = link.to.span.start === 0 && link.to.span.end === 0;
  for (const c of analysis?.certificates ?? []) {
    const span = c.site.field.span;
    if (!whole && !(span.start >= link.to.span.start && span.end <= link.to.span.end)) continue;
    const expired = c.certificate.notAfter <= snap.now;
    rows.push({
      label: c.site.where,
      text: `${c.certificate.subject.text}, expires ${isoDate(c.certificate.notAfter)} (${residual(c.certificate.notAfter, snap.now)})`,
      tone: expired ? 'error' : undefined,
    });
  }
  return { span: link.from.span, sections: [{ title: `Points at (${link.kind})`, rows }] };
}

/** An Ingress secretName no file of the workspace holds. */
function unresolvedSecret(snap: Snapshot, offset: number, indexed: boolean): CoreHover | undefined {
  if (!indexed) return undefined;
  for (const object of snap.analysis.objects) {
    for (const tls of object.ingressTls ?? []) {
      const name = tls.secretName;
      if (!name || !inside(name.span, offset)) continue;
      if (snap.analysis.objects.some((o) => o.kind === 'Secret' && o.name === name.value)) return undefined;
      return {
        span: name.span,
        sections: [
          {
            title: `Secret ${name.value}`,
            rows: [
              {
                text: 'No file of the workspace holds this Secret, and no cert-manager Certificate produces it: cert-manager or a controller may create it at run time.',
              },
            ],
          },
        ],
      };
    }
  }
  return undefined;
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
