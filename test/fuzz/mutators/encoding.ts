// The base64 and PEM levels: truncated and mis-padded base64, whitespace inside it; broken armour, wrong labels,
// headers, bundles, garbage between blocks, bodies that are not base64.
import { armour, embeddings, pemBlocksIn, type Embedding } from '../embedded';
import { splice, type MutationContext, type Mutator } from '../mutation';
import type { Random } from '../random';

export const LABELS = [
  'CERTIFICATE',
  'TRUSTED CERTIFICATE',
  'X509 CERTIFICATE',
  'CERTIFICATE REQUEST',
  'NEW CERTIFICATE REQUEST',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'PUBLIC KEY',
  'RSA PUBLIC KEY',
  'EC PARAMETERS',
  'X509 CRL',
  'PKCS7',
  'OPENSSH PRIVATE KEY',
  'DSA PRIVATE KEY',
  'FUZZ',
];

function pickEmbedding(text: string, rng: Random, want: (e: Embedding) => boolean): Embedding | undefined {
  const all = embeddings(text).filter(want);
  return all.length ? rng.pick(all) : undefined;
}

/** Replaces the PEM of one embedding with `change(pem)`, written back in the embedding's own form. */
export function withPem(text: string, ctx: MutationContext, change: (pem: string) => string | undefined): string | undefined {
  const e = pickEmbedding(text, ctx.rng, (x) => x.pem !== undefined);
  if (!e) return undefined;
  ctx.note(e.kind);
  const pem = change(e.pem!);
  return pem === undefined ? undefined : splice(text, e.start, e.end, e.encode(pem));
}

function insertAt(s: string, rng: Random, what: string): string {
  const at = rng.int(s.length + 1);
  return s.slice(0, at) + what + s.slice(at);
}

export const base64Mutators: Mutator[] = [
  {
    name: 'b64-truncate',
    level: 'base64',
    apply(text, { rng, note }) {
      const e = pickEmbedding(text, rng, (x) => x.kind.startsWith('b64'));
      if (!e) return undefined;
      const len = e.end - e.start;
      const cut = rng.chance(0.5) ? rng.range(1, 3) : rng.int(len);
      note(`-${cut}`);
      return splice(text, e.end - cut, e.end, '');
    },
  },
  {
    name: 'b64-padding',
    level: 'base64',
    apply(text, { rng, note }) {
      const e = pickEmbedding(text, rng, (x) => x.kind.startsWith('b64'));
      if (!e) return undefined;
      const raw = text.slice(e.start, e.end);
      const op = rng.pick(['add', 'remove', 'middle', 'triple', 'strip-all'] as const);
      note(op);
      const body = raw.replace(/=+$/, '');
      const replaced =
        op === 'add'
          ? raw + '='
          : op === 'remove'
            ? raw.replace(/=$/, '')
            : op === 'middle'
              ? insertAt(raw, rng, rng.pick(['=', '==']))
              : op === 'triple'
                ? body + '==='
                : body;
      return splice(text, e.start, e.end, replaced);
    },
  },
  {
    name: 'b64-whitespace',
    level: 'base64',
    weight: 2,
    apply(text, { rng, note }) {
      const e = pickEmbedding(text, rng, (x) => x.kind.startsWith('b64'));
      if (!e) return undefined;
      let raw = text.slice(e.start, e.end);
      const lineStart = text.lastIndexOf('\n', e.start) + 1;
      const indent = /^[ \t-]*/.exec(text.slice(lineStart))![0].replace(/-/g, ' ');
      const op = rng.pick(['space', 'tab', 'newline', 'crlf', 'continuation', 'wrap-76', 'wrap-64-continuation', 'trailing', 'leading', 'nbsp'] as const);
      note(op);
      switch (op) {
        case 'space':
        case 'tab':
        case 'newline':
        case 'crlf':
        case 'nbsp': {
          const ws = { space: ' ', tab: '\t', newline: '\n', crlf: '\r\n', nbsp: '\u00a0' }[op];
          for (let i = rng.small(20); i > 0; i--) raw = insertAt(raw, rng, ws);
          break;
        }
        case 'continuation':
          raw = insertAt(raw, rng, `\n${indent}  `);
          break;
        case 'wrap-76':
          raw = (raw.match(/.{1,76}/g) ?? []).join('\n');
          break;
        case 'wrap-64-continuation':
          raw = (raw.match(/.{1,64}/g) ?? []).join(`\n${indent}  `);
          break;
        case 'trailing':
          raw = raw + rng.pick([' ', '\t', ' \t ', '  # comment']);
          break;
        case 'leading':
          raw = rng.pick([' ', '\t', '  ']) + raw;
          break;
      }
      return splice(text, e.start, e.end, raw);
    },
  },
  {
    name: 'b64-alphabet',
    level: 'base64',
    apply(text, { rng, note }) {
      const e = pickEmbedding(text, rng, (x) => x.kind.startsWith('b64'));
      if (!e) return undefined;
      const raw = text.slice(e.start, e.end);
      const op = rng.pick(['urlsafe', 'bad-char', 'unicode', 'lowercase', 'double-encode', 'hex'] as const);
      note(op);
      if (op === 'urlsafe') return splice(text, e.start, e.end, raw.replace(/\+/g, '-').replace(/\//g, '_'));
      if (op === 'bad-char') return splice(text, e.start, e.end, insertAt(raw, rng, rng.pick(['-', '_', '.', '!', '*', '\\', '%', '@', '\u0000'])));
      if (op === 'unicode') return splice(text, e.start, e.end, insertAt(raw, rng, rng.pick(['é', '\u200b', 'Ａ', '\ud83d\ude00'])));
      if (op === 'lowercase') return splice(text, e.start, e.end, raw.toLowerCase());
      if (op === 'double-encode') return splice(text, e.start, e.end, Buffer.from(raw).toString('base64'));
      return splice(text, e.start, e.end, Buffer.from(raw, 'base64').toString('hex'));
    },
  },
  {
    name: 'b64-content',
    level: 'base64',
    apply(text, { rng, corpus, note }) {
      const e = pickEmbedding(text, rng, (x) => x.kind.startsWith('b64'));
      if (!e) return undefined;
      const op = rng.pick(['empty', 'raw-pem', 'der', 'random-bytes', 'other-block', 'nul'] as const);
      note(op);
      const block = rng.pick(corpus.blocks);
      switch (op) {
        case 'empty':
          return splice(text, e.start, e.end, '');
        case 'raw-pem':
          return splice(text, e.start, e.end, JSON.stringify(armour(block.label, block.der)));
        case 'der':
          return splice(text, e.start, e.end, Buffer.from(block.der).toString('base64'));
        case 'random-bytes':
          return splice(text, e.start, e.end, Buffer.from(rng.bytes(rng.small(4000))).toString('base64'));
        case 'other-block':
          return splice(text, e.start, e.end, Buffer.from(armour(block.label, block.der)).toString('base64'));
        case 'nul':
          return splice(text, e.start, e.end, Buffer.from('\u0000'.repeat(rng.small(100))).toString('base64'));
      }
    },
  },
];

export const pemMutators: Mutator[] = [
  {
    name: 'pem-armour',
    level: 'pem',
    weight: 3,
    apply(text, ctx) {
      const { rng } = ctx;
      return withPem(text, ctx, (pem) => {
        const blocks = pemBlocksIn(pem);
        if (!blocks.length) return undefined;
        const b = rng.pick(blocks);
        const op = rng.pick([
          'no-end',
          'no-begin',
          'mismatched-end',
          'label',
          'lowercase',
          'dashes',
          'headers',
          'crlf',
          'no-newline',
          'space-in-label',
          'trailing-text-on-begin',
        ] as const);
        ctx.note(op);
        const begin = `-----BEGIN ${b.label}-----`;
        const end = `-----END ${b.endLabel}-----`;
        const whole = pem.slice(b.start, b.end);
        let changed: string;
        switch (op) {
          case 'no-end':
            changed = whole.replace(end, '');
            break;
          case 'no-begin':
            changed = whole.replace(begin, '');
            break;
          case 'mismatched-end':
            changed = whole.replace(end, `-----END ${rng.pick(LABELS)}-----`);
            break;
          case 'label': {
            const label = rng.pick(LABELS);
            ctx.note(`${b.label}→${label}`);
            changed = whole.replace(begin, `-----BEGIN ${label}-----`).replace(end, `-----END ${label}-----`);
            break;
          }
          case 'lowercase':
            changed = whole.replace(begin, begin.toLowerCase());
            break;
          case 'dashes':
            changed = whole.replace(
              begin,
              rng.pick([`----BEGIN ${b.label}-----`, `------BEGIN ${b.label}------`, `-----BEGIN ${b.label}----`, `-----BEGIN  ${b.label}-----`]),
            );
            break;
          case 'headers':
            changed = whole.replace(
              begin + '\n',
              begin +
                '\n' +
                rng.pick([
                  'Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n',
                  'Comment: fuzz\n',
                  'X: ' + 'y'.repeat(5000) + '\n',
                  'Bad Header\n',
                ]),
            );
            break;
          case 'crlf':
            changed = whole.replace(/\n/g, '\r\n');
            break;
          case 'no-newline':
            changed = whole.replace(/\n/g, '');
            break;
          case 'space-in-label':
            changed = whole.replace(begin, `-----BEGIN ${b.label} -----`);
            break;
          case 'trailing-text-on-begin':
            changed = whole.replace(begin, begin + ' trailing');
            break;
        }
        return pem.slice(0, b.start) + changed + pem.slice(b.end);
      });
    },
  },
  {
    name: 'pem-body',
    level: 'pem',
    weight: 2,
    apply(text, ctx) {
      const { rng } = ctx;
      return withPem(text, ctx, (pem) => {
        const blocks = pemBlocksIn(pem);
        if (!blocks.length) return undefined;
        const b = rng.pick(blocks);
        const op = rng.pick(['empty', 'truncate', 'pad', 'bad-char', 'spaces', 'tabs', 'rewrap', 'one-line', 'nested-begin', 'blank-lines'] as const);
        ctx.note(op);
        let body = b.body;
        const compact = body.replace(/\s+/g, '');
        switch (op) {
          case 'empty':
            body = '\n';
            break;
          case 'truncate':
            body = compact.slice(0, rng.int(compact.length)) + '\n';
            break;
          case 'pad':
            body = compact + rng.pick(['=', '==', '===', 'A=', 'AA']) + '\n';
            break;
          case 'bad-char':
            body = insertAt(body, rng, rng.pick(['!', '-', '_', '.', '*', 'é', '\u0000', '-----']));
            break;
          case 'spaces':
            body = body.replace(/\n/g, () => (rng.chance(0.3) ? ' \n ' : '\n'));
            break;
          case 'tabs':
            body = body.replace(/^/gm, '\t');
            break;
          case 'rewrap': {
            const width = rng.pick([1, 4, 63, 65, 76, 1000]);
            ctx.note(`width ${width}`);
            body = (compact.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join('\n') + '\n';
            break;
          }
          case 'one-line':
            body = compact + '\n';
            break;
          case 'nested-begin':
            body = insertAt(body, rng, `\n-----BEGIN ${rng.pick(LABELS)}-----\n`);
            break;
          case 'blank-lines':
            body = body.replace(/\n/g, () => (rng.chance(0.2) ? '\n\n' : '\n'));
            break;
        }
        return pem.slice(0, b.bodyStart) + body + pem.slice(b.bodyEnd);
      });
    },
  },
  {
    name: 'pem-bundle',
    level: 'pem',
    weight: 2,
    apply(text, ctx) {
      const { rng, corpus } = ctx;
      return withPem(text, ctx, (pem) => {
        const blocks = pemBlocksIn(pem);
        const op = rng.pick(['duplicate', 'remove', 'reorder', 'add-other', 'replace-other', 'glue', 'garbage-between', 'garbage-around', 'many'] as const);
        ctx.note(op);
        const whole = blocks.map((b) => pem.slice(b.start, b.end) + '\n');
        const other = () => {
          const s = rng.pick(corpus.blocks);
          return armour(s.label, s.der);
        };
        switch (op) {
          case 'duplicate':
            if (!whole.length) return undefined;
            return pem + rng.pick(whole);
          case 'remove':
            if (whole.length < 1) return undefined;
            whole.splice(rng.int(whole.length), 1);
            return whole.join('');
          case 'reorder':
            return whole.reverse().join('');
          case 'add-other':
            return rng.chance(0.5) ? pem + other() : other() + pem;
          case 'replace-other':
            return other();
          case 'glue':
            return whole.map((w) => w.replace(/\n$/, '')).join('');
          case 'garbage-between':
            return whole.join(rng.pick(['garbage\n', '\n\n\n', 'Bag Attributes\n    localKeyID: 01 02\n', '\u0000', '-----\n']));
          case 'garbage-around':
            return rng.pick(['subject=/CN=x\nissuer=/CN=y\n', '\ufeff', ' ', '#\n']) + pem + rng.pick(['trailing\n', '\n\n', '-----END CERTIFICATE-----\n']);
          case 'many': {
            const n = rng.pick([20, 200, 1000]);
            ctx.note(`×${n}`);
            const one = whole.length ? rng.pick(whole) : other();
            return one.repeat(n);
          }
        }
      });
    },
  },
];
