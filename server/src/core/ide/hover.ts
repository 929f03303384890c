// The facts and words a hover shows. Plain text only: the LSP layer escapes and renders it.
import type { Analysis } from '../analysis';
import { attributes, isSignedBy, type Certificate, type CertificateRequest, type PrivateKeyFacts } from '../x509/certificates';
import type { Material } from '../x509/decode';
import { serialHexAsOpenssl } from '../x509/strict';
import type { Span } from '../findings/finding';
import { describeToken, identityOf, meaningOfUser } from '../model/identity';
import { findEntry, type Entry, type Field } from '../model/kubeconfig';
import { locate, type Target } from '../model/locate';
import { formatDate, relative } from '../base/time';
import { certificateKind, KIND_WORDS } from '../model/sites';
import { entryVerdict, siteVerdict, spanVerdict, type Verdict } from './verdict';
import { coversPattern } from '../x509/hostnames';
import type { ManifestObject } from '../model/manifests';
import { isSelfSigned, issuedBy } from '../findings/context';
import { closestNames } from './fixes';
import { shownServer } from '../base/url';

export { shownServer };

export interface HoverRow {
  label?: string;
  text: string;
  tone?: 'error' | 'warning' | 'ok';
  /** Show as code (names, fingerprints). */
  code?: boolean;
}

export interface HoverSection {
  title: string;
  rows: HoverRow[];
}

export interface Hover {
  span: Span;
  sections: HoverSection[];
}

export function hoverAt(analysis: Analysis, offset: number, now: number): Hover | undefined {
  const target = locate(analysis, offset);
  if (!target) return undefined;
  return { span: target.span, sections: sectionsFor(analysis, target, now) };
}

function sectionsFor(analysis: Analysis, target: Target, now: number): HoverSection[] {
  switch (target.kind) {
    case 'material':
      return materialSections(analysis, target.material, now);
    case 'entry':
      return [entrySummary(analysis, target.entry, now)];
    case 'reference':
      return target.entry ? [entrySummary(analysis, target.entry, now)] : [missingEntry(analysis, target.refKind, target.name)];
    case 'ingress':
      return [ingressSection(analysis, target.object, target.secretName, target.host, target.span, now)];
    case 'token': {
      const t = describeToken(target.field.value);
      const who = meaningOfUser(target.entry.name);
      return [
        {
          title: t.kind === 'bootstrap' ? 'Bootstrap token' : 'Bearer token',
          rows: [{ text: t.shown, code: true }, { text: t.text }, ...(who ? [{ label: `User ${who.name}`, text: who.text }] : [])],
        },
      ];
    }
  }
}

/** A hover shows this many certificates of a bundle one by one, and sums up the rest: a bundle can hold 20,000. */
export const HOVER_CERTIFICATES = 10;

export function materialSections(analysis: Analysis, material: Material, now: number): HoverSection[] {
  const { site } = material;
  const sections: HoverSection[] = [];
  const certs = material.certificates;
  const count = certs.length;
  const shown = certs.slice(0, HOVER_CERTIFICATES);
  const issuerIn = issuerFinder(certs);
  shown.forEach((cert, i) => {
    const issuerCert = issuerIn(cert) ?? caFor(analysis, material, cert);
    const kind = certificateKind(site.role, i, cert.ca);
    const section = certificateSection(cert, now, count > 1 ? `Certificate ${i + 1} of ${count}` : 'Certificate', issuerCert);
    if (kind !== 'ca' && cert.ca)
      section.rows.push({
        label: 'Note',
        text: `CA:TRUE, yet it sits where the ${KIND_WORDS[kind]} belongs, and is used as one (openssl req -x509 sets CA:TRUE unless told otherwise).`,
      });
    // A single certificate leads with what it means in the cluster; the long facts follow.
    if (kind !== 'ca')
      sections.push(...(count === 1 ? [meaningSection(cert.subject, csrApproved(analysis, material)), section] : [section, meaningSection(cert.subject)]));
    else sections.push(section);
  });
  if (count > shown.length) sections.push(restSection(certs, shown.length, now));
  if (count > 1) sections.push(chainSection(certs, shown.length, issuerIn));
  const object = analysis.objects.find((o) => o.csr && site.group === `${o.document}/${o.label}`);
  for (const csr of material.requests) {
    const section = requestSection(csr);
    if (object?.csr) {
      section.rows.push({ label: 'Signer', text: object.csr.signerName?.value || '(none)', code: true });
      section.rows.push({ label: 'Requested usages', text: object.csr.usages.join(', ') || '(none)' });
    }
    sections.push(section, meaningSection(csr.subject, false));
  }
  for (const key of material.keys) sections.push(keySection(analysis, material, key));
  if (sections.length === 0)
    sections.push({
      title: site.where,
      rows: [
        {
          text: material.readable
            ? 'Holds no certificate, request or key.'
            : site.encoding === 'file' && analysis.findings.some((f) => f.code === 'missing-file' && f.where === site.where)
              ? 'Could not be read; see the diagnostic.'
              : 'Could not be decoded; see the diagnostic.',
        },
      ],
    });
  sections[0].rows.unshift(verdictRow(siteVerdict(analysis, site.where)));
  sections[0].rows.unshift({ label: 'Where', text: site.where, code: true });
  return sections;
}

/** The verdict of the diagnostics, in words, first: the same findings and severities the problems list shows. */
export function verdictRow(verdict: Verdict): HoverRow {
  if (verdict.severity === 'ok') return { label: 'Verdict', text: 'no problems found', tone: 'ok' };
  const words = [...new Set(verdict.reasons.map((r) => r.message))].join('; ');
  const tone = verdict.severity === 'error' ? 'error' : verdict.severity === 'warning' ? 'warning' : undefined;
  return { label: 'Verdict', text: `${verdict.severity}: ${words}`, tone };
}

/** Whether the CertificateSigningRequest a site belongs to has been approved (undefined outside a CSR). */
function csrApproved(analysis: Analysis, material: Material): boolean | undefined {
  const object = analysis.objects.find((o) => o.csr && material.site.group === `${o.document}/${o.label}`);
  if (!object) return undefined;
  return analysis.materials.some((m) => m.site.group === material.site.group && m.site.role === 'issued-certificate' && m.certificates.length > 0);
}

/** The CA in the document that signed `cert`; else one that only bears its issuer's name (the hover says the signature fails). */
function caFor(analysis: Analysis, material: Material, cert: Certificate): Certificate | undefined {
  let named: Certificate | undefined;
  for (const m of analysis.materials) {
    if (m === material) continue;
    if (m.site.role !== 'cluster-ca' && m.site.role !== 'ca-bundle') continue;
    for (const c of m.certificates) {
      if (c.subject.derHex !== cert.issuer.derHex) continue;
      if (isSignedBy(cert, c)) return c;
      named ??= c;
    }
  }
  return named;
}

function validityRow(cert: Certificate, now: number): HoverRow {
  const span = `${formatDate(cert.notBefore)} → ${formatDate(cert.notAfter)}`;
  if (cert.notAfter < now) return { label: 'Valid', text: `${span} — expired ${relative(cert.notAfter, now)}`, tone: 'error' };
  if (cert.notBefore > now) return { label: 'Valid', text: `${span} — not valid until ${relative(cert.notBefore, now)}`, tone: 'error' };
  return { label: 'Valid', text: `${span} — expires ${relative(cert.notAfter, now)}`, tone: cert.notAfter - now < 30 * 86_400_000 ? 'warning' : 'ok' };
}

export function certificateSection(cert: Certificate, now: number, title: string, issuer?: Certificate): HoverSection {
  const selfSigned = isSelfSigned(cert);
  const rows: HoverRow[] = [
    { label: 'Subject', text: cert.subject.text || '(empty)', code: true },
    { label: 'Issuer', text: selfSigned ? `${cert.issuer.text} (self-signed)` : cert.issuer.text, code: true },
  ];
  if (issuer && !selfSigned)
    rows.push({
      label: 'Signed by',
      text: isSignedBy(cert, issuer)
        ? `${issuer.subject.text}, valid until ${formatDate(issuer.notAfter)}${issuer.notAfter < now ? ' (expired)' : ''}`
        : `${issuer.subject.text} (serial ${issuer.serial}, SHA-256 ${issuer.sha256.slice(0, 16)}…) has the issuer's name, but the signature does NOT verify with its key: another CA of the same name signed it`,
      tone: isSignedBy(cert, issuer) && issuer.notAfter >= now ? 'ok' : 'error',
    });
  rows.push(validityRow(cert, now));
  if (cert.sans.length) rows.push({ label: 'Names', text: cert.sans.join(', '), code: true });
  rows.push({ label: 'Key', text: `${cert.publicKey.label} · signature ${cert.signatureAlgorithm}` });
  if (cert.keyUsage.length || cert.extKeyUsage.length)
    rows.push({ label: 'Usage', text: [...cert.keyUsage, ...cert.extKeyUsage.map((u) => `${u} (extended)`)].join(', ') });
  rows.push({ label: 'CA', text: cert.ca ? `yes${cert.pathLen !== undefined ? `, path length ${cert.pathLen}` : ''}` : 'no' });
  rows.push({ label: 'Serial', text: serialHexAsOpenssl(cert.serial), code: true });
  rows.push({ label: 'SHA-256', text: colonHex(cert.sha256), code: true });
  return { title: `${title}: ${shortName(cert)}`, rows };
}

function shortName(cert: Certificate): string {
  const cn = attributes(cert.subject, 'CN');
  return cn.length ? cn[cn.length - 1] : cert.subject.text || '(no subject)';
}

function colonHex(hex: string): string {
  return hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/** `approved`: for a CertificateSigningRequest, whether it has been signed yet (undefined elsewhere). */
export function meaningSection(subject: Certificate['subject'], approved?: boolean): HoverSection {
  const id = identityOf(subject);
  const rows: HoverRow[] = [];
  rows.push({ label: 'User', text: id.user ?? '(none: no CN, the API server rejects it)', code: id.user !== undefined });
  rows.push({ label: 'Groups', text: id.groups.length ? id.groups.join(', ') : '(none besides system:authenticated)', code: id.groups.length > 0 });
  for (const m of id.meanings)
    rows.push({
      label: m.name,
      text: m.superuser && approved === false ? `${m.text} Approving this request would create such a superuser.` : m.text,
      tone: m.superuser ? 'warning' : undefined,
    });
  if (id.ignoredUnits.length)
    rows.push({
      label: 'OU',
      text: `${id.ignoredUnits.join(', ')}: ignored by Kubernetes, which reads groups from O only.${id.groupsInOu.length ? ` The holder is NOT in ${id.groupsInOu.join(', ')}.` : ''}`,
      tone: id.groupsInOu.length ? 'warning' : undefined,
    });
  return { title: 'In the cluster', rows };
}

/** Another certificate of the bundle whose subject is `cert`'s issuer, by one map lookup (a bundle can hold 20,000). */
function issuerFinder(certs: Certificate[]): (cert: Certificate) => Certificate | undefined {
  const bySubject = new Map<string, Certificate[]>();
  for (const c of certs) {
    const same = bySubject.get(c.subject.derHex);
    if (!same) bySubject.set(c.subject.derHex, [c]);
    else if (same.length < 8) same.push(c);
  }
  // By signature first: a leaf, an intermediate and a root may share one subject DN.
  return (cert) => {
    const named = bySubject.get(cert.issuer.derHex)?.filter((c) => c !== cert) ?? [];
    return named.find((c) => issuedBy(cert, c)) ?? named[0];
  };
}

/** The certificates a hover does not list, summed up: how many, how many expired, the first to expire. */
function restSection(certs: Certificate[], from: number, now: number): HoverSection {
  let expired = 0;
  let notYet = 0;
  let cas = 0;
  let first = from;
  for (let i = from; i < certs.length; i++) {
    const c = certs[i];
    if (c.notAfter < now) expired++;
    else if (c.notBefore > now) notYet++;
    if (c.ca) cas++;
    if (c.notAfter < certs[first].notAfter) first = i;
  }
  const soonest = certs[first];
  return {
    title: `Certificates ${from + 1}–${certs.length} of ${certs.length}`,
    rows: [
      {
        text: `Not listed one by one: a hover lists the first ${from} certificates of a bundle. Show Decoded Certificate lists more, and Copy Certificate as PEM copies them all.`,
      },
      { label: 'CAs', text: `${cas} of ${certs.length - from}` },
      {
        label: 'Validity',
        text: `${expired} expired, ${notYet} not yet valid, ${certs.length - from - expired - notYet} valid now`,
        tone: expired || notYet ? 'error' : 'ok',
      },
      {
        label: 'First to expire',
        text: `#${first + 1} ${soonest.subject.text || '(no subject)'}, ${formatDate(soonest.notAfter)}`,
        tone: soonest.notAfter < now ? 'error' : undefined,
      },
    ],
  };
}

function chainSection(certs: Certificate[], shown: number, issuerIn: (cert: Certificate) => Certificate | undefined): HoverSection {
  const index = new Map<Certificate, number>();
  certs.forEach((c, i) => index.has(c) || index.set(c, i));
  const rows: HoverRow[] = certs.slice(0, shown).map((c, i) => {
    const next = issuerIn(c);
    const self = isSelfSigned(c);
    const link = self
      ? 'self-signed root'
      : next
        ? `signed by #${(index.get(next) ?? 0) + 1}${isSignedBy(c, next) ? '' : ' (signature does NOT verify)'}`
        : `issuer ${c.issuer.text} not in this bundle`;
    return { label: `#${i + 1}`, text: `${c.subject.text} — ${link}` };
  });
  if (certs.length > shown) rows.push({ text: `… and ${certs.length - shown} more certificates, not listed.` });
  return { title: 'Chain', rows };
}

function requestSection(csr: CertificateRequest): HoverSection {
  return {
    title: `Certificate request: ${csr.subject.text || '(empty subject)'}`,
    rows: [
      { label: 'Subject', text: csr.subject.text, code: true },
      ...(csr.sans.length ? [{ label: 'Names', text: csr.sans.join(', '), code: true }] : []),
      { label: 'Key', text: csr.publicKey.label },
      ...(csr.keyUsage.length || csr.extKeyUsage.length ? [{ label: 'Usage', text: [...csr.keyUsage, ...csr.extKeyUsage].join(', ') }] : []),
      {
        label: 'Signature',
        text: csr.signatureValid ? `${csr.signatureAlgorithm}, verifies` : `${csr.signatureAlgorithm}, does NOT verify`,
        tone: csr.signatureValid ? 'ok' : 'error',
      },
    ],
  };
}

function keySection(analysis: Analysis, material: Material, key: PrivateKeyFacts): HoverSection {
  const rows: HoverRow[] = [{ label: 'Type', text: `${key.label} (${key.format})` }];
  const partner = analysis.materials.find(
    (m) => m.site.group === material.site.group && m !== material && m.certificates.length > 0 && m.site.role !== 'ca-bundle' && m.site.role !== 'cluster-ca',
  );
  if (partner && key.publicFingerprint !== undefined) {
    const leaf = partner.certificates[0];
    const match = leaf.publicKey.fingerprint === key.publicFingerprint;
    rows.push({ label: 'Certificate', text: match ? `matches ${leaf.subject.text}` : `does NOT match ${leaf.subject.text}`, tone: match ? 'ok' : 'error' });
  }
  rows.push({ text: 'The key itself is never shown.' });
  return { title: 'Private key', rows };
}

/** An Ingress host or secretName: the Secret's certificate, and whether it covers the host (the same finding as the diagnostic). */
function ingressSection(
  analysis: Analysis,
  ingress: ManifestObject,
  secretName: Field | undefined,
  host: Field | undefined,
  span: Span,
  now: number,
): HoverSection {
  const rows: HoverRow[] = [verdictRow(spanVerdict(analysis, span))];
  const name = secretName?.value;
  const secret = analysis.objects.find(
    (o) => o.kind === 'Secret' && o.name === name && (o.namespace === undefined || ingress.namespace === undefined || o.namespace === ingress.namespace),
  );
  const crt =
    secret &&
    analysis.materials.find((m) => m.site.group === `${secret.document}/${secret.label}` && m.site.role === 'serving-certificate' && m.certificates.length > 0);
  if (!name) rows.push({ text: 'No secretName: the controller serves its default certificate for this host.' });
  else if (!secret) rows.push({ label: 'Secret', text: `${name} (not in this file: Kubecert cannot see its certificate)`, code: false });
  else if (!crt) rows.push({ label: 'Secret', text: `${secret.label} holds no readable tls.crt` });
  else {
    const leaf = crt.certificates[0];
    rows.push({ label: 'Secret', text: secret.label, code: true });
    rows.push({ label: 'Certificate', text: leaf.subject.text || '(empty subject)', code: true });
    rows.push(validityRow(leaf, now));
    rows.push({ label: 'Names', text: leaf.sans.length ? leaf.sans.join(', ') : '(none)', code: leaf.sans.length > 0 });
    if (host) {
      const covered = coversPattern(leaf, host.value);
      rows.push({
        label: 'Host',
        text: `${host.value} — ${covered ? 'covered by the certificate' : 'NOT covered by the certificate: clients will reject it'}`,
        tone: covered ? 'ok' : 'error',
      });
    }
  }
  return { title: host ? `Ingress host ${host.value}` : `Ingress TLS Secret ${name ?? ''}`, rows };
}

/** A reference to a name that does not exist: the closest existing names, as the quick fix offers them. */
function missingEntry(analysis: Analysis, kind: 'cluster' | 'user' | 'context', name: string): HoverSection {
  const config = analysis.kubeconfig;
  const list = !config ? [] : kind === 'cluster' ? config.clusters : kind === 'user' ? config.users : config.contexts;
  const names = closestNames(
    name,
    list.map((e) => e.name),
  ).slice(0, 5);
  return {
    title: `No ${kind} named "${name}"`,
    rows: [
      { label: 'Verdict', text: `error: kubectl fails with this ${kind === 'context' ? 'current-context' : 'context'}`, tone: 'error' },
      names.length ? { label: `Existing ${kind}s`, text: names.join(', '), code: true } : { text: `There is no ${kind} in this file.` },
    ],
  };
}

function entrySummary(analysis: Analysis, entry: Entry, now: number): HoverSection {
  const config = analysis.kubeconfig;
  const rows: HoverRow[] = [verdictRow(entryVerdict(analysis, entry))];
  const certRow = (label: string, group: string, roles: string[]): void => {
    const m = analysis.materials.find((x) => x.site.group === group && roles.includes(x.site.role) && x.certificates.length > 0);
    if (!m) return;
    const c = m.certificates[0];
    const verdict = siteVerdict(analysis, m.site.where);
    const tone = verdict.severity === 'error' ? 'error' : verdict.severity === 'warning' ? 'warning' : verdict.severity === 'ok' ? 'ok' : undefined;
    rows.push({
      label,
      text: `${c.subject.text} — ${c.notAfter < now ? `expired ${relative(c.notAfter, now)}` : `expires ${relative(c.notAfter, now)}`}${verdict.severity === 'ok' ? '' : ` — ${verdict.reasons.map((r) => r.message).join('; ')}`}`,
      tone,
    });
  };
  const describeCluster = (cluster: Entry): void => {
    rows.push({ label: 'Server', text: shownServer(cluster.fields.get('server')?.value ?? '(none)'), code: true });
    certRow('CA', `clusters/${cluster.index}`, ['cluster-ca']);
    if (cluster.fields.get('insecure-skip-tls-verify')?.value === 'true')
      rows.push({ label: 'TLS', text: 'insecure-skip-tls-verify: the server is not verified', tone: 'warning' });
  };
  const describeUser = (user: Entry): void => {
    certRow('Client certificate', `users/${user.index}`, ['client-certificate']);
    const key = analysis.materials.find((x) => x.site.group === `users/${user.index}` && x.site.role === 'client-key');
    const keyVerdict = key && siteVerdict(analysis, key.site.where);
    if (key && keyVerdict && keyVerdict.severity !== 'ok')
      rows.push({
        label: 'Client key',
        text: keyVerdict.reasons.map((r) => r.message).join('; '),
        tone: keyVerdict.severity === 'error' ? 'error' : 'warning',
      });
    const auth = ['token', 'tokenFile', 'exec', 'auth-provider', 'username'].filter((k) => user.fields.has(k));
    if (auth.length) rows.push({ label: 'Authenticates with', text: `${auth.join(', ')} (never run or shown by Kubecert)` });
  };
  if (entry.kind === 'context' && config) {
    const cluster = findEntry(config.clusters, entry.fields.get('cluster')?.value ?? '');
    const user = findEntry(config.users, entry.fields.get('user')?.value ?? '');
    rows.push({ label: 'Cluster', text: entry.fields.get('cluster')?.value ?? '(none)', code: true, tone: cluster ? undefined : 'error' });
    if (cluster) describeCluster(cluster);
    rows.push({ label: 'User', text: entry.fields.get('user')?.value ?? '(none)', code: true, tone: user ? undefined : 'error' });
    if (user) describeUser(user);
    rows.push({ label: 'Namespace', text: entry.fields.get('namespace')?.value || 'default', code: true });
    if (config.currentContext?.value === entry.name) rows.push({ text: 'This is the current context.' });
  } else if (entry.kind === 'cluster') describeCluster(entry);
  else if (entry.kind === 'user') describeUser(entry);
  return { title: `${entry.kind[0].toUpperCase()}${entry.kind.slice(1)} "${entry.name}"`, rows };
}

/** Text from a certificate or file on one line: control characters (line breaks, terminal escapes) become visible \xHH. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
