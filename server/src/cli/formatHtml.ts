// `--format html`: one self-contained page (no script, no external style, font or image) a team can open or attach
// to a ticket: the timeline the VS Code webview draws, the certificate table, the findings by file. Printable.
import { escapeHtml, isoDate, layoutTimeline, residual, timelineSvg, TIMELINE_CSS, type TimelineCertificate, type VerdictSeverity } from '../core';
import type { FileReport } from './report';

export interface HtmlFile {
  report: FileReport;
  /** The verdict of each certificate, in the order of report.certificates. */
  verdicts: VerdictSeverity[];
}

export interface HtmlOptions {
  now: number;
  warnDays: number;
  version: string;
}

const CSS = `
:root { color-scheme: light; --kc-fg: #222; }
body { font: 14px/1.4 system-ui, sans-serif; color: #222; margin: 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
h3 { font-size: 14px; margin: 16px 0 4px; font-family: monospace; }
.meta { color: #555; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.mono, .mono { font-family: monospace; word-break: break-all; }
td.where { min-width: 16em; }
td.date, td.code { white-space: nowrap; }
td.fingerprint { font-size: 10px; min-width: 22em; }
.sev-error { color: #b71c1c; font-weight: 600; }
.sev-warning { color: #8d5b00; font-weight: 600; }
.sev-information, .sev-hint { color: #0d47a1; }
.sev-ok { color: #1b5e20; }
.legend span { margin-right: 12px; }
.scroll { overflow-x: auto; }
@media print { body { margin: 0; } .scroll { overflow: visible; } tr, .finding { break-inside: avoid; } }
`;

const VERDICT_WORDS: Record<VerdictSeverity, string> = { error: 'error', warning: 'warning', information: 'information', hint: 'hint', ok: 'ok' };

export function formatHtml(files: HtmlFile[], options: HtmlOptions): string {
  const e = escapeHtml;
  const certs: TimelineCertificate[] = [];
  files.forEach(({ report, verdicts }, f) =>
    report.certificates.forEach((c, i) =>
      certs.push({
        id: `${f}:${i}`,
        subject: c.subject,
        issuer: c.issuer,
        notBefore: Date.parse(c.notBefore),
        notAfter: Date.parse(c.notAfter),
        ca: c.ca,
        severity: verdicts[i] ?? 'ok',
        where: `${report.path} · ${c.where}${c.index > 0 ? ` #${c.index + 1}` : ''}`,
      }),
    ),
  );
  const layout = layoutTimeline(certs, { now: options.now, warnDays: options.warnDays, width: 1100 });
  const counts = { error: 0, warning: 0 };
  for (const { report } of files) for (const f of report.findings) if (f.severity === 'error' || f.severity === 'warning') counts[f.severity]++;

  const tables = files
    .filter(({ report }) => report.certificates.length > 0)
    .map(({ report, verdicts }) => {
      const rows = report.certificates.map((c, i) => {
        const v = verdicts[i] ?? 'ok';
        return `<tr><td class="mono where">${e(c.where)}${c.index > 0 ? ` #${c.index + 1}` : ''}</td><td>${e(c.subject)}</td><td>${c.issuer === c.subject ? '(self-signed)' : e(c.issuer)}</td><td class="date">${e(c.notBefore.slice(0, 10))}</td><td class="date">${e(c.notAfter.slice(0, 10))}</td><td class="date">${e(residual(Date.parse(c.notAfter), options.now))}</td><td class="sev-${v}">${VERDICT_WORDS[v]}</td><td class="mono fingerprint">${e(c.sha256)}</td></tr>`;
      });
      return `<h3>${e(report.path)}</h3>
<table><thead><tr><th>where</th><th>subject</th><th>issuer</th><th>not before</th><th>not after</th><th>left</th><th>verdict</th><th>SHA-256</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
    });
  const findings = files
    .filter(({ report }) => report.findings.length > 0)
    .map(
      ({ report }) =>
        `<h3>${e(report.path)}</h3>\n<table><thead><tr><th>severity</th><th>code</th><th>line</th><th>where</th><th>message</th></tr></thead><tbody>\n` +
        report.findings
          .map(
            (f) =>
              `<tr class="finding"><td class="sev-${f.severity}">${f.severity}</td><td class="mono code">${e(f.code)}</td><td>${f.range.start.line + 1}:${f.range.start.character + 1}</td><td class="mono">${e(f.where)}</td><td>${e(f.message)}</td></tr>`,
          )
          .join('\n') +
        '\n</tbody></table>',
    );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kubecert report</title>
<style>${CSS}${TIMELINE_CSS}</style>
</head>
<body>
<h1>Kubecert report</h1>
<p class="meta">Judged at ${e(isoDate(options.now))}, warning ${options.warnDays} days before expiry · ${files.length} file${files.length === 1 ? '' : 's'}, ${certs.length} certificate${certs.length === 1 ? '' : 's'}, ${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'} · kubecert ${e(options.version)}</p>
<h2>Timeline</h2>
<p class="legend"><span class="sev-error">■ error</span><span class="sev-warning">■ warning</span><span class="sev-ok">■ ok</span><span>shaded: the next ${options.warnDays} days; blue line: now; a CA above the certificates it signs</span></p>
<div class="scroll">
${timelineSvg(layout)}
</div>
<h2>Certificates</h2>
${tables.length ? tables.join('\n') : '<p>No certificates.</p>'}
<h2>Findings</h2>
${findings.length ? findings.join('\n') : '<p>No findings.</p>'}
</body>
</html>
`;
}
