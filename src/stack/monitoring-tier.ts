// The monitoring tier: the alarms (one builder per family, src/stack/monitoring-alarms.ts), an
// optional SNS topic per region for notifications, and a dashboard of the stack.
import { FUNCTIONS } from '../config/functions.js';
import { type Resource, ref, UNKNOWN } from '../engine/types.js';
import { cloudwatchDashboard, dashboardBody, type DashboardDesired } from '../resources/cloudwatch-dashboard.js';
import { snsTopic } from '../resources/sns-topic.js';
import type { StageResource } from './api-tier.js';
import type { SecondaryParts } from './stack.js';
import type { StackContext } from './context.js';
import type { StackResource } from './ids.js';
import type { TableResource } from './data-tier.js';
import {
  type AlarmResource,
  apiAlarms,
  edgeAlarms,
  functionAlarms,
  secondaryAlarms,
  tableAlarms,
  topicId,
  topicName,
  wafAlarms,
} from './monitoring-alarms.js';
import type { DistributionResource, WebAclResource } from './web-tier.js';

export type TopicResource = StackResource<typeof snsTopic>;
export type DashboardResource = StackResource<typeof cloudwatchDashboard>;

/** What the monitoring resources watch, from the other tiers. */
export interface Watched {
  table: TableResource;
  stage: StageResource;
  distribution: DistributionResource;
  /** The WAF: its alarm and widget with `waf.enabled`, the alarm retired without. */
  webAcl?: WebAclResource | undefined;
  /** regions.secondary's functions and stage: alarmed there too. */
  secondary?: SecondaryParts | undefined;
}

/** One notification topic in each region the stack alarms in (regions.secondary's too). */
function topics(ctx: StackContext, secondary: string | undefined): TopicResource[] {
  return [...new Set([...ctx.regions, ...(secondary ? [secondary] : [])])].map((region) => ({
    id: topicId(region),
    name: `${ctx.names.prefix}-alarms (${region})`,
    provisioner: snsTopic,
    dependsOn: [],
    desired: {
      name: topicName(ctx),
      arn: ctx.arn.topic(topicName(ctx), region),
      region,
      email: ctx.config.alarms.notifyEmail,
      tags: ctx.tags,
    },
  }));
}

function dashboard(ctx: StackContext, distribution: DistributionResource, webAcl?: string): DashboardResource {
  const { config, names, env } = ctx;
  const name = `${names.prefix}-${env.region}`;
  const desired = (distributionId: string): DashboardDesired => ({
    name,
    region: env.region,
    url: config.endpointUrl
      ? null
      : `https://${env.region}.console.aws.amazon.com/cloudwatch/home?region=${env.region}#dashboards/dashboard/${name}`,
    body: dashboardBody({
      region: env.region,
      functions: FUNCTIONS.map((fn) => ctx.functionName(fn.id)),
      api: { ApiName: names.api, Stage: names.stage },
      table: names.table,
      index: names.categoryIndex,
      distributionId,
      cloudfrontRegion: ctx.cloudfrontRegion,
      ...(webAcl ? { webAcl } : {}),
    }),
  });
  return {
    id: 'dashboard',
    name,
    provisioner: cloudwatchDashboard,
    dependsOn: [distribution.id],
    desired: desired(UNKNOWN),
    resolve: (out) => desired(ref(out, distribution, 'id')),
  };
}

export interface MonitoringTier {
  /** Empty without `alarms.notifyEmail` (or with `alarms.enabled` false). */
  topics: TopicResource[];
  /** Empty with `alarms.enabled` false. */
  alarms: AlarmResource[];
  dashboard: DashboardResource | undefined;
  /** The resources the configuration asks for, in the order the plan lists them. */
  resources: Resource[];
  /**
   * What the tier makes under some setting that the configuration now turns off (every alarm and the
   * dashboard with `alarms.enabled` false, the topics without `notifyEmail`): `up` deletes those it
   * finds tagged as this stack's, `down` too, whatever the settings say.
   */
  retired: Resource[];
}

export function monitoringTier(ctx: StackContext, watched: Watched): MonitoringTier {
  const waf = wafAlarms(ctx, watched.webAcl);
  const wafOn = ctx.config.waf.enabled;
  const all = {
    topics: topics(ctx, watched.secondary?.region),
    alarms: [
      ...functionAlarms(ctx),
      ...tableAlarms(ctx, watched.table),
      ...apiAlarms(ctx, watched.stage),
      ...secondaryAlarms(ctx, watched.secondary),
      ...edgeAlarms(ctx, watched.distribution),
      ...(wafOn ? waf : []),
    ],
    dashboard: dashboard(ctx, watched.distribution, wafOn ? watched.webAcl?.desired.name : undefined),
  };
  const everything = [...all.topics, ...all.alarms, all.dashboard, ...(wafOn ? [] : waf)];
  const a = ctx.config.alarms;
  if (!a.enabled) return { topics: [], alarms: [], dashboard: undefined, resources: [], retired: everything };
  const topicsWanted = a.notifyEmail ? all.topics : [];
  return {
    ...all,
    topics: topicsWanted,
    resources: [...topicsWanted, ...all.alarms, all.dashboard],
    retired: [...(a.notifyEmail ? [] : all.topics), ...(wafOn ? [] : waf)],
  };
}
