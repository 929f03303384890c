// The dumbest level: the document as UTF-8 bytes (decoded again the lossy way an editor would) and as lines.
import { lineStarts, splice, type Mutator } from '../mutation';
import type { Random } from '../random';

const decoder = new TextDecoder('utf-8');

function viaBytes(text: string, change: (bytes: Uint8Array) => Uint8Array): string {
  return decoder.decode(change(new Uint8Array(Buffer.from(text, 'utf8'))));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

const INTERESTING_BYTES = [
  0x00, 0x09, 0x0a, 0x0d, 0x20, 0x22, 0x27, 0x23, 0x26, 0x2a, 0x21, 0x3a, 0x2d, 0x3e, 0x7c, 0x5b, 0x5d, 0x7b, 0x7d, 0x3d, 0x7f, 0x80, 0xc3, 0xef, 0xbb, 0xbf,
  0xff,
];

/** Characters and tokens that mean something to YAML, PEM, base64 or positions. */
export const TOKENS = [
  ':',
  ': ',
  '- ',
  '? ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '#',
  '&a ',
  '*a',
  '!!binary ',
  '!!str ',
  '!tag ',
  '|',
  '>',
  '|-',
  '>+',
  '"',
  "'",
  '\\',
  '%YAML 1.2\n',
  '---\n',
  '...\n',
  '\t',
  '\r',
  '\r\n',
  '\n',
  '\u2028',
  '\u2029',
  '\u0085',
  '\ufeff',
  '\u0000',
  '\u200b',
  '\u202e',
  '\ud83d\ude00',
  'e\u0301',
  '\u00e9',
  '\uffff',
  '-----BEGIN CERTIFICATE-----',
  '-----END CERTIFICATE-----',
  '-----BEGIN ',
  '=',
  '==',
  '+/',
  'LS0tLS1CRUdJTi',
  '<<: ',
  'null',
  '~',
  '0x',
  '1e999',
];

function randomRange(text: string, rng: Random, maxLen: number): [number, number] {
  const start = rng.int(text.length + 1);
  return [start, Math.min(text.length, start + rng.small(maxLen))];
}

export const byteMutators: Mutator[] = [
  {
    name: 'bytes-flip',
    level: 'bytes',
    apply(text, { rng, note }) {
      if (text.length === 0) return undefined;
      const n = rng.small(16);
      note(`${n} bit(s)`);
      return viaBytes(text, (b) => {
        for (let i = 0; i < n; i++) b[rng.int(b.length)] ^= 1 << rng.int(8);
        return b;
      });
    },
  },
  {
    name: 'bytes-insert',
    level: 'bytes',
    apply(text, { rng }) {
      return viaBytes(text, (b) => {
        const at = rng.int(b.length + 1);
        const n = rng.small(8);
        const ins = Uint8Array.from({ length: n }, () => (rng.chance(0.6) ? rng.pick(INTERESTING_BYTES) : rng.int(256)));
        return concat(b.subarray(0, at), ins, b.subarray(at));
      });
    },
  },
  {
    name: 'bytes-delete',
    level: 'bytes',
    apply(text, { rng }) {
      if (text.length === 0) return undefined;
      return viaBytes(text, (b) => {
        const at = rng.int(b.length);
        const n = rng.chance(0.8) ? rng.small(16) : rng.int(b.length - at) + 1;
        return concat(b.subarray(0, at), b.subarray(at + n));
      });
    },
  },
  {
    name: 'bytes-duplicate',
    level: 'bytes',
    apply(text, { rng, note }) {
      if (text.length === 0) return undefined;
      const [start, end] = randomRange(text, rng, 4096);
      const times = rng.small(50);
      note(`${end - start} chars ×${times}`);
      const at = rng.int(text.length + 1);
      return splice(text, at, at, text.slice(start, end).repeat(times));
    },
  },
  {
    name: 'bytes-truncate',
    level: 'bytes',
    apply(text, { rng }) {
      if (text.length === 0) return undefined;
      return viaBytes(text, (b) => b.subarray(0, rng.int(b.length)));
    },
  },
  {
    name: 'bytes-splice-seed',
    level: 'bytes',
    apply(text, { rng, corpus, note }) {
      const other = rng.pick(corpus.seeds);
      note(other.name);
      const cut = rng.int(text.length + 1);
      const from = rng.int(other.text.length + 1);
      return text.slice(0, cut) + other.text.slice(from);
    },
  },
  {
    name: 'text-token',
    level: 'bytes',
    weight: 2,
    apply(text, { rng, note }) {
      const token = rng.pick(TOKENS);
      note(JSON.stringify(token));
      const at = rng.int(text.length + 1);
      return splice(text, at, rng.chance(0.3) ? Math.min(text.length, at + 1) : at, token);
    },
  },
  {
    name: 'lines-shuffle',
    level: 'bytes',
    apply(text, { rng, note }) {
      const lines = text.split('\n');
      if (lines.length < 2) return undefined;
      const i = rng.int(lines.length);
      const j = rng.int(lines.length);
      const op = rng.pick(['swap', 'duplicate', 'delete', 'move'] as const);
      note(`${op} ${i},${j}`);
      if (op === 'swap') [lines[i], lines[j]] = [lines[j], lines[i]];
      else if (op === 'duplicate') lines.splice(j, 0, lines[i]);
      else if (op === 'delete') lines.splice(i, 1);
      else lines.splice(j, 0, ...lines.splice(i, 1));
      return lines.join('\n');
    },
  },
  {
    name: 'line-endings',
    level: 'bytes',
    apply(text, { rng, note }) {
      const style = rng.pick(['crlf', 'cr', 'mixed', 'lf', 'ls'] as const);
      note(style);
      const lf = text.replace(/\r\n?/g, '\n');
      if (style === 'crlf') return lf.replace(/\n/g, '\r\n');
      if (style === 'cr') return lf.replace(/\n/g, '\r');
      if (style === 'ls') return lf.replace(/\n/g, () => (rng.chance(0.1) ? '\u2028' : '\n'));
      if (style === 'lf') return lf;
      return lf.replace(/\n/g, () => rng.pick(['\n', '\r\n', '\r']));
    },
  },
  {
    // What kubectl reads or refuses by encoding: UTF-16 without a byte-order mark read as UTF-8 (a NUL before every
    // ASCII character), a character Go's YAML reader refuses, a lone CR (a line break to Go, not to yaml).
    name: 'encoding',
    level: 'bytes',
    apply(text, { rng, note }) {
      const kind = rng.pick(['utf16-unmarked', 'refused', 'lone-cr'] as const);
      note(kind);
      if (kind === 'utf16-unmarked') {
        const le = Buffer.from(text.slice(0, 64 * 1024), 'utf16le');
        return (rng.chance(0.5) ? le : le.swap16()).toString('latin1');
      }
      const starts = lineStarts(text);
      const at = starts[rng.int(starts.length)] + rng.int(40);
      const ch = kind === 'lone-cr' ? '\r' : rng.pick(['\0', '\x01', '\x08', '\x0b', '\x1b', '\x7f', '\x80', '\x9f', '\ufffe', '\uffff', '\ud800', '\udfff']);
      return splice(text, Math.min(at, text.length), Math.min(at, text.length), ch);
    },
  },
  {
    name: 'unicode-insert',
    level: 'bytes',
    apply(text, { rng, note }) {
      const starts = lineStarts(text);
      const line = rng.int(starts.length);
      const lineEnd = text.indexOf('\n', starts[line]);
      const end = lineEnd < 0 ? text.length : lineEnd;
      const at = starts[line] + rng.int(end - starts[line] + 1);
      const ch = rng.pick([
        '\ud83d\ude00',
        '\u{1f512}'.repeat(rng.small(100)),
        '\u0301',
        '\u202e',
        '\u200d',
        '\u00a0',
        '\u3000',
        '\uff1a',
        '\ufeff',
        '\u0000',
        'İ',
        'ß',
        '\u2028',
      ]);
      note(`U+${ch.codePointAt(0)!.toString(16)}`);
      return splice(text, at, at, ch);
    },
  },
];
