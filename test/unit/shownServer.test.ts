// shownServer: the one function every output path uses to show a server URL. Credentials in userinfo, and
// parameters named like tokens, keys, passwords and signatures (or holding a JWT), never shown; the rest kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shownServer } from '../../server/src/core/base/url';

const CASES: Array<[string, string]> = [
  ['https://10.0.0.2:6443', 'https://10.0.0.2:6443'],
  ['https://10.0.0.2:6443/k8s/clusters/c-1?region=eu', 'https://10.0.0.2:6443/k8s/clusters/c-1?region=eu'],
  ['https://admin:pw@10.0.0.2:6443', 'https://(credentials hidden)@10.0.0.2:6443'],
  ['https://10.0.0.2:6443?token=eyJhbGciOi.x.y', 'https://10.0.0.2:6443?token=(hidden)'],
  ['https://h/?a=1&access_token=abc&b=2', 'https://h/?a=1&access_token=(hidden)&b=2'],
  [
    'https://h/?X-Amz-Signature=abc&X-Amz-Credential=AKIA%2F1&X-Amz-Date=20261121',
    'https://h/?X-Amz-Signature=(hidden)&X-Amz-Credential=(hidden)&X-Amz-Date=20261121',
  ],
  ['https://h/?sv=2024&sig=abc%3D', 'https://h/?sv=2024&sig=(hidden)'],
  ['https://h/?apiKey=1;password=2', 'https://h/?apiKey=(hidden);password=(hidden)'],
  ['https://h/#id_token=abc', 'https://h/#id_token=(hidden)'],
  ['https://h/?%74oken=abc', 'https://h/?%74oken=(hidden)'],
  ['https://h/?eyJhbGciOiJIUzI1NiJ9.e30.x', 'https://h/?(hidden)'],
  ['https://h/?q=eyJhbGciOiJIUzI1NiJ9.e30.x', 'https://h/?q=(hidden)'],
  ['10.0.0.2:6443?token=abc', '10.0.0.2:6443?token=(hidden)'],
  ['https://u:p@h/?secret=1', 'https://(credentials hidden)@h/?secret=(hidden)'],
];

test('credentials in a server URL are hidden; everything else is shown as written', () => {
  for (const [url, shown] of CASES) assert.equal(shownServer(url), shown, url);
});

test('a shown URL holds no value of a hidden parameter, whatever the separators', () => {
  const secret = 'S3CR3T-value';
  for (const name of [
    'token',
    'Token',
    'bearer_token',
    'key',
    'private-key',
    'password',
    'passwd',
    'pwd',
    'Signature',
    'sig',
    'auth',
    'credential',
    'session',
    'code',
  ])
    for (const [a, b] of [
      ['?', ''],
      ['?x=1&', ''],
      ['#', ''],
      ['?x=1;', '&y=2'],
    ])
      assert.ok(!shownServer(`https://h:1/p${a}${name}=${secret}${b}`).includes(secret), `${name} ${a}`);
});
