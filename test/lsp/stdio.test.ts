// The built server as editors run it: a separate process over stdio (needs `npm run build` first).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { NODE_FLAGS } from '../../shared/nodeFlags';
import { pki } from '../support/fixtures';
import { LspClient } from '../support/lspClient';
import { b64 } from '../support/pki';

const root = process.env.KUBECERT_ROOT ?? join(__dirname, '../../..');
const seedPath = join(root, 'test/fixtures/seed/admin.kubeconfig');
const INIT = { now: '2026-11-21T00:00:00Z' };

function spawnServer(script: string): LspClient {
  const path = join(root, script);
  assert.ok(existsSync(join(root, 'dist/server.js')), 'dist/server.js is missing: run `npm run build` first');
  return LspClient.spawn(process.execPath, [path, '--stdio'], { ...process.env, NODE_OPTIONS: '' });
}

/** shutdown, exit, and the exit code of the process (fails if it does not exit within 5 s). */
async function shutdownAndExit(client: LspClient): Promise<number | null> {
  const child = client.child!;
  const exited = new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the server did not exit within 5 s of shutdown/exit'));
    }, 5000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  const result = await client.connection.sendRequest('shutdown');
  assert.equal(result, null, 'shutdown answers null');
  void client.connection.sendNotification('exit');
  const code = await exited;
  client.connection.dispose();
  return code;
}

for (const script of ['dist/server.js', 'bin/kubecert-language-server.js']) {
  describe(`node ${script} --stdio`, () => {
    test('initialize, diagnostics and hover of the seed kubeconfig, clean exit with code 0', async () => {
      const client = spawnServer(script);
      try {
        const init = await client.initialize(INIT);
        const info = init.serverInfo as { name: string } | undefined;
        assert.equal(info?.name, 'kubecert-language-server');
        const caps = init.capabilities as Record<string, unknown>;
        assert.equal(caps.hoverProvider, true);
        assert.equal(caps.diagnosticProvider, undefined, 'no pull diagnostics for a client that does not ask');

        const uri = pathToFileURL(seedPath).toString();
        const diags = await client.open(uri, readFileSync(seedPath, 'utf8'));
        const byCode = new Map(diags.map((d) => [d.code, d]));
        assert.deepEqual([...byCode.keys()].sort(), ['cert-expired', 'chain-untrusted', 'superuser-group']);
        assert.equal(byCode.get('cert-expired')!.range.start.line, 3);
        assert.equal(byCode.get('superuser-group')!.range.start.line, 18);
        assert.equal(byCode.get('chain-untrusted')!.range.start.line, 18);

        const hover = await client.hover(uri, { line: 18, character: 40 });
        assert.ok(hover);
        assert.match(hover.contents.value, /User: `admin`/);
        assert.match(hover.contents.value, /Groups: `system:masters`/);
        assert.match(hover.contents.value, /Superuser/);
        assert.match(hover.contents.value, /expires in 1 year/, 'judged at initializationOptions.now, not the wall clock');
      } catch (e) {
        client.child?.kill('SIGKILL');
        throw e;
      }
      assert.equal(await shutdownAndExit(client), 0);
    });
  });
}

/** The processes node started for this one: the relay's children. */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('node dist/server.js --stdio without the heap flags', () => {
  test('runs the server in a child started with every flag of shared/nodeFlags.ts, which ends when the relay is killed', async () => {
    const client = spawnServer('dist/server.js');
    const relay = client.child!.pid!;
    let server: number | undefined;
    try {
      await client.initialize(INIT);
      const children = childrenOf(relay);
      assert.equal(children.length, 1, 'one child: the server');
      server = children[0];
      const argv = readFileSync(`/proc/${server}/cmdline`, 'utf8').split('\0');
      for (const flag of NODE_FLAGS) assert.ok(argv.includes(flag), `the server runs without ${flag}: ${argv.join(' ')}`);
      assert.ok(argv.includes('--stdio') && argv.some((a) => a.endsWith('dist/server.js')), argv.join(' '));
      assert.equal(childrenOf(server).length, 0, 'the server itself relaunches nothing');
      const uri = pathToFileURL(seedPath).toString();
      const diags = await client.open(uri, readFileSync(seedPath, 'utf8'));
      assert.ok(
        diags.some((d) => d.code === 'cert-expired'),
        'and serves through the relay',
      );
    } finally {
      client.child!.kill('SIGKILL');
    }
    for (let i = 0; i < 100 && alive(server); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(server), false, 'the server outlived its relay by 5 s');
  });

  test('started with the flags, it serves in that process', async () => {
    const client = LspClient.spawn(process.execPath, [...NODE_FLAGS, join(root, 'dist/server.js'), '--stdio'], { ...process.env, NODE_OPTIONS: '' });
    try {
      await client.initialize(INIT);
      assert.deepEqual(childrenOf(client.child!.pid!), []);
    } catch (e) {
      client.child?.kill('SIGKILL');
      throw e;
    }
    assert.equal(await shutdownAndExit(client), 0);
  });
});

describe('nothing in a kubeconfig is ever run', () => {
  test('a user with exec: open, hover, lens, outline, actions — the command never runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubecert-exec-'));
    const marker = join(dir, 'marker');
    try {
      const P = pki();
      const text = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64(P.ca.pem)}
    server: https://192.0.2.10:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: sso
  name: dev
current-context: dev
kind: Config
users:
- name: sso
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: sh
      args: ['-c', 'touch ${marker}']
      interactiveMode: Never
`;
      const configPath = join(dir, 'config');
      writeFileSync(configPath, text);
      const client = spawnServer('dist/server.js');
      try {
        await client.initialize(INIT);
        const uri = pathToFileURL(configPath).toString();
        const diags = await client.open(uri, text);
        assert.deepEqual(
          diags.map((d) => d.code),
          [],
        );
        for (const position of [
          { line: 14, character: 9 }, // users[sso].name
          { line: 9, character: 11 }, // context's user reference
          { line: 10, character: 9 }, // context name
          { line: 18, character: 16 }, // command: sh
          { line: 19, character: 20 }, // args
        ]) {
          await client.hover(uri, position);
          await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [] } });
        }
        const userHover = await client.hover(uri, { line: 14, character: 9 });
        assert.match(userHover!.contents.value, /exec \(never run or shown by Kubecert\)/);
        await client.request('textDocument/codeLens', { textDocument: { uri } });
        await client.request('textDocument/documentSymbol', { textDocument: { uri } });
        await client.request('kubecert/decodedCertificate', { uri, position: { line: 3, character: 40 } });
      } catch (e) {
        client.child?.kill('SIGKILL');
        throw e;
      }
      assert.equal(await shutdownAndExit(client), 0);
      // After the process is gone: nothing it started can still create the file.
      assert.equal(existsSync(marker), false, 'the exec command was run');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
