// `kubecert serve`: scans again on an interval and on file changes, and serves the last complete scan as metrics.
// Answers GET/HEAD /metrics and /healthz only; a request path is never looked up on disk.
import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTENT_TYPE, formatMetrics, type MetricsFormat } from './formatOpenMetrics';
import type { Scan } from './scan';

export const DEFAULT_LISTEN = '127.0.0.1:9793';
export const DEFAULT_INTERVAL = 5 * 60_000;

export interface ServeOptions {
  /** One complete scan; the exporter serves the last one that finished. */
  scan: () => Promise<Scan>;
  listen: { host: string; port: number };
  /** Milliseconds between scans. */
  interval: number;
  /** Paths on disk whose changes start a scan (folders are watched recursively). */
  watch: string[];
  version: string;
  log: (line: string) => void;
  /** For the log only: when each scan ran. */
  clock: () => number;
}

export interface Exporter {
  /** Where it listens (the port chosen when 0 was asked for). */
  address: { host: string; port: number };
  /** Starts a scan now, or returns the one under way. */
  rescan(): Promise<void>;
  /** Stops scanning and watching, answers the requests in flight, closes the listener. */
  close(): Promise<void>;
}

/** host:port, [v6]:port; port 0 picks a free one. */
export function parseListen(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[3]);
  return port <= 65535 ? { host: m[1] ?? m[2], port } : undefined;
}

/** Go-style durations: 90s, 5m, 1h30m, 500ms. */
export function parseDuration(text: string): number | undefined {
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]];
  return total;
}

/** Prometheus asks for OpenMetrics in Accept; anything else gets the classic text format. */
export function negotiate(accept: string | undefined): MetricsFormat {
  return /application\/openmetrics-text/i.test(accept ?? '') ? 'openmetrics' : 'prometheus';
}

export async function serve(options: ServeOptions): Promise<Exporter> {
  let rendered: Record<MetricsFormat, string> | undefined;
  let last: Scan | undefined;
  let readErrors = 0;
  let failedScans = 0;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const render = (): void => {
    if (!last) return;
    const counters = { readErrors, failedScans };
    rendered = {
      openmetrics: formatMetrics(last, 'openmetrics', options.version, counters),
      prometheus: formatMetrics(last, 'prometheus', options.version, counters),
    };
  };

  const scanOnce = async (): Promise<void> => {
    const started = options.clock();
    try {
      const scan = await options.scan();
      readErrors += scan.readErrors.length;
      last = scan;
      const count = (s: string) => scan.files.reduce((n, f) => n + f.report.findings.filter((x) => x.severity === s).length, 0);
      const certificates = scan.files.reduce((n, f) => n + f.certificates.length, 0);
      options.log(
        `${new Date(started).toISOString()} scan: ${scan.filesScanned} files, ${certificates} certificates, ${count('error')} errors, ${count('warning')} warnings, ${scan.readErrors.length} read errors in ${scan.durationSeconds.toFixed(3)} s` +
          (scan.readErrors.length ? ` (${scan.readErrors.join('; ')})` : ''),
      );
    } catch (e) {
      failedScans++;
      options.log(`${new Date(started).toISOString()} scan failed, still serving the previous result: ${e instanceof Error ? e.message : String(e)}`);
    }
    render();
  };

  // One scan at a time; a request for another while one runs makes one more afterwards.
  const rescan = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await scanOnce();
      } while (again && !stopped);
      running = undefined;
    })();
    return running;
  };

  await rescan();

  const server = createServer((req, res) => answer(req, res));
  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' && path !== '/healthz')
      return reply(res, 404, 'text/plain; charset=utf-8', 'not found: kubecert serves /metrics and /healthz only\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return reply(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    }
    if (path === '/healthz') return reply(res, 200, 'text/plain; charset=utf-8', 'ok\n', req.method === 'HEAD');
    const format = negotiate(req.headers.accept);
    if (!rendered) return reply(res, 503, 'text/plain; charset=utf-8', 'no complete scan yet\n');
    reply(res, 200, CONTENT_TYPE[format], rendered[format], req.method === 'HEAD');
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;

  const timer = setInterval(() => void rescan(), options.interval);
  timer.unref();
  const watchers = startWatching(options.watch, () => void rescan());

  return {
    address: { host: bound.address, port: bound.port },
    rescan,
    async close() {
      stopped = true;
      clearInterval(timer);
      watchers.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await running;
    },
  };
}

function reply(res: ServerResponse, status: number, type: string, body: string, head = false): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': bytes.length, 'X-Content-Type-Options': 'nosniff' });
  res.end(head ? undefined : bytes);
}

/** Watches each path (a folder recursively); a burst of events starts one scan. A path that cannot be watched is left to the interval. */
function startWatching(paths: string[], changed: () => void): { close(): void } {
  const watchers: FSWatcher[] = [];
  let pending: NodeJS.Timeout | undefined;
  const onEvent = () => {
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = undefined;
      changed();
    }, 200);
  };
  for (const path of paths) {
    try {
      // A file is watched through its folder: an editor or kubelet replaces it by rename, which ends a watch on the file itself.
      const folder = statSync(path).isDirectory();
      const name = basename(path);
      const w = folder
        ? watch(path, { recursive: true, persistent: false }, onEvent)
        : watch(dirname(path), { persistent: false }, (_event, file) => {
            if (file === null || file === name) onEvent();
          });
      w.on('error', () => w.close());
      watchers.push(w);
    } catch {
      // The interval still rescans it.
    }
  }
  return {
    close() {
      if (pending) clearTimeout(pending);
      for (const w of watchers) w.close();
    },
  };
}
