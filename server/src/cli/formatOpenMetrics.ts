// A scan as Prometheus metrics: OpenMetrics 1.0 text, or the classic text format 0.0.4 for scrapers that ask for it.
// Series names follow x509-certificate-exporter's, so that dashboards and alerts written for it keep working.
import { type Severity } from '../core';
import type { Scan } from './scan';

export type MetricsFormat = 'openmetrics' | 'prometheus';

export const CONTENT_TYPE: Record<MetricsFormat, string> = {
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
};

/** What only a long-running exporter knows, beside the last scan. */
export interface ExporterCounters {
  /** Read errors over every scan since the exporter started (a scan's own count when absent). */
  readErrors?: number;
  /** Scans that failed as a whole and left the previous result in place. */
  failedScans?: number;
}

const SEVERITIES: Severity[] = ['error', 'warning', 'information', 'hint'];

type Labels = Array<[string, string]>;
interface Family {
  name: string;
  help: string;
  /** Absent: OpenMetrics "unknown" (untyped); used for the `_total` names that are not counters of this format. */
  type?: 'gauge';
  unit?: string;
  samples: Array<{ labels: Labels; value: number }>;
}

export function formatMetrics(scan: Scan, format: MetricsFormat, version: string, counters: ExporterCounters = {}): string {
  const notBefore: Family = {
    name: 'x509_cert_not_before',
    help: 'Start of the certificate validity period, in seconds since the epoch.',
    type: 'gauge',
    samples: [],
  };
  const notAfter: Family = {
    name: 'x509_cert_not_after',
    help: 'End of the certificate validity period, in seconds since the epoch.',
    type: 'gauge',
    samples: [],
  };
  const expired: Family = {
    name: 'x509_cert_expired',
    help: 'Whether the certificate had expired at the time of the scan (1) or not (0).',
    type: 'gauge',
    samples: [],
  };
  const certLabels: Labels[] = [];
  const certValues: Array<{ notBefore: number; notAfter: number }> = [];
  for (const file of scan.files) {
    for (const c of file.certificates) {
      certLabels.push([
        ['filepath', file.report.path],
        ['where', c.where],
        ['kind', c.kind],
        ['subject_CN', c.subjectCN],
        ['subject_O', c.subjectO],
        ['issuer_CN', c.issuerCN],
        ['serial_number', c.serial],
      ]);
      certValues.push(c);
    }
  }
  distinguish(certLabels).forEach((labels, i) => {
    const c = certValues[i];
    notBefore.samples.push({ labels, value: c.notBefore / 1000 });
    notAfter.samples.push({ labels, value: c.notAfter / 1000 });
    expired.samples.push({ labels, value: c.notAfter < scan.now ? 1 : 0 });
  });

  const findingLabels: Labels[] = [];
  const bySeverity = new Map<Severity, number>(SEVERITIES.map((s) => [s, 0]));
  for (const file of scan.files) {
    for (const f of file.report.findings) {
      findingLabels.push([
        ['code', f.code],
        ['severity', f.severity],
        ['filepath', file.report.path],
        ['where', f.where],
      ]);
      bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
    }
  }
  const families: Family[] = [
    notBefore,
    notAfter,
    expired,
    {
      name: 'kubecert_finding',
      help: 'One series per finding of the last scan (always 1), labelled with its code, severity, file and place.',
      type: 'gauge',
      samples: distinguish(findingLabels).map((labels) => ({ labels, value: 1 })),
    },
    {
      name: 'kubecert_findings_total',
      help: 'Findings of the last scan, by severity.',
      samples: SEVERITIES.map((s) => ({ labels: [['severity', s]], value: bySeverity.get(s) ?? 0 })),
    },
    {
      name: 'kubecert_scan_duration_seconds',
      help: 'How long the last scan took.',
      type: 'gauge',
      unit: 'seconds',
      samples: [{ labels: [], value: Math.round(scan.durationSeconds * 1e6) / 1e6 }],
    },
    {
      name: 'kubecert_scan_timestamp_seconds',
      help: 'The moment the last scan judged validity at, in seconds since the epoch.',
      type: 'gauge',
      unit: 'seconds',
      samples: [{ labels: [], value: scan.now / 1000 }],
    },
    { name: 'kubecert_files_scanned', help: 'Files read by the last scan.', type: 'gauge', samples: [{ labels: [], value: scan.filesScanned }] },
    {
      name: 'kubecert_read_errors_total',
      help: 'Paths or files that could not be read (by kubecert serve: over every scan since it started).',
      samples: [{ labels: [], value: counters.readErrors ?? scan.readErrors.length }],
    },
  ];
  if (counters.failedScans !== undefined)
    families.push({
      name: 'kubecert_failed_scans_total',
      help: 'Scans that failed and left the previous result served.',
      samples: [{ labels: [], value: counters.failedScans }],
    });
  families.push({
    name: 'kubecert_build_info',
    help: 'The Kubecert version that produced these series (always 1).',
    type: 'gauge',
    samples: [{ labels: [['version', version]], value: 1 }],
  });

  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`);
    if (f.type) out.push(`# TYPE ${f.name} ${f.type}`);
    if (f.unit && format === 'openmetrics') out.push(`# UNIT ${f.name} ${f.unit}`);
    for (const s of f.samples) out.push(`${f.name}${labelText(s.labels)} ${numberText(s.value)}`);
  }
  if (format === 'openmetrics') out.push('# EOF');
  return out.join('\n') + '\n';
}

/** Series must be unique: label sets that occur more than once get an `index` label, 0, 1, … in order. */
function distinguish(list: Labels[]): Labels[] {
  const seen = new Map<string, number>();
  const keys = list.map((labels) => JSON.stringify(labels));
  for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
  const next = new Map<string, number>();
  return list.map((labels, i) => {
    const k = keys[i];
    if ((seen.get(k) ?? 0) < 2) return labels;
    const n = next.get(k) ?? 0;
    next.set(k, n + 1);
    return [...labels, ['index', String(n)]];
  });
}

function labelText(labels: Labels): string {
  if (labels.length === 0) return '';
  return `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

/**
 * Label values as both formats escape them (backslash, double quote, line feed). Other control characters are legal
 * but would reach a terminal raw, and lone surrogates are not UTF-8: both become U+FFFD.
 */
export function escapeLabel(value: string): string {
  return value
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c))
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function numberText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  return String(n);
}
