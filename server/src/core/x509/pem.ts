// PEM as Go's encoding/pem reads it (kubectl, client-go and the API server use nothing else): which blocks Go finds,
// why it skips the others, and a PEM's line structure rebuilt when only its line breaks were lost.
import { pemBlocks } from './certificates';
import { goBase64Bytes } from './decode';

export interface GoPemBlock {
  type: string;
  headers: number;
  /** Offsets of `-----BEGIN` and just past the END line's dashes. */
  start: number;
  end: number;
  bytes: Buffer;
}

const BEGIN = '-----BEGIN ';
const END = '\n-----END ';
const DASHES = '-----';

/** Go's getLine: the line at `from` without its trailing spaces, tabs and \r; and where the next line starts. */
function getLine(text: string, from: number): { end: number; next: number } {
  let i = text.indexOf('\n', from);
  let next: number;
  if (i < 0) i = next = text.length;
  else {
    next = i + 1;
    if (i > from && text[i - 1] === '\r') i--;
  }
  while (i > from && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  return { end: i, next };
}

/** One call of Go's pem.Decode on text[from…]: the block it returns, and where its `rest` starts; undefined when it returns nil. */
function decodeOne(text: string, from: number): { block: GoPemBlock; rest: number } | undefined {
  let rest = from;
  for (;;) {
    let start: number;
    if (text.startsWith(BEGIN, rest)) start = rest;
    else {
      const i = text.indexOf('\n' + BEGIN, rest);
      if (i < 0) return undefined;
      start = i + 1;
    }
    rest = start + BEGIN.length;
    const typeLine = getLine(text, rest);
    const typeText = text.slice(rest, typeLine.end);
    rest = typeLine.next;
    if (!typeText.endsWith(DASHES)) continue;
    const type = typeText.slice(0, -DASHES.length);
    let headers = 0;
    for (;;) {
      // Go gives up on the whole input here, not just this block.
      if (rest >= text.length) return undefined;
      const line = getLine(text, rest);
      if (!text.slice(rest, line.end).includes(':')) break;
      headers++;
      rest = line.next;
    }
    let endIndex: number;
    let trailer: number;
    if (headers === 0 && text.startsWith(END.slice(1), rest)) {
      endIndex = rest;
      trailer = rest + END.length - 1;
    } else {
      const i = text.indexOf(END, rest);
      if (i < 0) continue;
      endIndex = i;
      trailer = i + END.length;
    }
    const trailerLen = type.length + DASHES.length;
    if (text.length - trailer < trailerLen) continue;
    const endTrailer = text.slice(trailer, trailer + trailerLen);
    if (!endTrailer.startsWith(type) || !endTrailer.endsWith(DASHES)) continue;
    if (getLine(text, trailer + trailerLen).end !== trailer + trailerLen) continue;
    // Spaces and tabs are removed; Go's base64 decoder skips \r and \n itself.
    const bytes = goBase64Bytes(text.slice(rest, endIndex).replace(/[ \t\r\n]/g, ''));
    if (!bytes) continue;
    return { block: { type, headers, start, end: trailer + trailerLen, bytes }, rest: getLine(text, endIndex + END.length - 1).next };
  }
}

/** Every block a Go program finds in `text`, calling pem.Decode on the rest until it returns nil. */
export function goPemBlocks(text: string): GoPemBlock[] {
  const out: GoPemBlock[] = [];
  for (let from = 0; from < text.length;) {
    const r = decodeOne(text, from);
    if (!r) break;
    out.push(r.block);
    from = r.rest;
  }
  return out;
}

export interface SkippedBlock {
  label: string;
  start: number;
  /** Why Go skips it, in words. */
  reason: string;
}

/** The blocks a lenient reader sees but Go's encoding/pem skips, each with the reason. */
export function blocksGoSkips(text: string): SkippedBlock[] {
  if (!text.includes(BEGIN)) return [];
  const found = new Set(goPemBlocks(text).map((b) => b.start));
  const out: SkippedBlock[] = [];
  for (const b of pemBlocks(text)) {
    // A block no reader can use (no END line, broken base64) is reported as such by not-a-certificate.
    if (b.error || found.has(b.start)) continue;
    out.push({ label: b.label, start: b.start, reason: whySkipped(text, b.start, b.label) });
  }
  return out;
}

/** Go reads every block a lenient reader sees in `text`, and there is at least one. */
export function goReadsAll(text: string): boolean {
  const found = new Set(goPemBlocks(text).map((b) => b.start));
  const blocks = pemBlocks(text);
  return blocks.length > 0 && blocks.every((b) => found.has(b.start));
}

function whySkipped(text: string, start: number, label: string): string {
  if (start > 0 && text[start - 1] !== '\n') return 'its BEGIN line does not start a line';
  const line = getLine(text, start);
  const beginLine = `${BEGIN}${label}${DASHES}`;
  if (text.slice(start, line.end) !== beginLine)
    return `text follows "${beginLine}" on the same line: its line breaks were lost (a YAML plain value folds lines into spaces)`;
  const endLine = `-----END ${label}${DASHES}`;
  const endAt = text.indexOf(endLine, line.next);
  if (endAt < 0) return `it has no "${endLine}" line`;
  if (text[endAt - 1] !== '\n') return `"${endLine}" does not start a line`;
  if (getLine(text, endAt).end !== endAt + endLine.length) return `text follows "${endLine}" on the same line`;
  return 'its body holds something other than base64, spaces, tabs and line breaks, or its padding is wrong';
}

/**
 * The same PEM with its line structure rebuilt (BEGIN line, base64 in lines of 64, END line, each block on lines of its
 * own), when the text is PEM blocks and whitespace only and each block's base64 is whole; else undefined.
 */
export function rebuildPem(text: string): string | undefined {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) return undefined;
  let out = '';
  let at = 0;
  for (const b of blocks) {
    if (text.slice(at, b.start).trim() !== '' || b.end > text.length) return undefined;
    const head = `${BEGIN}${b.label}${DASHES}`;
    const tail = `-----END ${b.label}${DASHES}`;
    const whole = text.slice(b.start, b.end);
    if (!whole.startsWith(head) || !whole.endsWith(tail)) return undefined;
    const body = whole.slice(head.length, whole.length - tail.length);
    // Headers (Proc-Type:, DEK-Info:) cannot be told apart once their line breaks are gone.
    if (body.includes(':')) return undefined;
    const base64 = body.replace(/\s+/g, '');
    if (base64 === '' || !goBase64Bytes(base64)) return undefined;
    out += `${head}\n${base64.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n${tail}\n`;
    at = b.end;
  }
  if (text.slice(at).trim() !== '') return undefined;
  return out;
}
