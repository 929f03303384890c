// The DER level: certificates, keys and CSRs as a tree of TLVs (encapsulated OCTET/BIT STRINGs opened too),
// changed node by node (lengths, tags, OIDs, integers, times, strings, structure) and written back with every
// ancestor's length recomputed, so a change deep inside still reaches the code that reads it.
import { armour, embeddings, pemBlocksIn } from '../embedded';
import { splice, type MutationContext, type Mutator } from '../mutation';

export interface TlvNode {
  tag: Uint8Array;
  children?: TlvNode[];
  content?: Uint8Array;
  /** Children parsed out of an OCTET STRING, or a BIT STRING after its unused-bits byte. */
  encapsulated?: 'octet' | 'bit';
  /** Written instead of the true length: the length mutations. */
  lengthOverride?: Uint8Array;
}

const MAX_PARSE_DEPTH = 100;

function readHeader(b: Uint8Array, p: number, end: number): { tag: Uint8Array; contentStart: number; contentEnd: number } | undefined {
  const tagStart = p;
  if (p >= end) return undefined;
  if ((b[p++] & 0x1f) === 0x1f) {
    while (p < end && b[p] & 0x80) p++;
    p++;
  }
  if (p >= end) return undefined;
  const tag = b.subarray(tagStart, p);
  let len = b[p++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > end) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++];
  }
  if (p + len > end) return undefined;
  return { tag, contentStart: p, contentEnd: p + len };
}

function parseList(b: Uint8Array, start: number, end: number, depth: number): TlvNode[] | undefined {
  const out: TlvNode[] = [];
  let p = start;
  while (p < end) {
    const h = readHeader(b, p, end);
    if (!h) return undefined;
    out.push(parseNode(b, h, depth));
    p = h.contentEnd;
  }
  return out;
}

function parseNode(b: Uint8Array, h: { tag: Uint8Array; contentStart: number; contentEnd: number }, depth: number): TlvNode {
  const node: TlvNode = { tag: h.tag.slice() };
  const content = b.subarray(h.contentStart, h.contentEnd);
  if (depth < MAX_PARSE_DEPTH) {
    if (h.tag[0] & 0x20) {
      const kids = parseList(b, h.contentStart, h.contentEnd, depth + 1);
      if (kids) {
        node.children = kids;
        return node;
      }
    } else if ((h.tag[0] === 0x04 || (h.tag[0] === 0x03 && content[0] === 0)) && content.length > 2) {
      const skip = h.tag[0] === 0x03 ? 1 : 0;
      const first = content[skip];
      if (first === 0x30 || first === 0x31 || first === 0x02 || first === 0x03 || first === 0x04) {
        const kids = parseList(b, h.contentStart + skip, h.contentEnd, depth + 1);
        if (kids) {
          node.children = kids;
          node.encapsulated = skip ? 'bit' : 'octet';
          return node;
        }
      }
    }
  }
  node.content = content.slice();
  return node;
}

export function parseDer(bytes: Uint8Array): TlvNode[] | undefined {
  return parseList(bytes, 0, bytes.length, 0);
}

export function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function serialize(nodes: TlvNode[]): Uint8Array {
  return new Uint8Array(Buffer.concat(nodes.map(serializeNode)));
}

function contentOf(node: TlvNode): Buffer {
  return node.children
    ? Buffer.concat([...(node.encapsulated === 'bit' ? [Buffer.from([0])] : []), ...node.children.map(serializeNode)])
    : Buffer.from(node.content ?? []);
}

function serializeNode(node: TlvNode): Buffer {
  const inner = contentOf(node);
  return Buffer.concat([Buffer.from(node.tag), Buffer.from(node.lengthOverride ?? encodeLength(inner.length)), inner]);
}

interface Located {
  node: TlvNode;
  parent?: TlvNode[];
  index: number;
}

function flatten(nodes: TlvNode[], out: Located[] = []): Located[] {
  nodes.forEach((node, index) => {
    out.push({ node, parent: nodes, index });
    if (node.children) flatten(node.children, out);
  });
  return out;
}

export function encodeOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  const out: number[] = [];
  const first = arcs.length > 1 ? arcs[0] * 40n + arcs[1] : arcs[0];
  for (const arc of [first, ...arcs.slice(2)]) {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...chunk);
  }
  return Uint8Array.from(out);
}

export const OIDS = [
  '1.2.840.113549.1.1.1',
  '1.2.840.113549.1.1.10',
  '1.2.840.10045.2.1',
  '1.3.101.112',
  '1.3.101.113',
  '1.2.840.10040.4.1',
  '1.3.101.110',
  '1.2.840.113549.1.1.4',
  '1.2.840.113549.1.1.5',
  '1.2.840.113549.1.1.11',
  '1.2.840.113549.1.1.13',
  '1.2.840.10045.4.1',
  '1.2.840.10045.4.3.2',
  '1.2.840.10045.4.3.4',
  '1.2.840.10045.3.1.7',
  '1.3.132.0.34',
  '1.3.132.0.35',
  '1.3.132.0.10',
  '1.3.36.3.3.2.8.1.1.7',
  '2.5.29.17',
  '2.5.29.19',
  '2.5.29.15',
  '2.5.29.37',
  '2.5.29.14',
  '2.5.29.35',
  '2.5.29.32',
  '1.2.840.113549.1.9.14',
  '2.5.4.3',
  '2.5.4.10',
  '2.5.4.11',
  '1.2.840.113549.1.9.1',
  '0.9.2342.19200300.100.1.25',
  '1.3.6.1.5.5.7.3.1',
  '1.3.6.1.5.5.7.3.2',
  '2.999.1',
  '0.0',
  '1.2.3.4.5.6.7.8.9.10',
  '2.25.329800735698586629295641978511506172918',
  '1.3.6.1.4.1.99999.' + '1.'.repeat(200) + '1',
];

const BROKEN_OIDS: Array<[string, Uint8Array]> = [
  ['empty', new Uint8Array(0)],
  ['lone-continuation', Uint8Array.of(0x80)],
  ['trailing-continuation', Uint8Array.of(0x2a, 0x86, 0x48, 0x86)],
  ['huge-arc', Uint8Array.of(0x2a, ...new Array(12).fill(0xff), 0x7f)],
  ['non-minimal', Uint8Array.of(0x80, 0x80, 0x2a)],
  ['thousand-arcs', new Uint8Array(1000).fill(0x01)],
];

const TIMES = [
  '991231235959Z',
  '000229000000Z',
  '491231235959Z',
  '500101000000Z',
  '261121000000Z',
  '260230000000Z',
  '261301000000Z',
  '261121250000Z',
  '2611210000Z',
  '261121000000',
  '261121000000+0100',
  '20261121000000Z',
  '99991231235959Z',
  '00000101000000Z',
  '20261121000000.123456Z',
  '19700101000000Z',
  '',
  'garbage',
  '26112100000Z',
  '2026-11-21T00:00:00Z',
  '\u0000\u0000',
  '9'.repeat(40) + 'Z',
];

const STRINGS: Array<Uint8Array | string> = [
  Uint8Array.of(0xc3, 0x28),
  Uint8Array.of(0xed, 0xa0, 0x80),
  Uint8Array.of(0xff, 0xfe),
  Uint8Array.of(0x00, 0x41, 0x00),
  Uint8Array.of(0x00, 0x11, 0x00, 0x00),
  Uint8Array.of(0xff, 0xff, 0xff, 0xff),
  '',
  ' ',
  ' leading',
  'trailing ',
  '#hash',
  'a\u0000b',
  'line\nbreak\r',
  '[x](command:kubecert.restartServer) `code` <img src=x> **b** | t |',
  'system:masters',
  'system:node:worker-1',
  'CN=evil,O=system:masters',
  'a+b=c',
  '\\',
  '"',
  'système',
  '\u202eevil',
  '\ud83d\ude00'.repeat(50),
];

function bytesOf(v: Uint8Array | string): Uint8Array {
  return typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'utf8')) : v;
}

function nodesWithTag(all: Located[], tags: number[]): Located[] {
  return all.filter((l) => tags.includes(l.node.tag[0]));
}

function mutateTree(nodes: TlvNode[], ctx: MutationContext, foreign: () => TlvNode[] | undefined): string {
  const { rng } = ctx;
  const all = flatten(nodes);
  const any = () => rng.pick(all);
  const op = rng.weighted([
    [3, 'length'],
    [2, 'tag'],
    [3, 'oid'],
    [2, 'integer'],
    [2, 'time'],
    [2, 'string'],
    [1, 'bitstring'],
    [1, 'boolean'],
    [2, 'remove'],
    [2, 'duplicate'],
    [1, 'swap'],
    [1, 'insert'],
    [1, 'wrap'],
    [2, 'splice-foreign'],
    [1, 'empty'],
  ] as const);
  switch (op) {
    case 'length': {
      const l = any();
      const actual = contentOf(l.node).length;
      const variants: Array<[string, Uint8Array]> = [
        ['+1', encodeLength(Math.max(0, actual) + 1)],
        ['-1', encodeLength(Math.max(0, actual - 1))],
        ['zero', Uint8Array.of(0)],
        ['indefinite', Uint8Array.of(0x80)],
        ['non-minimal', Uint8Array.of(0x82, 0, Math.min(actual, 255))],
        ['huge', Uint8Array.of(0x84, 0xff, 0xff, 0xff, 0xff)],
        ['five-bytes', Uint8Array.of(0x85, 0, 0, 0, 0, 1)],
        ['0xff', Uint8Array.of(0xff)],
        ['max-short', Uint8Array.of(0x7f)],
      ];
      const [name, len] = rng.pick(variants);
      l.node.lengthOverride = len;
      return `length ${name}`;
    }
    case 'tag': {
      const l = any();
      const [name, tag] = rng.pick<[string, Uint8Array]>([
        ['flip-constructed', Uint8Array.of(l.node.tag[0] ^ 0x20)],
        ['random', Uint8Array.of(rng.int(256))],
        ['sequence', Uint8Array.of(0x30)],
        ['set', Uint8Array.of(0x31)],
        ['context-0', Uint8Array.of(0xa0)],
        ['context-3', Uint8Array.of(0xa3)],
        ['implicit-2', Uint8Array.of(0x82)],
        ['null', Uint8Array.of(0x05)],
        ['oid', Uint8Array.of(0x06)],
        ['high-tag', Uint8Array.of(0x1f, 0x81, 0x00)],
        ['high-tag-long', Uint8Array.of(0x1f, 0xff, 0xff, 0xff, 0xff, 0x7f)],
        ['high-tag-truncated', Uint8Array.of(0x3f)],
        ['zero', Uint8Array.of(0)],
      ]);
      l.node.tag = tag;
      return `tag ${name}`;
    }
    case 'oid': {
      const oids = nodesWithTag(all, [0x06]);
      if (!oids.length) return mutateTree(nodes, ctx, foreign);
      const l = rng.pick(oids);
      if (rng.chance(0.7)) {
        const oid = rng.pick(OIDS);
        l.node.content = encodeOid(oid);
        return `oid ${oid.slice(0, 40)}`;
      }
      const [name, content] = rng.pick(BROKEN_OIDS);
      l.node.content = content;
      return `oid ${name}`;
    }
    case 'integer': {
      const ints = nodesWithTag(all, [0x02]);
      if (!ints.length) return mutateTree(nodes, ctx, foreign);
      const l = rng.pick(ints);
      const [name, content] = rng.pick<[string, Uint8Array]>([
        ['empty', new Uint8Array(0)],
        ['zero', Uint8Array.of(0)],
        ['minus-one', Uint8Array.of(0xff)],
        ['non-minimal', Uint8Array.of(0, 0, 1)],
        ['negative', Uint8Array.of(0x80, 1)],
        ['seven-bytes', Uint8Array.of(1, 2, 3, 4, 5, 6, 7)],
        ['one', Uint8Array.of(1)],
        ['huge', rng.bytes(rng.pick([64, 600, 5000]))],
        ['small-modulus', Uint8Array.of(0x00, 0xc5)],
      ]);
      l.node.children = undefined;
      l.node.content = content;
      return `integer ${name}`;
    }
    case 'time': {
      const times = nodesWithTag(all, [0x17, 0x18]);
      if (!times.length) return mutateTree(nodes, ctx, foreign);
      const l = rng.pick(times);
      const t = rng.pick(TIMES);
      l.node.content = new Uint8Array(Buffer.from(t, 'latin1'));
      if (rng.chance(0.3)) l.node.tag = Uint8Array.of(l.node.tag[0] === 0x17 ? 0x18 : 0x17);
      return `time ${JSON.stringify(t.slice(0, 24))}`;
    }
    case 'string': {
      const strings = nodesWithTag(all, [0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e]);
      if (!strings.length) return mutateTree(nodes, ctx, foreign);
      const l = rng.pick(strings);
      const v = rng.chance(0.1) ? 'x'.repeat(rng.pick([1000, 100_000])) : rng.pick(STRINGS);
      l.node.content = bytesOf(v);
      if (rng.chance(0.4)) l.node.tag = Uint8Array.of(rng.pick([0x0c, 0x13, 0x14, 0x16, 0x1c, 0x1e]));
      return `string tag ${l.node.tag[0]}`;
    }
    case 'bitstring': {
      const bits = nodesWithTag(all, [0x03]);
      if (!bits.length) return mutateTree(nodes, ctx, foreign);
      const l = rng.pick(bits);
      l.node.children = undefined;
      l.node.encapsulated = undefined;
      l.node.content = rng.pick([new Uint8Array(0), Uint8Array.of(8, 0xff), Uint8Array.of(0xff), Uint8Array.of(7, 0x80), Uint8Array.of(0, ...rng.bytes(20))]);
      return 'bitstring';
    }
    case 'boolean': {
      const bools = nodesWithTag(all, [0x01]);
      if (!bools.length) return mutateTree(nodes, ctx, foreign);
      rng.pick(bools).node.content = rng.pick([new Uint8Array(0), Uint8Array.of(0, 0), Uint8Array.of(1), Uint8Array.of(0)]);
      return 'boolean';
    }
    case 'remove': {
      const l = any();
      l.parent!.splice(l.index, 1);
      return 'remove';
    }
    case 'duplicate': {
      const l = any();
      const times = rng.small(500);
      for (let i = 0; i < times; i++) l.parent!.splice(l.index, 0, structuredClone(l.node));
      return `duplicate ×${times}`;
    }
    case 'swap': {
      const l = any();
      if (l.parent!.length < 2) return mutateTree(nodes, ctx, foreign);
      const j = rng.int(l.parent!.length);
      [l.parent![l.index], l.parent![j]] = [l.parent![j], l.parent![l.index]];
      return 'swap';
    }
    case 'insert': {
      const containers = all.filter((l) => l.node.children);
      const target = containers.length ? rng.pick(containers).node.children! : nodes;
      const [name, node] = rng.pick<[string, TlvNode]>([
        ['null', { tag: Uint8Array.of(0x05), content: new Uint8Array(0) }],
        ['null-with-content', { tag: Uint8Array.of(0x05), content: Uint8Array.of(0) }],
        ['context-5', { tag: Uint8Array.of(0x85), content: rng.bytes(3) }],
        ['high-tag', { tag: Uint8Array.of(0x1f, 0x81, 0x00), content: new Uint8Array(0) }],
        ['empty-sequence', { tag: Uint8Array.of(0x30), children: [] }],
        ['empty-set', { tag: Uint8Array.of(0x31), children: [] }],
        ['oid', { tag: Uint8Array.of(0x06), content: encodeOid(rng.pick(OIDS)) }],
        ['integer', { tag: Uint8Array.of(0x02), content: rng.bytes(rng.range(1, 9)) }],
      ]);
      target.splice(rng.int(target.length + 1), 0, node);
      return `insert ${name}`;
    }
    case 'wrap': {
      const l = any();
      const n = rng.pick([1, 2, 10, 65, 1000]);
      let node = l.node;
      for (let i = 0; i < n; i++) node = { tag: Uint8Array.of(0x30), children: [node] };
      l.parent![l.index] = node;
      return `wrap ×${n}`;
    }
    case 'splice-foreign': {
      const other = foreign();
      if (!other) return mutateTree(nodes, ctx, foreign);
      const candidates = flatten(other);
      const l = any();
      const same = candidates.filter((c) => c.node.tag[0] === l.node.tag[0]);
      const pick = rng.pick(same.length ? same : candidates);
      l.parent![l.index] = structuredClone(pick.node);
      return 'splice-foreign';
    }
    case 'empty': {
      const l = any();
      l.node.children = l.node.children ? [] : undefined;
      l.node.content = l.node.children ? undefined : new Uint8Array(0);
      return 'empty';
    }
  }
}

/** One DER change inside one certificate, key or CSR of the document. */
function mutateDer(text: string, ctx: MutationContext, raw: boolean): string | undefined {
  const { rng, corpus } = ctx;
  const targets = embeddings(text).filter((e) => e.pem !== undefined || e.kind === 'b64-der');
  if (!targets.length) return undefined;
  const e = rng.pick(targets);
  // Grafts come from certificates and requests only: a private number grafted into a certificate by the
  // fuzzer itself, then shown as a serial, would be a leak of the fuzzer's making.
  const donors = corpus.blocks.filter((b) => !b.label.includes('PRIVATE KEY'));
  const foreign = () => parseDer(rng.pick(donors).der);
  const change = (der: Uint8Array): Uint8Array | undefined => {
    if (raw) {
      const out = der.slice();
      const op = rng.pick(['flip', 'truncate', 'trailing', 'zero-run'] as const);
      ctx.note(op);
      if (op === 'flip') for (let i = rng.small(8); i > 0; i--) out[rng.int(out.length)] ^= 1 << rng.int(8);
      if (op === 'truncate') return out.subarray(0, rng.int(out.length));
      if (op === 'trailing') return new Uint8Array(Buffer.concat([out, rng.bytes(rng.small(64))]));
      if (op === 'zero-run') out.fill(0, rng.int(out.length), rng.int(out.length));
      return out;
    }
    const tree = parseDer(der);
    if (!tree) return undefined;
    ctx.note(mutateTree(tree, ctx, foreign));
    return serialize(tree);
  };
  if (e.kind === 'b64-der') {
    const der = change(e.bytes!);
    return der && splice(text, e.start, e.end, Buffer.from(der).toString('base64'));
  }
  const pem = e.pem!;
  const blocks = pemBlocksIn(pem).filter((b) => /^[A-Za-z0-9+/=\s]+$/.test(b.body));
  if (!blocks.length) return undefined;
  const b = rng.pick(blocks);
  ctx.note(`${e.kind} ${b.label}`);
  const der = change(new Uint8Array(Buffer.from(b.body.replace(/\s+/g, ''), 'base64')));
  if (!der) return undefined;
  const replaced = pem.slice(0, b.start) + armour(b.label, der).replace(/\n$/, '') + pem.slice(b.end);
  return splice(text, e.start, e.end, e.encode(replaced));
}

export const derMutators: Mutator[] = [
  { name: 'der-structure', level: 'der', weight: 5, apply: (text, ctx) => mutateDer(text, ctx, false) },
  { name: 'der-bytes', level: 'der', weight: 1, apply: (text, ctx) => mutateDer(text, ctx, true) },
];
