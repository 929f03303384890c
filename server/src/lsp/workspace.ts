// Open documents and their analyses: parsed once per version, read by every feature.
import { URI } from 'vscode-uri';
import { analyse, type Analysis } from '../core/analysis';
import { DecodeCache, type Host } from '../core/decode';
import { LineIndex } from '../positions';
import type { Settings } from './settings';

export interface Snapshot {
  uri: string;
  version: number;
  text: string;
  path?: string;
  analysis: Analysis;
  lines: LineIndex;
  now: number;
}

const EMPTY: Analysis = { kind: 'none', objects: [], sites: [], materials: [], certificates: [], findings: [] };

/** Cheap test before any parsing: other YAML costs a regex scan and nothing more. */
const INTERESTING = /clusters|contexts|current-context|certificate|caBundle|tls\.crt|-----BEGIN|kind["']?\s*:\s*["']?(Secret|ConfigMap|Ingress|Pod|KubeletConfiguration|CertificateSigningRequest|APIService|CustomResourceDefinition|\w*WebhookConfiguration|\w*List)/;

export class Workspace {
  private readonly snapshots = new Map<string, Snapshot>();
  readonly cache = new DecodeCache();

  constructor(
    private readonly host: Host,
    private settings: Settings,
    private readonly clock: () => number,
  ) {}

  setSettings(settings: Settings): void {
    this.settings = settings;
    this.snapshots.clear();
  }

  getSettings(): Settings {
    return this.settings;
  }

  now(): number {
    return this.settings.now ?? this.clock();
  }

  /** The analysis of this exact version, computed at most once. */
  snapshot(uri: string, version: number, text: string): Snapshot {
    const cached = this.snapshots.get(uri);
    if (cached && cached.version === version && cached.text === text) return cached;
    const path = pathOf(uri);
    const now = this.now();
    const analysis = INTERESTING.test(text)
      ? analyse(text, { now, warnDays: this.settings.warnDays, path, host: this.host, cache: this.cache, severities: this.settings.severities })
      : EMPTY;
    const snap: Snapshot = { uri, version, text, path, analysis, lines: new LineIndex(text), now };
    this.snapshots.set(uri, snap);
    return snap;
  }

  peek(uri: string): Snapshot | undefined {
    return this.snapshots.get(uri);
  }

  forget(uri: string): void {
    this.snapshots.delete(uri);
  }
}

function pathOf(uri: string): string | undefined {
  try {
    const u = URI.parse(uri);
    return u.scheme === 'file' ? u.fsPath : undefined;
  } catch {
    return undefined;
  }
}
