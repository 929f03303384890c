// One change Go's crypto/x509 or OpenSSL refuses, inside an otherwise valid certificate (every other byte as it was):
// times with a field out of range, EC points off the curve, at infinity, compressed or short, an extension repeated,
// a negative path length or serial. And credentials in a server URL (userinfo, a token, a signature in the query).
import { armour, embeddings, pemBlocksIn } from '../embedded';
import { splice, type MutationContext, type Mutator } from '../mutation';
import { encodeOid, parseDer, serialize, type TlvNode } from './der';

const BAD_TIMES: Array<[number, string]> = [
  [0x18, '20351301246161Z'],
  [0x17, '251301000000Z'],
  [0x17, '250101240000Z'],
  [0x17, '250132000000Z'],
  [0x17, '250230000000Z'],
  [0x17, '250101006000Z'],
  [0x17, '250101000060Z'],
  [0x18, '00000101000000Z'],
  [0x18, '20250101000000.5Z'],
  [0x18, '202501010000Z'],
];

const tagOf = (n: TlvNode): number => n.tag[0];

/** The parts of a certificate's TBSCertificate, by role, or undefined when the DER is not shaped like one. */
function partsOf(tree: TlvNode[]): { tbs: TlvNode[]; serial: TlvNode; validity: TlvNode; spki: TlvNode; extensions?: TlvNode[] } | undefined {
  const tbs = tree[0]?.children?.[0]?.children;
  if (!tbs) return undefined;
  const i = tagOf(tbs[0]) === 0xa0 ? 1 : 0;
  const [serial, , , validity, , spki] = tbs.slice(i);
  if (!serial || tagOf(serial) !== 0x02 || !validity?.children || !spki?.children) return undefined;
  const extensions = tbs.find((t) => tagOf(t) === 0xa3)?.children?.[0]?.children;
  return { tbs, serial, validity, spki, extensions };
}

function mutateCertificate(tree: TlvNode[], ctx: MutationContext): string | undefined {
  const { rng } = ctx;
  const parts = partsOf(tree);
  if (!parts) return undefined;
  const op = rng.pick(['time', 'ec-point', 'duplicate-extension', 'negative-path-length', 'negative-serial'] as const);
  switch (op) {
    case 'time': {
      const [tag, text] = rng.pick(BAD_TIMES);
      const at = rng.int(2);
      parts.validity.children![at] = { tag: Uint8Array.of(tag), content: new Uint8Array(Buffer.from(text, 'latin1')) };
      return `${at ? 'notAfter' : 'notBefore'} ${text}`;
    }
    case 'ec-point': {
      const key = parts.spki.children![1];
      const point = key?.content;
      if (!point || point.length < 3 || point[1] !== 0x04) return undefined;
      const size = (point.length - 2) / 2;
      const variant = rng.pick(['off-curve', 'infinity', 'short', 'compressed', 'x-too-large'] as const);
      const body = point.slice(1);
      let out: Uint8Array = body;
      if (variant === 'off-curve') out[out.length - 1] ^= 1 << rng.int(8);
      if (variant === 'infinity') out = Uint8Array.of(0);
      if (variant === 'short') out = Uint8Array.of(4, 1, 2);
      if (variant === 'compressed') out = Uint8Array.of(2 + (body[body.length - 1] & 1), ...body.subarray(1, 1 + size));
      if (variant === 'x-too-large') out.fill(0xff, 1, 1 + size);
      key.content = Uint8Array.of(0, ...out);
      return `EC point ${variant}`;
    }
    case 'duplicate-extension': {
      const list = parts.extensions;
      if (!list?.length) return undefined;
      const i = rng.int(list.length);
      const times = rng.pick([1, 2, 50, 5000]);
      for (let k = 0; k < times; k++) list.splice(i, 0, structuredClone(list[i]));
      return `extension ${i} ×${times + 1}`;
    }
    case 'negative-path-length': {
      const value: TlvNode = {
        tag: Uint8Array.of(0x04),
        encapsulated: 'octet',
        children: [
          {
            tag: Uint8Array.of(0x30),
            children: [
              { tag: Uint8Array.of(0x01), content: Uint8Array.of(0xff) },
              { tag: Uint8Array.of(0x02), content: Uint8Array.of(0xfb) },
            ],
          },
        ],
      };
      const ext: TlvNode = { tag: Uint8Array.of(0x30), children: [{ tag: Uint8Array.of(0x06), content: encodeOid('2.5.29.19') }, value] };
      if (parts.extensions) parts.extensions.push(ext);
      else parts.tbs.push({ tag: Uint8Array.of(0xa3), children: [{ tag: Uint8Array.of(0x30), children: [ext] }] });
      return 'basicConstraints pathLen -5';
    }
    case 'negative-serial': {
      parts.serial.content = Uint8Array.of(0x80 | rng.int(128), ...rng.bytes(rng.pick([0, 1, 7, 19])));
      return 'negative serial';
    }
  }
}

const URL_CREDENTIALS = [
  (url: string) => url.replace('://', '://admin:fuzz-password@'),
  (url: string) => `${url}?token=eyJhbGciOiJub25lIn0.fuzz-token`,
  (url: string) => `${url}/?X-Amz-Signature=fuzz-signature&X-Amz-Credential=AKIA%2Ffuzz`,
  (url: string) => `${url}#access_token=fuzz-fragment-token`,
  (url: string) => `${url};sig=fuzz-sig?api_key=fuzz-key&x=1`,
];

export const strictMutators: Mutator[] = [
  {
    name: 'der-refused',
    level: 'der',
    weight: 2,
    apply(text, ctx) {
      const targets = embeddings(text).filter((e) => e.pem?.includes('-----BEGIN CERTIFICATE-----'));
      if (!targets.length) return undefined;
      const e = ctx.rng.pick(targets);
      const blocks = pemBlocksIn(e.pem!).filter((b) => b.label === 'CERTIFICATE' && /^[A-Za-z0-9+/=\s]+$/.test(b.body));
      if (!blocks.length) return undefined;
      const b = ctx.rng.pick(blocks);
      const tree = parseDer(new Uint8Array(Buffer.from(b.body.replace(/\s+/g, ''), 'base64')));
      const done = tree && mutateCertificate(tree, ctx);
      if (!tree || !done) return undefined;
      ctx.note(done);
      const pem = e.pem!.slice(0, b.start) + armour('CERTIFICATE', serialize(tree)).replace(/\n$/, '') + e.pem!.slice(b.end);
      return splice(text, e.start, e.end, e.encode(pem));
    },
  },
  {
    name: 'yaml-url-credentials',
    level: 'yaml',
    weight: 1,
    apply(text, ctx) {
      const servers = [...text.matchAll(/(["']?server["']?\s*:\s*["']?)(https?:\/\/[^\s"',}]+)/g)];
      if (!servers.length) return undefined;
      const m = ctx.rng.pick(servers);
      const url = m[2];
      const start = m.index! + m[1].length;
      const changed = ctx.rng.pick(URL_CREDENTIALS)(url);
      ctx.note(changed.slice(url.length - 10, url.length + 40));
      return splice(text, start, start + url.length, changed);
    },
  },
];
