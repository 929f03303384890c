// DecodeCache: a value that did not change is never decoded again; kinds stay apart; capacity holds; texts
// built to share a fingerprint (same length, same sampled characters) still get their own results.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecodeCache } from '../../server/src/core/x509/decode';

type Decoding = Parameters<DecodeCache['get']>[2] extends () => infer D ? D : never;

function counting() {
  let calls = 0;
  const make = (tag: string) => () => {
    calls++;
    return { items: [], readable: false, problems: [{ code: 'not-a-certificate' as const, message: tag }] } as Decoding;
  };
  return { make, calls: () => calls };
}

test('a text is decoded once per kind; other kinds and texts are separate', () => {
  const cache = new DecodeCache();
  const c = counting();
  const a = cache.get('b64', 'QUJD', c.make('a'));
  assert.equal(cache.get('b64', 'QUJD', c.make('again')), a);
  assert.equal(cache.get('b64', 'QUJ' + 'D', c.make('again')), a, 'equal text built separately');
  assert.notEqual(cache.get('pem', 'QUJD', c.make('pem')), a);
  assert.notEqual(cache.get('b64', 'QUJE', c.make('other')), a);
  assert.equal(c.calls(), 3);
  assert.equal(cache.size, 3);
});

test('past capacity the oldest entry goes, and comes back decoded again on its next use', () => {
  const cache = new DecodeCache(3);
  const c = counting();
  for (const t of ['a', 'b', 'c', 'd']) cache.get('b64', t, c.make(t));
  assert.equal(cache.size, 3);
  cache.get('b64', 'd', c.make('d'));
  assert.equal(c.calls(), 4, 'd is still there');
  cache.get('b64', 'a', c.make('a'));
  assert.equal(c.calls(), 5, 'a was evicted');
});

test('500 texts made to share one fingerprint each keep their own result, and none is decoded twice', () => {
  // The fingerprint samples 32 characters at fixed fractions of the length; vary only character 1 and 2,
  // which no sample reaches in a 3,300-character text.
  const base = 'A'.repeat(3300);
  const texts = Array.from({ length: 500 }, (_, i) => base.slice(0, 1) + String.fromCharCode(0x4e00 + (i >> 4), 0x4e00 + (i & 15)) + base.slice(3));
  const cache = new DecodeCache();
  const c = counting();
  for (const t of texts) cache.get('b64', t, c.make(t.slice(1, 3)));
  for (const t of texts) assert.equal(cache.get('b64', t, c.make('again')).problems[0].message, t.slice(1, 3));
  assert.equal(c.calls(), 500);
});

test('eviction works for texts that overflowed their fingerprint bucket', () => {
  const base = 'A'.repeat(3300);
  const texts = Array.from({ length: 20 }, (_, i) => base.slice(0, 1) + String.fromCharCode(0x4e00 + i) + base.slice(2));
  const cache = new DecodeCache(10);
  const c = counting();
  for (const t of texts) cache.get('b64', t, c.make(t));
  assert.equal(cache.size, 10);
  for (const t of texts.slice(10)) cache.get('b64', t, c.make('again'));
  assert.equal(c.calls(), 20, 'the newest 10 are all still cached');
  cache.get('b64', texts[0], c.make('again'));
  assert.equal(c.calls(), 21, 'the oldest was evicted');
});
