// Known private keys and a detector that finds any part of them in anything Kubecert produced.
// A needle is a 24-character window that encodes private bytes only (never the public modulus or point,
// which certificates legitimately show), in every form a key could be printed: the DER's base64 (and so
// every PEM body line), the base64 of the whole PEM (as in client-key-data), hex of the DER, colon hex,
// decimal and base64url of each private component.
import * as crypto from 'node:crypto';
import { generateKey, type KeyAlg, type KeyPair } from '../../support/pki';

const WINDOW = 24;

export type KeyFormat = 'pkcs1' | 'pkcs8' | 'sec1';

export interface KnownKey {
  /** e.g. "RSA-2048 PKCS#1" */
  name: string;
  pair: KeyPair;
  format: KeyFormat;
  pem: string;
  der: Buffer;
}

/** The five kinds the issue names: RSA PKCS#1 and PKCS#8, EC SEC1 and PKCS#8, Ed25519. Each a fresh key. */
export const KEY_KINDS: Array<{ alg: KeyAlg; format: KeyFormat; name: string }> = [
  { alg: { type: 'rsa', bits: 2048 }, format: 'pkcs1', name: 'RSA-2048 PKCS#1' },
  { alg: { type: 'rsa', bits: 2048 }, format: 'pkcs8', name: 'RSA-2048 PKCS#8' },
  { alg: { type: 'ec', curve: 'P-256' }, format: 'sec1', name: 'EC P-256 SEC1' },
  { alg: { type: 'ec', curve: 'P-384' }, format: 'pkcs8', name: 'EC P-384 PKCS#8' },
  { alg: { type: 'ed25519' }, format: 'pkcs8', name: 'Ed25519 PKCS#8' },
];

export function knownKey(kind: (typeof KEY_KINDS)[number], pair: KeyPair = generateKey(kind.alg)): KnownKey {
  const pem = pair.privateKey.export({ type: kind.format, format: 'pem' }) as string;
  const der = pair.privateKey.export({ type: kind.format, format: 'der' }) as Buffer;
  return { name: kind.name, pair, format: kind.format, pem, der };
}

/** The private components as unsigned big-endian bytes (RSA d, p, q, dp, dq, qi; EC and Ed25519 d). */
export function privateComponents(pair: KeyPair): Array<{ name: string; bytes: Buffer; jwk: string }> {
  const jwk = pair.privateKey.export({ format: 'jwk' }) as Record<string, string>;
  const names = pair.alg.type === 'rsa' ? ['d', 'p', 'q', 'dp', 'dq', 'qi'] : ['d'];
  return names.map((name) => ({ name, bytes: Buffer.from(jwk[name], 'base64url'), jwk: jwk[name] }));
}

/** Byte ranges of `der` that hold private components. */
function privateRanges(der: Buffer, pair: KeyPair): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const c of privateComponents(pair)) {
    const at = der.indexOf(c.bytes);
    if (at < 0) throw new Error(`private component ${c.name} not found in the DER`);
    out.push([at, at + c.bytes.length]);
  }
  return out;
}

function privateMask(length: number, ranges: Array<[number, number]>): boolean[] {
  const mask = new Array<boolean>(length).fill(false);
  for (const [a, b] of ranges) for (let i = a; i < b; i++) mask[i] = true;
  return mask;
}

/** Windows of a base64 text over `bytes` (standard alignment) whose bits all fall in private bytes. */
function base64Windows(bytes: Buffer, mask: boolean[], encode: (b: Buffer) => string): string[] {
  const text = encode(bytes);
  const out: string[] = [];
  for (let i = 0; i + WINDOW <= text.length; i++) {
    const first = Math.floor((6 * i) / 8);
    const last = Math.floor((6 * (i + WINDOW) - 1) / 8);
    let all = true;
    for (let j = first; j <= last && all; j++) all = mask[j] === true;
    if (all) out.push(text.slice(i, i + WINDOW));
  }
  return out;
}

function hexWindows(bytes: Buffer, mask: boolean[]): string[] {
  const text = bytes.toString('hex');
  const out: string[] = [];
  for (let i = 0; i + WINDOW <= text.length; i++) {
    let all = true;
    for (let j = Math.floor(i / 2); j <= Math.floor((i + WINDOW - 1) / 2) && all; j++) all = mask[j];
    if (all) out.push(text.slice(i, i + WINDOW));
  }
  return out;
}

function windows(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + WINDOW <= text.length; i++) out.push(text.slice(i, i + WINDOW));
  return out;
}

export interface Leak {
  key: string;
  form: string;
  needle: string;
  /** Some context around the hit, for the failure message. */
  context: string;
}

/** Finds any part of the registered keys in a text. Also finds text that a secret list (tokens, passwords) names. */
export class SecretDetector {
  /** Case-sensitive base64 windows → what they are. */
  private readonly exact = new Map<string, { key: string; form: string }>();
  /** Hex and decimal windows, lower case. */
  private readonly folded = new Map<string, { key: string; form: string }>();
  readonly keys: KnownKey[] = [];
  readonly secrets: Array<{ name: string; value: string }> = [];

  addKey(key: KnownKey): this {
    this.keys.push(key);
    const ranges = privateRanges(key.der, key.pair);
    const mask = privateMask(key.der.length, ranges);
    const add = (map: Map<string, { key: string; form: string }>, form: string, list: string[]): void => {
      for (const w of list) if (!map.has(w)) map.set(w, { key: key.name, form });
    };
    add(
      this.exact,
      'DER base64 (PEM body)',
      base64Windows(key.der, mask, (b) => b.toString('base64')),
    );
    add(
      this.exact,
      'DER base64url',
      base64Windows(key.der, mask, (b) => b.toString('base64url')),
    );
    add(this.folded, 'DER hex', hexWindows(key.der, mask));
    // The PEM text as bytes: a body character is private when the 6 bits it encodes are; a line break between two private characters is too.
    const pemBytes = Buffer.from(key.pem, 'latin1');
    const bodyStart = key.pem.indexOf('\n') + 1;
    const bodyEnd = key.pem.indexOf('-----END');
    const pemMask = new Array<boolean>(pemBytes.length).fill(false);
    let c = 0;
    for (let i = bodyStart; i < bodyEnd; i++) {
      if (key.pem[i] === '\n' || key.pem[i] === '=') continue;
      const first = Math.floor((6 * c) / 8);
      const last = Math.floor((6 * c + 5) / 8);
      pemMask[i] = mask[first] === true && mask[Math.min(last, mask.length - 1)] === true;
      c++;
    }
    for (let i = bodyStart; i < bodyEnd; i++) if (key.pem[i] === '\n' && pemMask[i - 1] && pemMask[i + 1]) pemMask[i] = true;
    add(
      this.exact,
      'base64 of the PEM (as in client-key-data)',
      base64Windows(pemBytes, pemMask, (b) => b.toString('base64')),
    );
    for (const component of privateComponents(key.pair)) {
      const all = new Array<boolean>(component.bytes.length).fill(true);
      add(this.folded, `hex of ${component.name}`, hexWindows(component.bytes, all));
      add(this.folded, `colon hex of ${component.name}`, windows(component.bytes.toString('hex').replace(/(..)(?!$)/g, '$1:')));
      add(this.folded, `decimal of ${component.name}`, windows(BigInt('0x' + component.bytes.toString('hex')).toString(10)));
      add(
        this.exact,
        `base64 of ${component.name}`,
        base64Windows(component.bytes, all, (b) => b.toString('base64')),
      );
      add(this.exact, `JWK ${component.name}`, windows(component.jwk));
    }
    return this;
  }

  /** A token or password: it must never appear in full, nor any 10 characters of it (a mask may show 4). */
  addSecret(name: string, value: string): this {
    this.secrets.push({ name, value });
    return this;
  }

  get needleCount(): number {
    return this.exact.size + this.folded.size;
  }

  /** The first leak in `text`, looking at it as written and with all whitespace (and JSON's \n, \r) removed. */
  find(text: string): Leak | undefined {
    for (const view of [text, text.replace(/\s+|\\[nr]/g, '')]) {
      const lower = view.toLowerCase();
      for (let i = 0; i + WINDOW <= view.length; i++) {
        const hit = this.exact.get(view.slice(i, i + WINDOW)) ?? this.folded.get(lower.slice(i, i + WINDOW));
        if (hit) return { ...hit, needle: view.slice(i, i + WINDOW), context: view.slice(Math.max(0, i - 40), i + WINDOW + 40) };
      }
    }
    for (const s of this.secrets) {
      const shown = secretShown(text, s.value);
      if (shown) return { key: s.name, form: 'secret value', needle: shown, context: contextOf(text, shown) };
    }
    return undefined;
  }

  /** The names of every key and secret any part of which is in `text`. */
  namesIn(text: string): Set<string> {
    const out = new Set<string>();
    for (const view of [text, text.replace(/\s+|\\[nr]/g, '')]) {
      const lower = view.toLowerCase();
      for (let i = 0; i + WINDOW <= view.length; i++) {
        const hit = this.exact.get(view.slice(i, i + WINDOW)) ?? this.folded.get(lower.slice(i, i + WINDOW));
        if (hit) out.add(hit.key);
      }
    }
    for (const s of this.secrets) if (secretShown(text, s.value)) out.add(s.name);
    return out;
  }

  /** Every string inside a value (JSON results, edits, logs), searched one by one and joined. */
  findIn(value: unknown): Leak | undefined {
    const strings: string[] = [];
    collectStrings(value, strings, 0);
    for (const s of strings) {
      const leak = this.find(s);
      if (leak) return leak;
    }
    return this.find(strings.join('\n'));
  }
}

function contextOf(text: string, needle: string): string {
  const i = text.indexOf(needle);
  return text.slice(Math.max(0, i - 40), i + needle.length + 40);
}

/** The part of a secret shown in `text`, if more than a mask's 4-character prefix is. */
export function secretShown(text: string, secret: string): string | undefined {
  if (text.includes(secret)) return secret;
  const size = Math.min(10, secret.length);
  for (let i = 0; i + size <= secret.length; i++) {
    const w = secret.slice(i, i + size);
    if (text.includes(w)) return w;
  }
  return undefined;
}

function collectStrings(value: unknown, out: string[], depth: number): void {
  if (depth > 50) return;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out, depth + 1);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) (out.push(k), collectStrings(v, out, depth + 1));
}

/** A distinctive secret value: `prefix` then 32 characters derived from it (no randomness, no clock). */
export function secretValue(prefix: string): string {
  return prefix + crypto.createHash('sha256').update(prefix).digest('base64url').slice(0, 32);
}
