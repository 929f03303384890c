// One file of a workspace, whatever it holds: YAML/JSON (Helm actions blanked), PEM or DER, or binary-install flags.
import { textOfBytes } from '../syntax/encoding';
import { analyse, type Analysis, type AnalysisOptions } from '../analysis';
import type { Finding } from '../findings/finding';
import { analyseKnown, analysePki } from './pki';
import { flagsStructure } from './flags';
import { blankTemplates, sniff, SNIFF_BYTES, type FileForm } from './sniff';

export interface FileInput {
  /** The file's text; for a DER file, its bytes as latin1 (fileInput does this). */
  text: string;
  /** What it holds; sniffed from the text when absent. */
  form?: FileForm;
}

/** A file's bytes as the workspace reads them: DER kept byte for byte (latin1), everything else UTF-8. */
export function fileInput(bytes: Uint8Array): FileInput & { form: FileForm | undefined } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // UTF-16 (by its mark, as kubectl reads it) is decoded before it is sniffed; DER stays bytes, one character each.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    const text = textOfBytes(bytes);
    return { text, form: sniff(text.slice(0, SNIFF_BYTES)) };
  }
  const form = sniff(buffer.subarray(0, SNIFF_BYTES).toString('latin1'));
  return { text: form === 'der' ? buffer.toString('latin1') : textOfBytes(bytes), form };
}

/** Findings a workspace adds outside analyse(): their severity overrides still apply. */
export function withSeverities(findings: Finding[], overrides: AnalysisOptions['severities']): Finding[] {
  if (!overrides) return findings;
  const out: Finding[] = [];
  for (const f of findings) {
    const s = overrides[f.code];
    if (s === 'off') continue;
    out.push(s && s in { error: 1, warning: 1, information: 1, hint: 1 } ? { ...f, severity: s } : f);
  }
  return out;
}

export function byOffset(a: Finding, b: Finding): number {
  return a.span.start - b.span.start || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

/** Analyses one file as its content says (YAML when nothing else fits). `options.path` is the file's path. */
export function analyseFile(input: FileInput, options: AnalysisOptions): Analysis {
  const form = input.form ?? sniff(input.text.slice(0, SNIFF_BYTES)) ?? 'yaml';
  switch (form) {
    case 'pem':
    case 'der': {
      const { analysis, extra } = analysePki(input.text, form, options);
      if (extra.length) analysis.findings = [...analysis.findings, ...withSeverities(extra, options.severities)].sort(byOffset);
      return analysis;
    }
    case 'flags':
      return analyseKnown(input.text, options, flagsStructure(input.text, options.path));
    default:
      return analyse(blankTemplates(input.text), options);
  }
}
