// The one layer between core values and protocol types: spans become ranges here and nowhere else.
import {
  CodeActionKind,
  DiagnosticSeverity,
  DiagnosticTag,
  type CodeAction,
  type Diagnostic,
  type Location,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver';
import type { Finding, Related, Severity } from '../core';
import type { Place, Resolve } from './features';
import type { Fix } from '../core';
import type { TextEdit } from '../core';
import type { Snapshot } from './workspace';
import { URI } from 'vscode-uri';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(snap: Place, f: Finding, resolve?: Resolve): Diagnostic {
  const d: Diagnostic = {
    range: snap.lines.range(f.span),
    severity: SEVERITY[f.severity],
    code: f.code,
    source: 'kubecert',
    message: f.message,
    data: { where: f.where, ...(f.data ?? {}) },
  };
  if (f.code === 'cert-expired') d.tags = [DiagnosticTag.Deprecated];
  if (f.related?.length) d.relatedInformation = f.related.map((r) => ({ location: relatedLocation(snap, r, resolve), message: r.message }));
  return d;
}

/** A related place in this file, or in another one (its positions from the open document or the workspace index). */
function relatedLocation(snap: Place, r: Related, resolve?: Resolve): Location {
  if (!r.path || r.path === snap.path) return { uri: snap.uri, range: snap.lines.range(r.span) };
  const other = resolve?.(r.path);
  if (other) return { uri: other.uri, range: other.lines.range(r.span) };
  const zero = { line: 0, character: 0 };
  return { uri: URI.file(r.path).toString(), range: { start: zero, end: zero } };
}

export function toTextEdit(snap: Snapshot, e: TextEdit): LspTextEdit {
  return { range: snap.lines.range(e.span), newText: e.newText };
}

export function toCodeAction(snap: Snapshot, fix: Fix, diagnostic?: Diagnostic): CodeAction {
  const kind =
    fix.kind === 'quickfix'
      ? CodeActionKind.QuickFix
      : fix.kind === 'refactor.extract'
        ? CodeActionKind.RefactorExtract
        : fix.kind === 'refactor.inline'
          ? CodeActionKind.RefactorInline
          : CodeActionKind.RefactorRewrite;
  const action: CodeAction = { title: fix.title, kind };
  if (diagnostic) action.diagnostics = [diagnostic];
  if (fix.isPreferred) action.isPreferred = true;
  if (fix.command) action.command = { title: fix.command.title, command: fix.command.name, arguments: [snap.uri, ...fix.command.arguments] };
  if (fix.edits.length || fix.createFile) {
    const edits = fix.edits.map((e) => toTextEdit(snap, e));
    if (fix.createFile) {
      const fileUri = URI.file(fix.createFile.path).toString();
      action.edit = {
        documentChanges: [
          { kind: 'create', uri: fileUri, options: { overwrite: false, ignoreIfExists: false } },
          {
            textDocument: { uri: fileUri, version: null },
            edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: fix.createFile.content }],
          },
          { textDocument: { uri: snap.uri, version: snap.version }, edits },
        ],
      };
    } else {
      action.edit = { changes: { [snap.uri]: edits } };
    }
  }
  return action;
}
