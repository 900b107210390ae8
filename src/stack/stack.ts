// The whole stack: each tier contributes its resources; the engine only sees the list.
import type { Config } from '../config/schema.js';
import type { AwsClients } from '../../runtime/aws/clients.js';
import { everyResource, type Stack } from '../engine/plan.js';
import type { HandlerPackage } from '../build/bundle.js';
import {
  apiTier,
  type ApiResource,
  type FunctionResource,
  type SecretResource,
  type StageResource,
} from './api-tier.js';
import { stackContext } from './context.js';
import { dataTier, type ReplicaResource, type TableResource } from './data-tier.js';
import type { AlarmResource } from './monitoring-alarms.js';
import { type DashboardResource, monitoringTier, type TopicResource } from './monitoring-tier.js';
import { type CertificateResource, domainTier, type RecordResource } from './domain-tier.js';
import { heldByDistribution } from './domain-leftovers.js';
import { retiredSecondary, secondaryTier } from './secondary-tier.js';
import { foundByTag, TaggingUnavailable } from './tagged.js';
import type { Reporter } from '../engine/events.js';
import { type BucketResource, type DistributionResource, type OacResource, webTier } from './web-tier.js';
import type { StackEnv } from './stack-env.js';
import { authorizerEnvironment, type UserPoolClientResource, type UserPoolResource, usersTier } from './users-tier.js';

/**
 * The API and functions in regions.secondary (src/stack/secondary-tier.ts), reading and writing the
 * table's replica there: the API a failover sends the distribution to.
 */
export interface SecondaryParts {
  region: string;
  api: ApiResource;
  stage: StageResource;
  functions: FunctionResource[];
  /** The copy of the origin secret there (api.edgeOnly); undefined when the API answers directly. */
  originSecret: SecretResource | undefined;
}

/** The stack's resources by role, typed: what commands read (outputs, alarm states) they read here, not by id. */
export interface StackParts {
  table: TableResource;
  /** The table's replica in regions.secondary; undefined without one. */
  replica: ReplicaResource | undefined;
  /** The compute and API in regions.secondary; undefined without one. */
  secondary: SecondaryParts | undefined;
  functions: FunctionResource[];
  api: ApiResource;
  stage: StageResource;
  /** The secret CloudFront sends the API (api.edgeOnly); undefined when the API answers directly. */
  originSecret: SecretResource | undefined;
  siteBucket: BucketResource;
  /** The site's copy in regions.secondary (the origin group's failover member); undefined without one. */
  secondarySiteBucket: BucketResource | undefined;
  oac: OacResource;
  distribution: DistributionResource;
  /** The site's own domain (website.domain): its certificate and DNS records; none without one. */
  certificate: CertificateResource | undefined;
  domainRecords: RecordResource[];
  /** The alarms and topics the configuration asks for (none when turned off). */
  alarms: AlarmResource[];
  topics: TopicResource[];
  dashboard: DashboardResource | undefined;
  /** The admin accounts' pool and the storefront's client (auth.users); undefined without. */
  userPool: UserPoolResource | undefined;
  userPoolClient: UserPoolClientResource | undefined;
}

/** The stack the engine plans, plus its parts for the commands that read them. */
export interface AppStack extends Stack {
  parts: StackParts;
}

/** `packages`: the bundled handlers; teardown passes none (it needs no code). */
export function buildStack(config: Config, env: StackEnv, packages?: Map<string, HandlerPackage>): AppStack {
  const ctx = stackContext(config, env);
  const data = dataTier(ctx);
  const users = usersTier(ctx);
  const auth = authorizerEnvironment(ctx, users);
  const api = apiTier(ctx, packages, auth);
  const secondary = secondaryTier(ctx, data.replica, packages, auth);
  const web = webTier(ctx, api.api, secondary?.api);
  const domain = domainTier(ctx, web.distribution);
  const secondaryParts: SecondaryParts | undefined = secondary && {
    region: secondary.region,
    api: secondary.api,
    stage: secondary.stage,
    functions: secondary.functions,
    originSecret: secondary.originSecret,
  };
  const monitoring = monitoringTier(ctx, {
    table: data.table,
    stage: api.stage,
    distribution: web.distribution,
    webAcl: web.webAcl,
    secondary: secondaryParts,
  });
  // With a domain, the distribution takes its names and certificate (domain-tier.ts); else it is the web tier's.
  const webResources = web.resources.map((r) => (r === web.distribution ? domain.distribution : r));
  return {
    resources: [
      ...data.resources,
      ...users.resources,
      ...api.resources,
      ...(secondary?.resources ?? []),
      ...webResources,
      ...domain.resources,
      ...monitoring.resources,
    ],
    retired: [
      ...data.retired,
      ...users.retired,
      ...api.retired,
      ...(secondary?.retired ?? []),
      ...web.retired,
      ...domain.retired,
      ...monitoring.retired,
    ],
    tags: ctx.tags,
    parts: {
      table: data.table,
      replica: data.replica,
      secondary: secondaryParts,
      functions: api.functions,
      api: api.api,
      stage: api.stage,
      originSecret: api.retired.includes(api.originSecret) ? undefined : api.originSecret,
      siteBucket: web.siteBucket,
      secondarySiteBucket: web.secondarySiteBucket,
      oac: web.oac,
      distribution: domain.distribution,
      certificate: domain.certificate,
      domainRecords: domain.records,
      alarms: monitoring.alarms,
      topics: monitoring.topics,
      dashboard: monitoring.dashboard,
      userPool: config.auth.users ? users.pool : undefined,
      userPoolClient: config.auth.users ? users.client : undefined,
    },
  };
}

/**
 * The stack plus what its tags find under names its configuration no longer gives (`plan`, `up`,
 * `down`): a `down` then leaves nothing this stack tagged, whatever the settings say now.
 */
export async function withFoundByTag<S extends Stack>(
  stack: S,
  aws: AwsClients,
  config: Config,
  env: StackEnv,
  reporter: Reporter,
): Promise<S> {
  // regions.secondary turned off: what the stack made in the region its table still replicates to.
  const gone = await retiredSecondary(aws, config, env, (c) => buildStack(c, env), stack);
  return withFound(
    gone.length > 0 ? { ...stack, retired: [...(stack.retired ?? []), ...gone] } : stack,
    aws,
    config,
    env,
    reporter,
  );
}

async function withFound<S extends Stack>(
  stack: S,
  aws: AwsClients,
  config: Config,
  env: StackEnv,
  reporter: Reporter,
): Promise<S> {
  try {
    const found = await foundByTag(aws, config, env, everyResource(stack));
    // The distribution drops a found certificate or function before it is deleted.
    const held = heldByDistribution(found);
    const resources = stack.resources.map((r) =>
      r.id === 'distribution' && held.length > 0 ? { ...r, dependsOn: [...r.dependsOn, ...held] } : r,
    );
    return { ...stack, resources, found };
  } catch (err) {
    if (!(err instanceof TaggingUnavailable)) throw err;
    reporter.event({ type: 'note', id: 'found-by-tag', name: 'tag lookup', message: err.message });
    return stack;
  }
}
