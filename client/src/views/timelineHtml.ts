// The timeline webview's page: the drawing `kubecert check --format html` makes, in the theme's colours, loading
// nothing (a strict CSP, one script with a nonce), with a table for screen readers.
import { randomBytes } from 'node:crypto';
import { escapeHtml, layoutTimeline, timelineSvg, TIMELINE_CSS, type TimelineCertificate } from '../../../server/src/core';
import type { CertificateItem, CertificatesResult } from '../../../shared/protocol';
import { roleWords, shortSubject } from './inventory';

const THEME = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
:root {
  --kc-fg: var(--vscode-foreground);
  --kc-grid: var(--vscode-editorIndentGuide-background, #8884);
  --kc-now: var(--vscode-focusBorder);
  --kc-error: var(--vscode-editorError-foreground);
  --kc-warning: var(--vscode-editorWarning-foreground);
  --kc-info: var(--vscode-editorInfo-foreground);
  --kc-ok: var(--vscode-testing-iconPassed, #388a34);
}
.legend span { margin-right: 1em; }
.sev-error { color: var(--kc-error); } .sev-warning { color: var(--kc-warning); } .sev-ok { color: var(--kc-ok); }
svg.timeline .bar { cursor: pointer; }
svg.timeline .bar:focus { outline: none; }
table { border-collapse: collapse; margin-top: 1em; }
th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid var(--vscode-editorWidget-border, #8884); }
button.reveal { color: var(--vscode-textLink-foreground); background: none; border: none; cursor: pointer; padding: 0; font: inherit; text-decoration: underline; }
details summary { cursor: pointer; margin-top: 1em; }
`;

/** The certificates as the timeline's input: ids are their index in `items`. */
export function timelineInput(items: CertificateItem[]): TimelineCertificate[] {
  return items.map((c, i) => ({
    id: String(i),
    subject: c.subject,
    issuer: c.issuer,
    notBefore: Date.parse(c.notBefore),
    notAfter: Date.parse(c.notAfter),
    ca: c.ca,
    severity: c.severity,
    where: `${(c.path ?? c.uri).split('/').pop()} · ${c.where}${c.index > 0 ? ` #${c.index + 1}` : ''}`,
  }));
}

export function timelineHtml(result: CertificatesResult, nonce = randomBytes(16).toString('base64')): string {
  const items = result.certificates;
  const layout = layoutTimeline(timelineInput(items), { now: result.now, warnDays: result.warnDays, width: 1000 });
  const e = escapeHtml;
  const rows = layout.bars.map((b) => {
    const c = items[Number(b.id)];
    return `<tr><td><button class="reveal" data-id="${b.id}">${e(shortSubject(c.subject))}</button></td><td>${e(roleWords(c.role, c.ca))}</td><td>${e(c.issuer === c.subject ? '(self-signed)' : shortSubject(c.issuer))}</td><td>${e(c.notBefore.slice(0, 10))}</td><td>${e(c.notAfter.slice(0, 10))}</td><td>${e(c.residual)}</td><td class="sev-${c.severity}">${c.severity}</td><td>${e(c.where)}</td></tr>`;
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<title>Certificate timeline</title>
<style nonce="${nonce}">${TIMELINE_CSS}${THEME}</style>
</head>
<body>
<p class="legend"><span class="sev-error">■ error</span><span class="sev-warning">■ warning</span><span class="sev-ok">■ ok</span><span>shaded: the next ${result.warnDays} days · line: now · a CA above what it signs · click a bar to reveal it</span></p>
${items.length ? timelineSvg(layout) : '<p>No certificates in the kubeconfig files or open documents.</p>'}
<details open><summary>The same as a table</summary>
<table><thead><tr><th>certificate</th><th>role</th><th>issuer</th><th>from</th><th>until</th><th>left</th><th>verdict</th><th>where</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
</details>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
const reveal = (el) => { const id = el && el.getAttribute('data-id'); if (id !== null) vscode.postMessage({ type: 'reveal', id: Number(id) }); };
document.addEventListener('click', (ev) => reveal(ev.target.closest('[data-id]')));
document.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' && ev.target.matches && ev.target.matches('g.bar')) reveal(ev.target); });
</script>
</body>
</html>`;
}
