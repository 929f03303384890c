// The one place offsets become line/character positions (UTF-16 code units, as LSP counts; \r\n, \n and \r end lines).
/** Offsets into a text, as the core speaks them. */
interface Span {
  start: number;
  end: number;
}

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export class LineIndex {
  private readonly starts: number[] = [0];
  private readonly length: number;
  /** Whether a \r ends any line: only then does offset() read the text to find where a line's content ends. */
  private readonly cr: boolean;

  constructor(
    private readonly text: string,
    derived?: { starts: number[]; cr: boolean },
  ) {
    this.length = text.length;
    if (derived) {
      this.starts = derived.starts;
      this.cr = derived.cr;
      return;
    }
    this.cr = text.includes('\r');
    if (!this.cr) {
      // The common case: indexOf is far faster than a character loop on megabytes.
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  /**
   * The index of `text`, which is this index's text with `span` replaced by `newText`, without reading `text`:
   * undefined unless the edit adds and removes no line break. A large edited text is a rope until something reads it
   * whole (then V8 copies it flat); a keystroke inside a line need not be that something.
   */
  edited(span: Span, newText: string, text: string): LineIndex | undefined {
    if (this.cr || newText.includes('\n') || newText.includes('\r')) return undefined;
    const line = this.position(span.start).line;
    if (this.position(span.end).line !== line || (line + 1 < this.starts.length && span.end >= this.starts[line + 1])) return undefined;
    const delta = newText.length - (span.end - span.start);
    if (this.length + delta !== text.length) return undefined;
    const starts = this.starts.slice();
    for (let i = line + 1; i < starts.length; i++) starts[i] += delta;
    return new LineIndex(text, { starts, cr: false });
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  offset(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.length;
    const start = this.starts[position.line];
    const last = position.line + 1 >= this.starts.length;
    let lineEnd = last ? this.length : this.starts[position.line + 1];
    if (!this.cr) {
      // Without \r every line but the last ends in exactly one \n.
      if (!last) lineEnd--;
    } else while (lineEnd > start && (this.text.charCodeAt(lineEnd - 1) === 10 || this.text.charCodeAt(lineEnd - 1) === 13)) lineEnd--;
    return Math.min(start + Math.max(0, position.character), lineEnd);
  }

  range(span: Span): Range {
    return { start: this.position(span.start), end: this.position(span.end) };
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
