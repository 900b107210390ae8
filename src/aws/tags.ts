// AWS spells tags two ways: a map (our form) and a list of { Key, Value } (most APIs).
export type TagList = { Key?: string; Value?: string }[];

export function toTagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function fromTagList(list: TagList | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}
