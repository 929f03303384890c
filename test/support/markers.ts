// Marked text for data-driven tests: ⟦…⟧ around an expected range, ‸ at a cursor.

export interface Marked {
  text: string;
  ranges: Array<{ start: number; end: number }>;
  cursor?: number;
}

export function marked(source: string): Marked {
  let text = '';
  const ranges: Marked['ranges'] = [];
  const open: number[] = [];
  let cursor: number | undefined;
  for (const ch of source) {
    if (ch === '⟦') open.push(text.length);
    else if (ch === '⟧') ranges.push({ start: open.pop() ?? 0, end: text.length });
    else if (ch === '‸') cursor = text.length;
    else text += ch;
  }
  ranges.sort((a, b) => a.start - b.start);
  return { text, ranges, cursor };
}
