// unknown-context, unknown-cluster, unknown-user, duplicate-name, insecure-with-ca, conflicting-ca-source, insecure-server-url.
import { finding, type Finding } from './finding';
import { shownServer } from '../base/url';
import { entryWhere, findEntry, type Entry, type Kubeconfig } from '../model/kubeconfig';

export function checkReferences(config: Kubeconfig): Finding[] {
  return [...checkNames(config), ...checkContexts(config), ...checkClusters(config)];
}

function checkNames(config: Kubeconfig): Finding[] {
  const out: Finding[] = [];
  for (const list of [config.clusters, config.users, config.contexts]) {
    const seen = new Map<string, Entry>();
    const names = new Set(list.map((e) => e.name));
    // Where the search for a free "name-N" resumes, per name: linear however many duplicates share it.
    const nextSuffix = new Map<string, number>();
    for (const entry of list) {
      const first = seen.get(entry.name);
      if (!first) {
        seen.set(entry.name, entry);
        continue;
      }
      let n = nextSuffix.get(entry.name) ?? 2;
      while (names.has(`${entry.name}-${n}`)) n++;
      nextSuffix.set(entry.name, n + 1);
      const suggestion = `${entry.name}-${n}`;
      names.add(suggestion);
      out.push(
        finding(
          'duplicate-name',
          entry.nameField?.span ?? entry.span,
          entryWhere(entry),
          `A second ${entry.kind} is named "${entry.name}"; kubectl refuses a kubeconfig with duplicate names. Rename one of them.`,
          {
            related: [{ span: first.nameField?.span ?? first.span, message: `the first ${entry.kind} named "${entry.name}"` }],
            data: { kind: entry.kind, name: entry.name, suggestion },
          },
        ),
      );
    }
  }
  return out;
}

function checkContexts(config: Kubeconfig): Finding[] {
  const out: Finding[] = [];
  const current = config.currentContext;
  if (current && current.isScalar && current.value !== '' && !findEntry(config.contexts, current.value)) {
    const names = config.contexts.map((c) => c.name).filter((n) => n !== '');
    out.push(
      finding(
        'unknown-context',
        current.span,
        'current-context',
        `current-context names "${current.value}", but there is no such context${names.length ? ` (there are: ${someNames(names)})` : ''}. kubectl fails with "context was not found for specified context".`,
        {
          data: { count: names.length },
        },
      ),
    );
  }
  for (const context of config.contexts) {
    for (const kind of ['cluster', 'user'] as const) {
      const ref = context.fields.get(kind);
      if (!ref || !ref.isScalar || ref.value === '') continue;
      const list = kind === 'cluster' ? config.clusters : config.users;
      if (findEntry(list, ref.value)) continue;
      const names = list.map((e) => e.name).filter((n) => n !== '');
      out.push(
        finding(
          kind === 'cluster' ? 'unknown-cluster' : 'unknown-user',
          ref.span,
          entryWhere(context, kind),
          `Context "${context.name}" names ${kind} "${ref.value}", which does not exist${names.length ? ` (there are: ${someNames(names)})` : ''}. kubectl fails when this context is used.`,
          {
            data: { name: ref.value, kind },
          },
        ),
      );
    }
  }
  return out;
}

function checkClusters(config: Kubeconfig): Finding[] {
  const out: Finding[] = [];
  for (const cluster of config.clusters) {
    const f = cluster.fields;
    const insecure = f.get('insecure-skip-tls-verify');
    const caData = f.get('certificate-authority-data');
    const caFile = f.get('certificate-authority');
    const hasCa = (caData && caData.value.trim() !== '') || (caFile && caFile.value.trim() !== '');
    if (insecure && insecure.value === 'true' && hasCa)
      out.push(
        finding(
          'insecure-with-ca',
          insecure.span,
          entryWhere(cluster, 'insecure-skip-tls-verify'),
          `Cluster "${cluster.name}" sets insecure-skip-tls-verify together with a CA; kubectl refuses this ("specifying a root certificates file with the insecure flag is not allowed"). Remove one of them.`,
          {
            related: [{ span: (caData ?? caFile)!.keySpan, message: 'the CA' }],
          },
        ),
      );
    if (caData && caFile && caData.value.trim() !== '' && caFile.value.trim() !== '')
      out.push(
        finding(
          'conflicting-ca-source',
          caFile.keySpan,
          entryWhere(cluster, 'certificate-authority'),
          `Cluster "${cluster.name}" has both certificate-authority ("${caFile.value}") and certificate-authority-data. The data wins and the file is ignored; keep only one.`,
          {
            related: [{ span: caData.keySpan, message: 'certificate-authority-data, which is used' }],
          },
        ),
      );
    const server = f.get('server');
    if (server && server.isScalar) {
      // client-go's DefaultServerURL: without a scheme, https when the cluster has TLS settings, else http.
      const tls = hasCa || insecure?.value === 'true';
      const schemeless = !/^[a-z][a-z0-9+.-]*:\/\//i.test(server.value);
      let url: URL | undefined;
      try {
        url = new URL(schemeless ? `${tls ? 'https' : 'http'}://${server.value}` : server.value);
      } catch {
        url = undefined;
      }
      if (!url || !/^https?:$/.test(url.protocol) || !url.hostname)
        out.push(
          finding(
            'insecure-server-url',
            server.span,
            entryWhere(cluster, 'server'),
            `server "${shownServer(server.value)}" is not a URL kubectl can use; write it as https://host:port.`,
          ),
        );
      else if (url.protocol === 'http:' && schemeless)
        out.push(
          finding(
            'insecure-server-url',
            server.span,
            entryWhere(cluster, 'server'),
            `server has no scheme and this cluster has no CA, so kubectl connects with plain http://: credentials cross the network unencrypted. Write https:// and add the CA.`,
          ),
        );
      else if (url.protocol === 'http:')
        out.push(
          finding(
            'insecure-server-url',
            server.span,
            entryWhere(cluster, 'server'),
            `server uses plain http://: credentials and every response cross the network unencrypted, and no certificate is checked. Use https://.`,
            {
              data: { https: true },
            },
          ),
        );
    }
  }
  return out;
}

/** A list of names for a message: the first ten, then how many more. */
function someNames(names: string[]): string {
  return names.length <= 10 ? names.join(', ') : `${names.slice(0, 10).join(', ')} and ${names.length - 10} more`;
}
