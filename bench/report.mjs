// Medians, ratios, targets and the Markdown report of a benchmark run (see scripts/bench.mjs).

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export const ratio = (a, b) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : null);

/** The per-run metrics the report shows, in order. `unit` is ms unless said otherwise. */
export const METRICS = [
  { key: 'start', label: 'start (spawn → initialize result)' },
  { key: 'openFirst', label: 'open → first diagnostics' },
  { key: 'openNonEmpty', label: 'open → first non-empty diagnostics' },
  { key: 'hoverFirst', label: 'first hover' },
  { key: 'hoverWarm', label: 'warm hover (median of 10)' },
  { key: 'hoverNew', label: 'hover on a never-decoded certificate (pasted; hover sent with the edit)' },
  { key: 'keystroke', label: 'keystroke → diagnostics' },
  { key: 'keystrokeAddDocument', label: 'keystroke that adds a document → diagnostics' },
  { key: 'peakRssMb', label: 'peak RSS (MB)', unit: 'MB' },
];

/** Medians over the successful runs of one server on one input. */
export function summarise(runs) {
  const ok = runs.filter((r) => !r.error);
  const out = { runs: ok.length, failed: runs.length - ok.length };
  for (const m of METRICS) out[m.key] = median(ok.map((r) => r[m.key]));
  out.openDiagnostics = median(ok.map((r) => r.openCount));
  out.keystrokeDiagnostics = median(ok.map((r) => r.keystrokeCount));
  out.openPublishes = median(ok.map((r) => r.openPublishes));
  out.hoverChars = median(ok.map((r) => r.hoverChars));
  // A server whose every run published no non-empty list: say so rather than "n/a".
  out.neverNonEmpty = ok.length > 0 && ok.every((r) => r.openNonEmpty === null);
  out.inputLimitRuns = ok.filter((r) => r.inputLimit).length;
  return out;
}

/**
 * The responsiveness runs of one server (didOpen, then at once a hover; LspServer.openWithHover):
 * medians, and in how many runs the hover was answered before the first diagnostics.
 */
export function summariseResponsiveness(runs) {
  const ok = runs.filter((r) => !r.error);
  return {
    runs: ok.length,
    failed: runs.length - ok.length,
    hoverMs: median(ok.map((r) => r.hoverMs)),
    answeredBeforeDiagnostics: ok.filter((r) => r.hoverBeforeDiagnostics).length,
    emptyHovers: ok.filter((r) => r.hoverEmpty || r.hoverChars === 0).length,
    hoverChars: median(ok.map((r) => r.hoverChars)),
    openFirst: median(ok.map((r) => r.openFirst)),
  };
}

/** The .vsix target: 1.5 MB, in the binary megabytes vsce and the 20 MB input limit use. */
export const VSIX_LIMIT_BYTES = 1.5 * 1024 * 1024;
/** The activation target, in ms (strictly under). */
export const ACTIVATION_LIMIT_MS = 50;

export function fmt(v, unit = 'ms') {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (unit === 'MB') return v.toFixed(0);
  if (unit === 'bytes') return v >= 1024 * 1024 ? `${(v / 1024 / 1024).toFixed(2)} MB` : `${(v / 1024).toFixed(0)} KB`;
  if (unit === 'x') return `${v.toFixed(2)}×`;
  if (unit === 'runs') return `${v}`;
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  if (v >= 100) return `${v.toFixed(0)} ms`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}

const n = (x) => x.toLocaleString('en-US');

/**
 * Targets (from the issue), checked at 1,000 contexts, 10 contexts and 5,000 contexts (the CLI).
 * A target whose inputs were not measured in this run is "not measured", never "met".
 */
export function targets(results) {
  const k1000 = results.kubeconfig['1000'];
  const k10 = results.kubeconfig['10'];
  const out = [];
  const add = (id, text, value, limit, unit, measured, { strict = false, reason } = {}) => {
    const status = !measured || value === null || limit === null ? 'not measured' : (strict ? value < limit : value <= limit) ? 'met' : 'NOT met';
    out.push({ id, target: text, value, limit, unit, status, ...(status === 'not measured' && reason ? { reason } : {}) });
  };
  const K = k1000?.kubecert,
    Y = k1000?.yamlLs;
  add(
    'open-vs-yls',
    'open → diagnostics ≤ 0.5× yaml-language-server (1,000 contexts)',
    K?.openFirst ?? null,
    Y?.openFirst != null ? 0.5 * Y.openFirst : null,
    'ms',
    Boolean(K && Y),
  );
  add(
    'keystroke-vs-yls',
    'keystroke → diagnostics ≤ 0.25× yaml-language-server (1,000 contexts)',
    K?.keystroke ?? null,
    Y?.keystroke != null ? 0.25 * Y.keystroke : null,
    'ms',
    Boolean(K && Y),
  );
  add(
    'keystroke-vs-parse',
    'keystroke → diagnostics ≤ 1.3× bare YAML parse (1,000 contexts)',
    K?.keystroke ?? null,
    k1000?.bareParse != null ? 1.3 * k1000.bareParse : null,
    'ms',
    Boolean(K && k1000?.bareParse != null),
  );
  add('hover-warm', 'warm hover ≤ 5 ms (1,000 contexts)', K?.hoverWarm ?? null, 5, 'ms', Boolean(K));
  add('hover-first', 'first hover ≤ 15 ms (1,000 contexts)', K?.hoverFirst ?? null, 15, 'ms', Boolean(K));
  add('hover-new', 'hover on a never-decoded certificate ≤ 15 ms (1,000 contexts)', K?.hoverNew ?? null, 15, 'ms', Boolean(K));
  add('rss-vs-yls', 'peak RSS ≤ yaml-language-server (1,000 contexts)', K?.peakRssMb ?? null, Y?.peakRssMb ?? null, 'MB', Boolean(K && Y));
  add('keystroke-10', 'keystroke → diagnostics ≤ 10 ms (10 contexts)', k10?.kubecert?.keystroke ?? null, 10, 'ms', Boolean(k10?.kubecert));
  const cli = results.cli;
  add(
    'cli-5000',
    '`kubecert check` ≤ 2× server open → diagnostics (5,000 contexts)',
    cli?.size === 5000 ? cli.median : null,
    cli?.size === 5000 && cli.serverOpen != null ? 2 * cli.serverOpen : null,
    'ms',
    cli?.size === 5000,
  );
  const A = results.activation,
    V = results.vsix;
  add(
    'activation',
    'extension activation < 50 ms (extension host, without the server: load + `activate()`)',
    A?.totalMs ?? null,
    ACTIVATION_LIMIT_MS,
    'ms',
    Boolean(A?.measured),
    { strict: true, reason: A?.reason },
  );
  add('vsix', '`.vsix` < 1.5 MB', V?.bytes ?? null, VSIX_LIMIT_BYTES, 'bytes', Boolean(V?.measured), { strict: true, reason: V?.reason });

  // Large files (issue #16).
  const S = results.stream;
  add(
    'stream-keystroke-vs-yls',
    'manifest stream: keystroke inside one document ≤ 0.05× yaml-language-server',
    S?.kubecert?.keystroke ?? null,
    S?.yamlLs?.keystroke != null ? 0.05 * S.yamlLs.keystroke : null,
    'ms',
    Boolean(S?.kubecert && S?.yamlLs),
  );
  add('stream-keystroke-60', 'manifest stream: keystroke inside one document ≤ 60 ms', S?.kubecert?.keystroke ?? null, 60, 'ms', Boolean(S?.kubecert));
  const k20000 = results.kubeconfig['20000'];
  add(
    'analysed-20000',
    '20,000 contexts analysed (no input-limit finding), runs',
    k20000?.kubecert ? k20000.kubecert.inputLimitRuns : null,
    0,
    'runs',
    Boolean(k20000?.kubecert?.runs),
  );
  add(
    'open-20000-vs-yls',
    'open → diagnostics ≤ 0.5× yaml-language-server (20,000 contexts)',
    k20000?.kubecert?.openFirst ?? null,
    k20000?.yamlLs?.openFirst != null ? 0.5 * k20000.yamlLs.openFirst : null,
    'ms',
    Boolean(k20000?.kubecert && k20000?.yamlLs),
  );
  const k7500 = results.kubeconfig['7500'];
  add(
    'open-growth-7500',
    'open growth from 1,000 to 7,500 contexts ≤ 8×',
    ratio(k7500?.kubecert?.openFirst, k1000?.kubecert?.openFirst),
    8,
    'x',
    Boolean(k7500?.kubecert && k1000?.kubecert),
  );
  add(
    'hover-at-diagnostics-1000',
    'hover sent the moment diagnostics arrive ≤ 15 ms (1,000 contexts)',
    k1000?.hoverAtDiagnostics?.kubecert?.hoverMs ?? null,
    15,
    'ms',
    Boolean(k1000?.hoverAtDiagnostics?.kubecert?.runs),
  );
  const k5000 = results.kubeconfig['5000'];
  add(
    'hover-at-diagnostics-5000',
    'hover sent the moment diagnostics arrive ≤ 30 ms (5,000 contexts)',
    k5000?.hoverAtDiagnostics?.kubecert?.hoverMs ?? null,
    30,
    'ms',
    Boolean(k5000?.hoverAtDiagnostics?.kubecert?.runs),
  );
  const P = k1000?.kubecertPlain;
  add(
    'plain-vs-bin',
    '`node dist/server.js` open → diagnostics within 5 % of the bin (1,000 contexts)',
    P?.openFirst ?? null,
    K?.openFirst != null ? 1.05 * K.openFirst : null,
    'ms',
    Boolean(P?.runs && K),
  );
  return out;
}

/** Value at 5,000 / value at 1,000, per metric and server (5.0 = linear in the number of contexts). */
export function growth(results) {
  const a = results.kubeconfig['1000'],
    b = results.kubeconfig['5000'];
  if (!a || !b) return null;
  const out = {};
  for (const server of ['kubecert', 'yamlLs']) {
    out[server] = {};
    for (const m of METRICS) out[server][m.key] = ratio(b[server]?.[m.key], a[server]?.[m.key]);
  }
  out.bareParse = ratio(b.bareParse, a.bareParse);
  out.chars = ratio(b.input.chars, a.input.chars);
  return out;
}

function metricRows(K, Y) {
  const rows = [];
  for (const m of METRICS) {
    const unit = m.unit ?? 'ms';
    if (m.key === 'keystrokeAddDocument' && K?.[m.key] == null && Y?.[m.key] == null) continue;
    let yv = fmt(Y?.[m.key], unit);
    if (m.key === 'openNonEmpty' && Y?.neverNonEmpty) yv = `— (valid file: ${Y.openDiagnostics ?? 0} diagnostics)`;
    let kv = fmt(K?.[m.key], unit);
    if (m.key === 'openNonEmpty' && K?.neverNonEmpty) kv = '— (no findings)';
    rows.push(`| ${m.label} | ${kv} | ${yv} | ${fmt(ratio(K?.[m.key], Y?.[m.key]), 'x')} |`);
  }
  return rows;
}

/** Rows of the size table: a hover sent right after didOpen, while the first analysis runs. */
function responsivenessRows(R) {
  const K = R.kubecert,
    Y = R.yamlLs;
  const before = (S) => (S && S.runs ? `${S.answeredBeforeDiagnostics} of ${S.runs} runs` : '—');
  const empty = (S) => (S?.emptyHovers ? ` (${S.emptyHovers} empty)` : '');
  const rows = [
    `| hover sent right after open, during the first analysis | ${fmt(K?.hoverMs)}${empty(K)} | ${fmt(Y?.hoverMs)}${empty(Y)} | ${fmt(ratio(K?.hoverMs, Y?.hoverMs), 'x')} |`,
    `| … answered before the first diagnostics | ${before(K)} | ${before(Y)} | |`,
    `| … open → first diagnostics in those runs | ${fmt(K?.openFirst)} | ${fmt(Y?.openFirst)} | ${fmt(ratio(K?.openFirst, Y?.openFirst), 'x')} |`,
  ];
  if (K?.failed || Y?.failed) rows.push(`| failed responsiveness runs | ${K?.failed ?? 0} | ${Y?.failed ?? 0} | |`);
  return rows;
}

function activationSection(A, config) {
  const L = ['## Extension activation in the extension host', ''];
  if (!A.measured) return [...L, `Not measured: ${A.reason}.`, ''];
  const runs = (key) =>
    A.all
      .filter((m) => !m.error)
      .map((m) => fmt(m[key]))
      .join(', ');
  L.push(
    `\`test/e2e/activation\` in code-server ${A.codeServer ?? '?'} (VS Code ${A.vscode ?? '?'}) with headless Chromium, a fresh code-server per run, ${config.activationRuns} runs${A.failed ? ` (${A.failed} failed)` : ''}; ` +
      `the repository as development extension (\`${A.bundle}\` of \`npm run build\`, ${fmt(A.bundleBytes, 'bytes')}); the workspace holds admin.kubeconfig, which the entry opens before it activates Kubecert; \`KUBECONFIG\` is a copy of it. ` +
      "Figures the extension measured itself; the language server starts in the background and is not counted. Activation is what VS Code counts as an extension's activation time: loading its code and calling `activate()`. Medians.",
    '',
  );
  L.push('| | median | runs |', '| --- | ---: | --- |');
  L.push(`| load: evaluating the bundle (its first statement → its last) | ${fmt(A.loadMs)} | ${runs('loadMs')} |`);
  L.push(`| VS Code between loading the bundle and calling \`activate()\` (not counted: VS Code's own work) | ${fmt(A.hostMs)} | ${runs('hostMs')} |`);
  L.push(`| \`activate()\` | ${fmt(A.activateMs)} | ${runs('activateMs')} |`);
  L.push(`| activation (load + \`activate()\`, median of the per-run sums) | ${fmt(A.totalMs)} | ${runs('totalMs')} |`, '');
  return L;
}

function vsixSection(V) {
  const L = ['## `.vsix`', ''];
  if (!V.measured) return [...L, `Not measured: ${V.reason}.`, ''];
  L.push('| | size | |', '| --- | ---: | --- |');
  L.push(
    `| \`node scripts/package.mjs\` (production bundles, vsce) | ${fmt(V.bytes, 'bytes')} | ${n(V.bytes)} bytes${V.files != null ? `, ${V.files} files` : ''}; target < 1.5 MB |`,
    '',
  );
  return L;
}

export function markdown(report) {
  const { results, config, environment } = report;
  const L = [];
  L.push('# Kubecert benchmark', '');
  L.push(
    `${report.generatedAt} · ${config.runs} runs per server per input, interleaved (Kubecert, yaml-language-server, …), fresh process per run · ` +
      `Node ${environment.node} · ${environment.cpus} × ${environment.cpuModel} · load average ${environment.loadavgStart.map((x) => x.toFixed(2)).join(' ')} at start, ` +
      `${environment.loadavgEnd.map((x) => x.toFixed(2)).join(' ')} at end · bench took ${(report.durationMs / 1000).toFixed(0)} s`,
    '',
  );
  L.push(
    `Medians. Kubecert ${environment.kubecertVersion} (\`node ${(config.serverFlags ?? []).map((f) => f + ' ').join('')}dist/server.js --stdio\`, the flags of its bin's shebang; now = ${config.now}) vs yaml-language-server ${environment.yamlLsVersion} with bench/kubeconfig.schema.json. Ratio = Kubecert / yaml-ls (below 1: Kubecert is faster/smaller).`,
    '',
  );
  for (const size of Object.keys(results.kubeconfig)) {
    const r = results.kubeconfig[size];
    L.push(
      `## ${n(Number(size))} contexts (${(r.input.chars / 1024 / 1024).toFixed(2)} MB, ${n(r.input.lines)} lines, ${n(r.input.certificates)} certificates)`,
      '',
    );
    L.push('| metric | Kubecert | yaml-ls | Kubecert / yaml-ls |', '| --- | ---: | ---: | ---: |');
    L.push(...metricRows(r.kubecert, r.yamlLs));
    L.push(`| bare \`yaml.parseDocument\` (floor, median of 5) | ${fmt(r.bareParse)} | | |`);
    L.push(`| Kubecert keystroke / bare parse | ${fmt(ratio(r.kubecert?.keystroke, r.bareParse), 'x')} | | |`);
    L.push(
      `| diagnostics after open / after keystroke | ${r.kubecert?.openDiagnostics ?? '—'} / ${r.kubecert?.keystrokeDiagnostics ?? '—'} | ${r.yamlLs?.openDiagnostics ?? '—'} / ${r.yamlLs?.keystrokeDiagnostics ?? '—'} | |`,
    );
    if (r.kubecert?.failed || r.yamlLs?.failed) L.push(`| failed runs | ${r.kubecert?.failed ?? 0} | ${r.yamlLs?.failed ?? 0} | |`);
    if (r.responsiveness) L.push(...responsivenessRows(r.responsiveness));
    if (r.hoverAtDiagnostics) {
      const H = r.hoverAtDiagnostics;
      L.push(
        `| hover sent the moment the open's diagnostics arrive (fresh server per run) | ${fmt(H.kubecert?.hoverMs)} | ${fmt(H.yamlLs?.hoverMs)} | ${fmt(ratio(H.kubecert?.hoverMs, H.yamlLs?.hoverMs), 'x')} |`,
      );
    }
    if (r.kubecert?.inputLimitRuns) L.push(`| runs in which Kubecert reported input-limit (did not analyse) | ${r.kubecert.inputLimitRuns} | | |`);
    if (r.kubecertPlain) {
      const P = r.kubecertPlain,
        K = r.kubecert;
      L.push(
        `| \`node dist/server.js --stdio\` (no flags: relaunches itself with them): start / open → diagnostics / peak RSS of the server | ${fmt(P.start)} / ${fmt(P.openFirst)} / ${fmt(P.peakRssMb, 'MB')} MB | | ${fmt(ratio(P.openFirst, K?.openFirst), 'x')} of the bin's open |`,
      );
    }
    L.push('');
  }
  if (results.manifests) {
    const r = results.manifests;
    L.push(
      `## Manifest file: ${n(r.input.documents)} documents (${(r.input.chars / 1024 / 1024).toFixed(2)} MB; ${r.input.counts.Secret} Secrets, ${r.input.counts.ValidatingWebhookConfiguration} ValidatingWebhookConfigurations, ${r.input.counts.Ingress} Ingresses)`,
      '',
    );
    L.push('yaml-language-server has no schema for this file (it is not `*.kubeconfig`): it checks YAML syntax only.', '');
    L.push('| metric | Kubecert | yaml-ls | Kubecert / yaml-ls |', '| --- | ---: | ---: | ---: |');
    L.push(...metricRows(r.kubecert, r.yamlLs));
    L.push(`| bare \`yaml.parseAllDocuments\` (floor, median of 5) | ${fmt(r.bareParse)} | | |`);
    L.push(
      `| diagnostics after open / after keystroke | ${r.kubecert?.openDiagnostics ?? '—'} / ${r.kubecert?.keystrokeDiagnostics ?? '—'} | ${r.yamlLs?.openDiagnostics ?? '—'} / ${r.yamlLs?.keystrokeDiagnostics ?? '—'} | |`,
    );
    L.push('');
  }
  if (results.stream) {
    const r = results.stream;
    L.push(
      `## Manifest stream: ${n(r.input.documents)} documents (${(r.input.chars / 1024 / 1024).toFixed(2)} MB; ${r.input.counts.Secret} TLS Secrets, ${r.input.counts.Ingress} Ingresses)`,
      '',
    );
    L.push(
      `The keystroke replaces one letter of an Ingress's namespace (${r.input.edit.what}); the keystroke that adds a document types \`---\` on its own line (${r.input.addDocument?.what ?? '—'}). yaml-language-server checks YAML syntax only.`,
      '',
    );
    L.push('| metric | Kubecert | yaml-ls | Kubecert / yaml-ls |', '| --- | ---: | ---: | ---: |');
    L.push(...metricRows(r.kubecert, r.yamlLs));
    L.push(`| bare \`yaml.parseAllDocuments\` (floor, median of 5) | ${fmt(r.bareParse)} | | |`);
    L.push(
      `| diagnostics after open / after keystroke | ${r.kubecert?.openDiagnostics ?? '—'} / ${r.kubecert?.keystrokeDiagnostics ?? '—'} | ${r.yamlLs?.openDiagnostics ?? '—'} / ${r.yamlLs?.keystrokeDiagnostics ?? '—'} | |`,
    );
    L.push('');
  }
  if (results.cli) {
    const c = results.cli;
    L.push(`## \`kubecert check\` vs the server (${n(c.size)} contexts)`, '');
    L.push('| | median | |', '| --- | ---: | --- |');
    L.push(
      `| \`node ${(config.cliFlags ?? []).map((f) => f + ' ').join('')}bin/kubecert.js check <file> --now ${config.now} --format json > /dev/null\` (wall) | ${fmt(c.median)} | runs: ${c.runs.map((x) => fmt(x)).join(', ')} |`,
    );
    L.push(`| server open → diagnostics, same file | ${fmt(c.serverOpen)} | |`);
    L.push(`| CLI / server | ${fmt(ratio(c.median, c.serverOpen), 'x')} | target ≤ 2× |`, '');
  }
  if (results.activation) L.push(...activationSection(results.activation, config));
  if (results.vsix) L.push(...vsixSection(results.vsix));
  L.push('## Targets', '');
  L.push('| target | Kubecert | limit | status |', '| --- | ---: | ---: | --- |');
  for (const t of report.targets)
    L.push(
      `| ${t.target} | ${fmt(t.value, t.unit)} | ${fmt(t.limit, t.unit)} | ${t.status === 'met' ? 'met' : `**${t.status}**${t.reason ? ` (${t.reason})` : ''}`} |`,
    );
  L.push('');
  if (report.growth) {
    const g = report.growth;
    L.push(`## Growth from 1,000 to 5,000 contexts`, '');
    L.push(`Value at 5,000 ÷ value at 1,000 (the text grows ${g.chars.toFixed(2)}×; linear ≈ 5, constant ≈ 1).`, '');
    L.push('| metric | Kubecert | yaml-ls |', '| --- | ---: | ---: |');
    for (const m of METRICS) if (m.key !== 'keystrokeAddDocument') L.push(`| ${m.label} | ${fmt(g.kubecert[m.key], 'x')} | ${fmt(g.yamlLs[m.key], 'x')} |`);
    L.push(`| bare parse | ${fmt(g.bareParse, 'x')} | |`, '');
  }
  const growthTo = Object.keys(results.kubeconfig)
    .map(Number)
    .filter((size) => size > 1000 && results.kubeconfig['1000']);
  if (growthTo.length) {
    const a = results.kubeconfig['1000'];
    L.push('## Growth from 1,000 contexts, open → diagnostics and peak RSS', '');
    L.push('| contexts | text | Kubecert open | yaml-ls open | Kubecert peak RSS | yaml-ls peak RSS |', '| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const size of growthTo) {
      const b = results.kubeconfig[size];
      L.push(
        `| ${n(size)} | ${fmt(ratio(b.input.chars, a.input.chars), 'x')} | ${fmt(ratio(b.kubecert?.openFirst, a.kubecert?.openFirst), 'x')} | ${fmt(ratio(b.yamlLs?.openFirst, a.yamlLs?.openFirst), 'x')} | ${fmt(ratio(b.kubecert?.peakRssMb, a.kubecert?.peakRssMb), 'x')} | ${fmt(ratio(b.yamlLs?.peakRssMb, a.yamlLs?.peakRssMb), 'x')} |`,
      );
    }
    L.push('');
  }
  L.push('## Notes', '');
  L.push(
    '- open → first diagnostics is the reported open figure for both servers (Kubecert\'s first publish already holds all findings; yaml-language-server publishes once, after its 200 ms validation debounce, and publishes an empty list for a schema-valid file, so it has no "first non-empty").',
    "- yaml-language-server's open and keystroke times include its fixed `validationDelayMs` debounce of 200 ms; Kubecert has none.",
    `- Kubecert publishes ${report.results.kubeconfig[Object.keys(report.results.kubeconfig)[0]]?.kubecert?.openPublishes ?? '?'} diagnostics notifications per open (median); only the first is timed.`,
    `- yaml-language-server schema validation preflight: ${report.preflight?.yamlLsSchema?.ok ? `ok — a string where the schema wants a boolean gave "${report.preflight.yamlLsSchema.message}"` : `FAILED — ${report.preflight?.yamlLsSchema?.message ?? 'not run'}`}.`,
  );
  const covered = Object.entries(results.kubeconfig)
    .map(([size, r]) => [size, (r.yamlLs?.all ?? []).find((x) => x.schemaCoversWholeFile)?.schemaCoversWholeFile])
    .filter(([, c]) => c);
  const resp = Object.entries(results.kubeconfig).filter(([, r]) => r.responsiveness);
  for (const [size, r] of resp)
    L.push(
      `- Responsiveness at ${n(Number(size))} contexts: a fresh server per run, \`didOpen\` and at once (without waiting for anything) a hover at ${r.responsiveness.hover.line}:${r.responsiveness.hover.character} (${r.responsiveness.hover.what}); ` +
        'the latency is hover request → result; "before the first diagnostics" is decided by message order on the wire. Not a target: reported.',
    );
  if (covered.length)
    L.push(
      `- yaml-language-server validated each whole file (untimed check in the first run, a schema violation on the last line was reported): ${covered.map(([size, c]) => `${n(Number(size))} contexts ${c.ok ? 'ok' : 'NOT ok'}`).join(', ')}.`,
    );
  if (report.failures.length) {
    L.push('', '## Failures', '');
    for (const f of report.failures) L.push(`- ${f.input} · ${f.server} · run ${f.run}: ${f.error.split('\n')[0]}`);
  }
  return L.join('\n') + '\n';
}
