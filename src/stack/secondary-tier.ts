// The compute and API in regions.secondary: the same functions, execution roles, log groups, API,
// stage and throttling as the stack's region, reading and writing the table's replica there, built by
// the same builders (api-tier.ts, data-tier.ts) with the secondary region's context, then given ids of
// their own (`secondary:…`) and their region (`Resource.region`: the engine runs them there).
import type { HandlerPackage } from '../build/bundle.js';
import { FUNCTIONS } from '../config/functions.js';
import type { Outputs, OutputsOf, Resource } from '../engine/types.js';
import {
  accountLogging,
  apiDefinition,
  type FunctionResource,
  lambdaResource,
  restApiResource,
  secret,
  stageResource,
} from './api-tier.js';
import { regionContext, type StackContext } from './context.js';
import { functionRole, logGroupResource, type ReplicaResource } from './data-tier.js';
import { type ResourceId, secondaryId } from './ids.js';
import type { SecondaryParts } from './stack.js';

export interface SecondaryTier extends SecondaryParts {
  resources: Resource[];
}

/**
 * `r` moved to `region`: its id and its dependencies on the other resources of the region (`local`)
 * prefixed, and the outputs it resolves from them read under their new ids. Dependencies on the
 * stack's region (the replica, the primary's secrets) stay as they are.
 */
function moved<D, O, Out extends Outputs>(
  r: Resource<D, O, Out, ResourceId>,
  region: string,
  local: ReadonlySet<string>,
  extraDeps: ResourceId[] = [],
): Resource<D, O, Out, ResourceId> {
  const { resolve } = r;
  const here = (id: string): string => (local.has(id) ? `secondary:${id}` : id);
  return {
    ...r,
    id: secondaryId(r.id),
    region,
    dependsOn: [...r.dependsOn.map((d) => (local.has(d) ? secondaryId(d) : d)), ...extraDeps],
    ...(resolve ? { resolve: (outputs: OutputsOf) => resolve((id) => outputs(here(id))) } : {}),
  };
}

/**
 * A parameter of the stack's region copied to the secondary (same name, same value): the secondary's
 * authorizer checks the same admin token, its handlers the same origin secret CloudFront sends.
 */
function copied(ctx: StackContext, there: StackContext, id: 'secret:admin-token' | 'secret:origin-secret') {
  const name = id === 'secret:admin-token' ? ctx.names.adminTokenParameter : ctx.names.originSecretParameter;
  const what = id === 'secret:admin-token' ? 'API admin token' : 'API origin secret';
  const made = secret(there, id, name, `${what}, copied from ${ctx.env.region}`);
  const { open: _, ...desired } = made.desired;
  return { ...made, desired: { ...desired, copyFrom: ctx.env.region } };
}

/** The secondary region's compute and API; undefined without regions.secondary. */
export function secondaryTier(
  ctx: StackContext,
  replica: ReplicaResource | undefined,
  packages: Map<string, HandlerPackage> | undefined,
): SecondaryTier | undefined {
  const region = ctx.config.regions.secondary;
  if (region === null || replica === undefined) return undefined;
  const there = regionContext(ctx, region);
  // The roles' policies name the replica (the table's ARN in that region), which they depend on.
  const roles = FUNCTIONS.flatMap((fn) => functionRole(there, fn, replica));
  const accessLogs = logGroupResource(there, 'log-group:api-access', there.names.apiAccessLogGroup);
  const functions = FUNCTIONS.map((fn) => lambdaResource(there, fn, packages?.get(fn.id)));
  const definition = apiDefinition(there);
  const api = restApiResource(there, functions, definition);
  const logging = accountLogging(there);
  const stage = stageResource(there, api, logging.account, definition);
  const adminToken = copied(ctx, there, 'secret:admin-token');
  const origin = there.edgeOnly ? copied(ctx, there, 'secret:origin-secret') : undefined;
  const local = new Set<string>(
    [...roles, accessLogs, ...functions, api, logging.role, logging.account, stage, adminToken].map((r) => r.id),
  );
  if (origin) local.add(origin.id);
  const move = <D, O, Out extends Outputs>(r: Resource<D, O, Out, ResourceId>, deps: ResourceId[] = []) =>
    moved(r, region, local, deps);
  const parts = {
    region,
    // They read and write the replica: made once it is, deleted before it goes.
    functions: functions.map((f): FunctionResource => move(f, [replica.id])),
    api: move(api),
    stage: move(stage),
    // Copied once the distribution sends the secret, so the copy is the value CloudFront sends.
    originSecret: origin ? move(origin, ['secret:origin-secret', 'distribution']) : undefined,
  };
  const rest = [...roles, accessLogs].map((r) => move<unknown, unknown, Outputs>(r));
  const token = move(adminToken, ['secret:admin-token']);
  return {
    ...parts,
    resources: [
      ...rest,
      ...parts.functions,
      token,
      ...(parts.originSecret ? [parts.originSecret] : []),
      parts.api,
      move(logging.role),
      move(logging.account),
      parts.stage,
    ],
  };
}
