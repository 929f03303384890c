// Preloaded (node --require) into every server the benchmark starts: the benchmark never uses the
// network, so any TCP connection or DNS lookup is refused and reported on stderr, which the driver
// turns into a failed run. Unix-domain sockets and pipes are left alone.
'use strict';
const net = require('node:net');
const dns = require('node:dns');

function refused(what) {
  process.stderr.write(`[kubecert-bench] blocked network access: ${what}\n`);
  const err = new Error(`network access is disabled in the Kubecert benchmark (${what})`);
  err.code = 'ECONNREFUSED';
  return err;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const isPath = typeof first === 'string' ? !/^\d+$/.test(first) : first && typeof first === 'object' && typeof first.path === 'string';
  if (isPath) return connect.apply(this, args);
  const where = first && typeof first === 'object' ? `${first.host ?? 'localhost'}:${first.port}` : `${args[1] ?? 'localhost'}:${first}`;
  const err = refused(`connect ${where}`);
  process.nextTick(() => this.destroy(err));
  return this;
};

for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
  const original = dns[name];
  if (typeof original !== 'function') continue;
  dns[name] = function (host, ...rest) {
    const cb = rest.find((a) => typeof a === 'function');
    const err = refused(`dns.${name} ${host}`);
    if (cb) process.nextTick(() => cb(err));
    else throw err;
  };
}
if (dns.promises) {
  for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
    if (typeof dns.promises[name] === 'function')
      dns.promises[name] = async (host) => {
        throw refused(`dns.promises.${name} ${host}`);
      };
  }
}
