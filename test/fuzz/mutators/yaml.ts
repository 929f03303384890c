// The YAML level: nesting, huge scalars, aliases and merge keys, duplicate keys, tabs, tags, styles, documents.
import { isMap, isPair, isScalar, isSeq, parse, parseDocument, stringify, visit, type Node, type Pair, type Scalar } from 'yaml';
import { lineStarts, randomPairLine, splice, type MutationContext, type Mutator } from '../mutation';
import type { Random } from '../random';

export const KEYS = [
  'apiVersion',
  'kind',
  'clusters',
  'users',
  'contexts',
  'current-context',
  'name',
  'cluster',
  'user',
  'context',
  'namespace',
  'server',
  'certificate-authority-data',
  'certificate-authority',
  'client-certificate-data',
  'client-certificate',
  'client-key-data',
  'client-key',
  'insecure-skip-tls-verify',
  'tls-server-name',
  'token',
  'tokenFile',
  'exec',
  'auth-provider',
  'username',
  'preferences',
  'extensions',
  'metadata',
  'data',
  'stringData',
  'tls.crt',
  'tls.key',
  'ca.crt',
  'type',
  'webhooks',
  'clientConfig',
  'caBundle',
  'spec',
  'status',
  'request',
  'certificate',
  'signerName',
  'usages',
  'conversion',
  'webhook',
  'webhookClientConfig',
  'items',
  'tls',
  'hosts',
  'secretName',
  'containers',
  'initContainers',
  'command',
  'args',
  'tlsCertFile',
  'tlsPrivateKeyFile',
  'authentication',
  'x509',
  'clientCAFile',
  '<<',
];

export const KINDS = [
  'Config',
  'Secret',
  'ConfigMap',
  'List',
  'SecretList',
  'ConfigMapList',
  'CertificateSigningRequest',
  'Ingress',
  'Pod',
  'KubeletConfiguration',
  'APIService',
  'CustomResourceDefinition',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  '',
  'config',
  'Deployment',
];

const DEPTHS = [2, 10, 64, 100, 500, 874, 999, 1000, 1001, 2000, 5000, 100000];

function depth(rng: Random): number {
  return rng.weighted(DEPTHS.map((d, i) => [i < 5 ? 3 : 2, d] as const));
}

/** A value position to put something at: after a random `key:`, or the end of the text. */
function valueSlot(text: string, rng: Random): { start: number; end: number; indent: string } {
  const p = randomPairLine(text, rng);
  if (!p) return { start: text.length, end: text.length, indent: '' };
  return { start: p.valueStart, end: p.valueEnd, indent: p.indent.replace(/-/g, ' ') };
}

function replaceValue(text: string, rng: Random, value: (indent: string) => string): string {
  const slot = valueSlot(text, rng);
  return splice(text, slot.start, slot.end, value(slot.indent));
}

/** Top-level keys go after the first line that starts at column 0 (or at the start). */
function addTopLevel(text: string, lines: string[]): string {
  const m = /^[A-Za-z][^\n]*\n/m.exec(text);
  const at = m ? m.index + m[0].length : 0;
  return splice(text, at, at, lines.join('\n') + '\n');
}

function base64Run(text: string, rng: Random): string | undefined {
  const runs = [...text.matchAll(/[A-Za-z0-9+/]{40,}={0,2}/g)].map((m) => m[0]);
  return runs.length ? rng.pick(runs) : undefined;
}

function nested(kind: string, n: number): string {
  switch (kind) {
    case 'flow-seq':
      return '['.repeat(n) + 'x' + ']'.repeat(n);
    case 'flow-map':
      return '{a: '.repeat(n) + 'x' + '}'.repeat(n);
    case 'flow-unclosed':
      return '['.repeat(n);
    case 'compact-seq':
      return '\n' + '- '.repeat(n) + 'x';
    case 'compact-key':
      return '\n' + '? '.repeat(n) + 'x';
    case 'compact-seq-key':
      return '\n' + '- ? '.repeat(n) + 'x';
    case 'tagged-seq':
      return '\n' + '- !!seq '.repeat(n) + 'x';
    case 'anchored-seq':
      return '\n' + Array.from({ length: n }, (_, i) => `- &n${i} `).join('') + 'x';
    default:
      return '[{"a": '.repeat(n) + '1' + '}]'.repeat(n);
  }
}

function blockNesting(indent: string, n: number, step: number, seq: boolean): string {
  const lines: string[] = [''];
  for (let i = 1; i <= n; i++) lines.push(indent + ' '.repeat(i * step) + (seq ? '- ' : '') + `k${i}:`);
  return lines.join('\n') + ' x';
}

function hugeScalar(ctx: MutationContext, indent: string): string {
  const { rng, corpus } = ctx;
  const size = rng.pick([10_000, 100_000, 1_000_000, 3_000_000]);
  const kind = rng.pick([
    'plain',
    'base64-random',
    'bundle',
    'double-escapes',
    'single',
    'literal-lines',
    'folded',
    'multiline-plain',
    'one-long-line-comment',
  ] as const);
  ctx.note(`${kind} ~${size}`);
  switch (kind) {
    case 'plain':
      return 'A'.repeat(size);
    case 'base64-random':
      return Buffer.from(rng.bytes(Math.floor((size * 3) / 4))).toString('base64');
    case 'bundle': {
      const certs = corpus.blocks.filter((b) => b.label === 'CERTIFICATE');
      const one = rng.pick(certs);
      const count = rng.pick([10, 100, 500, 2000]);
      ctx.note(`${count} certificates`);
      const pem = `-----BEGIN CERTIFICATE-----\n${(
        Buffer.from(one.der)
          .toString('base64')
          .match(/.{1,64}/g) ?? []
      ).join('\n')}\n-----END CERTIFICATE-----\n`;
      const mixed = Array.from({ length: count }, (_, i) => (i % 7 === 3 ? pemOf(rng.pick(certs).der) : pem)).join('');
      return Buffer.from(mixed).toString('base64');
    }
    case 'double-escapes':
      return '"' + '\\x41\\u00e9\\U0001F600\\n\\t\\"'.repeat(Math.floor(size / 30)) + '"';
    case 'single':
      return "'" + "it''s ".repeat(Math.floor(size / 6)) + "'";
    case 'literal-lines':
      return '|\n' + `${indent}  line\n`.repeat(Math.floor(size / (indent.length + 7)));
    case 'folded':
      return '>-\n' + `${indent}  word word\n\n`.repeat(Math.floor(size / (indent.length + 13)));
    case 'multiline-plain':
      return 'first\n' + `${indent}  continued\n`.repeat(Math.floor(size / (indent.length + 12)));
    case 'one-long-line-comment':
      return 'x # ' + '#'.repeat(size);
  }
}

function pemOf(der: Uint8Array): string {
  return `-----BEGIN CERTIFICATE-----\n${(
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  ).join('\n')}\n-----END CERTIFICATE-----\n`;
}

function aliasBomb(text: string, ctx: MutationContext): string {
  const { rng } = ctx;
  const kind = rng.pick(['laughs', 'merge', 'many-aliases', 'self-merge', 'self-seq', 'undefined', 'redefined', 'list-alias'] as const);
  switch (kind) {
    case 'laughs': {
      const levels = rng.range(3, 9);
      ctx.note(`laughs ${levels}×9`);
      const lines = ['x-l0: &l0 [lol, lol]'];
      for (let i = 1; i <= levels; i++)
        lines.push(
          `x-l${i}: &l${i} [${Array(9)
            .fill(`*l${i - 1}`)
            .join(', ')}]`,
        );
      const bombed = addTopLevel(text, lines);
      return replaceValue(bombed, rng, () => `*l${levels}`);
    }
    case 'merge': {
      const levels = rng.range(2, 8);
      const width = rng.range(2, 9);
      ctx.note(`merge ${levels}×${width}`);
      const lines = [`x-m0: &m0 {token: t, client-certificate-data: ${base64Run(text, rng) ?? 'eA=='}}`];
      for (let i = 1; i <= levels; i++)
        lines.push(
          `x-m${i}: &m${i} {<<: [${Array(width)
            .fill(`*m${i - 1}`)
            .join(', ')}], k${i}: v}`,
        );
      const bombed = addTopLevel(text, lines);
      return replaceValue(bombed, rng, () => (rng.chance(0.5) ? `*m${levels}` : `{<<: *m${levels}}`));
    }
    case 'many-aliases': {
      const n = rng.pick([100, 1000, 5000, 20000, 100000]);
      const shape = rng.pick(['body', 'entry', 'block'] as const);
      ctx.note(`${n} aliases (${shape})`);
      const cert = base64Run(text, rng) ?? 'eA==';
      const list = rng.pick(['users', 'clusters', 'contexts'] as const);
      const body =
        list === 'users'
          ? `{client-certificate-data: ${cert}}`
          : list === 'clusters'
            ? `{server: 'https://192.0.2.1', certificate-authority-data: ${cert}}`
            : '{cluster: c, user: u}';
      const inner = list.slice(0, -1);
      // The body of each entry an alias; each whole entry an alias (one name, as kubectl would merge it); block style.
      const lines =
        shape === 'body'
          ? [`x-body: &body ${body}`, `${list}:`, ...Array.from({ length: n }, (_, i) => `- {name: n${i % 50}, ${inner}: *body}`)]
          : shape === 'entry'
            ? [`x-entry: &entry {name: e, ${inner}: ${body}}`, `${list}:`, ...Array.from({ length: n }, () => '- *entry')]
            : [`${list}:`, '- name: n0', `  ${inner}: &body ${body}`, ...Array.from({ length: n - 1 }, (_, i) => `- name: n${i + 1}\n  ${inner}: *body`)];
      return text.replace(/\s*$/, '\n') + lines.join('\n') + '\n';
    }
    case 'self-merge':
      ctx.note('self-merge');
      return replaceValue(text, rng, () => rng.pick(['&s {<<: *s}', '&s {<<: [*s, *s], a: 1}', '&s {a: {<<: *s}}']));
    case 'self-seq':
      ctx.note('self-seq');
      return replaceValue(text, rng, () => rng.pick(['&s [*s]', '&s [*s, [*s]]', '&s {k: *s}']));
    case 'undefined':
      return replaceValue(text, rng, () => rng.pick(['*nope', '{<<: *nope}', '[*nope]']));
    case 'redefined':
      return replaceValue(addTopLevel(text, ['x-a: &a {token: first}', 'x-b: &a {token: second}']), rng, () => '*a');
    case 'list-alias': {
      const lines = text.split('\n');
      const i = lines.findIndex((l) => /^(clusters|users|contexts|items|webhooks):\s*$/.test(l));
      if (i < 0) return replaceValue(text, rng, () => '*l');
      const key = lines[i].replace(/:.*/, '');
      lines[i] = `${key}: &lst`;
      return lines.join('\n') + `\nx-again: *lst\n${key}-copy: [*lst, *lst]\n`;
    }
  }
}

/** Structural edits through the yaml library, so the result is well-formed YAML that reaches deeper logic. */
function astEdit(text: string, ctx: MutationContext): string | undefined {
  const { rng } = ctx;
  if (text.length > 300_000) return undefined;
  const doc = parseDocument(text, { uniqueKeys: false, keepSourceTokens: false, logLevel: 'silent' });
  if (doc.errors.length) return undefined;
  const nodes: Node[] = [];
  const pairs: Pair[] = [];
  visit(doc, {
    Node: (_k, n) => void nodes.push(n as Node),
    Pair: (_k, p) => void pairs.push(p as Pair),
  });
  if (nodes.length === 0) return undefined;
  const op = rng.pick([
    'delete-pair',
    'duplicate-pair',
    'rename-key',
    'swap-values',
    'graft',
    'wrap-seq',
    'flow',
    'scalar-style',
    'set-kind',
    'clone-item',
    'anchor-alias',
    'comment',
    'tag',
  ] as const);
  ctx.note(op);
  const node = rng.pick(nodes);
  switch (op) {
    case 'delete-pair':
    case 'duplicate-pair':
    case 'rename-key': {
      const maps = nodes.filter(isMap);
      if (!maps.length) return undefined;
      const map = rng.pick(maps);
      if (!map.items.length) return undefined;
      const i = rng.int(map.items.length);
      if (op === 'delete-pair') map.items.splice(i, 1);
      else if (op === 'duplicate-pair') {
        const copy = (map.items[i] as Pair).clone() as Pair;
        if (rng.chance(0.5) && pairs.length) copy.value = (rng.pick(pairs).value as Node | null)?.clone?.() ?? null;
        map.items.splice(rng.int(map.items.length + 1), 0, copy);
      } else {
        const p = map.items[i] as Pair;
        const key = rng.pick(KEYS);
        ctx.note(key);
        p.key = doc.createNode(key);
      }
      break;
    }
    case 'swap-values': {
      if (pairs.length < 2) return undefined;
      const a = rng.pick(pairs);
      const b = rng.pick(pairs);
      [a.value, b.value] = [b.value, a.value];
      break;
    }
    case 'graft': {
      if (pairs.length === 0) return undefined;
      const target = rng.pick(pairs);
      target.value = rng.pick(nodes).clone() as Node;
      break;
    }
    case 'wrap-seq': {
      if (pairs.length === 0) return undefined;
      const p = rng.pick(pairs);
      p.value = doc.createNode([p.value]);
      break;
    }
    case 'flow':
      if (isMap(node) || isSeq(node)) node.flow = !node.flow;
      else return undefined;
      break;
    case 'scalar-style': {
      const scalars = nodes.filter(isScalar) as Scalar[];
      if (!scalars.length) return undefined;
      const s = rng.pick(scalars);
      s.type = rng.pick(['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'] as const);
      ctx.note(s.type);
      break;
    }
    case 'set-kind': {
      const kind = pairs.find((p) => isScalar(p.key) && p.key.value === 'kind');
      const value = rng.pick(KINDS);
      ctx.note(value);
      if (kind) kind.value = doc.createNode(value);
      else if (isMap(doc.contents)) (doc.contents.items as Pair[]).unshift(doc.createPair('kind', value) as Pair);
      break;
    }
    case 'clone-item': {
      const seqs = nodes.filter(isSeq);
      if (!seqs.length) return undefined;
      const seq = rng.pick(seqs);
      if (!seq.items.length) return undefined;
      const item = rng.pick(seq.items) as Node;
      const n = rng.pick([2, 10, 100, 1000, 3000]);
      ctx.note(`×${n}`);
      for (let i = 0; i < n; i++) seq.items.push(item.clone());
      break;
    }
    case 'anchor-alias': {
      if (pairs.length === 0) return undefined;
      const target = rng.pick(nodes);
      if (isPair(target)) return undefined;
      if (!isScalar(target) && !isMap(target) && !isSeq(target)) return undefined;
      target.anchor = 'fz';
      rng.pick(pairs).value = doc.createAlias(target, 'fz');
      break;
    }
    case 'comment':
      node.commentBefore = rng.pick([' a comment', ' -----BEGIN CERTIFICATE-----', ' \u202e reversed', ' ' + '#'.repeat(1000)]);
      break;
    case 'tag':
      if (isScalar(node) || isMap(node) || isSeq(node))
        node.tag = rng.pick(['!!binary', '!!str', '!!int', '!!map', '!!seq', '!!null', '!custom', 'tag:yaml.org,2002:str', '!!timestamp', '!!float']);
      else return undefined;
      break;
  }
  try {
    return doc.toString({ lineWidth: 0 });
  } catch {
    return undefined;
  }
}

export const yamlMutators: Mutator[] = [
  {
    name: 'yaml-deep-flow',
    level: 'yaml',
    apply(text, ctx) {
      const n = depth(ctx.rng);
      const kind = ctx.rng.pick(['flow-seq', 'flow-map', 'flow-unclosed', 'json']);
      ctx.note(`${kind} ${n}`);
      return replaceValue(text, ctx.rng, () => nested(kind, n));
    },
  },
  {
    name: 'yaml-deep-block',
    level: 'yaml',
    apply(text, ctx) {
      const { rng } = ctx;
      const kind = rng.pick(['indent-1', 'indent-2', 'indent-seq', 'compact-seq', 'compact-key', 'compact-seq-key', 'tagged-seq', 'anchored-seq'] as const);
      const n = kind.startsWith('indent') ? Math.min(depth(rng), kind === 'indent-1' ? 3000 : 2000) : depth(rng);
      ctx.note(`${kind} ${n}`);
      if (kind.startsWith('indent')) return replaceValue(text, rng, (indent) => blockNesting(indent, n, kind === 'indent-2' ? 2 : 1, kind === 'indent-seq'));
      return replaceValue(text, rng, () => nested(kind, n));
    },
  },
  {
    name: 'yaml-huge-scalar',
    level: 'yaml',
    apply(text, ctx) {
      return replaceValue(text, ctx.rng, (indent) => hugeScalar(ctx, indent));
    },
  },
  {
    name: 'yaml-alias-bomb',
    level: 'yaml',
    weight: 2,
    apply: aliasBomb,
  },
  {
    name: 'yaml-duplicate-key',
    level: 'yaml',
    apply(text, { rng, note }) {
      const p = randomPairLine(text, rng);
      if (!p) return undefined;
      // The pair and every more-indented line under it.
      const starts = lineStarts(text);
      let end = p.end;
      for (const s of starts) {
        if (s <= p.start) continue;
        const line = text.slice(s, text.indexOf('\n', s) < 0 ? text.length : text.indexOf('\n', s));
        if (line.trim() !== '' && line.length - line.trimStart().length <= p.indent.length) break;
        end = s + line.length;
      }
      let block = text.slice(p.start, end);
      if (p.indent.includes('-') && rng.chance(0.5)) block = block.replace('-', ' ');
      const times = rng.small(200);
      note(`${p.key} ×${times}`);
      return splice(text, end, end, ('\n' + block).repeat(times));
    },
  },
  {
    name: 'yaml-tabs',
    level: 'yaml',
    apply(text, { rng, note }) {
      const style = rng.pick(['indent', 'after-colon', 'after-dash', 'everywhere'] as const);
      note(style);
      if (style === 'everywhere') return text.replace(/ {2}/g, '\t');
      const lines = text.split('\n');
      const count = rng.small(lines.length);
      for (let k = 0; k < count; k++) {
        const i = rng.int(lines.length);
        if (style === 'indent') lines[i] = lines[i].replace(/^( +)/, (s) => (rng.chance(0.5) ? '\t'.repeat(Math.ceil(s.length / 2)) : s.slice(1) + '\t'));
        else if (style === 'after-colon') lines[i] = lines[i].replace(/: /, ':\t');
        else lines[i] = lines[i].replace(/- /, '-\t');
      }
      return lines.join('\n');
    },
  },
  {
    name: 'yaml-indent',
    level: 'yaml',
    apply(text, { rng }) {
      const lines = text.split('\n');
      const i = rng.int(lines.length);
      const shift = rng.pick([-4, -2, -1, 1, 2, 3]);
      lines[i] = shift < 0 ? lines[i].replace(new RegExp(`^ {0,${-shift}}`), '') : ' '.repeat(shift) + lines[i];
      return lines.join('\n');
    },
  },
  {
    name: 'yaml-documents',
    level: 'yaml',
    apply(text, { rng, corpus, note }) {
      const op = rng.pick(['separator', 'end-marker', 'directive', 'bom', 'append-seed', 'prepend-empty-docs', 'many-docs'] as const);
      note(op);
      const starts = lineStarts(text);
      const at = rng.pick(starts);
      switch (op) {
        case 'separator':
          return splice(text, at, at, rng.pick(['---\n', '--- ', '--- |\n', '---\r\n', '--- !!map\n']));
        case 'end-marker':
          return splice(text, at, at, '...\n');
        case 'directive':
          return rng.pick(['%YAML 1.1\n---\n', '%YAML 2.0\n---\n', '%TAG ! tag:fuzz,2026:\n---\n', '%FOO bar\n---\n', '%YAML 1.2\n']) + text;
        case 'bom':
          return '\ufeff' + text;
        case 'append-seed':
          return text + (text.endsWith('\n') ? '' : '\n') + '---\n' + rng.pick(corpus.seeds).text;
        case 'prepend-empty-docs':
          return '---\n'.repeat(rng.small(1000)) + text;
        case 'many-docs': {
          const n = rng.pick([10, 100, 1000]);
          note(`${n}`);
          return Array(n).fill(text).join('\n---\n');
        }
      }
    },
  },
  {
    name: 'yaml-tag',
    level: 'yaml',
    apply(text, { rng, note }) {
      const p = randomPairLine(text, rng);
      if (!p) return undefined;
      const tag = rng.pick([
        '!!binary ',
        '!!str ',
        '!!int ',
        '!!map ',
        '!!seq ',
        '!!null ',
        '!custom ',
        '!<tag:yaml.org,2002:str> ',
        '!!omap ',
        '!!set ',
        '! ',
        '!!python/object ',
      ]);
      note(tag.trim());
      return splice(text, p.valueStart, p.valueStart, tag);
    },
  },
  {
    name: 'yaml-type-swap',
    level: 'yaml',
    apply(text, { rng, note }) {
      const value = rng.pick([
        '{}',
        '[]',
        'null',
        '~',
        '',
        '0',
        '-1',
        '1e999',
        '.inf',
        '.nan',
        '0x1F',
        '0o17',
        'true',
        'no',
        '2001-12-14t21:59:43.10-05:00',
        '"\\u0000"',
        "''",
        '[a, b]',
        '{a: b}',
        '[[]]',
        '? x',
        '- x',
        '|',
        '>',
        '&',
        '*',
        '!',
        '@x',
        '`x',
        '%x',
        '"unterminated',
        "'unterminated",
      ]);
      note(JSON.stringify(value));
      const p = randomPairLine(text, rng);
      if (!p) return undefined;
      return splice(text, p.valueStart, p.valueEnd, value);
    },
  },
  {
    name: 'yaml-scalar-style',
    level: 'yaml',
    apply(text, { rng, note }) {
      const p = randomPairLine(text, rng);
      if (!p || p.valueEnd <= p.valueStart) return undefined;
      const value = text.slice(p.valueStart, p.valueEnd);
      const inner = p.indent.replace(/-/g, ' ') + '  ';
      const style = rng.pick([
        'double',
        'single',
        'literal',
        'literal-strip',
        'literal-keep',
        'folded',
        'indent-indicator',
        'split-plain',
        'split-double',
      ] as const);
      note(style);
      const split = (n: number) => value.match(new RegExp(`.{1,${n}}`, 'g')) ?? [value];
      switch (style) {
        case 'double':
          return splice(text, p.valueStart, p.valueEnd, JSON.stringify(value));
        case 'single':
          return splice(text, p.valueStart, p.valueEnd, `'${value.replace(/'/g, "''")}'`);
        case 'literal':
        case 'literal-strip':
        case 'literal-keep':
        case 'folded':
        case 'indent-indicator': {
          const head = { literal: '|', 'literal-strip': '|-', 'literal-keep': '|+', folded: '>', 'indent-indicator': '|2' }[style];
          return splice(
            text,
            p.valueStart,
            p.valueEnd,
            `${head}\n${split(rng.pick([1, 63, 64, 76, 1000]))
              .map((l) => inner + l)
              .join('\n')}`,
          );
        }
        case 'split-plain':
          return splice(text, p.valueStart, p.valueEnd, split(rng.pick([16, 64, 76])).join('\n' + inner));
        case 'split-double':
          return splice(text, p.valueStart, p.valueEnd, '"' + split(rng.pick([16, 64, 76])).join(rng.chance(0.5) ? '\\\n' + inner : '\n' + inner) + '"');
      }
    },
  },
  {
    name: 'yaml-convert',
    level: 'yaml',
    apply(text, { rng, note }) {
      let value: unknown;
      if (text.length > 1_000_000) return undefined;
      try {
        value = parse(text, { maxAliasCount: 100, uniqueKeys: false, logLevel: 'silent' });
      } catch {
        return undefined;
      }
      const style = rng.pick(['json-pretty', 'json-compact', 'json-tabs', 'yaml-flow', 'yaml-block'] as const);
      note(style);
      if (style === 'json-pretty') return JSON.stringify(value, null, 2);
      if (style === 'json-compact') return JSON.stringify(value);
      if (style === 'json-tabs') return JSON.stringify(value, null, '\t');
      return stringify(value, { lineWidth: 0, collectionStyle: style === 'yaml-flow' ? 'flow' : 'block' });
    },
  },
  {
    name: 'yaml-ast',
    level: 'yaml',
    weight: 3,
    apply: astEdit,
  },
  {
    name: 'yaml-file-ref',
    level: 'yaml',
    apply(text, { rng, note }) {
      const path = rng.pick([
        '/fuzz/pki/ca.crt',
        '/fuzz/pki/admin.crt',
        '/fuzz/pki/admin.key',
        '/fuzz/pki/apiserver.crt',
        '/fuzz/pki/der.crt',
        '/fuzz/pki/garbage.crt',
        '/fuzz/pki/empty.key',
        '/fuzz/pki/big.crt',
        '/fuzz/pki',
        '/fuzz/pki/',
        'pki/ca.crt',
        'pki/../pki/admin.key',
        '../../../../../fuzz/pki/ca.crt',
        './pki/admin.crt',
        '~/.kube/ca.crt',
        'file:///fuzz/pki/ca.crt',
        'C:\\pki\\ca.crt',
        '',
        '""',
        "'/fuzz/pki/ca.crt'",
        '/'.repeat(1000),
        'a/'.repeat(2000),
        '/fuzz/pki/ca.crt\u0000',
        '/fuzz/pki/%2e%2e/ca.crt',
        '/fuzz/pki/ca.crt ',
        'pki/admin.key\r',
      ]);
      note(JSON.stringify(path));
      const refs = [
        ...text.matchAll(/(certificate-authority|client-certificate|client-key|tlsCertFile|tlsPrivateKeyFile|clientCAFile)(-data)?:[ \t]*([^\n]*)/g),
      ];
      const flags = [...text.matchAll(/--([a-z-]+)=([^\s"',\]]*)/g)];
      if (refs.length && (flags.length === 0 || rng.chance(0.6))) {
        const m = rng.pick(refs);
        return splice(text, m.index!, m.index! + m[0].length, `${m[1]}: ${path}`);
      }
      if (flags.length) {
        const m = rng.pick(flags);
        return splice(text, m.index!, m.index! + m[0].length, `--${m[1]}=${path}`);
      }
      return undefined;
    },
  },
  {
    name: 'yaml-names',
    level: 'yaml',
    apply(text, { rng, note }) {
      const refs = [...text.matchAll(/^([ \t-]*)(name|cluster|user|current-context|secretName|signerName):[ \t]+([^\n{[]*)$/gm)];
      if (!refs.length) return undefined;
      const m = rng.pick(refs);
      const names = refs.map((r) => r[3]);
      const value = rng.pick([
        ...names,
        '',
        '""',
        "''",
        'null',
        '~',
        '42',
        'a'.repeat(10_000),
        'système:masters',
        'a: b',
        '"#x"',
        '\u202eevil',
        'system:masters',
        'kubernetes.io/kube-apiserver-client',
        'kubernetes.io/legacy-unknown',
      ]);
      note(`${m[2]}=${JSON.stringify(value.slice(0, 30))}`);
      const start = m.index! + m[1].length + m[2].length + 1;
      return splice(text, start, m.index! + m[0].length, ' ' + value);
    },
  },
];
