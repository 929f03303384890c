// FieldMap (an entry's fields by key) reads as the Map it replaced, on handfuls of fields and on thousands, repeated
// keys included; exact() keeps items and order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exact } from '../../server/src/core/base/exact';
import { FieldMap, type Field } from '../../server/src/core/model/kubeconfig';
import { Random } from '../fuzz/random';

const field = (key: string, value: string): Field => ({
  key,
  value,
  isScalar: true,
  span: { start: 0, end: 0 },
  keySpan: { start: 0, end: 0 },
  pairSpan: { start: 0, end: 0 },
  style: 'plain',
});

test('FieldMap answers get, has, size, values and iteration as a Map filled with set() in the same order', () => {
  const random = new Random(11);
  for (let round = 0; round < 400; round++) {
    // Small entries (the common case, a scan) and large ones (past 8: an index), with repeated keys.
    const n = round % 4 === 0 ? random.int(3000) : random.int(12);
    const keys = Array.from({ length: 6 + (n >> 2) }, (_, i) => `k${i}`);
    const fields = Array.from({ length: n }, (_, i) => field(keys[random.int(keys.length)], `v${i}`));
    const map = new Map<string, Field>();
    for (const f of fields) map.set(f.key, f);
    const ours = new FieldMap(fields);
    assert.equal(ours.size, map.size);
    assert.deepEqual([...ours.values()], [...map.values()], 'the last field of a repeated key, at its first place');
    assert.deepEqual([...ours], [...map]);
    for (const k of [...keys, 'absent']) {
      assert.equal(ours.get(k), map.get(k), k);
      assert.equal(ours.has(k), map.has(k), k);
    }
    const moved = ours.map((f) => ({ ...f, value: f.value + '!' }));
    assert.deepEqual(
      [...moved.values()].map((f) => f.value),
      [...map.values()].map((f) => f.value + '!'),
    );
  }
});

test('exact() keeps the items in order; every empty result is one frozen array that nothing can add to', () => {
  const grown: number[] = [];
  for (let i = 0; i < 5; i++) grown.push(i);
  assert.deepEqual(exact(grown), [0, 1, 2, 3, 4]);
  assert.notEqual(exact(grown), grown);
  const a = exact<number>([]);
  assert.equal(a, exact<string>([]) as unknown);
  assert.ok(Object.isFrozen(a));
  assert.throws(() => a.push(1), TypeError);
});
