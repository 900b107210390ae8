// The ids of the stack's resources: a resource's `id` and each of its `dependsOn` must have one of
// these forms, so a misspelt dependency fails to compile. Function ids come from FUNCTIONS (data).
import type { ResourceOf } from '../engine/types.js';

type OwnRegionId =
  | 'table'
  | 'table-replica'
  | `log-group:${string}`
  | `role:${string}`
  | `function:${string}`
  | 'secret:admin-token'
  | 'secret:origin-secret'
  | 'api'
  | 'apigateway-account'
  | 'stage'
  | `usage-plan:${string}`
  | 'api-key:site'
  | 'api-keys:partners'
  | 'user-pool'
  | 'user-pool-client'
  | `user-group:${string}`
  | `bucket:${'logs' | 'site' | 'site-secondary'}`
  | `bucket-policy:${'logs' | 'site' | 'site-secondary'}`
  | 'oac'
  | 'headers-policy'
  | 'web-acl'
  | 'distribution'
  | `cdn-log-${'source' | 'destination' | 'delivery'}`
  | 'certificate'
  | 'www-redirect'
  | `dns-record:${string}`
  | `topic:${string}`
  | `alarm:${string}`
  | 'dashboard';

/** A resource of regions.secondary (src/stack/secondary-tier.ts): the primary's id, prefixed. */
export type SecondaryId = `secondary:${OwnRegionId}`;

export type ResourceId = OwnRegionId | SecondaryId;

const SECONDARY = 'secondary:';

export const isSecondaryId = (id: string): id is SecondaryId => id.startsWith(SECONDARY);

/** The id of a resource's counterpart in regions.secondary. */
export function secondaryId(id: ResourceId): SecondaryId {
  if (isSecondaryId(id)) throw new Error(`${id} is already an id of the secondary region`);
  return `${SECONDARY}${id}`;
}

/** A resource of this stack made by provisioner `P`: its outputs as `P` declares them, its ids checked. */
export type StackResource<P> = ResourceOf<P, ResourceId>;
