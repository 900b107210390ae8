// One paged listing per family of resources and run, instead of one read per resource: the stack's
// alarms and its log groups share name prefixes, and the services list them by prefix. Provisioners
// look their resource up in the listing; one that changes a resource of the family forgets it.
import type { AwsAccess } from '../engine/types.js';

type Listing = Promise<Map<string, unknown>>;

/** Per run (its clients), per family, per prefix. */
const runs = new WeakMap<AwsAccess, Map<string, Map<string, Listing>>>();

/**
 * The item named `name`, from the listing of `family` under `prefix` (read once per run through
 * `list`, which returns every item under the prefix by name).
 */
export async function listed<T>(
  aws: AwsAccess,
  family: string,
  prefix: string,
  name: string,
  list: () => Promise<Map<string, T>>,
): Promise<T | undefined> {
  const families = runs.get(aws) ?? new Map<string, Map<string, Listing>>();
  runs.set(aws, families);
  const byPrefix = families.get(family) ?? new Map<string, Listing>();
  families.set(family, byPrefix);
  let all = byPrefix.get(prefix);
  if (!all) {
    all = list();
    // A failed read is not remembered: the next lookup tries again.
    all.catch(() => byPrefix.delete(prefix));
    byPrefix.set(prefix, all);
  }
  return (await all).get(name) as T | undefined;
}

/** After a change to one of the family: the next lookup reads the family again. */
export function forget(aws: AwsAccess, family: string): void {
  runs.get(aws)?.delete(family);
}

/** The part of a name up to the stack's `<project>-<environment>-`, which its siblings share. */
export function stackPrefix(name: string, tags: Record<string, string>): string {
  const stack = `${tags.project ?? ''}-${tags.environment ?? ''}-`;
  const at = name.indexOf(stack);
  return at < 0 ? name : name.slice(0, at + stack.length);
}
