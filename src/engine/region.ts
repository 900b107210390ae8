// One way to run any provisioner in another region (`Resource.region`): its context's clients are the
// run's own (same endpoint, credentials, connection pool and call record), defaulting to that region.
// Provisioners stay unchanged: `ctx.aws.client(X)` now signs for the resource's region; one that names
// a region itself (an alarm in CloudFront's) still gets that one.
import type { AwsAccess, ProvisionContext, Resource } from './types.js';

/** One view per run's clients and region: the per-run listings (src/resources/listing.ts) key on it. */
const views = new WeakMap<AwsAccess, Map<string, AwsAccess>>();

/** The run's clients with `region` as their default; the clients themselves when it is theirs. */
export function clientsIn(aws: AwsAccess, region: string): AwsAccess {
  if (region === aws.target.region) return aws;
  const byRegion = views.get(aws) ?? new Map<string, AwsAccess>();
  views.set(aws, byRegion);
  const hit = byRegion.get(region);
  if (hit) return hit;
  const view: AwsAccess = {
    target: { ...aws.target, region },
    // The base caches a client per class and region (runtime/aws/clients.ts): one per region, as here.
    client: (ctor, opts = {}) => aws.client(ctor, { ...opts, region: opts.region ?? region }),
  };
  byRegion.set(region, view);
  return view;
}

/** The context a resource's provisioner runs with: in the resource's region when it names one. */
export function contextIn(ctx: (id: string) => ProvisionContext, r: Pick<Resource, 'id' | 'region'>): ProvisionContext {
  const base = ctx(r.id);
  return r.region ? { ...base, aws: clientsIn(base.aws, r.region) } : base;
}

/** How plans, progress and errors name a resource: with its region when it is not the stack's. */
export const shownName = (r: Pick<Resource, 'name' | 'region'>): string =>
  r.region ? `${r.name} (${r.region})` : r.name;
