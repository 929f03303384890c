// Preloaded (node --require) into the built server and CLI by the security tests. Every attempt to use
// the network (net, tls, dns, http, https, http2, dgram, fetch) or to start a process (child_process)
// is appended to $KUBECERT_GUARD_LOG as one JSON line and then refused with an exception.
// KUBECERT_GUARD_LOOPBACK=1 lets TCP connections to 127.0.0.1 through (still recorded): the probe tests.
// Standalone on purpose: it loads before anything of Kubecert and imports nothing of it.
// `import x = require()`: the module objects themselves, whose functions can be replaced (not esModuleInterop's frozen copies).
import childProcess = require('node:child_process');
import dgram = require('node:dgram');
import dns = require('node:dns');
import fs = require('node:fs');
import http = require('node:http');
import http2 = require('node:http2');
import https = require('node:https');
import net = require('node:net');

const logFile = process.env.KUBECERT_GUARD_LOG;
const loopback = process.env.KUBECERT_GUARD_LOOPBACK === '1';

function record(kind: string, what: string, allowed = false): void {
  if (logFile) fs.appendFileSync(logFile, JSON.stringify({ kind, what, allowed, pid: process.pid }) + '\n');
}

function refuse(kind: string, what: string): Error {
  record(kind, what);
  const err = new Error(`the security test's guard refused ${kind}: ${what}`) as NodeJS.ErrnoException;
  err.code = 'EKUBECERTGUARD';
  return err;
}

/** Replaces a module's function (CommonJS exports are writable properties). */
function patch<T extends object>(target: T, name: string, replacement: (original: (...a: unknown[]) => unknown) => (...a: unknown[]) => unknown): void {
  const original = (target as Record<string, unknown>)[name];
  if (typeof original !== 'function') return;
  Object.defineProperty(target, name, { value: replacement(original as (...a: unknown[]) => unknown), writable: true, configurable: true });
}

// ------------------------------------------------------------------ processes: never, whatever the mode
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  patch(childProcess, name, () => (...args: unknown[]) => {
    throw refuse('child_process', `${name} ${JSON.stringify(args.filter((a) => typeof a === 'string' || Array.isArray(a)))}`);
  });
}

// ------------------------------------------------------------------ TCP (net, tls, http, https all end here)
function target(args: unknown[]): { host: string; port: unknown; path?: string } {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (first && typeof first === 'object') {
    const o = first as { host?: string; port?: unknown; path?: string };
    return { host: o.host ?? 'localhost', port: o.port, path: o.path };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { host: '', port: undefined, path: first };
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  const t = target(args);
  const what = t.path !== undefined ? `unix:${t.path}` : `${t.host}:${String(t.port)}`;
  if (loopback && t.path === undefined && (t.host === '127.0.0.1' || t.host === '::1')) {
    record('connect', what, true);
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  }
  const err = refuse('connect', what);
  process.nextTick(() => this.destroy(err));
  return this;
} as typeof net.Socket.prototype.connect;

// ------------------------------------------------------------------ the rest: refused outright
for (const [mod, label] of [
  [http, 'http'],
  [https, 'https'],
] as const) {
  for (const name of ['request', 'get']) {
    patch(mod, name, (original) => (...args: unknown[]) => {
      const url = args[0] instanceof URL || typeof args[0] === 'string' ? String(args[0]) : JSON.stringify(args[0]);
      if (loopback && /^https?:\/\/127\.0\.0\.1[:/]/.test(url)) {
        record(`${label}.${name}`, url, true);
        return original(...args);
      }
      throw refuse(`${label}.${name}`, url);
    });
  }
}
patch(http2, 'connect', () => (...args: unknown[]) => {
  throw refuse('http2.connect', String(args[0]));
});
patch(dgram, 'createSocket', () => (...args: unknown[]) => {
  throw refuse('dgram.createSocket', JSON.stringify(args[0]));
});
const DNS = [
  'lookup',
  'lookupService',
  'resolve',
  'resolve4',
  'resolve6',
  'resolveAny',
  'resolveCname',
  'resolveMx',
  'resolveNs',
  'resolveSrv',
  'resolveTxt',
  'reverse',
];
for (const name of DNS) {
  patch(dns, name, () => (...args: unknown[]) => {
    throw refuse(`dns.${name}`, String(args[0]));
  });
  patch(dns.promises, name, () => async (...args: unknown[]) => {
    throw refuse(`dns.promises.${name}`, String(args[0]));
  });
  patch(dns.Resolver.prototype, name, () => (...args: unknown[]) => {
    throw refuse(`dns.Resolver.${name}`, String(args[0]));
  });
}
if (typeof globalThis.fetch === 'function') {
  globalThis.fetch = (async (input: unknown) => {
    throw refuse('fetch', String(input));
  }) as typeof fetch;
}
