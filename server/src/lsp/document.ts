// An open document's text and its line index: the library's TextDocument computes its own line offsets a character at
// a time (~6 ms per MB: on a large file, housekeeping that held back the first hover after diagnostics); this one keeps
// a LineIndex (positions.ts), built by indexOf when first asked and derived without reading the text after an edit
// that adds or removes no line break.
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { Position, Range, TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../positions';

export class OpenDocument implements TextDocument {
  private index: LineIndex | undefined;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    readonly version: number,
    private readonly text: string,
    index?: LineIndex,
  ) {
    this.index = index;
  }

  /** The line index of this version's text, built on first use. */
  get lines(): LineIndex {
    return (this.index ??= new LineIndex(this.text));
  }

  getText(range?: Range): string {
    return range ? this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end)) : this.text;
  }

  positionAt(offset: number): Position {
    return this.lines.position(offset);
  }

  offsetAt(position: Position): number {
    return this.lines.offset(position);
  }

  get lineCount(): number {
    return this.lines.lineCount;
  }

  static create(uri: string, languageId: string, version: number, content: string): OpenDocument {
    return new OpenDocument(uri, languageId, version, content);
  }

  /** The document after `changes`, applied in order (as TextDocument.update applies them). */
  static update(document: OpenDocument, changes: TextDocumentContentChangeEvent[], version: number): OpenDocument {
    let text = document.text;
    let index = document.index;
    for (const change of changes) {
      if (!('range' in change)) {
        text = change.text;
        index = undefined;
        continue;
      }
      const lines = index ?? new LineIndex(text);
      const start = lines.offset(change.range.start);
      const end = Math.max(start, lines.offset(change.range.end));
      text = text.slice(0, start) + change.text + text.slice(end);
      index = lines.edited({ start, end }, change.text, text);
    }
    return new OpenDocument(document.uri, document.languageId, version, text, index);
  }
}
