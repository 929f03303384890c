// Idle work runs once the server has been left alone for its delay, and never after a change cancelled it.
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { IdleWork } from '../../server/src/lsp/idle';

test('idle work runs after the delay, once; a cancel or a new schedule before then replaces it', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const idle = new IdleWork(300);
    const ran: string[] = [];
    idle.schedule(() => ran.push('first'));
    mock.timers.tick(299);
    assert.equal(ran.length, 0);
    idle.cancel();
    mock.timers.tick(1000);
    assert.equal(ran.length, 0, 'cancelled work does not run');
    idle.schedule(() => ran.push('a'));
    mock.timers.tick(200);
    idle.schedule(() => ran.push('b'));
    mock.timers.tick(299);
    assert.equal(ran.length, 0);
    mock.timers.tick(1);
    assert.deepEqual(ran, ['b']);
    mock.timers.tick(1000);
    assert.deepEqual(ran, ['b'], 'once');
  } finally {
    mock.timers.reset();
  }
});
