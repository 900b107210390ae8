// `projet1 outputs`: the values people use first (the URLs, the table) before the ~190 names and
// ARNs, and the closest keys when one asked for does not exist.

/** The keys a person reaches for, in this order; every other key follows in its own order. */
const FIRST = ['websiteUrl', 'apiUrl', 'table.name'];

export function orderOutputs(outputs: Record<string, string>): Record<string, string> {
  const first = FIRST.filter((k) => k in outputs);
  const urls = Object.keys(outputs).filter((k) => !first.includes(k) && /url$/i.test(k));
  const rest = Object.keys(outputs).filter((k) => !first.includes(k) && !urls.includes(k));
  return Object.fromEntries([...first, ...urls, ...rest].map((k) => [k, outputs[k] ?? '']));
}

/**
 * Edit distance (Levenshtein), case-insensitive. Hand-written: a dozen lines, where a dependency
 * would be loaded for one error message.
 */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = row;
  }
  return prev[y.length] ?? 0;
}

/** Up to three keys near `wanted`: those containing it first, then those within a third of its length in edits. */
export function closestKeys(wanted: string, keys: string[]): string[] {
  const w = wanted.toLowerCase();
  const containing = keys.filter((k) => k.toLowerCase().includes(w));
  const near = keys
    .map((k) => ({ k, d: distance(w, k) }))
    .filter(({ k, d }) => !containing.includes(k) && d <= Math.max(2, Math.floor(w.length / 3)))
    .sort((a, b) => a.d - b.d)
    .map(({ k }) => k);
  return [...containing, ...near].slice(0, 3);
}
