// The compute and API in regions.secondary: the same functions, execution roles, log groups, API,
// stage and throttling as the stack's region, reading and writing the table's replica there, built by
// the same builders (api-tier.ts, data-tier.ts) with the secondary region's context, then given ids of
// their own (`secondary:…`) and their region (`Resource.region`: the engine runs them there).
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { classifyAwsError, unless } from '../aws/errors.js';
import type { HandlerPackage } from '../build/bundle.js';
import { FUNCTIONS } from '../config/functions.js';
import { resourceNames } from '../config/names.js';
import type { Config } from '../config/schema.js';
import { everyResource, type Stack } from '../engine/plan.js';
import { type AwsAccess, type Outputs, type OutputsOf, type Resource, ref } from '../engine/types.js';
import { UserError } from '../errors.js';
import {
  type AuthorizerEnvironment,
  accountLogging,
  apiDefinition,
  type FunctionResource,
  lambdaResource,
  restApiResource,
  secret,
  stageResource,
} from './api-tier.js';
import { apiKeysTier } from './api-keys-tier.js';
import { regionContext, type StackContext } from './context.js';
import { functionRole, logGroupResource, type ReplicaResource } from './data-tier.js';
import { type ResourceId, type StackResource, secondaryId } from './ids.js';
import { apiKeyCopies } from '../resources/api-key-copies.js';
import { topicId } from './monitoring-alarms.js';
import type { StackEnv } from './stack-env.js';
import type { SecondaryParts } from './stack.js';

export interface SecondaryTier extends SecondaryParts {
  resources: Resource[];
  /** api.keys turned off: the plans and site key copy there, to delete. */
  retired: Resource[];
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
  /** The user pool's ids for the authorizer (auth.users): the pool is the primary region's, one for both. */
  auth?: AuthorizerEnvironment,
): SecondaryTier | undefined {
  const region = ctx.config.regions.secondary;
  if (region === null || replica === undefined) return undefined;
  const there = regionContext(ctx, region);
  // The roles' policies name the replica (the table's ARN in that region), which they depend on.
  const roles = FUNCTIONS.flatMap((fn) => functionRole(there, fn, replica));
  const accessLogs = logGroupResource(there, 'log-group:api-access', there.names.apiAccessLogGroup);
  const functions = FUNCTIONS.map((fn) =>
    lambdaResource(there, fn, packages?.get(fn.id), fn.readsAdminToken ? auth : undefined),
  );
  const definition = apiDefinition(there);
  const api = restApiResource(there, functions, definition);
  const logging = accountLogging(there);
  const stage = stageResource(there, api, logging.account, definition);
  const adminToken = copied(ctx, there, 'secret:admin-token');
  const origin = there.edgeOnly ? copied(ctx, there, 'secret:origin-secret') : undefined;
  // api.keys: the same plans on this stage, and the site key with the primary's value.
  const keys = apiKeysTier(there, api, 'stage', ctx.env.region);
  const local = new Set<string>([
    ...[...roles, accessLogs, ...functions, api, logging.role, logging.account, stage, adminToken].map((r) => r.id),
    ...[...keys.plans, keys.siteKey].map((r) => r.id),
  ]);
  if (origin) local.add(origin.id);
  const move = <D, O, Out extends Outputs>(r: Resource<D, O, Out, ResourceId>, deps: ResourceId[] = []) =>
    moved(r, region, local, deps);
  const parts = {
    region,
    // They read and write the replica: made once it is, deleted before it goes.
    functions: functions.map((f): FunctionResource => move(f, [replica.id])),
    api: move(api),
    // Not after the distribution (the primary's stage waits for it to send the site's API key): the
    // distribution may come to name this stage (a failover), which must not make a cycle.
    stage: move({ ...stage, dependsOn: stage.dependsOn.filter((d) => d !== 'distribution') }),
    // Copied once the distribution sends the secret, so the copy is the value CloudFront sends.
    originSecret: origin ? move(origin, ['secret:origin-secret', 'distribution']) : undefined,
  };
  const rest = [...roles, accessLogs].map((r) => move<unknown, unknown, Outputs>(r));
  const token = move(adminToken, ['secret:admin-token']);
  // The site key's copy is made from the primary's, so after it.
  const copy = move(keys.siteKey, [keys.siteKey.id]);
  // Its source's id, from the stack region's site key (same id there, read before `moved` renames it).
  const siteCopy = {
    ...copy,
    resolve: (out: OutputsOf) => ({ ...copy.desired, sourceId: ref(out, keys.siteKey, 'id') }),
  };
  // Partners' keys made when this region was not set (or did not answer), copied by `up` (api-key-copies.ts).
  const partners: StackResource<typeof apiKeyCopies> = {
    id: secondaryId('api-keys:partners'),
    name: `${ctx.names.prefix} partner keys`,
    region,
    provisioner: apiKeyCopies,
    dependsOn: keys.plans.map((p) => secondaryId(p.id)),
    desired: {
      siteKey: keys.siteKey.desired.name,
      copyFrom: ctx.env.region,
      tags: ctx.tags,
    },
  };
  const keyParts: Resource[] = [...keys.plans.map((p) => move(p)), siteCopy];
  const keysOn = ctx.config.api.keys.enabled;
  return {
    ...parts,
    retired: keysOn ? [] : keyParts,
    resources: [
      ...rest,
      ...parts.functions,
      token,
      ...(parts.originSecret ? [parts.originSecret] : []),
      parts.api,
      move(logging.role),
      move(logging.account),
      parts.stage,
      ...(keysOn ? [...keyParts, partners] : []),
    ],
  };
}

/** The region the table replicates to, read from the table itself; undefined without a replica (or a table). */
async function replicaRegion(aws: AwsAccess, table: string, home: string): Promise<string | undefined> {
  const found = await unless(
    aws.client(DynamoDBClient).send(new DescribeTableCommand({ TableName: table })),
    'ResourceNotFoundException',
  ).catch((err: unknown) => {
    throw classifyAwsError(err, aws.target, `table ${table}`);
  });
  return found?.Table?.Replicas?.map((r) => r.RegionName).find((r) => r !== undefined && r !== home);
}

/**
 * regions.secondary turned off while the table still has its replica: what the stack made in that
 * region (compute, API, alarms, their topic), built as it was, to delete. The configuration no longer
 * names the region, the table does until `up` removes the replica, which waits for these (they depend
 * on it). `build` builds the stack of a configuration.
 */
export async function retiredSecondary(
  aws: AwsAccess,
  config: Config,
  env: StackEnv,
  build: (config: Config) => Stack,
  current: Stack,
): Promise<Resource[]> {
  if (config.regions.secondary !== null) return [];
  const region = await replicaRegion(aws, resourceNames(config, env.accountId).table, env.region);
  if (region === undefined) return [];
  let was: Stack;
  try {
    was = build({ ...config, regions: { ...config.regions, secondary: region } });
  } catch (err) {
    // A configuration that could not have a replica (a provisioned table): nothing of it to find.
    if (err instanceof UserError) return [];
    throw err;
  }
  const known = new Set(everyResource(current).map((r) => r.id));
  return was.resources.filter((r) => !known.has(r.id) && (r.region === region || r.id === topicId(region)));
}
