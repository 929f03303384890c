// The workspace folders as one cluster: every file Kubecert reads in them, indexed in the background, in the core's
// Workspace. Disk files are analysed here; an open document's analysis (made by the session) replaces its disk version.
import { Workspace as ClusterWorkspace, analyseFile, fileInput, type Analysis, type Finding, type Host, type Link } from '../core';
import { LineIndex } from '../positions';
import { readBounded, readBoundedSync, scanFolders, excluder, head, SLICE_MS, type ScanOptions } from '../scan';
import { DecodeCache, sniff } from '../core';
import type { Settings } from '../../../shared/settings';
import { relative, sep } from 'node:path';

export interface ClusterOptions {
  host: Host;
  /** Absolute paths written in files are looked up under this folder first. */
  root?: string;
  settings: Settings;
  now: number;
  /** Background work waits while this says the server is busy (an open document's analysis comes first). */
  busy: () => boolean;
}

/** A file change as the protocol reports it, as paths. */
export interface DiskChange {
  path: string;
  deleted: boolean;
}

export class ClusterIndex {
  readonly workspace: ClusterWorkspace;
  /** The text of each disk file in the index (open documents have their own), for positions. */
  private readonly texts = new Map<string, { text: string; lines?: LineIndex }>();
  private readonly open = new Set<string>();
  private folders: string[] = [];
  /** Set once the background index is complete. */
  ready = false;
  limits: string[] = [];
  private stopped = false;
  /** One decode cache for every disk file: a CA repeated in hundreds of files is decoded once. */
  private readonly cache = new DecodeCache();

  constructor(private readonly options: ClusterOptions) {
    const { settings, host, now, root } = options;
    this.workspace = new ClusterWorkspace({ now, warnDays: settings.warnDays, severities: settings.severities, host, root });
  }

  private analysisOptions(path: string) {
    const { settings, host, now } = this.options;
    return { now, warnDays: settings.warnDays, severities: settings.severities, host, path, cache: this.cache };
  }

  /** Reads every folder in the background; resolves with the paths whose cross-file findings are new. */
  async index(folders: string[]): Promise<string[]> {
    this.folders = folders;
    // A document opened together with initialized (an editor's restored tabs) is scheduled before the walk begins.
    await this.idle();
    const { settings } = this.options;
    const scanOptions: ScanOptions = { maxFiles: settings.workspace.maxFiles, exclude: settings.workspace.exclude, pause: () => this.idle() };
    const scan = folders.length && settings.workspace.maxFiles > 0 ? await scanFolders(folders, scanOptions) : { files: [], limits: [] };
    this.limits = scan.limits;
    const analyses = new Map<string, Analysis>();
    let until = 0;
    for (const file of scan.files) {
      if (performance.now() >= until) {
        await this.idle();
        until = performance.now() + SLICE_MS;
      }
      if (this.stopped) return [];
      if (this.open.has(file.path)) continue;
      const bytes = readBoundedSync(file.path);
      if (!bytes) continue;
      const analysis = this.analyse(file.path, bytes);
      if (analysis) analyses.set(file.path, analysis);
    }
    if (this.stopped) return [];
    // A document opened while the index ran has its own analysis in already.
    for (const path of this.open) analyses.delete(path);
    const affected = this.workspace.updateAll(analyses);
    this.ready = true;
    return affected;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Until the server has nothing scheduled: the index never delays an open document's diagnostics. */
  private async idle(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.options.busy()) await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }

  private analyse(path: string, bytes: Buffer): Analysis | undefined {
    const input = fileInput(bytes);
    if (!input.form) return undefined;
    this.texts.set(path, { text: input.text });
    return analyseFile(input, this.analysisOptions(path));
  }

  /** An open document's analysis replaces what the disk says; returns the paths evaluated again. */
  opened(path: string, analysis: Analysis): string[] {
    this.open.add(path);
    this.texts.delete(path);
    return this.workspace.update(path, analysis);
  }

  /** A document closed: the disk's version again (or nothing, when it is not a file the index reads). */
  async closed(path: string): Promise<string[]> {
    this.open.delete(path);
    if (!this.inFolders(path)) return this.workspace.update(path, undefined);
    const analysis = await this.fromDisk(path);
    if (this.open.has(path)) return [];
    return this.workspace.update(path, analysis);
  }

  /**
   * Files created, changed or deleted on disk; open documents keep their text. A file that reads a changed file (a
   * flag's or a kubeconfig's certificate path) is analysed again too: `reopen` lists the open documents among them.
   */
  async changed(changes: DiskChange[]): Promise<{ affected: string[]; reopen: string[] }> {
    const updates = new Map<string, Analysis | undefined>();
    const touched = new Set(changes.map((c) => c.path));
    const reopen: string[] = [];
    for (const path of this.workspace.paths()) {
      if (touched.has(path) || !this.readsAny(path, touched)) continue;
      if (this.open.has(path)) reopen.push(path);
      else touched.add(path);
    }
    for (const path of touched) {
      if (this.open.has(path)) continue;
      const change = changes.find((c) => c.path === path);
      if (change?.deleted || !this.inFolders(path)) {
        if (this.workspace.analysis(path)) updates.set(path, undefined);
        this.texts.delete(path);
        continue;
      }
      updates.set(path, await this.fromDisk(path));
    }
    for (const path of this.open) updates.delete(path);
    return { affected: updates.size ? this.workspace.updateAll(updates) : [], reopen };
  }

  /** Does the file's analysis read one of these paths (written absolute: under the root first)? */
  private readsAny(path: string, paths: Set<string>): boolean {
    const root = this.options.root?.replace(/\/+$/, '');
    return (this.workspace.analysis(path)?.sites ?? []).some((site) => {
      const resolved = site.encoding === 'file' ? site.file?.resolved : undefined;
      return resolved !== undefined && (paths.has(resolved) || (root !== undefined && paths.has(root + resolved)));
    });
  }

  private async fromDisk(path: string): Promise<Analysis | undefined> {
    const h = await head(path);
    if (!h || !sniff(h.bytes.toString('latin1')) || h.size > 32 * 1024 * 1024) {
      this.texts.delete(path);
      return undefined;
    }
    const bytes = await readBounded(path);
    if (!bytes) return undefined;
    return this.analyse(path, bytes);
  }

  private inFolders(path: string): boolean {
    const excluded = excluder(this.options.settings.workspace.exclude);
    return this.folders.some((folder) => {
      const rel = relative(folder, path);
      if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) return false;
      const parts = rel.split(sep);
      return !parts.some((p) => p === 'node_modules' || p === '.git') && !excluded(parts.join('/'));
    });
  }

  isOpen(path: string): boolean {
    return this.open.has(path);
  }

  crossFindings(path: string): Finding[] {
    return this.workspace.crossFindings(path);
  }

  links(path: string): Link[] {
    return this.workspace.links(path);
  }

  analysis(path: string): Analysis | undefined {
    return this.workspace.analysis(path);
  }

  /** Positions in a disk file of the index (not an open document). */
  lines(path: string): LineIndex | undefined {
    const entry = this.texts.get(path);
    if (!entry) return undefined;
    entry.lines ??= new LineIndex(entry.text);
    return entry.lines;
  }
}
