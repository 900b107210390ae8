// CloudFront's list calls page with a marker; both lookups by name need the same walk.

/** The id of the first item `matches` accepts, walking every page; undefined when none does. */
export async function findInPages<T extends { Id?: string | undefined }>(
  page: (marker: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>,
  matches: (item: T) => boolean,
): Promise<string | undefined> {
  let marker: string | undefined;
  do {
    const p = await page(marker);
    const hit = p.items?.find(matches);
    if (hit?.Id) return hit.Id;
    marker = p.next;
  } while (marker);
  return undefined;
}
