// Drives every LSP output path over one document and searches all of it for secrets.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { SecretDocument } from './corpus';
import type { Leak, SecretDetector } from './secrets';

export interface Peer {
  open(uri: string, text: string, languageId?: string): Promise<Diagnostic[]>;
  request<R>(method: string, params: unknown): Promise<R>;
}

export interface Shown {
  /** What produced it: "hover 12:4", "codeAction title", "publishDiagnostics". */
  path: string;
  value: unknown;
}

export interface SweepResult {
  shown: Shown[];
  /** Edits of the swept document: key material is allowed there only where it already was. */
  edits: Array<{ title: string; edit: TextEdit }>;
  /** Content for files other than the document (extract to a file). */
  otherFiles: Array<{ title: string; uri: string; value: unknown }>;
  counts: Record<string, number>;
  diagnostics: Diagnostic[];
}

export function lineOffsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

/** Positions worth asking about on every line: its start, indentation, key, value start, middle and end. */
export function probePositions(text: string, dense = true): Array<{ line: number; character: number }> {
  const out: Array<{ line: number; character: number }> = [];
  text.split('\n').forEach((line, n) => {
    const indent = line.length - line.trimStart().length;
    const colon = line.indexOf(': ');
    const valueStart = colon >= 0 ? colon + 2 : indent;
    const mid = Math.floor((valueStart + line.length) / 2);
    const cols = new Set(dense ? [0, indent, indent + 2, valueStart, mid, Math.max(0, line.length - 1), line.length] : [indent, mid]);
    for (const c of cols) if (c <= line.length) out.push({ line: n, character: c });
  });
  return out;
}

/** Every request a client can make about a document, with every answer kept for the search. */
export async function sweep(peer: Peer, doc: SecretDocument, certificates: Array<{ where: string; index: number }>, dense = true): Promise<SweepResult> {
  const uri = pathToFileURL(doc.path).toString();
  const shown: Shown[] = [];
  const edits: SweepResult['edits'] = [];
  const otherFiles: SweepResult['otherFiles'] = [];
  const counts: Record<string, number> = {};
  const count = (k: string): void => void (counts[k] = (counts[k] ?? 0) + 1);
  const keep = (path: string, value: unknown): void => {
    count(path.split(' ')[0]);
    shown.push({ path, value });
  };

  const diagnostics = await peer.open(uri, doc.text, doc.languageId);
  keep('publishDiagnostics', diagnostics);
  keep('pullDiagnostics', await peer.request('textDocument/diagnostic', { textDocument: { uri } }).catch((e: Error) => ({ error: e.message })));

  const positions = probePositions(doc.text, dense);
  for (const position of positions) {
    const at = `${position.line}:${position.character}`;
    const hover = await peer.request<{ contents: { kind: string; value: string } & Record<string, unknown> } | null>('textDocument/hover', {
      textDocument: { uri },
      position,
    });
    if (hover) {
      keep(`hover ${at}`, hover);
      // Never trusted Markdown, never a command link.
      assert.equal(typeof hover.contents, 'object', `hover ${at}: MarkupContent`);
      assert.equal(hover.contents.kind, 'markdown');
      assert.ok(!('isTrusted' in hover.contents), `hover ${at} carries isTrusted`);
      assert.doesNotMatch(hover.contents.value, /\]\(\s*command:/i, `hover ${at} has a command link`);
    }
    keep(`completion ${at}`, await peer.request('textDocument/completion', { textDocument: { uri }, position }));
    keep(`decodedCertificate ${at}`, await peer.request('kubecert/decodedCertificate', { uri, position }));
    keep(`definition ${at}`, await peer.request('textDocument/definition', { textDocument: { uri }, position }));
    keep(`references ${at}`, await peer.request('textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: true } }));
  }

  // Code actions: for every diagnostic, and for every line with the diagnostics on it.
  const lines = doc.text.split('\n');
  const ranges: Array<{ range: Range; diagnostics: Diagnostic[] }> = diagnostics.map((d) => ({ range: d.range, diagnostics: [d] }));
  lines.forEach((line, n) => {
    const range = { start: { line: n, character: 0 }, end: { line: n, character: line.length } };
    ranges.push({ range, diagnostics: diagnostics.filter((d) => d.range.start.line <= n && d.range.end.line >= n) });
  });
  for (const { range, diagnostics: context } of ranges) {
    const actions = await peer.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: context } });
    for (const action of actions) {
      // The reply itself, before the user picks anything: no key material at all, edits included.
      keep(`codeAction reply`, action);
      // What the client gets once the user picks it: an edit may move a key within its own field (checked below).
      const picked = action.data !== undefined && !action.edit ? await peer.request<CodeAction>('codeAction/resolve', action) : action;
      if (picked !== action) count('codeAction/resolve');
      collectEdits(action.title, picked.edit, uri, edits, otherFiles);
      // What a client does with a command: execute it, and the server may answer with a message.
      if (action.command)
        keep(
          `executeCommand ${action.command.command}`,
          await peer
            .request('workspace/executeCommand', { command: action.command.command, arguments: action.command.arguments })
            .catch((e: Error) => ({ error: e.message })),
        );
    }
  }

  keep('codeLens', await peer.request('textDocument/codeLens', { textDocument: { uri } }));
  keep('documentSymbol', await peer.request('textDocument/documentSymbol', { textDocument: { uri } }));
  // The status bar's and the Certificates view's requests, with this document as the kubeconfig list.
  keep('contextHealth', await peer.request('kubecert/contextHealth', { files: [doc.path] }));
  keep('certificates', await peer.request('kubecert/certificates', { files: [doc.path] }));
  for (const c of certificates) {
    keep(`renewalSteps ${c.where}#${c.index}`, await peer.request('kubecert/renewalSteps', { uri, where: c.where, index: c.index }));
    keep(
      `executeCommand kubecert.showRenewalSteps`,
      await peer.request('workspace/executeCommand', { command: 'kubecert.showRenewalSteps', arguments: [uri, c] }).catch((e: Error) => ({ error: e.message })),
    );
  }
  return { shown, edits, otherFiles, counts, diagnostics };
}

function collectEdits(title: string, edit: WorkspaceEdit | undefined, uri: string, edits: SweepResult['edits'], otherFiles: SweepResult['otherFiles']): void {
  if (!edit) return;
  for (const [u, list] of Object.entries(edit.changes ?? {})) {
    if (u === uri) for (const e of list) edits.push({ title, edit: e });
    else otherFiles.push({ title, uri: u, value: list });
  }
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change) {
      if (change.textDocument.uri === uri) for (const e of change.edits as TextEdit[]) edits.push({ title, edit: e });
      else otherFiles.push({ title, uri: change.textDocument.uri, value: change.edits });
    } else otherFiles.push({ title, uri: 'uri' in change ? change.uri : change.oldUri, value: change });
  }
}

function offsetOf(starts: number[], text: string, p: { line: number; character: number }): number {
  return Math.min((starts[p.line] ?? text.length) + p.character, text.length);
}

/** Fails with every leak found, by output path. */
export function assertNoLeaks(detector: SecretDetector, doc: SecretDocument, result: SweepResult): void {
  const leaks: string[] = [];
  // One line per kind of output and secret: a leak shows at every position of a line, not 30 times.
  const seen = new Set<string>();
  const report = (path: string, leak: Leak | undefined): void => {
    const id = `${path.split(' ')[0]}|${leak?.key}`;
    if (!leak || seen.has(id)) return;
    seen.add(id);
    leaks.push(`${path}: ${leak.key} (${leak.form}) "${leak.needle}" in …${leak.context}…`);
  };
  for (const s of result.shown) report(s.path, detector.findIn(s.value));
  for (const f of result.otherFiles) report(`"${f.title}" writes ${f.uri}`, detector.findIn(f.value));
  // In the document itself an edit may move a key only within the field that already holds it
  // (embed a key file as client-key-data, join split base64, encode raw PEM), never anywhere new.
  const starts = lineOffsets(doc.text);
  for (const { title, edit } of result.edits) {
    report(`"${title}" title`, detector.find(title));
    const found = detector.namesIn(edit.newText);
    if (found.size === 0) continue;
    const original = doc.text.slice(offsetOf(starts, doc.text, edit.range.start), offsetOf(starts, doc.text, edit.range.end));
    const had = detector.namesIn(original);
    // Embedding a key file is kubectl's --embed-certs: only into client-key-data.
    const line = doc.text.split('\n')[edit.range.start.line] ?? '';
    const keyField = /^[\s{,-]*"?client-key"?\s*:/.test(line);
    const path = original.trim().replace(/^["']|["']$/g, '');
    const file = path && (isAbsolute(path) ? path : join(dirname(doc.path), path));
    if (keyField && file && existsSync(file)) {
      const bytes = readFileSync(file);
      for (const name of detector.namesIn(bytes.toString('latin1') + '\n' + bytes.toString('base64'))) had.add(name);
    }
    for (const name of found)
      if (!had.has(name))
        leaks.push(`"${title}" edit at ${edit.range.start.line}:${edit.range.start.character} writes ${name}, which was not in the text it replaces`);
  }
  assert.deepEqual(leaks, [], `${doc.name}: secrets shown`);
}
