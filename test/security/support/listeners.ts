// Loopback listeners that remember who came: plain TCP recorders (nobody should come) and a TLS server
// behind a recording TCP relay (the probe comes, performs a handshake, and sends nothing else).
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface Recorder {
  port: number;
  url: string;
  /** Bytes each connection sent. */
  connections: Buffer[];
  close(): Promise<void>;
}

/** Accepts and records; never answers. */
export async function recorder(scheme = 'https'): Promise<Recorder> {
  const connections: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const index = connections.push(Buffer.alloc(0)) - 1;
    sockets.add(socket);
    socket.on('data', (d: Buffer) => void (connections[index] = Buffer.concat([connections[index], d])));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface TlsConnection {
  /** Everything the client sent, raw, before and during the handshake. */
  fromClient: Buffer;
  handshake: boolean;
  peerCertificate?: object;
  bytesAfterHandshake: number;
  tlsError?: string;
  closed: Promise<void>;
}

export interface WatchedTls {
  port: number;
  url: string;
  connections: TlsConnection[];
  close(): Promise<void>;
}

/**
 * A TLS server that asks for a client certificate (and accepts none), so it can tell none was sent,
 * behind a relay that keeps every byte the client sent. TLS 1.2: the server reads the client's whole
 * handshake before it finishes its own, so a probe that closes at once is still seen completely.
 */
export async function watchedTls(certPem: string, keyPem: string): Promise<WatchedTls> {
  const connections: TlsConnection[] = [];
  const pending: TlsConnection[] = [];
  const inner = tls.createServer({ key: keyPem, cert: certPem, requestCert: true, rejectUnauthorized: false, maxVersion: 'TLSv1.2' });
  inner.on('secureConnection', (socket: tls.TLSSocket) => {
    const record = pending.shift();
    if (!record) return;
    record.handshake = true;
    record.peerCertificate = socket.getPeerCertificate();
    socket.on('data', (d: Buffer) => void (record.bytesAfterHandshake += d.length));
    socket.on('error', () => undefined);
  });
  inner.on('tlsClientError', (e: Error) => {
    const record = pending.shift();
    if (record) record.tlsError = e.message;
  });
  await new Promise<void>((resolve) => inner.listen(0, '127.0.0.1', resolve));
  const innerPort = (inner.address() as net.AddressInfo).port;

  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    let resolveClosed!: () => void;
    const record: TlsConnection = {
      fromClient: Buffer.alloc(0),
      handshake: false,
      bytesAfterHandshake: 0,
      closed: new Promise<void>((r) => (resolveClosed = r)),
    };
    connections.push(record);
    pending.push(record);
    const upstream = net.connect(innerPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (d: Buffer) => {
      record.fromClient = Buffer.concat([record.fromClient, d]);
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => void client.write(d));
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    for (const s of [client, upstream]) {
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        if (s === client) upstream.destroy();
        if (!sockets.has(client) && !sockets.has(upstream)) resolveClosed();
      });
    }
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const port = (relay.address() as net.AddressInfo).port;
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
      await new Promise<void>((resolve) => inner.close(() => resolve()));
    },
  };
}
