// The one table renderer: aligned columns separated by two spaces, cut to the terminal
// width. Hand-written because listings stream row by row with fixed widths (a table
// library needs every row before it can print the first).
const len = (s: string): number => [...s].length;

function cut(text: string, width: number): string {
  return len(text) > width ? `${[...text].slice(0, Math.max(0, width - 1)).join('')}…` : text;
}

/** One row at the given column widths; the last column is not padded. */
export function formatRow(cells: readonly string[], widths: readonly number[], right: readonly boolean[] = []): string {
  return cells
    .map((cell, i) => {
      const w = widths[i] ?? len(cell);
      const text = cut(cell, w);
      const pad = ' '.repeat(Math.max(0, w - len(text)));
      if (right[i]) return pad + text;
      return i === cells.length - 1 ? text : text + pad;
    })
    .join('  ')
    .trimEnd();
}

/** Rows (the first is the header) with columns as wide as their content, the widest cut to fit `maxWidth`. */
export function table(rows: readonly string[][], maxWidth = Number.POSITIVE_INFINITY): string {
  const columns = rows[0]?.length ?? 0;
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => len(r[i] ?? ''))));
  const total = (): number => widths.reduce((a, b) => a + b, 0) + 2 * (columns - 1);
  while (total() > maxWidth) {
    const widest = widths.indexOf(Math.max(...widths));
    const over = total() - maxWidth;
    const shrunk = Math.max(8, (widths[widest] ?? 0) - over);
    if (shrunk === widths[widest]) break;
    widths[widest] = shrunk;
  }
  return rows.map((r) => formatRow(r, widths)).join('\n');
}
