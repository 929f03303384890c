// The status bar's pure render: what a person reads in the item and its tooltip.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderStatus } from '../../client/src/statusBar';
import { NOW } from '../support/fixtures';

test('the tooltip names the cluster and server, never credentials written into the server URL', () => {
  const v = renderStatus(
    { context: 'prod', namespace: 'web', cluster: 'prod', server: 'https://admin:s3cr3t-pw@127.0.0.1:6443', user: 'alice', health: 'ok' },
    NOW,
  );
  assert.match(v.text, /prod · web/);
  assert.match(v.tooltip, /Cluster: prod \(https:\/\/\(credentials hidden\)@127\.0\.0\.1:6443\)/);
  assert.ok(!v.tooltip.includes('s3cr3t-pw'), v.tooltip);
  assert.ok(!v.tooltip.includes('admin:'), v.tooltip);
});

test('the tooltip hides tokens, keys and signatures in the server URL query and fragment', () => {
  const v = renderStatus({ context: 'prod', cluster: 'prod', server: 'https://127.0.0.1:6443/?token=eyJtok3n&region=eu#api_key=k3y-value', health: 'ok' }, NOW);
  assert.match(v.tooltip, /\(https:\/\/127\.0\.0\.1:6443\/\?token=\(hidden\)&region=eu#api_key=\(hidden\)\)/);
  assert.ok(!v.tooltip.includes('eyJtok3n') && !v.tooltip.includes('k3y-value'), v.tooltip);
});

test('an expired context is shown as an error, with no background for a healthy one', () => {
  const expired = renderStatus({ context: 'prod', health: 'expired', expires: NOW - 86_400_000 }, NOW);
  assert.match(expired.text, /\$\(error\)/);
  assert.equal(renderStatus({ context: 'prod', health: 'ok' }, NOW).background, undefined);
});
