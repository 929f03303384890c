// The status bar's pure render: what a person reads in the item and its tooltip.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderStatus, verdictWords } from '../../client/src/statusBar';

test('the tooltip names the cluster and server, never credentials written into the server URL', () => {
  const v = renderStatus({ context: 'prod', namespace: 'web', cluster: 'prod', server: 'https://admin:s3cr3t-pw@127.0.0.1:6443', user: 'alice', health: 'ok' });
  assert.match(v.text, /prod · web/);
  assert.match(v.tooltip, /Cluster: prod \(https:\/\/\(credentials hidden\)@127\.0\.0\.1:6443\)/);
  assert.ok(!v.tooltip.includes('s3cr3t-pw'), v.tooltip);
  assert.ok(!v.tooltip.includes('admin:'), v.tooltip);
});

test("the server's verdict: error and warning colours, the reasons in words, what authenticates the user", () => {
  const error = renderStatus({
    context: 'prod',
    health: 'error',
    reasons: ['client certificate of alice: key does not match', 'CA of prod: expired 2026-11-30'],
  });
  assert.match(error.text, /\$\(error\) prod/);
  assert.equal(error.background, 'statusBarItem.errorBackground');
  assert.match(error.tooltip, /Health: error\n {2}• client certificate of alice: key does not match\n {2}• CA of prod: expired 2026-11-30/);
  const warning = renderStatus({ context: 'prod', health: 'warning', reasons: ['client certificate of alice: expires 2026-12-01'] });
  assert.match(warning.text, /\$\(warning\) prod/);
  assert.equal(warning.background, 'statusBarItem.warningBackground');
  const token = renderStatus({ context: 'prod', health: 'ok', reasons: [], auth: 'token' });
  assert.equal(token.background, undefined);
  assert.match(token.tooltip, /Health: ok\nAuthenticates with: token/);
  assert.match(renderStatus({ context: 'prod', health: 'ok', auth: 'exec plugin — not run' }).tooltip, /Authenticates with: exec plugin — not run/);
  // Information-level findings do not colour the item.
  assert.equal(renderStatus({ context: 'prod', health: 'information', reasons: ['user of alice: x'] }).background, undefined);
});

test('before the server answers, and when it is not running, the item says so instead of a verdict', () => {
  assert.match(renderStatus({ context: 'prod', health: 'unknown' }).tooltip, /Health: checking…/);
  const down = renderStatus({ context: 'prod', health: 'unknown', unknownWhy: 'unknown: the language server is not running' });
  assert.match(down.tooltip, /Health: unknown: the language server is not running/);
  assert.equal(down.background, undefined);
  assert.equal(verdictWords({ health: 'ok', reasons: [], auth: 'no credentials' }), 'healthy · authenticates with: no credentials');
  assert.equal(verdictWords({ health: 'error', reasons: ['a', 'b'] }), 'a; b');
});

test('the tooltip hides tokens, keys and signatures in the server URL query and fragment', () => {
  const v = renderStatus({ context: 'prod', cluster: 'prod', server: 'https://127.0.0.1:6443/?token=eyJtok3n&region=eu#api_key=k3y-value', health: 'ok' });
  assert.match(v.tooltip, /\(https:\/\/127\.0\.0\.1:6443\/\?token=\(hidden\)&region=eu#api_key=\(hidden\)\)/);
  assert.ok(!v.tooltip.includes('eyJtok3n') && !v.tooltip.includes('k3y-value'), v.tooltip);
});
