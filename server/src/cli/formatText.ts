// The terminal view: a certificate table like `kubeadm certs check-expiration`, then one line per finding.
import { oneLine } from '../core';
import { residual } from '../core';
import type { FileReport } from './report';

export interface TextOptions {
  color: boolean;
  now: number;
}

const COLORS = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;

export function formatText(reports: FileReport[], options: TextOptions): string {
  const paint = (color: keyof typeof COLORS, s: string): string => (options.color ? `\x1b[${COLORS[color]}m${s}\x1b[0m` : s);
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const report of reports) {
    if (report.certificates.length > 0) {
      out.push(paint('bold', oneLine(report.path)));
      const rows = report.certificates.map((c) => {
        const left = Date.parse(c.notAfter) - options.now;
        // Certificate text cannot move the cursor, clear the screen or start a line of its own.
        return [
          oneLine(c.where + (c.index > 0 ? ` #${c.index + 1}` : '')),
          oneLine(c.subject),
          c.notAfter.slice(0, 16).replace('T', ' ') + ' UTC',
          residual(Date.parse(c.notAfter), options.now),
          c.issuer === c.subject ? '(self-signed)' : oneLine(c.issuer),
          left,
        ] as const;
      });
      const header = ['WHERE', 'SUBJECT', 'EXPIRES', 'RESIDUAL', 'CA'];
      const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => String(r[i]).length))));
      const cell = (s: string, i: number): string => (s.length > widths[i] ? s.slice(0, widths[i] - 1) + '…' : s.padEnd(widths[i]));
      out.push(
        '  ' +
          header
            .map((h, i) => cell(h, i))
            .join('  ')
            .trimEnd(),
      );
      for (const r of rows) {
        const line =
          '  ' +
          [r[0], r[1], r[2], r[3], r[4]]
            .map((s, i) => cell(s, i))
            .join('  ')
            .trimEnd();
        out.push(r[5] <= 0 ? paint('red', line) : line);
      }
      out.push('');
    }
    for (const f of report.findings) {
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      const where = `${oneLine(report.path)}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
      const sev = f.severity === 'error' ? paint('red', 'error') : f.severity === 'warning' ? paint('yellow', 'warning') : paint('cyan', f.severity);
      out.push(`${where} ${sev} ${f.code} ${oneLine(f.message)}`);
      // Only places in other files: the file a cross-file finding joins this one to.
      for (const r of f.related ?? [])
        if (r.path !== undefined)
          out.push(`  ${paint('dim', `↳ ${oneLine(r.path)}:${r.range.start.line + 1}:${r.range.start.character + 1} ${oneLine(r.message)}`)}`);
    }
  }
  const files = reports.length;
  if (out.length && out[out.length - 1] !== '') out.push('');
  out.push(`${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}.`);
  return out.join('\n') + '\n';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
