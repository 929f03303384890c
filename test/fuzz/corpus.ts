// The seeds a round mutates, the files the fuzz host serves, and the private-key material no output may show.
import { createHash, createPrivateKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Host } from '../../server/src/core';

export const ROOT = process.env.KUBECERT_ROOT ?? join(__dirname, '../../..');
export const FUZZ_DIR = join(ROOT, 'test/fuzz');
export const CORPUS_DIR = join(FUZZ_DIR, 'corpus');
export const REGRESSIONS_DIR = join(FUZZ_DIR, 'regressions');

/** The document every input pretends to be: relative file references resolve under /fuzz/. */
export const DOC_PATH = '/fuzz/doc.yaml';

export interface Seed {
  name: string;
  text: string;
}

export interface PemSample {
  label: string;
  der: Uint8Array;
}

/** Text that must never appear in what Kubecert shows: pieces of a private key, in the forms it could be shown in. */
export interface Secret {
  key: string;
  needles: string[];
}

export interface Corpus {
  seeds: Seed[];
  /** Every PEM block of every seed and host file: material for splicing. */
  blocks: PemSample[];
  host: Record<string, Uint8Array>;
  secrets: Secret[];
}

function seedFiles(dir: string, prefix: string): Seed[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .filter((name) => name !== 'host.json' && !name.endsWith('.md') && statSync(join(dir, name)).isFile())
    .map((name) => ({ name: `${prefix}${name}`, text: readFileSync(join(dir, name), 'utf8') }));
}

let cached: Corpus | undefined;

export function loadCorpus(): Corpus {
  if (cached) return cached;
  const all = [
    ...seedFiles(join(ROOT, 'test/fixtures/seed'), 'fixtures/'),
    ...seedFiles(join(ROOT, '../shared/fixtures/seed'), 'shared/'),
    ...seedFiles(CORPUS_DIR, 'corpus/'),
  ];
  // The shared fixtures are copies of the project's: the same bytes count once.
  const seen = new Set<string>();
  const seeds = all.filter((s) => {
    const h = createHash('sha256').update(s.text).digest('hex');
    if (seen.has(h)) return false;
    seen.add(h);
    return true;
  });
  if (seeds.length === 0) throw new Error(`no seeds under ${ROOT}`);
  const hostFile = join(CORPUS_DIR, 'host.json');
  const host: Record<string, Uint8Array> = {};
  if (existsSync(hostFile)) {
    for (const [path, content] of Object.entries(JSON.parse(readFileSync(hostFile, 'utf8')) as Record<string, string>))
      host[path] = new Uint8Array(Buffer.from(content, 'base64'));
  }
  const pems = [...seeds.map((s) => s.text), ...Object.values(host).map((b) => Buffer.from(b).toString('latin1'))].flatMap(pemTextsIn);
  const blocks = dedupeBlocks(pems.flatMap(blocksOf));
  cached = { seeds, blocks, host, secrets: secretsOf(blocks) };
  return cached;
}

/** The corpus in eight hex digits: a summary names it, so "seed S" means the same inputs only with the same corpus. */
export function corpusId(corpus: Corpus): string {
  const h = createHash('sha256');
  for (const s of corpus.seeds) h.update(s.name).update('\0').update(s.text).update('\0');
  for (const [path, bytes] of Object.entries(corpus.host)) h.update(path).update('\0').update(bytes);
  return `${h.digest('hex').slice(0, 8)} (${corpus.seeds.length} seeds)`;
}

/** A fake file system: the corpus's files, a folder, a file one byte over the core's limit, and nothing else. */
export function fuzzHost(corpus: Corpus): Host {
  return {
    readFile(path: string) {
      if (path === '/fuzz' || path === '/fuzz/pki' || path === '/fuzz/pki/etcd') return { error: 'it is a folder' };
      if (path === '/fuzz/pki/big.crt') return { bytes: new Uint8Array(1024 * 1024 + 1).fill(0x41) };
      const bytes = corpus.host[path];
      return bytes ? { bytes } : { error: 'no such file' };
    },
  };
}

/** PEM text found in a document: raw blocks, and base64 runs that decode to PEM. */
export function pemTextsIn(text: string): string[] {
  const out: string[] = [];
  if (text.includes('-----BEGIN ')) out.push(text.replace(/^[ \t]+/gm, '').replace(/\\n/g, '\n'));
  for (const m of text.matchAll(/[A-Za-z0-9+/]{40,}={0,2}/g)) {
    const decoded = Buffer.from(m[0], 'base64').toString('latin1');
    if (decoded.includes('-----BEGIN ')) out.push(decoded);
  }
  return out;
}

export function blocksOf(pem: string): PemSample[] {
  const out: PemSample[] = [];
  for (const m of pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g)) {
    const body = m[2].replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(body)) out.push({ label: m[1], der: new Uint8Array(Buffer.from(body, 'base64')) });
  }
  return out;
}

function dedupeBlocks(blocks: PemSample[]): PemSample[] {
  const seen = new Set<string>();
  return blocks.filter((b) => {
    const id = b.label + Buffer.from(b.der).toString('base64');
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * For each readable private key: its secret numbers (RSA d, p, q, dp, dq, qi; the EC scalar; the EdDSA seed)
 * as lower- and upper-case hex, colon-separated hex and base64, and the stretches of the key's PEM body that
 * encode nothing but those numbers (a PKCS#1 body starts with the public modulus, which certificates share).
 */
function secretsOf(blocks: PemSample[]): Secret[] {
  const secrets: Secret[] = [];
  for (const block of blocks) {
    if (!block.label.includes('PRIVATE KEY') || block.label.includes('ENCRYPTED')) continue;
    const type = block.label === 'RSA PRIVATE KEY' ? 'pkcs1' : block.label === 'EC PRIVATE KEY' ? 'sec1' : 'pkcs8';
    let jwk: Record<string, string>;
    try {
      jwk = createPrivateKey({ key: Buffer.from(block.der), format: 'der', type }).export({ format: 'jwk' }) as Record<string, string>;
    } catch {
      continue;
    }
    const der = Buffer.from(block.der);
    const body = der.toString('base64');
    const needles: string[] = [];
    for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
      const value = jwk[part];
      if (!value) continue;
      const bytes = Buffer.from(value, 'base64url');
      const middle = bytes.subarray(Math.floor(bytes.length / 2) - 8, Math.floor(bytes.length / 2) + 8);
      const hex = middle.toString('hex');
      needles.push(hex, hex.toUpperCase(), hex.toUpperCase().replace(/(..)(?!$)/g, '$1:'), hex.replace(/(..)(?!$)/g, '$1:'));
      needles.push(bytes.toString('base64').slice(8, 32));
      // 24 base64 characters encode 18 bytes that start on a 3-byte boundary of the DER: inside the number, they are the number.
      const at = der.indexOf(bytes);
      if (at < 0) continue;
      for (let s = Math.ceil(at / 3) * 3; s + 18 <= at + bytes.length; s += 48) needles.push(body.slice((s / 3) * 4, (s / 3) * 4 + 24));
    }
    secrets.push({ key: `${block.label} (${jwk.kty}${jwk.crv ? ' ' + jwk.crv : ''})`, needles: [...new Set(needles)] });
  }
  return secrets;
}

/**
 * The first secret needle shown in `shown` that the input does not itself contain. Text the document holds
 * verbatim (a key pasted into a name, a path) is the user's own writing when quoted back; what counts is
 * key material Kubecert decoded and then showed: hex of a private number, the PEM body of a base64-wrapped key.
 */
export function leakedSecret(shown: string, secrets: Secret[], input: string): { key: string; needle: string } | undefined {
  const { pattern, keys } = needlesOf(secrets);
  pattern.lastIndex = 0;
  for (let m = pattern.exec(shown); m; m = pattern.exec(shown)) {
    if (!input.includes(m[0])) return { key: keys.get(m[0])!, needle: m[0] };
    pattern.lastIndex = m.index + 1;
  }
  return undefined;
}

const searches = new WeakMap<Secret[], { pattern: RegExp; keys: Map<string, string> }>();

/** Every needle in one pattern: one pass over what is shown instead of one per needle (380 of them). */
function needlesOf(secrets: Secret[]): { pattern: RegExp; keys: Map<string, string> } {
  let search = searches.get(secrets);
  if (!search) {
    const keys = new Map(secrets.flatMap((s) => s.needles.map((n) => [n, s.key] as const)));
    const alternatives = [...keys.keys()].map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    search = { pattern: new RegExp(alternatives.length ? alternatives.join('|') : '(?!)', 'g'), keys };
    searches.set(secrets, search);
  }
  return search;
}
