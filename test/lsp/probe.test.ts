// The TLS probe against a local server: the kubecert/probe request, probeServer itself and `kubecert check --probe`.
// The server asks for a client certificate (and accepts none) so it can tell that none was sent, and counts every byte
// after the handshake. Only 127.0.0.1 is ever contacted: every socket connect in this process is recorded and checked.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tls from 'node:tls';
import { pathToFileURL } from 'node:url';
import { main } from '../../server/src/cli';
import { probeServer } from '../../server/src/probe';
import { NOW, pki } from '../support/fixtures';
import { LspClient } from '../support/lspClient';
import { b64, type BuiltCert } from '../support/pki';

// ------------------------------------------------------------------ every connect in this process

const contacted: Array<{ host: string; port: unknown }> = [];
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  // Node passes its normalized [options, callback] array internally; callers pass (options, cb) or (port, host, cb).
  const first = args[0];
  const options = (Array.isArray(first) ? first[0] : typeof first === 'object' && first !== null ? first : { port: first, host: args[1] }) as {
    host?: string;
    port?: unknown;
    path?: string;
  };
  contacted.push({ host: options.path ? `unix:${options.path}` : typeof options.host === 'string' ? options.host : 'localhost', port: options.port });
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;

after(() => {
  net.Socket.prototype.connect = originalConnect;
  assert.ok(contacted.length > 0, 'the probes connected');
  assert.deepEqual([...new Set(contacted.map((c) => c.host))], ['127.0.0.1'], `only 127.0.0.1 contacted: ${JSON.stringify(contacted)}`);
});

// ------------------------------------------------------------------ a TLS server that watches its clients

interface Connection {
  handshake: boolean;
  peerCertificate?: object;
  bytesAfterHandshake: number;
  tlsError?: string;
  closed: Promise<void>;
}

interface Watched {
  port: number;
  connections: Connection[];
  close(): Promise<void>;
}

const P = pki();

/**
 * TLS 1.2 by default: there the server has read the client's Certificate and Finished before it sends its own
 * Finished, so it sees the whole handshake even though the probe closes the socket the moment it completes.
 * (With TLS 1.3 the client's last flight can be cut off by that close: the server then reports a hang-up.)
 */
async function tlsServer(cert: BuiltCert, chain: BuiltCert[] = [], maxVersion: tls.SecureVersion = 'TLSv1.2'): Promise<Watched> {
  const connections: Connection[] = [];
  const server = tls.createServer({
    key: P.adminKeyPem, // leaves from pki() share rsa slot 3
    cert: [cert, ...chain].map((c) => c.pem).join(''),
    requestCert: true,
    rejectUnauthorized: false,
    maxVersion,
  });
  const byRaw = new Map<net.Socket, Connection>();
  server.on('connection', (raw: net.Socket) => {
    let resolveClosed!: () => void;
    const record: Connection = { handshake: false, bytesAfterHandshake: 0, closed: new Promise<void>((r) => (resolveClosed = r)) };
    raw.once('close', () => resolveClosed());
    connections.push(record);
    byRaw.set(raw, record);
  });
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    const record = connections[connections.length - 1];
    record.handshake = true;
    record.peerCertificate = socket.getPeerCertificate();
    socket.on('data', (d: Buffer) => (record.bytesAfterHandshake += d.length));
    socket.on('error', () => undefined);
  });
  server.on('tlsClientError', (e: Error) => {
    const record = connections[connections.length - 1];
    if (record) record.tlsError = e.message;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** After a probe: exactly one connection, a full handshake, no client certificate, not one byte after it. */
async function assertOnlyHandshake(server: Watched, from: number): Promise<void> {
  const mine = server.connections.slice(from);
  assert.equal(mine.length, 1, 'one connection per probe');
  await mine[0].closed;
  assert.equal(mine[0].tlsError, undefined);
  assert.ok(mine[0].handshake, 'the handshake completed');
  assert.deepEqual(mine[0].peerCertificate, {}, 'the client sent no certificate');
  assert.equal(mine[0].bytesAfterHandshake, 0, 'nothing but the handshake arrived');
}

const serving = (sans: string[], issuer = P.ca): BuiltCert =>
  P.leaf('CN=kube-apiserver', issuer, { extKeyUsage: ['serverAuth'], keyUsage: ['digitalSignature', 'keyEncipherment'], sans });

function kubeconfig(server: string, caPem: string): string {
  return `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64(caPem)}
    server: ${server}
  name: local
contexts:
- context:
    cluster: local
    user: admin
  name: local
current-context: local
kind: Config
users:
- name: admin
  user:
    client-certificate-data: ${b64(P.admin.pem)}
    client-key-data: ${b64(P.adminKeyPem)}
    token: not-to-be-sent
`;
}
const SERVER_LINE = 4; // 0-based line of `server:` in kubeconfig()

// ------------------------------------------------------------------ servers

let good: Watched;
let noIp: Watched;
let dir: string;

before(async () => {
  good = await tlsServer(serving(['DNS:localhost', 'IP:127.0.0.1']), [P.ca]);
  noIp = await tlsServer(serving(['DNS:kubernetes.default.svc']));
  dir = mkdtempSync(join(tmpdir(), 'kubecert-probe-'));
});
after(async () => {
  await good.close();
  await noIp.close();
  rmSync(dir, { recursive: true, force: true });
});

// ------------------------------------------------------------------ kubecert/probe

interface ProbeResult {
  server: string;
  ok: boolean;
  error?: string;
  summary: string[];
}

describe('kubecert/probe (in-process server)', () => {
  let client: LspClient;
  let serial = 0;
  before(async () => {
    client = LspClient.inProcess({ clock: () => NOW });
    await client.connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions: {} });
    void client.connection.sendNotification('initialized', {});
  });
  after(async () => {
    // shutdown without exit: the in-process server's exit handler would end this process.
    await client.connection.sendRequest('shutdown');
    client.connection.dispose();
  });

  async function probe(text: string, cluster = 'local'): Promise<ProbeResult> {
    const uri = pathToFileURL(join(dir, `probe-${++serial}.yaml`)).toString();
    await client.open(uri, text);
    return client.request<ProbeResult>('kubecert/probe', { uri, cluster });
  }

  test('the right CA and a certificate for 127.0.0.1: ok', async () => {
    const from = good.connections.length;
    const r = await probe(kubeconfig(`https://127.0.0.1:${good.port}`, P.ca.pem));
    assert.equal(r.error, undefined);
    assert.equal(r.ok, true, r.summary.join('\n'));
    assert.equal(r.server, `https://127.0.0.1:${good.port}`);
    assert.ok(r.summary.includes('Serving certificate: CN=kube-apiserver'), r.summary.join('\n'));
    assert.ok(r.summary.includes('Issuer: CN=kubernetes'));
    assert.ok(r.summary.includes('Names: DNS:localhost, IP:127.0.0.1'));
    assert.ok(!r.summary.some((l) => /^[a-z-]+: /.test(l) && !/^(Issuer|Names)/.test(l)), 'no findings');
    await assertOnlyHandshake(good, from);
  });

  test('another CA: chain-untrusted', async () => {
    const from = good.connections.length;
    const r = await probe(kubeconfig(`https://127.0.0.1:${good.port}`, P.otherCa.pem));
    assert.equal(r.ok, false);
    assert.ok(
      r.summary.some((l) => l.startsWith('chain-untrusted: ')),
      r.summary.join('\n'),
    );
    assert.ok(!r.summary.some((l) => l.startsWith('san-mismatch: ')));
    await assertOnlyHandshake(good, from);
  });

  test('a certificate without IP:127.0.0.1: san-mismatch', async () => {
    const from = noIp.connections.length;
    const r = await probe(kubeconfig(`https://127.0.0.1:${noIp.port}`, P.ca.pem));
    assert.equal(r.ok, false);
    const line = r.summary.find((l) => l.startsWith('san-mismatch: '));
    assert.ok(line, r.summary.join('\n'));
    assert.match(line, /DNS:kubernetes\.default\.svc/);
    assert.match(line, /"127\.0\.0\.1"/);
    await assertOnlyHandshake(noIp, from);
  });

  test('an http:// server is refused without connecting', async () => {
    const before = contacted.length;
    const fromGood = good.connections.length;
    const r = await probe(kubeconfig(`http://127.0.0.1:${good.port}`, P.ca.pem));
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /only https:\/\/ servers are probed/);
    assert.deepEqual(r.summary, []);
    assert.equal(contacted.length, before, 'no socket was opened');
    assert.equal(good.connections.length, fromGood);
  });

  test('a cluster the document does not have', async () => {
    const before = contacted.length;
    const r = await probe(kubeconfig(`https://127.0.0.1:${good.port}`, P.ca.pem), 'elsewhere');
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /no cluster "elsewhere"/);
    assert.equal(contacted.length, before);
  });
});

// ------------------------------------------------------------------ probeServer

describe('probeServer', () => {
  test('reads the served chain, sends nothing else', async () => {
    const from = good.connections.length;
    const r = await probeServer({ url: `https://127.0.0.1:${good.port}/` });
    assert.ok('certificates' in r, JSON.stringify(r));
    assert.equal(r.certificates[0].subject.text, 'CN=kube-apiserver');
    assert.deepEqual(r.certificates[0].sans, ['DNS:localhost', 'IP:127.0.0.1']);
    assert.ok(
      r.certificates.some((c) => c.subject.text === 'CN=kubernetes'),
      'the CA the server sent along',
    );
    await assertOnlyHandshake(good, from);
  });

  test('a TLS 1.3 server: the chain is read, no application data is sent', async () => {
    const modern = await tlsServer(serving(['IP:127.0.0.1']), [], 'TLSv1.3');
    try {
      const r = await probeServer({ url: `https://127.0.0.1:${modern.port}` });
      assert.ok('certificates' in r, JSON.stringify(r));
      assert.deepEqual(r.certificates[0].sans, ['IP:127.0.0.1']);
      assert.equal(modern.connections.length, 1);
      await modern.connections[0].closed;
      assert.equal(modern.connections[0].bytesAfterHandshake, 0);
      if (modern.connections[0].handshake) assert.deepEqual(modern.connections[0].peerCertificate, {});
    } finally {
      await modern.close();
    }
  });

  test('a closed port is an error, not a hang', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await probeServer({ url: `https://127.0.0.1:${port}` });
    assert.ok('error' in r);
    assert.match(r.error, /ECONNREFUSED/);
  });

  test('a server that never answers the handshake times out', async () => {
    // Reads (and ignores) the ClientHello, never answers; reading lets it see the probe hang up.
    const silent = net.createServer((socket) => void socket.on('error', () => undefined).resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const r = await probeServer({ url: `https://127.0.0.1:${port}`, timeoutMs: 200 });
      assert.ok('error' in r);
      assert.match(r.error, /no TLS handshake within 0\.2 s/);
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('not https, or not a URL: refused without connecting', async () => {
    const before = contacted.length;
    const plain = await probeServer({ url: `http://127.0.0.1:${good.port}` });
    assert.ok('error' in plain);
    assert.match(plain.error, /only https:\/\//);
    const junk = await probeServer({ url: 'not a url' });
    assert.ok('error' in junk);
    assert.match(junk.error, /is not a URL/);
    assert.equal(contacted.length, before);
  });
});

// ------------------------------------------------------------------ kubecert check --probe

describe('kubecert check --probe', () => {
  async function check(text: string, name: string): Promise<{ code: number; out: string; err: string }> {
    writeFileSync(join(dir, name), text);
    let out = '';
    let err = '';
    const code = await main({
      argv: ['check', name, '--probe', '--now', '2026-11-21T00:00:00Z', '--no-color'],
      env: {},
      stdout: (s) => void (out += s),
      stderr: (s) => void (err += s),
      isTTY: false,
      cwd: dir,
      clock: () => {
        throw new Error('the CLI read the clock despite --now');
      },
    });
    return { code, out, err };
  }

  test('san-mismatch reported at the server line', async () => {
    const from = noIp.connections.length;
    const r = await check(kubeconfig(`https://127.0.0.1:${noIp.port}`, P.ca.pem), 'san.yaml');
    assert.match(r.err, new RegExp(`probing https://127\\.0\\.0\\.1:${noIp.port} \\(TLS handshake only, no credentials\\)`));
    const line = r.out.split('\n').find((l) => l.includes(' san-mismatch '));
    assert.ok(line, r.out);
    assert.match(line, new RegExp(`^san\\.yaml:${SERVER_LINE + 1}:\\d+ error san-mismatch `));
    assert.equal(r.code, 1, 'an error finding: exit status 1');
    await assertOnlyHandshake(noIp, from);
  });

  test('chain-untrusted reported at the server line', async () => {
    const from = good.connections.length;
    const r = await check(kubeconfig(`https://127.0.0.1:${good.port}`, P.otherCa.pem), 'chain.yaml');
    const lines = r.out.split('\n').filter((l) => / (error|warning) /.test(l));
    const untrusted = lines.find((l) => l.includes(' chain-untrusted ') && l.startsWith(`chain.yaml:${SERVER_LINE + 1}:`));
    assert.ok(untrusted, r.out);
    assert.match(untrusted, / warning chain-untrusted The server's certificate CN=kube-apiserver/);
    assert.ok(!r.out.includes('san-mismatch'));
    await assertOnlyHandshake(good, from);
  });

  test('a good server: no probe finding, exit status 0', async () => {
    const r = await check(kubeconfig(`https://127.0.0.1:${good.port}`, P.ca.pem), 'good.yaml');
    assert.ok(!/san-mismatch|chain-untrusted|probe-failed/.test(r.out), r.out);
    assert.equal(r.code, 0, r.out);
  });
});
