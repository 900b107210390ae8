// Order-insensitive comparison of JSON documents (IAM policies come back re-encoded
// and possibly with keys in another order; that must not read as drift).
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .map((k) => [k, sortKeys(obj[k])]),
    );
  }
  return value;
}

/** IAM returns policy documents URL-encoded; accept both encoded and plain JSON. */
export function parsePolicyDocument(doc: string | undefined): unknown {
  if (doc === undefined) return undefined;
  const text = doc.trimStart().startsWith('{') ? doc : decodeURIComponent(doc);
  return JSON.parse(text) as unknown;
}
