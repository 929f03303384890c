// What a quick fix changes, by finding code (never by message text), and the embed/extract refactors.
import type { Analysis } from '../analysis';
import { pemBlocks } from '../x509/certificates';
import { goBase64Bytes, type Host } from '../x509/decode';
import { goReadsAll, rebuildPem } from '../x509/pem';
import { lineEnding, lineStart, nextLineStart, removePair, replacePair, replaceValue, scalar, type TextEdit } from './edits';
import type { Code, Span } from '../findings/finding';
import { findEntry, type Entry, type Field, type Kubeconfig } from '../model/kubeconfig';
import { entryAt, inside, siteAt } from '../model/locate';
import { KEY_ROLES, type Site } from '../model/sites';

export interface Fix {
  title: string;
  kind: 'quickfix' | 'refactor.rewrite' | 'refactor.extract' | 'refactor.inline';
  edits: TextEdit[];
  isPreferred?: boolean;
  /** A file to create first (extracting a certificate). */
  createFile?: { path: string; content: string };
  /** A command instead of an edit (renewal steps). */
  command?: { name: string; title: string; arguments: unknown[] };
  /** Why this refactor cannot be applied here (shown greyed out, with no edit). */
  disabled?: string;
  /**
   * The edits would carry private-key material: they are left out (edits: []) until the user picks the fix, and
   * computed then by asking again with `withSecrets` (the server's codeAction/resolve).
   */
  deferred?: boolean;
}

/** Who may read a file (its permission bits and owner). */
export interface FileAccess {
  /** Permission bits (0o600). */
  mode: number;
  uid: number;
  gid: number;
}

/** A host that can also tell who may read a file: the embed refactor copies a key only where no one new can read it. */
export interface AccessHost extends Host {
  access?(path: string): FileAccess | undefined;
}

export interface FixOptions {
  /** Compute the edits of fixes that carry private-key material (only once the user has picked one). */
  withSecrets?: boolean;
}

/** The minimal description of a diagnostic a fix needs: what the client sends back. */
export interface FixRequest {
  code: Code | string;
  span: Span;
  data?: Record<string, unknown>;
}

export const RENEWAL_COMMAND = 'kubecert.showRenewalSteps';

/** At most this many "use an existing name" actions: a kubeconfig of 5,000 users must not offer 5,000. */
export const MAX_NAME_CHOICES = 20;

/**
 * The existing names most like `wanted` (fewest edits, then file order), distinct, non-empty, at most
 * MAX_NAME_CHOICES. The edit distance is bounded by the names' lengths, so a long list stays linear.
 */
export function closestNames(wanted: string, names: string[]): string[] {
  const distinct = [...new Set(names.filter((n) => n !== ''))];
  if (distinct.length <= MAX_NAME_CHOICES) return distinct;
  const scored = distinct.map((name, i) => ({ name, i, d: editDistance(wanted.slice(0, 64), name.slice(0, 64)) }));
  scored.sort((a, b) => a.d - b.d || a.i - b.i);
  return scored.slice(0, MAX_NAME_CHOICES).map((x) => x.name);
}

const closestMemo = new WeakMap<Entry[], Map<string, string[]>>();

/** closestNames over a list's names, once per list and wanted name: a request may carry thousands of the same diagnostic. */
function closestEntryNames(list: Entry[], wanted: string): string[] {
  let memo = closestMemo.get(list);
  if (!memo) closestMemo.set(list, (memo = new Map()));
  let names = memo.get(wanted);
  if (!names)
    memo.set(
      wanted,
      (names = closestNames(
        wanted,
        list.map((e) => e.name),
      )),
    );
  return names;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

export function fixesFor(text: string, analysis: Analysis, request: FixRequest, options: FixOptions = {}): Fix[] {
  const config = analysis.kubeconfig;
  const json = config?.json ?? false;
  const data = request.data ?? {};
  switch (request.code) {
    case 'unknown-context': {
      const field = config?.currentContext;
      if (!field) return [];
      return closestEntryNames(config.contexts, field.value).map((name, i) => ({
        title: `Set current-context to "${name}"`,
        kind: 'quickfix',
        edits: [replaceValue(field, name, json)],
        isPreferred: i === 0,
      }));
    }
    case 'unknown-cluster':
    case 'unknown-user': {
      if (!config) return [];
      const kind = request.code === 'unknown-cluster' ? 'cluster' : 'user';
      const context = entryAt(config, request.span.start);
      const field = context?.kind === 'context' ? context.fields.get(kind) : undefined;
      if (!field || !overlaps(field.span, request.span)) return [];
      const list = kind === 'cluster' ? config.clusters : config.users;
      const picks: Fix[] = closestEntryNames(list, field.value).map((name) => ({
        title: `Use ${kind} "${name}"`,
        kind: 'quickfix',
        edits: [replaceValue(field, name, json)],
      }));
      const stub = insertEntry(text, config, kind, field.value);
      if (stub) picks.push({ title: `Create ${kind} "${field.value}"`, kind: 'quickfix', edits: [stub] });
      return picks;
    }
    case 'duplicate-name': {
      const entry = config && entryAt(config, request.span.start);
      const suggestion = typeof data.suggestion === 'string' ? data.suggestion : undefined;
      if (!entry?.nameField || !overlaps(entry.nameField.span, request.span) || !suggestion) return [];
      return [
        {
          title: `Rename this ${entry.kind} to "${suggestion}"`,
          kind: 'quickfix',
          edits: [replaceValue(entry.nameField, suggestion, json)],
          isPreferred: true,
        },
      ];
    }
    case 'insecure-with-ca': {
      const cluster = clusterAt(config, request.span);
      if (!cluster) return [];
      const insecure = cluster.fields.get('insecure-skip-tls-verify');
      const cas = ['certificate-authority-data', 'certificate-authority'].map((k) => cluster.fields.get(k)).filter((f): f is Field => f !== undefined);
      const fixes: Fix[] = [];
      if (insecure)
        fixes.push({
          title: 'Remove insecure-skip-tls-verify (verify the server with the CA)',
          kind: 'quickfix',
          edits: [removePair(text, insecure)],
          isPreferred: true,
        });
      if (cas.length) fixes.push({ title: 'Remove the CA (keep skipping verification)', kind: 'quickfix', edits: cas.map((f) => removePair(text, f)) });
      return fixes;
    }
    case 'conflicting-ca-source': {
      const cluster = clusterAt(config, request.span);
      const file = cluster?.fields.get('certificate-authority');
      const embedded = cluster?.fields.get('certificate-authority-data');
      if (!file || !embedded) return [];
      return [
        { title: 'Keep certificate-authority-data (remove the file path)', kind: 'quickfix', edits: [removePair(text, file)], isPreferred: true },
        { title: `Keep the file ${file.value} (remove certificate-authority-data)`, kind: 'quickfix', edits: [removePair(text, embedded)] },
      ];
    }
    case 'pem-not-base64': {
      const site = siteAt(analysis.sites, request.span);
      if (!site) return [];
      const pem = site.field.value.trim() + '\n';
      // A PEM Go reads is encoded as written; one whose line breaks were lost (a folded plain value) is rebuilt, or refused.
      const rebuilt = goReadsAll(pem) ? pem : rebuildPem(pem);
      if (rebuilt === undefined) return [];
      return [
        withheld(analysis, site, options, {
          title: rebuilt === pem ? 'Encode the PEM as base64' : "Rebuild the PEM's line breaks and encode it as base64",
          kind: 'quickfix',
          edits: [{ span: site.field.span, newText: Buffer.from(rebuilt, 'latin1').toString('base64') }],
          isPreferred: true,
        }),
      ];
    }
    case 'pem-malformed': {
      const site = siteAt(analysis.sites, request.span);
      if (!site || site.encoding !== 'base64' || data.rebuild !== true) return [];
      const bytes = goBase64Bytes(site.field.value.replace(/[\r\n]/g, ''));
      const rebuilt = bytes && rebuildPem(bytes.toString('latin1'));
      if (!rebuilt) return [];
      return [
        withheld(analysis, site, options, {
          title: "Rebuild the PEM's line breaks",
          kind: 'quickfix',
          edits: [replaceValue(site.field, Buffer.from(rebuilt, 'latin1').toString('base64'), json)],
          isPreferred: true,
        }),
      ];
    }
    case 'invalid-base64': {
      const site = siteAt(analysis.sites, request.span);
      if (!site || data.join !== true) return [];
      return [
        withheld(analysis, site, options, {
          title: 'Join the base64 into one line',
          kind: 'quickfix',
          edits: [{ span: site.field.span, newText: site.field.value.replace(/\s+/g, '') }],
          isPreferred: true,
        }),
      ];
    }
    case 'insecure-server-url': {
      if (data.https !== true) return [];
      const cluster = clusterAt(config, request.span);
      const server = cluster?.fields.get('server');
      if (!server || !server.value.startsWith('http://')) return [];
      return [{ title: 'Use https://', kind: 'quickfix', edits: [replaceValue(server, 'https://' + server.value.slice(7), json)], isPreferred: true }];
    }
    case 'csr-subject-mismatch': {
      // The usages are the part an edit can fix; the subject is signed into the request.
      const usages = Array.isArray(data.usages) && data.usages.every((u) => typeof u === 'string') ? (data.usages as string[]) : undefined;
      const site = siteAt(analysis.sites, request.span);
      const object = site && analysis.objects.find((o) => o.csr && site.group === `${o.document}/${o.label}`);
      const field = object?.csr?.usagesField;
      if (!usages || !field) return [];
      const list = `[${usages.map((u) => JSON.stringify(u)).join(', ')}]`;
      // A block sequence's range runs through its last line break, which stays.
      let end = field.pairSpan.end;
      while (end > field.pairSpan.start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
      return [
        {
          title: `Set spec.usages to ${list}`,
          kind: 'quickfix',
          edits: [{ span: { start: field.pairSpan.start, end }, newText: `${text.slice(field.keySpan.start, field.keySpan.end)}: ${list}` }],
          isPreferred: true,
        },
      ];
    }
    case 'san-mismatch': {
      // kubectl verifies tls-server-name instead of the host it connects to: a name the certificate covers helps when it serves this server.
      const cluster = clusterAt(config, request.span);
      const server = cluster?.fields.get('server');
      const sans = Array.isArray(data.sans) ? data.sans.filter((n): n is string => typeof n === 'string' && n.startsWith('DNS:') && !n.includes('*')) : [];
      if (!cluster || !server || json || sans.length === 0) return [];
      const existing = cluster.fields.get('tls-server-name');
      const indent = text.slice(lineStart(text, server.keySpan.start), server.keySpan.start);
      if (!existing && !/^[ \t]*$/.test(indent)) return [];
      return sans.slice(0, 3).map((n) => {
        const name = n.slice(4);
        const at = nextLineStart(text, server.span.end - 1);
        const broken = at === text.length && !/[\r\n]$/.test(text);
        const edit: TextEdit = existing
          ? replaceValue(existing, name, json)
          : {
              span: { start: at, end: at },
              newText: `${broken ? lineEnding(text) : ''}${indent}tls-server-name: ${scalar(name, false)}${broken ? '' : lineEnding(text)}`,
            };
        return { title: `Set tls-server-name to "${name}"`, kind: 'quickfix', edits: [edit] };
      });
    }
    case 'not-a-certificate': {
      // A key pasted where the certificate goes, or a certificate where the key goes: the value moves to the right key.
      const site = siteAt(analysis.sites, request.span);
      const material = site && analysis.materials.find((m) => m.site === site);
      const user = config && site && entryAt(config, site.field.span.start);
      if (!material || user?.kind !== 'user' || site?.encoding !== 'base64') return [];
      const other = SWAPPED[site.field.key];
      const holdsWrong = site.field.key === 'client-key-data' ? material.certificates.length > 0 && material.keys.length === 0 : material.keys.length > 0;
      if (!other || !holdsWrong) return [];
      const otherField = user.fields.get(other);
      const rename = (field: Field, key: string): TextEdit => ({ span: field.keySpan, newText: json ? JSON.stringify(key) : key });
      if (!otherField) return [{ title: `Move it to ${other}`, kind: 'quickfix', edits: [rename(site.field, other)], isPreferred: true }];
      // The two values swapped: each goes where it belongs.
      const otherMaterial = analysis.materials.find((m) => m.site.field === otherField);
      const otherWrong = other === 'client-key-data' ? otherMaterial?.certificates.length && !otherMaterial.keys.length : otherMaterial?.keys.length;
      if (!otherWrong) return [];
      return [
        {
          title: `Swap ${site.field.key} and ${other}`,
          kind: 'quickfix',
          edits: [rename(site.field, other), rename(otherField, site.field.key)],
          isPreferred: true,
        },
      ];
    }
    case 'cert-expired':
    case 'cert-expiring-soon': {
      const site = siteAt(analysis.sites, request.span);
      if (!site) return [];
      return [
        {
          title: `Show the renewal steps for ${typeof data.subject === 'string' ? data.subject : 'this certificate'}`,
          kind: 'quickfix',
          edits: [],
          command: {
            name: RENEWAL_COMMAND,
            title: 'Show renewal steps',
            arguments: [{ where: site.where, index: typeof data.index === 'number' ? data.index : 0 }],
          },
        },
      ];
    }
    default:
      return [];
  }
}

const SWAPPED: Record<string, string> = { 'client-certificate-data': 'client-key-data', 'client-key-data': 'client-certificate-data' };

/** A fix whose edits rewrite a value holding a private key: deferred, its edits only when asked withSecrets. */
function withheld(analysis: Analysis, site: Site, options: FixOptions, fix: Fix): Fix {
  const key = KEY_ROLES.has(site.role) || site.field.value.includes('PRIVATE KEY') || analysis.materials.some((m) => m.site === site && m.keys.length > 0);
  if (!key) return fix;
  return { ...fix, deferred: true, edits: options.withSecrets ? fix.edits : [] };
}

function overlaps(a: Span, b: Span): boolean {
  return a.start <= b.end && b.start <= a.end;
}

function clusterAt(config: Kubeconfig | undefined, span: Span): Entry | undefined {
  const entry = config && entryAt(config, span.start);
  return entry?.kind === 'cluster' && [...entry.fields.values()].some((f) => overlaps(f.pairSpan, span)) ? entry : undefined;
}

const STUBS = {
  cluster: (name: string, nl: string, pad: string) => `${pad}- cluster:${nl}${pad}    server: https://CHANGE-ME.invalid:6443${nl}${pad}  name: ${name}`,
  user: (name: string, nl: string, pad: string) => `${pad}- name: ${name}${nl}${pad}  user: {}`,
};

/** A new cluster or user entry at the end of its list, in the list's own style. */
function insertEntry(text: string, config: Kubeconfig, kind: 'cluster' | 'user', name: string): TextEdit | undefined {
  const nl = lineEnding(text);
  const listKey = kind === 'cluster' ? 'clusters' : 'users';
  const entries = kind === 'cluster' ? config.clusters : config.users;
  const list = config.lists[listKey];
  if (config.json || (list && text[list.span.start] === '[')) {
    if (!list) return undefined;
    const close = text.lastIndexOf(']', list.span.end);
    if (close < list.span.start) return undefined;
    const body =
      kind === 'cluster'
        ? `{"cluster": {"server": "https://CHANGE-ME.invalid:6443"}, "name": ${JSON.stringify(name)}}`
        : `{"name": ${JSON.stringify(name)}, "user": {}}`;
    const last = entries[entries.length - 1];
    if (!last) return { span: { start: close, end: close }, newText: body };
    // After the last entry, on a line of its own when the entries are one per line.
    const indent = text.slice(lineStart(text, last.span.start), last.span.start);
    const ownLine = /^[ \t]*$/.test(indent);
    return { span: { start: last.span.end, end: last.span.end }, newText: ownLine ? `,${lineEnding(text)}${indent}${body}` : `, ${body}` };
  }
  const yamlName = scalar(name, false);
  if (entries.length > 0) {
    const last = entries[entries.length - 1];
    const dash = text.lastIndexOf('-', last.span.start);
    const pad = ' '.repeat(Math.max(0, dash - lineStart(text, dash)));
    const at = nextLineStart(text, last.span.end - 1);
    const needsBreak = at === text.length && !text.endsWith('\n');
    return { span: { start: at, end: at }, newText: `${needsBreak ? nl : ''}${STUBS[kind](yamlName, nl, pad)}${nl}` };
  }
  if (list) {
    // `clusters: []`, `clusters: null` or `clusters:` with nothing under it.
    return { span: { start: list.keySpan.start, end: list.pairSpan.end }, newText: `${listKey}:${nl}${STUBS[kind](yamlName, nl, '')}` };
  }
  const at = text.length;
  return { span: { start: at, end: at }, newText: `${text.endsWith('\n') ? '' : nl}${listKey}:${nl}${STUBS[kind](yamlName, nl, '')}${nl}` };
}

const EMBED: Record<string, string> = {
  'certificate-authority': 'certificate-authority-data',
  'client-certificate': 'client-certificate-data',
  'client-key': 'client-key-data',
};

/** Embed a referenced file as *-data (kubectl's --embed-certs), or extract embedded certificate data to a file. */
export function refactorsAt(
  analysis: Analysis,
  offset: number,
  host: AccessHost | undefined,
  documentPath: string | undefined,
  options: FixOptions = {},
): Fix[] {
  const config = analysis.kubeconfig;
  if (!config) return [];
  const material = analysis.materials.find(
    (m) => m.site.document === config.document && (inside(m.site.field.keySpan, offset) || inside(m.site.field.span, offset)),
  );
  if (!material) return [];
  const { site } = material;
  const entry = findEntry(
    site.group.startsWith('clusters/') ? config.clusters : config.users,
    site.where.slice(site.where.indexOf('[') + 1, site.where.indexOf(']')),
  );
  if (site.encoding === 'file') {
    const dataKey = EMBED[site.field.key];
    const path = site.file?.resolved;
    if (!dataKey || !path || !host || entry?.fields.get(dataKey)) return [];
    const title = `Embed ${site.file?.written} as ${dataKey}`;
    if (dataKey === 'client-key-data') {
      if (material.keys.length === 0) return [];
      // kubectl --embed-certs copies the key as it is; Kubecert first makes sure no one new can read it.
      const wider = widerReaders(host, documentPath, path, site.file?.written ?? path);
      if (wider) return [{ title, kind: 'refactor.inline', edits: [], disabled: wider }];
      if (!options.withSecrets) return [{ title, kind: 'refactor.inline', edits: [], deferred: true }];
    }
    const read = host.readFile(path);
    if ('error' in read) return [];
    // Only what the field is for: a key into client-key-data; certificates, and nothing that holds a key, into the others.
    // A file that is neither (/etc/passwd, a binary) is reported by its diagnostic, never copied into the document.
    const holdsKey = PRIVATE_KEY_BLOCK.test(Buffer.from(read.bytes).toString('latin1'));
    if (dataKey === 'client-key-data' ? material.keys.length === 0 : material.certificates.length === 0 || holdsKey) return [];
    return [
      {
        title,
        kind: 'refactor.inline',
        edits: replacePair(site.field, dataKey, Buffer.from(read.bytes).toString('base64'), config.json),
        ...(dataKey === 'client-key-data' ? { deferred: true } : {}),
      },
    ];
  }
  const fileKey = Object.keys(EMBED).find((k) => EMBED[k] === site.field.key);
  // Only certificates: a key written by an edit could not be given mode 0600.
  if (!fileKey || fileKey === 'client-key' || !documentPath || material.certificates.length === 0 || entry?.fields.get(fileKey)) return [];
  const dir = documentPath.slice(0, documentPath.lastIndexOf('/') + 1);
  const base = `${(entry?.name || 'entry').replace(/[^A-Za-z0-9._-]/g, '_')}-${fileKey === 'certificate-authority' ? 'ca' : 'client'}.crt`;
  const raw = site.field.value.trim();
  const pem = raw.startsWith('-----BEGIN ') ? raw + '\n' : Buffer.from(raw.replace(/\s+/g, ''), 'base64').toString('latin1');
  const title = `Extract ${site.field.key} to ${base}`;
  // The file gets certificate blocks and nothing else: never a key bundled with them, never a block that does not decode.
  const blocks = pemBlocks(pem);
  const others = [...new Set(blocks.filter((b) => b.error || !CERTIFICATE_LABELS.has(b.label)).map((b) => b.label))];
  if (others.length > 0) {
    const key = others.some((l) => l.includes('PRIVATE KEY'));
    const reason = key
      ? `${site.field.key} also holds a private key, and an extracted file could not be given mode 0600; move the key to client-key-data first.`
      : `${site.field.key} also holds ${others.map((l) => `a ${l} block`).join(', ')}; only certificates are extracted.`;
    return [{ title, kind: 'refactor.extract', edits: [], disabled: reason }];
  }
  // Text between the blocks (an explanatory line, say) is left out; pure whitespace keeps the value as it was.
  // The gaps by offset: removing each block's text from the rest was quadratic (1.7 s for a bundle of 1,000).
  let gaps = '';
  let at = 0;
  for (const b of blocks) {
    gaps += pem.slice(at, b.start);
    at = b.end;
  }
  gaps += pem.slice(at);
  const content = gaps.trim() === '' ? pem : blocks.map((b) => pem.slice(b.start, b.end)).join('\n') + '\n';
  return [{ title, kind: 'refactor.extract', createFile: { path: dir + base, content }, edits: replacePair(site.field, fileKey, base, config.json) }];
}

/** Who may read a file with these permission bits, in words. */
function readers(a: FileAccess): string {
  if (a.mode & 0o004) return 'everyone';
  if (a.mode & 0o040) return `its owner and group ${a.gid}`;
  return a.mode & 0o400 ? 'its owner only' : 'no one but root';
}

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

/**
 * Why embedding the key file would let more people read the key (the kubeconfig is readable by someone the key file is
 * not), or why that cannot be told; undefined when the kubeconfig is as private as the key.
 */
function widerReaders(host: AccessHost, documentPath: string | undefined, keyPath: string, keyName: string): string | undefined {
  const doc = documentPath ? host.access?.(documentPath) : undefined;
  const key = host.access?.(keyPath);
  if (!doc || !key)
    return `Kubecert cannot tell who may read ${doc ? keyName : 'this kubeconfig (it is not saved)'}, so it does not copy the private key into it.`;
  const everyone = (doc.mode & 0o004) !== 0 && (key.mode & 0o004) === 0;
  const group = (doc.mode & 0o040) !== 0 && (key.mode & 0o004) === 0 && !((key.mode & 0o040) !== 0 && key.gid === doc.gid);
  const owner = doc.uid !== key.uid && doc.uid !== 0 && (key.mode & 0o004) === 0 && !((key.mode & 0o040) !== 0 && key.gid === doc.gid);
  if (!everyone && !group && !owner) return undefined;
  return `${keyName} can be read by ${readers(key)} (mode ${octal(key.mode)}), this kubeconfig by ${owner && !everyone && !group ? `user ${doc.uid}` : readers(doc)} (mode ${octal(doc.mode)}): embedding the key would let more people read it. Make the kubeconfig as private as the key first (chmod 600), then embed it.`;
}

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'TRUSTED CERTIFICATE', 'X509 CERTIFICATE']);
const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
