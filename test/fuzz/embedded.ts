// Where certificate material sits inside a document, and how to put a changed version back in the same form:
// base64 runs (of PEM or of DER), raw PEM in block scalars (indented), and PEM in quoted strings ("\n" escapes).

export interface Embedding {
  kind: 'b64-pem' | 'b64-der' | 'b64-other' | 'raw-pem' | 'escaped-pem';
  start: number;
  end: number;
  /** The PEM text, for the kinds that hold PEM. */
  pem?: string;
  /** The decoded bytes, for base64 kinds. */
  bytes?: Uint8Array;
  /** The document's text for new PEM (or, for b64-der, new bytes as latin1). */
  encode(content: string): string;
}

const B64_RUN = /[A-Za-z0-9+/]{40,}={0,2}/g;

export function embeddings(text: string): Embedding[] {
  const out: Embedding[] = [];
  for (const m of text.matchAll(B64_RUN)) {
    const bytes = new Uint8Array(Buffer.from(m[0], 'base64'));
    const latin1 = Buffer.from(bytes).toString('latin1');
    const kind = latin1.includes('-----BEGIN ') ? 'b64-pem' : bytes[0] === 0x30 ? 'b64-der' : 'b64-other';
    out.push({
      kind,
      start: m.index!,
      end: m.index! + m[0].length,
      bytes,
      pem: kind === 'b64-pem' ? latin1 : undefined,
      encode: (content) => Buffer.from(content, 'latin1').toString('base64'),
    });
  }
  out.push(...rawPems(text), ...escapedPems(text));
  return out;
}

/** PEM written out in the document, one block or a bundle, each line after the first carrying the same indentation. */
function rawPems(text: string): Embedding[] {
  const out: Embedding[] = [];
  const lines = text.split('\n');
  const offsets: number[] = [];
  let offset = 0;
  for (const l of lines) {
    offsets.push(offset);
    offset += l.length + 1;
  }
  const PEM_LINE = /^(?:-----(?:BEGIN|END) [A-Z0-9 ]+-----|[A-Za-z0-9+/=]*|[A-Za-z-]+: .*)$/;
  for (let i = 0; i < lines.length; i++) {
    const m = /^([ \t]*)-----BEGIN [A-Z0-9 ]+-----/.exec(lines[i]);
    if (!m) continue;
    const indent = m[1];
    const eol = lines[i].endsWith('\r') ? '\r\n' : '\n';
    let last = -1;
    for (let j = i; j < lines.length; j++) {
      const l = lines[j].replace(/\r$/, '');
      if (j > i && !(l.startsWith(indent) && PEM_LINE.test(l.slice(indent.length)))) break;
      if (l.includes('-----END ')) last = j;
    }
    if (last < 0) continue;
    const pem = lines
      .slice(i, last + 1)
      .map((l) => l.replace(/\r$/, '').slice(indent.length))
      .join('\n');
    out.push({
      kind: 'raw-pem',
      start: offsets[i] + indent.length,
      end: offsets[last] + lines[last].replace(/\r$/, '').length,
      pem,
      encode: (content) =>
        content
          .replace(/\r?\n$/, '')
          .split(/\r?\n/)
          .map((l, k) => (k === 0 ? l : indent + l))
          .join(eol),
    });
    i = last;
  }
  return out;
}

function escapedPems(text: string): Embedding[] {
  const out: Embedding[] = [];
  for (const m of text.matchAll(/-----BEGIN [A-Z0-9 ]+-----\\n(?:[^"\\\n]|\\.)*?-----END [A-Z0-9 ]+-----(?:\\n)?/g)) {
    out.push({
      kind: 'escaped-pem',
      start: m.index!,
      end: m.index! + m[0].length,
      pem: m[0].replace(/\\n/g, '\n').replace(/\\r/g, '\r'),
      encode: (content) => JSON.stringify(content).slice(1, -1),
    });
  }
  return out;
}

export interface PemBlockText {
  label: string;
  endLabel: string;
  /** Offsets within the PEM text. */
  start: number;
  end: number;
  bodyStart: number;
  bodyEnd: number;
  body: string;
}

export function pemBlocksIn(pem: string): PemBlockText[] {
  const out: PemBlockText[] = [];
  for (const m of pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----(\r?\n?)([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g)) {
    const bodyStart = m.index! + 16 + m[1].length + m[2].length;
    out.push({ label: m[1], endLabel: m[4], start: m.index!, end: m.index! + m[0].length, bodyStart, bodyEnd: bodyStart + m[3].length, body: m[3] });
  }
  return out;
}

export function armour(label: string, der: Uint8Array, width = 64): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = width > 0 ? (b64.match(new RegExp(`.{1,${width}}`, 'g')) ?? []) : [b64];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}${lines.length ? '\n' : ''}-----END ${label}-----\n`;
}
