// Every LSP output path, in-process, over documents full of private keys, tokens and passwords:
// nothing Kubecert answers, publishes or logs holds any part of them.
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyse } from '../../server/src/core';
import { fileHost } from '../../server/src/host';
import { NOW } from '../support/fixtures';
import { LspClient } from '../support/lspClient';
import { buildCorpus, type Corpus } from './support/corpus';
import { assertNoLeaks, sweep } from './support/sweep';

let dir = '';
let corpus: Corpus;
let client: LspClient;
const logs: unknown[] = [];

before(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubecert-secrets-')));
  corpus = buildCorpus(dir);
  client = LspClient.inProcess({ clock: () => NOW });
  // Replaces the test client's handler that drops them: every log line is kept for the search.
  client.connection.onNotification('window/logMessage', (p: unknown) => void logs.push(p));
  client.connection.onNotification('telemetry/event', (p: unknown) => void logs.push(p));
  await client.initialize(
    { now: '2026-11-21T00:00:00Z' },
    {
      textDocument: {
        diagnostic: {},
        codeAction: {
          codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor'] } },
          disabledSupport: true,
          resolveSupport: { properties: ['edit'] },
        },
      },
    },
  );
});

after(async () => {
  // shutdown without exit: the in-process server's exit handler would end this process.
  await client.connection.sendRequest('shutdown');
  client.connection.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('no secret in any LSP answer (in-process server)', () => {
  for (const name of ['kubeconfig', 'json', 'broken', 'manifests']) {
    test(`${name}: hover, completion, decoded view, definition, references, code actions and their edits, commands, lenses, symbols, renewal steps, diagnostics, logs`, async () => {
      const doc = corpus.documents.find((d) => d.name === name)!;
      const analysis = analyse(doc.text, { now: NOW, path: doc.path, host: fileHost() });
      const certificates = analysis.certificates.map((c) => ({ where: c.site.where, index: c.index }));
      const result = await sweep(client, doc, certificates);
      result.shown.push({ path: 'window/showMessage', value: client.messages }, { path: 'window/logMessage', value: logs });
      assertNoLeaks(corpus.detector, doc, result);
      // The sweep reached what it should: hovers on key sites, key findings, the misplaced-key diagnostics.
      assert.ok((result.counts.hover ?? 0) > (name === 'broken' ? 5 : 50), JSON.stringify(result.counts));
      // Actions that write a key (embed a key file, encode or join a key) were offered without it, then resolved.
      if (name === 'kubeconfig') assert.ok((result.counts['codeAction/resolve'] ?? 0) >= 5, JSON.stringify(result.counts));
      if (name !== 'broken')
        assert.ok(
          result.diagnostics.some((d) => d.code === 'not-a-certificate'),
          'misplaced keys are reported',
        );
    });
  }
});
