// The expiry timeline: certificates on one time axis, a CA above what it signs. One layout, drawn as SVG by the
// VS Code webview and by `kubecert check --format html` alike.
import type { VerdictSeverity as Verdict } from './health';

export interface TimelineCertificate {
  /** Unique within the list: the webview sends it back on a click. */
  id: string;
  subject: string;
  issuer: string;
  notBefore: number;
  notAfter: number;
  ca: boolean;
  severity: Verdict;
  /** Where it is, for the tooltip: `admin.kubeconfig · users[admin].client-certificate-data`. */
  where: string;
}

export interface TimelineBar {
  id: string;
  row: number;
  /** How many CAs above it in its chain. */
  depth: number;
  x1: number;
  x2: number;
  y: number;
  height: number;
  severity: Verdict;
  label: string;
  /** The tooltip: subject, issuer, dates, where. */
  title: string;
  /** The bar runs past the axis on that side. */
  clipped: { start: boolean; end: boolean };
}

export interface TimelineLayout {
  width: number;
  height: number;
  /** Where the plot starts (labels are left of it). */
  left: number;
  start: number;
  end: number;
  ticks: Array<{ x: number; label: string }>;
  now: number;
  nowX: number;
  /** The warning window, now to now + warnDays. */
  warn: { x1: number; x2: number };
  bars: TimelineBar[];
}

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;
const ROW = 22;
const BAR = 14;
const TOP = 28;
const LABEL_WIDTH = 280;
/** Past this many years from now a bar is cut: one certificate valid until 9999 must not squash every other. */
const REACH = 15 * YEAR;

/** The subject's CN when it has one, else the whole subject. */
function shortName(subject: string): string {
  const cn = /(?:^|,)CN=((?:[^,\\]|\\.)*)/.exec(subject);
  return cn ? cn[1] : subject || '(empty subject)';
}

/** Rows in chain order: each CA, then what it signs (by issuer name), each level by expiry. */
function chainOrder(certs: TimelineCertificate[]): Array<{ cert: TimelineCertificate; depth: number }> {
  const byExpiry = [...certs].sort((a, b) => a.notAfter - b.notAfter || (a.id < b.id ? -1 : 1));
  const parentOf = new Map<TimelineCertificate, TimelineCertificate>();
  for (const c of byExpiry) {
    if (c.issuer === c.subject) continue;
    const parent = byExpiry.find((p) => p !== c && p.ca && p.subject === c.issuer);
    if (parent) parentOf.set(c, parent);
  }
  const children = new Map<TimelineCertificate, TimelineCertificate[]>();
  for (const [c, p] of parentOf) children.set(p, [...(children.get(p) ?? []), c]);
  const out: Array<{ cert: TimelineCertificate; depth: number }> = [];
  const placed = new Set<TimelineCertificate>();
  const visit = (c: TimelineCertificate, depth: number): void => {
    if (placed.has(c)) return;
    placed.add(c);
    out.push({ cert: c, depth });
    for (const child of children.get(c) ?? []) visit(child, depth + 1);
  };
  for (const c of byExpiry) if (!parentOf.has(c)) visit(c, 0);
  // A cycle of names (two CAs naming each other) has no root: place what is left.
  for (const c of byExpiry) visit(c, 0);
  return out;
}

function ticksFor(start: number, end: number, x: (t: number) => number): TimelineLayout['ticks'] {
  const years = (end - start) / YEAR;
  const stepMonths = years > 30 ? 120 : years > 12 ? 60 : years > 6 ? 24 : years > 2.5 ? 12 : years > 1 ? 3 : 1;
  const d = new Date(start);
  let y = d.getUTCFullYear();
  let m = d.getUTCMonth() + 1;
  // First tick on a multiple of the step.
  while ((y * 12 + m - 1) % stepMonths !== 0) m++;
  const ticks: TimelineLayout['ticks'] = [];
  for (let t = Date.UTC(y, m - 1, 1); t <= end;) {
    const date = new Date(t);
    ticks.push({ x: x(t), label: stepMonths >= 12 ? String(date.getUTCFullYear()) : date.toISOString().slice(0, 7) });
    m = date.getUTCMonth() + 1 + stepMonths;
    y = date.getUTCFullYear();
    t = Date.UTC(y, m - 1, 1);
  }
  return ticks;
}

export function layoutTimeline(certs: TimelineCertificate[], options: { now: number; warnDays: number; width?: number }): TimelineLayout {
  const { now } = options;
  const width = Math.max(options.width ?? 960, LABEL_WIDTH + 200);
  const warnEnd = now + options.warnDays * DAY;
  const rows = chainOrder(certs);
  let start = Math.min(now, ...certs.map((c) => c.notBefore));
  let end = Math.max(warnEnd, ...certs.map((c) => c.notAfter));
  start = Math.max(start, now - REACH);
  end = Math.min(end, now + REACH);
  const pad = Math.max((end - start) * 0.02, DAY);
  start -= pad;
  end += pad;
  const left = LABEL_WIDTH;
  const plot = width - left - 16;
  const x = (t: number): number => Math.round((left + ((Math.min(Math.max(t, start), end) - start) / (end - start)) * plot) * 10) / 10;
  const bars: TimelineBar[] = rows.map(({ cert, depth }, row) => {
    const y = TOP + row * ROW + (ROW - BAR) / 2;
    const title = [
      `Subject: ${cert.subject}`,
      `Issuer: ${cert.issuer === cert.subject ? '(self-signed)' : cert.issuer}`,
      `Valid: ${new Date(cert.notBefore).toISOString().slice(0, 10)} – ${new Date(cert.notAfter).toISOString().slice(0, 10)}`,
      cert.where,
    ].join('\n');
    const x1 = x(cert.notBefore);
    return {
      id: cert.id,
      row,
      depth,
      x1,
      // A certificate valid for a day still shows.
      x2: Math.max(x(cert.notAfter), x1 + 2),
      y,
      height: BAR,
      severity: cert.severity,
      label: `${cert.ca ? 'CA ' : ''}${shortName(cert.subject)}`,
      title,
      clipped: { start: cert.notBefore < start, end: cert.notAfter > end },
    };
  });
  return {
    width,
    height: TOP + rows.length * ROW + 8,
    left,
    start,
    end,
    ticks: ticksFor(start, end, x),
    now,
    nowX: x(now),
    warn: { x1: x(now), x2: x(warnEnd) },
    bars,
  };
}

/** Text and attribute values for HTML and SVG: everything taken from a certificate goes through here. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The layout as inline SVG. Colours come from CSS classes (sev-error, sev-warning, …), so each page themes it. */
export function timelineSvg(layout: TimelineLayout): string {
  const { width, height, left, bars } = layout;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Certificate validity on a time axis; the table below lists the same">`,
    `<rect class="warn-window" x="${layout.warn.x1}" y="18" width="${Math.max(layout.warn.x2 - layout.warn.x1, 1)}" height="${height - 18}"><title>warning window</title></rect>`,
  ];
  for (const t of layout.ticks)
    out.push(`<line class="tick" x1="${t.x}" y1="18" x2="${t.x}" y2="${height}"/>`, `<text class="tick-label" x="${t.x}" y="12">${escapeHtml(t.label)}</text>`);
  for (const b of bars) {
    const indent = b.depth * 14;
    out.push(
      `<g class="bar sev-${b.severity}" data-id="${escapeHtml(b.id)}" tabindex="0"><title>${escapeHtml(b.title)}</title>` +
        `<text class="bar-label" x="${8 + indent}" y="${b.y + b.height - 3}">${escapeHtml(truncate(b.label, 36 - Math.floor(indent / 7)))}</text>` +
        `<rect x="${b.x1}" y="${b.y}" width="${Math.max(b.x2 - b.x1, 2)}" height="${b.height}" rx="2"/></g>`,
    );
  }
  out.push(
    `<line class="now" x1="${layout.nowX}" y1="16" x2="${layout.nowX}" y2="${height}"/>`,
    `<text class="now-label" x="${layout.nowX + 3}" y="26">now</text>`,
    `<line class="axis" x1="${left}" y1="18" x2="${width - 16}" y2="18"/>`,
    '</svg>',
  );
  return out.join('\n');
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, Math.max(max - 1, 1))}…` : s;
}

/** Default colours for the timeline (a page may set the variables, as the VS Code webview does from its theme). */
export const TIMELINE_CSS = `
svg.timeline { font: 12px sans-serif; }
svg.timeline .warn-window { fill: var(--kc-warning, #f9a825); opacity: 0.15; }
svg.timeline .tick { stroke: var(--kc-grid, #8884); }
svg.timeline .axis { stroke: var(--kc-fg, #444); }
svg.timeline .tick-label, svg.timeline .bar-label, svg.timeline .now-label { fill: var(--kc-fg, #222); }
svg.timeline .now { stroke: var(--kc-now, #1565c0); stroke-width: 2; }
svg.timeline .bar rect { fill: var(--kc-ok, #2e7d32); }
svg.timeline .sev-error rect { fill: var(--kc-error, #c62828); }
svg.timeline .sev-warning rect { fill: var(--kc-warning, #f9a825); }
svg.timeline .sev-information rect, svg.timeline .sev-hint rect { fill: var(--kc-info, #1976d2); }
svg.timeline .bar:focus rect, svg.timeline .bar:hover rect { stroke: var(--kc-fg, #222); stroke-width: 1.5; }
`;
