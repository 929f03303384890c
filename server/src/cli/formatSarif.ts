// SARIF 2.1.0 for GitHub code scanning: one rule per code, one result per finding.
import { ALL_CODES, CODES, SUMMARIES, type Code, type Severity } from '../core';
import type { FileReport } from './report';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function formatSarif(reports: FileReport[], toolVersion: string, toUri: (path: string) => string): string {
  const rules = ALL_CODES.map((code) => ({
    id: code,
    name: code.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: SUMMARIES[code] },
    fullDescription: { text: SUMMARIES[code] },
    defaultConfiguration: { level: LEVEL[CODES[code]] },
    help: { text: SUMMARIES[code] },
  }));
  const results = reports.flatMap((report) =>
    report.findings.map((f) => ({
      ruleId: f.code,
      ruleIndex: ALL_CODES.indexOf(f.code as Code),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: toUri(report.path) },
            region: {
              startLine: f.range.start.line + 1,
              startColumn: f.range.start.character + 1,
              endLine: f.range.end.line + 1,
              endColumn: f.range.end.character + 1,
            },
          },
          logicalLocations: [{ fullyQualifiedName: f.where }],
        },
      ],
      ...(f.related?.length
        ? {
            relatedLocations: f.related.map((r, id) => ({
              id,
              message: { text: r.message },
              physicalLocation: {
                artifactLocation: { uri: toUri(r.path ?? report.path) },
                region: {
                  startLine: r.range.start.line + 1,
                  startColumn: r.range.start.character + 1,
                  endLine: r.range.end.line + 1,
                  endColumn: r.range.end.character + 1,
                },
              },
            })),
          }
        : {}),
    })),
  );
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'kubecert', version: toolVersion, semanticVersion: toolVersion, rules } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  // JSON leaves DEL and the C1 controls raw; escaped, a certificate's text cannot drive the terminal the log is printed on.
  return terminalSafeJson(log);
}

/**
 * JSON for a terminal: JSON.stringify leaves DEL and the C1 controls (U+007F–U+009F, among them the
 * one-byte CSI) raw, and certificate text can carry them; written as \u escapes they stay the same JSON.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n';
}
