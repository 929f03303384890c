// Writing kubeconfig: kubectl's file choice and locks, byte-for-byte edits, atomic and refusing to damage.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadMerged } from '../../client/src/kubeconfig/load';
import { useContext, useNamespace } from '../../client/src/kubeconfig/write';

const kubectlPresent = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

function kubectl(kubeconfig: string, ...args: string[]): string {
  const r = spawnSync('kubectl', ['config', ...args], { encoding: 'utf8', env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// Servers on loopback: the kubectl here (Google Cloud SDK's dispatcher) first connects to the current context's server.
const COMMENTED = `# team kubeconfig — keep the comments!
apiVersion: v1
clusters:
- cluster:
    server: "https://127.0.0.1:16443"   # prod API
  name: prod
- cluster: {server: 'https://127.0.0.2:16443'}
  name: staging
contexts:
- context:
    cluster: prod
    user: alice
  name: prod
- &stg
  context:
    cluster: staging
    user: alice
    namespace: web
  name: staging
current-context: prod  # switched often
kind: Config
preferences: {}
users:
- name: alice
  user:
    token: not-a-real-token
`;

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kubecert-write-'));
  dirs.push(d);
  return d;
}

test('switching context changes only the value; kubectl agrees', { skip: !kubectlPresent && 'kubectl not installed' }, () => {
  const d = dir();
  const f = join(d, 'config');
  writeFileSync(f, COMMENTED, { mode: 0o640 });
  const r = useContext([f], 'staging');
  assert.ok(r.ok, !r.ok ? r.error : '');
  const after = readFileSync(f, 'utf8');
  assert.equal(after, COMMENTED.replace('current-context: prod  #', 'current-context: staging  #'));
  assert.equal(statSync(f).mode & 0o777, 0o640);
  assert.equal(kubectl(f, 'current-context'), 'staging');
  assert.deepEqual(readdirSync(d).sort(), ['config'], 'no temporary or lock file left');
});

test('CRLF line endings stay CRLF', () => {
  const d = dir();
  const f = join(d, 'config');
  const crlf = COMMENTED.replace(/\n/g, '\r\n');
  writeFileSync(f, crlf);
  assert.ok(useContext([f], 'staging').ok);
  assert.equal(readFileSync(f, 'utf8'), crlf.replace('current-context: prod  #', 'current-context: staging  #'));
});

test(
  'namespace: replaced where it exists, inserted under the context where it does not; kubectl agrees',
  { skip: !kubectlPresent && 'kubectl not installed' },
  () => {
    const d = dir();
    const f = join(d, 'config');
    writeFileSync(f, COMMENTED);
    assert.ok(useNamespace([f], 'staging', 'api').ok);
    assert.ok(useNamespace([f], 'prod', 'kube-system').ok);
    const after = readFileSync(f, 'utf8');
    assert.equal(
      after,
      COMMENTED.replace('namespace: web', 'namespace: api').replace('    cluster: prod\n', '    cluster: prod\n    namespace: kube-system\n'),
    );
    assert.equal(kubectl(f, 'view', '--minify', '-o', 'jsonpath={..namespace}'), 'kube-system');
  },
);

test(
  'KUBECONFIG list: current-context goes to the first file that sets it; the stanza to its own file',
  { skip: !kubectlPresent && 'kubectl not installed' },
  () => {
    const d = dir();
    const a = join(d, 'a');
    const b = join(d, 'b');
    writeFileSync(a, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts:\n- context: {cluster: cx, user: uy}\n  name: from-a\nusers: []\n');
    writeFileSync(b, COMMENTED);
    const list = [a, b];
    assert.ok(useContext(list, 'from-a').ok);
    assert.equal(readFileSync(a, 'utf8').includes('current-context'), false, 'a does not set it, so it is not written there');
    assert.match(readFileSync(b, 'utf8'), /current-context: from-a {2}# switched often/);
    assert.equal(kubectl(`${a}:${b}`, 'current-context'), 'from-a');
    assert.ok(useNamespace(list, 'from-a', 'ns1').ok);
    assert.match(readFileSync(a, 'utf8'), /context: \{namespace: "ns1", cluster: cx, user: uy\}/);
    assert.equal(kubectl(`${a}:${b}`, 'view', '-o', 'jsonpath={.contexts[?(@.name=="from-a")].context.namespace}'), 'ns1');
  },
);

test('KUBECONFIG list where no file sets current-context: the first existing file; a context that exists nowhere is refused, as kubectl does', () => {
  const d = dir();
  const missing = join(d, 'missing');
  const a = join(d, 'a');
  writeFileSync(a, 'apiVersion: v1\nkind: Config\ncontexts:\n- context: {cluster: c, user: u}\n  name: x\n');
  assert.ok(useContext([missing, a], 'x').ok);
  assert.match(readFileSync(a, 'utf8'), /^current-context: x$/m);
  const before = readFileSync(a, 'utf8');
  const r = useContext([missing, a], 'nowhere');
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.error, `no context named "nowhere" in ${missing}, ${a}; nothing was written`);
  assert.equal(readFileSync(a, 'utf8'), before);
  const n1 = join(d, 'n1');
  const n2 = join(d, 'n2');
  assert.equal(useContext([n1, n2], 'ctx-y').ok, false);
  assert.equal(existsSync(n1) || existsSync(n2), false, 'no file is created for a context that does not exist');
});

test('mode is kept exactly, whatever the umask (0664 stays 0664 under umask 022)', () => {
  const d = dir();
  const f = join(d, 'config');
  writeFileSync(f, COMMENTED);
  chmodSync(f, 0o664);
  const old = process.umask(0o022);
  try {
    assert.ok(useContext([f], 'staging').ok);
  } finally {
    process.umask(old);
  }
  assert.equal(statSync(f).mode & 0o777, 0o664);
});

test('a symlinked kubeconfig is written through to its target; the link stays a link', () => {
  const d = dir();
  const target = join(d, 'real-config');
  const link = join(d, 'config');
  writeFileSync(target, COMMENTED);
  symlinkSync(target, link);
  assert.ok(useContext([link], 'staging').ok);
  assert.match(readFileSync(target, 'utf8'), /current-context: staging/);
  assert.ok(statSync(link).isFile());
  assert.ok(readdirSync(d).includes('config'));
});

test('a held .lock (a running kubectl) is waited for, then reported with its path, and nothing is written', () => {
  const d = dir();
  const f = join(d, 'config');
  writeFileSync(f, COMMENTED);
  writeFileSync(`${f}.lock`, '');
  let waits = 0;
  const r = useContext([f], 'staging', { lockWaitMs: 30, at: (stage) => void (stage === 'lock-busy' && waits++) });
  assert.equal(r.ok, false);
  assert.equal(
    !r.ok && r.error,
    `${f}.lock exists: another kubectl (or Kubecert) is writing this kubeconfig; nothing was written. If none is running, delete ${f}.lock.`,
  );
  assert.ok(waits > 0, 'it waited before giving up');
  assert.equal(readFileSync(f, 'utf8'), COMMENTED);
  assert.ok(existsSync(`${f}.lock`), 'someone else’s lock is never broken');
});

test('a file that does not parse is never written; the error says where', () => {
  const d = dir();
  const f = join(d, 'config');
  const broken = COMMENTED.replace('kind: Config', 'kind: [Config');
  writeFileSync(f, broken);
  const r = useContext([f], 'staging');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error : '', /line \d+/);
  assert.equal(readFileSync(f, 'utf8'), broken);
});

test('a file changed between read and rename is edited again, not overwritten', () => {
  const d = dir();
  const f = join(d, 'config');
  writeFileSync(f, COMMENTED);
  let raced = false;
  const r = useContext([f], 'staging', {
    beforeRename: () => {
      if (raced) return;
      raced = true;
      writeFileSync(f, COMMENTED.replace('# team kubeconfig', '# edited meanwhile'));
    },
  });
  assert.ok(r.ok);
  const after = readFileSync(f, 'utf8');
  assert.match(after, /# edited meanwhile/);
  assert.match(after, /current-context: staging/);
  assert.deepEqual(readdirSync(d).sort(), ['config']);
});

test('the merged view: contexts from every file, first wins, current from the first that sets it', () => {
  const d = dir();
  const a = join(d, 'a');
  const b = join(d, 'b');
  writeFileSync(a, 'apiVersion: v1\nkind: Config\ncontexts:\n- context: {cluster: prod, user: bob}\n  name: prod\n');
  writeFileSync(b, COMMENTED);
  const m = loadMerged([a, b]);
  assert.deepEqual(
    m.contexts.map((c) => `${c.name}:${c.user}:${c.file === a ? 'a' : 'b'}`),
    ['prod:bob:a', 'staging:alice:b'],
  );
  assert.equal(m.current, 'prod');
  assert.equal(m.currentFile, b);
  assert.equal(m.contexts[0].server, 'https://127.0.0.1:16443', 'clusters merge across files too');
  assert.equal(m.contexts[1].server, 'https://127.0.0.2:16443');
});
