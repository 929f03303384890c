// "Use an existing name" quick fixes offer at most MAX_NAME_CHOICES names, the closest first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestNames, MAX_NAME_CHOICES } from '../../server/src/core/ide/fixes';

test('a short list is offered whole, in file order, without blanks or repeats', () => {
  assert.deepEqual(closestNames('prod', ['dev', '', 'prod-eu', 'dev']), ['dev', 'prod-eu']);
});

test('a long list is cut to the closest names, nearest first', () => {
  const names = Array.from({ length: 5000 }, (_, i) => `user-${String(i).padStart(4, '0')}`);
  const picked = closestNames('user-4242x', names);
  assert.equal(picked.length, MAX_NAME_CHOICES);
  assert.equal(picked[0], 'user-4242');
  assert.ok(picked.every((n) => n.startsWith('user-')));
});
