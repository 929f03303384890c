// A bundle of 20,000 certificates in one certificate-authority-data (25 MB): the analysis, the hover and the decoded
// view through the core and the built server, each phase within the fuzz suite's bound for a 1 MiB input (2 s, times
// the suite's allowance) however large the bundle. The hover lists the first certificates and sums up the rest; the
// decoded view lists the first DECODED_CERTIFICATES and says so; the PEM holds them all.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { analyse, decodedTextAt, hoverAt } from '../../server/src/core';
import { renderHover } from '../../server/src/lsp/markdown';
import { bundleKubeconfig } from './bundleInput';
import { Checker } from './checker';
import { loadCorpus } from './corpus';
import { FUZZ_NOW, LIMIT_MS } from './oracle';

/** As in fuzz.test.ts: the test command runs this suite beside its own workers and server on two shared cores. */
const TIME_ALLOWANCE = 3;
const MIB = 1024 * 1024;

let checker: Checker | undefined;
after(() => checker?.close());

test('2,000 certificates: the hover lists 10 and sums up the rest; the decoded view lists 100 and says so; the PEM holds all', () => {
  const { text, offset } = bundleKubeconfig(2000);
  const analysis = analyse(text, { now: FUZZ_NOW });
  assert.equal(analysis.materials[0].certificates.length, 2000);
  const hover = hoverAt(analysis, offset, FUZZ_NOW)!;
  const titles = hover.sections.map((s) => s.title);
  assert.equal(titles.filter((t) => /^Certificate \d+ of 2000:/.test(t)).length, 10, titles.join(' | '));
  const rest = hover.sections.find((s) => s.title === 'Certificates 11–2000 of 2000');
  assert.ok(rest, titles.join(' | '));
  // Of every 16 certificates of the generator, 4 are the CA and 4 of the 12 leaves expired (i % 3 === 0, not CA).
  const expired = analysis.materials[0].certificates.slice(10).filter((c) => c.notAfter < FUZZ_NOW).length;
  assert.ok(expired > 0);
  assert.ok(
    rest.rows.some((r) => r.label === 'Validity' && r.text.startsWith(`${expired} expired,`)),
    JSON.stringify(rest.rows),
  );
  const chain = hover.sections.find((s) => s.title === 'Chain')!;
  assert.equal(chain.rows.length, 11);
  assert.match(chain.rows[10].text, /and 1990 more certificates/);
  assert.ok(renderHover(hover).length < 20_000, `${renderHover(hover).length} characters of hover`);

  const decoded = decodedTextAt(analysis, offset, FUZZ_NOW)!;
  assert.equal(decoded.text.split('\nCertificate:\n').length - 1, 100);
  assert.match(decoded.text, /# 1900 more certificates of this bundle of 2000 are not shown: the decoded view lists the first 100\./);
  assert.equal(decoded.pem.split('-----BEGIN CERTIFICATE-----').length - 1, 2000);
});

test(
  '20,000 certificates (25 MB): analysis, hover, decoded view, lenses and symbols within the bound of a 1 MiB input, in the core and the server',
  { timeout: 600_000 },
  async (t) => {
    const { text, offset } = bundleKubeconfig(20_000);
    checker ??= new Checker(loadCorpus(), { hangMs: 60_000 });
    // The bound of a 1 MiB input whatever this one's size: a cost that grows faster than the bundle shows here.
    const timeAllowance = (TIME_ALLOWANCE * MIB) / text.length;
    const outcome = await checker.check({ text, positions: [offset, offset, offset + 100], server: true, hoverFirst: true, languageId: 'yaml', timeAllowance });
    t.diagnostic(
      `${(text.length / MIB).toFixed(1)} MiB, limit ${TIME_ALLOWANCE * LIMIT_MS} ms per phase: ${Object.entries(outcome.timings)
        .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
        .join(', ')}`,
    );
    assert.deepEqual(
      outcome.failures.map((f) => `${f.kind} @ ${f.phase}: ${f.message}`),
      [],
    );
    for (const phase of ['core.analyse', 'core.features', 'server.hover', 'server.decoded']) assert.ok(phase in outcome.timings, `${phase} was not run`);
  },
);
