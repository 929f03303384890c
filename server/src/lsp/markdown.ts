// Hovers rendered as Markdown. Every string from a certificate or file is escaped: hovers are never trusted.
import type { Hover } from '../core';

/** Escapes Markdown and HTML so that text shows as typed: no links, no emphasis, no tags, no command: URIs. */
export function escapeMarkdown(text: string): string {
  // Backslash escapes (CommonMark allows them before any ASCII punctuation) stay readable in
  // editors that show hover Markdown as text. What is escaped is what can open a construct:
  // emphasis, code, links and images, HTML, tables, strikethrough; and block markers at the start.
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]<>&|~$]/g, (c) => '\\' + c)
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/^[#+\-=>]/, (m) => '\\' + m)
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Inline code cannot be escaped with backslashes; keep it plain when it could break out. */
function code(text: string): string {
  if (/[`\u0000-\u001f\u007f-\u009f]/.test(text) || text.includes('$(')) return escapeMarkdown(text);
  return '`' + text + '`';
}

const TONE = { error: '⛔ ', warning: '⚠️ ', ok: '✅ ' } as const;
/** VS Code's theme icons, for a client that renders them (initializationOptions.clientRendersIcons). */
const ICON = { error: '$(error) ', warning: '$(warning) ', ok: '$(pass) ' } as const;

/** The state is always in words too (an emoji without a font is an empty box); the marker only repeats it. */
export function renderHover(hover: Hover, icons = false): string {
  const marks = icons ? ICON : TONE;
  const parts: string[] = [];
  for (const section of hover.sections) {
    const lines = [`**${escapeMarkdown(section.title)}**`, ''];
    for (const row of section.rows) {
      const label = row.label ? `${escapeMarkdown(row.label)}: ` : '';
      const value = row.code ? code(row.text) : escapeMarkdown(row.text);
      lines.push(`${row.tone ? marks[row.tone] : ''}${label}${value}  `);
    }
    parts.push(lines.join('\n'));
  }
  return parts.join('\n\n---\n\n');
}
