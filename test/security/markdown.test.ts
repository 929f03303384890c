// Everything taken from a certificate is inert text. Certificates whose subject (CN, O, OU) and SANs carry
// a command: link, HTML, backticks, emphasis, line breaks, terminal escapes, codicons and shell syntax:
// hovers escape them (and are never trusted), diagnostics, lenses, the decoded view and the CLI keep them
// on one line without control characters, and the renewal steps quote them for the shell.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CodeLens, Diagnostic, DocumentSymbol } from 'vscode-languageserver-protocol';
import { main } from '../../server/src/cli';
import { escapeMarkdown } from '../../server/src/lsp/markdown';
import { NOW, pki } from '../support/fixtures';
import { LspClient } from '../support/lspClient';
import { at, b64, buildCert, buildCsr, sharedKey, type Name } from '../support/pki';
import { probePositions } from './support/sweep';

const COMMAND_LINK = '[x](command:workbench.action.terminal.new)';
const HTML = '<img src=x onerror=alert(1)>';
const BACKTICKS = '`whoami` ``` fence';
const EMPHASIS = '*bold* _em_ __strong__ ~~gone~~';
const NEWLINES = 'first\nNot After : 2099-01-01\r\n# heading';
const TERMINAL = '\u001b[2J\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007\u009b31m';
const CODICON = '$(terminal) $(sync~spin)';
const SHELL = `$(touch kubecert-pwned)'; touch kubecert-pwned; echo \`touch kubecert-pwned\` '`;
const LINKS = '![i](https://evil.example/x.png) <https://evil.example> <script>alert(1)</script>';
const HOSTILE = [COMMAND_LINK, HTML, BACKTICKS, EMPHASIS, NEWLINES, TERMINAL, CODICON, SHELL, LINKS];

// markdown-it (a devDependency; VS Code renders hovers with it too) renders CommonMark as VS Code's hover does; with html enabled,
// stricter than VS Code without supportHtml: anything that is not escaped would become a tag.
const MarkdownIt = require('markdown-it') as new (o: object) => { render(s: string): string };
const md = new MarkdownIt({ html: true, linkify: false });

/** The tags our own rendering produces; anything else came from certificate text. */
const OWN_TAGS = new Set(['p', 'strong', 'br', 'hr', 'code']);

function tagsOf(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1].toLowerCase());
}

const leaf = (subject: Name, sans: string[], slot: number) =>
  buildCert({
    subject,
    key: sharedKey({ type: 'ec', curve: 'P-256' }, 40 + slot),
    issuer: pki().otherCa,
    notBefore: at('2025-01-01T00:00:00Z'),
    notAfter: at('2026-11-25T00:00:00Z'),
    extKeyUsage: ['clientAuth'],
    sans,
  });

let dir = '';
let client: LspClient;
let text = '';
let uri = '';
let diagnostics: Diagnostic[] = [];

before(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubecert-markdown-')));
  // Each certificate carries every hostile string, in CN, O, OU and its SANs, in a different arrangement.
  const certs = HOSTILE.map((h, i) =>
    leaf(
      [
        ['CN', h],
        ['O', HOSTILE[(i + 1) % HOSTILE.length]],
        ['O', 'system:masters'],
        ['OU', `system:nodes ${HOSTILE[(i + 2) % HOSTILE.length]}`],
        ['OU', HOSTILE[(i + 3) % HOSTILE.length]],
      ],
      [`DNS:${h}`, `URI:command:workbench.action.terminal.new?${encodeURIComponent(h)}`, `EMAIL:${HOSTILE[(i + 4) % HOSTILE.length]}`],
      i,
    ),
  );
  const csr = buildCsr({
    subject: [
      ['CN', COMMAND_LINK],
      ['O', HTML],
      ['OU', NEWLINES],
    ],
    key: sharedKey({ type: 'ec', curve: 'P-256' }, 60),
    sans: [`DNS:${TERMINAL}`],
  });
  const users = certs.map((c, i) => `- name: u${i}\n  user:\n    client-certificate-data: ${b64(c.pem)}\n`).join('');
  const contexts = certs.map((_, i) => `- context:\n    cluster: c\n    user: u${i}\n  name: x${i}\n`).join('');
  text = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: ${b64(pki().ca.pem)}
    server: https://192.0.2.10:6443
  name: c
contexts:
${contexts}current-context: x0
users:
${users}---
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: hostile
spec:
  request: ${b64(csr.pem)}
  signerName: kubernetes.io/kube-apiserver-client
  usages: [client auth]
`;
  const path = join(dir, 'hostile.kubeconfig');
  writeFileSync(path, text);
  uri = pathToFileURL(path).toString();
  client = LspClient.inProcess({ clock: () => NOW });
  await client.initialize({ now: '2026-11-21T00:00:00Z' });
  diagnostics = await client.open(uri, text);
});

after(async () => {
  await client.connection.sendRequest('shutdown');
  client.connection.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('hostile certificate text', () => {
  test('escapeMarkdown: each hostile string renders as exactly its own text, on one line', () => {
    for (const h of [...HOSTILE, '1. list', '> quote', '- item', '+ item', '=== title', '| a |', '&amp; &#60;', '\\*', 'a  \nb']) {
      const html = md.render(`Subject: ${escapeMarkdown(h)}`);
      assert.deepEqual([...new Set(tagsOf(html))], ['p'], `${JSON.stringify(h)} → ${html}`);
      const shown = html
        .replace(/<\/?p>\n?/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&');
      const visible = h.replace(/[\r\n]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
      assert.equal(shown, `Subject: ${visible}`, JSON.stringify(h));
    }
  });

  test('hovers: MarkupContent, never trusted, no command link, nothing but our own tags when rendered', async () => {
    let hovers = 0;
    for (const position of probePositions(text)) {
      const hover = await client.request<{ contents: { kind: string; value: string } & Record<string, unknown> } | null>('textDocument/hover', {
        textDocument: { uri },
        position,
      });
      if (!hover) continue;
      hovers++;
      const at = `hover ${position.line}:${position.character}`;
      assert.equal(hover.contents.kind, 'markdown', at);
      assert.deepEqual(Object.keys(hover.contents).sort(), ['kind', 'value'], `${at}: no isTrusted, no supportHtml`);
      const value = hover.contents.value;
      assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(value), `${at}: a control character: ${JSON.stringify(value.slice(0, 300))}`);
      const html = md.render(value);
      const foreign = tagsOf(html).filter((t) => !OWN_TAGS.has(t));
      assert.deepEqual(foreign, [], `${at} renders ${foreign.join(', ')}:\n${value}`);
      assert.doesNotMatch(html, /href=|src=["']|<a\b|<img\b|<script\b/i, `${at}: a link or an image:\n${value}`);
      // Inline code only where we put it, never opened by certificate text: each code span is a whole value.
      for (const m of html.matchAll(/<code>([^<]*)<\/code>/g)) assert.ok(!m[1].includes('`'), `${at}: a backtick inside code: ${m[1]}`);
    }
    assert.ok(hovers >= HOSTILE.length * 4, `${hovers} hovers`);
  });

  test('diagnostics: one line each, no control character; the subject in its escaped RFC 4514 form', () => {
    const about = diagnostics.filter(
      (d) => d.code === 'superuser-group' || d.code === 'group-in-ou' || d.code === 'cert-expiring-soon' || d.code === 'csr-subject-mismatch',
    );
    assert.ok(about.length >= HOSTILE.length, JSON.stringify(diagnostics.map((d) => d.code)));
    for (const d of diagnostics) {
      const all = [d.message, ...(d.relatedInformation ?? []).map((r) => r.message)].join('\u2028');
      assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(all), `${d.code}: a control character or line break: ${JSON.stringify(all)}`);
    }
    const messages = diagnostics.map((d) => d.message).join('\n');
    assert.ok(messages.includes('\\<img src=x onerror=alert(1)\\>'), 'HTML in a subject is escaped as RFC 4514 escapes it');
  });

  test('code lenses, outline and decoded view: no line break, no control character, no codicon from a certificate', async () => {
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.ok(lenses.length >= HOSTILE.length);
    for (const l of lenses) {
      const title = l.command!.title.replace(/^\$\(error\) /, '');
      assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(title), `lens: ${JSON.stringify(title)}`);
      assert.ok(!/(^|[^\\])\$\(/.test(title), `lens shows a codicon from a certificate: ${JSON.stringify(title)}`);
    }
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(JSON.stringify(symbols).replace(/\\[nrt]/g, '')), 'outline');
    for (let line = 0; line < text.split('\n').length; line++) {
      const decoded = await client.request<{ text: string } | null>('kubecert/decodedCertificate', { uri, position: { line, character: 30 } });
      if (!decoded) continue;
      // A certificate's text cannot add lines to the view (a forged "Not After" line) nor drive a terminal.
      assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(decoded.text), `decoded view line ${line}: a control character`);
      assert.ok(!/^\s*Not After : 2099/m.test(decoded.text), `decoded view line ${line}: a line forged by a certificate`);
      assert.ok(!/^# heading/m.test(decoded.text), `decoded view line ${line}: a line forged by a certificate`);
    }
  });

  test('renewal steps quote certificate text for the shell: nothing in it is run when the steps are pasted', async () => {
    let checked = 0;
    for (let i = 0; i < HOSTILE.length; i++) {
      const steps = await client.request<{ title: string; steps: string[] } | null>('kubecert/renewalSteps', {
        uri,
        where: `users[u${i}].client-certificate-data`,
        index: 0,
      });
      assert.ok(steps, `users[u${i}]`);
      const subj = steps.steps.find((s) => s.includes('-subj'));
      assert.ok(subj, steps.steps.join('\n'));
      // The argument of -subj must be one single-quoted shell word: no $( ), no backticks, no quote that ends it early.
      const m = /-subj '((?:[^']|'\\'')*)' -out/.exec(subj);
      assert.ok(m, `-subj is not single-quoted: ${subj}`);
      assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(steps.steps.join(' ').replace(/\n/g, ' ')), 'a control character in the steps');
      // Pasted into a shell, the word is one argument and runs nothing.
      const word = /-subj ('(?:[^']|'\\'')*')/.exec(subj)![1];
      const echo = spawnSync('/bin/sh', ['-c', `printf '%s' ${word}`], { cwd: dir, encoding: 'utf8' });
      assert.equal(echo.status, 0, echo.stderr);
      assert.match(echo.stdout, /^\/CN=/);
      assert.equal(existsSync(join(dir, 'kubecert-pwned')), false, `pasting ${word} ran a command`);
      checked++;
    }
    assert.equal(checked, HOSTILE.length);
  });

  async function check(format: string): Promise<string> {
    let out = '';
    const code = await main({
      argv: ['check', 'hostile.kubeconfig', '--now', '2026-11-21T00:00:00Z', '--format', format, '--no-color'],
      env: {},
      stdout: (s) => void (out += s),
      stderr: (s) => void (out += s),
      isTTY: true,
      cwd: dir,
      clock: () => assert.fail('the CLI read the clock despite --now'),
    });
    assert.ok(code === 0 || code === 1);
    return out;
  }
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

  test('kubecert check --format text, sarif and openmetrics: certificate text cannot move the cursor, clear the screen or forge a line', async () => {
    for (const format of ['text', 'sarif', 'openmetrics']) {
      const out = await check(format);
      assert.ok(
        !CONTROL.test(out),
        `${format}: a control character: ${JSON.stringify(out.match(/.{0,40}[\u0000-\u0009\u000b-\u001f\u007f-\u009f].{0,40}/)?.[0])}`,
      );
      if (format === 'text') for (const line of out.split('\n')) assert.ok(!/^(# heading|Not After : 2099)/.test(line), `forged line: ${line}`);
    }
  });

  // JSON.stringify leaves U+007F–U+009F raw (a C1 CSI can drive some terminals): written as \u escapes.
  test('kubecert check --format json: no raw C1 control character', async () => {
    const out = await check('json');
    assert.ok(!CONTROL.test(out), JSON.stringify(out.match(/.{0,40}[\u007f-\u009f].{0,40}/)?.[0]));
  });
});
