// The design document's alarms, one builder per family: Lambda errors and throttles, DynamoDB
// throttling, API 5XX rate and p99 latency, CloudFront 4xx/5xx rates (in the region where
// CloudFront's metrics live: us-east-1, cn-northwest-1 in China; none in GovCloud).
import { FUNCTIONS } from '../config/functions.js';
import { type OutputsOf, ref, UNKNOWN } from '../engine/types.js';
import { type AlarmDesired, cloudwatchAlarm, type MetricRef } from '../resources/cloudwatch-alarm.js';
import type { StageResource } from './api-tier.js';
import type { StackContext } from './context.js';
import { type ResourceId, secondaryId, type StackResource } from './ids.js';
import type { SecondaryParts } from './stack.js';
import type { TableResource } from './data-tier.js';
import type { DistributionResource, WebAclResource } from './web-tier.js';

export type AlarmResource = StackResource<typeof cloudwatchAlarm>;

const DYNAMO_OPERATIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchWriteItem'];

/** The alarm topic's name: one per region the stack alarms in, all named after the stack's region. */
export const topicName = (ctx: StackContext): string => `${ctx.names.prefix}-${ctx.env.region}-alarms`;
export const topicId = (region: string): ResourceId => `topic:${region}`;

type Rule = Pick<AlarmDesired, 'metrics' | 'expression' | 'threshold'>;

interface AlarmSpec {
  /** Unique within the stack: the alarm's id is `alarm:<key>`, its name `<prefix>-<key>`. */
  key: string;
  region: string;
  description: string;
  rule: Rule;
  dependsOn: ResourceId[];
  /** The metrics again once AWS assigned what they name (a distribution's id). */
  resolveMetrics?: (outputs: OutputsOf) => Record<string, MetricRef>;
}

/** An alarm with the settings every alarm of the stack shares (period, notification topic, tags). */
function alarm(ctx: StackContext, spec: AlarmSpec): AlarmResource {
  const { config, names, env } = ctx;
  const a = config.alarms;
  const name = spec.region === env.region ? `${names.prefix}-${spec.key}` : `${names.prefix}-${env.region}-${spec.key}`;
  const desired: AlarmDesired = {
    name,
    region: spec.region,
    description: `projet1 ${ctx.label}: ${spec.description}`,
    ...spec.rule,
    period: a.periodSeconds,
    evaluationPeriods: a.evaluationPeriods,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: a.treatMissingData,
    actions: a.notifyEmail ? [ctx.arn.topic(topicName(ctx), spec.region)] : [],
    tags: ctx.tags,
  };
  const resolveMetrics = spec.resolveMetrics;
  return {
    id: `alarm:${spec.key}`,
    name,
    provisioner: cloudwatchAlarm,
    dependsOn: [...spec.dependsOn, ...(a.notifyEmail ? [topicId(spec.region)] : [])],
    desired,
    ...(resolveMetrics ? { resolve: (outputs) => ({ ...desired, metrics: resolveMetrics(outputs) }) } : {}),
  };
}

const metric = (namespace: string, name: string, dimensions: Record<string, string>, stat: string): MetricRef => ({
  namespace,
  name,
  dimensions,
  stat,
});

/** Per function: errors, error rate, throttles. */
export function functionAlarms(ctx: StackContext): AlarmResource[] {
  const a = ctx.config.alarms;
  const region = ctx.env.region;
  return FUNCTIONS.flatMap((fn) => {
    const fnName = ctx.functionName(fn.id);
    const d = { FunctionName: fnName };
    const dependsOn: ResourceId[] = [`function:${fn.id}`];
    const sum = (name: string) => metric('AWS/Lambda', name, d, 'Sum');
    return [
      alarm(ctx, {
        key: `${fn.id}-errors`,
        region,
        description: `${fnName} errors`,
        rule: { metrics: { m: sum('Errors') }, expression: null, threshold: a.lambdaErrors },
        dependsOn,
      }),
      alarm(ctx, {
        key: `${fn.id}-error-rate`,
        region,
        description: `${fnName} errors / invocations (%)`,
        rule: {
          metrics: { errors: sum('Errors'), invocations: sum('Invocations') },
          expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
          threshold: a.lambdaErrorRatePercent,
        },
        dependsOn,
      }),
      alarm(ctx, {
        key: `${fn.id}-throttles`,
        region,
        description: `${fnName} throttles`,
        rule: { metrics: { m: sum('Throttles') }, expression: null, threshold: a.lambdaThrottles },
        dependsOn,
      }),
    ];
  });
}

/** The table's throttled requests (every operation), then read and write throttle events of the table and index. */
export function tableAlarms(ctx: StackContext, table: TableResource): AlarmResource[] {
  const { names } = ctx;
  const threshold = ctx.config.alarms.dynamodbThrottles;
  const region = ctx.env.region;
  const onTable = { TableName: names.table };
  const onIndex = { TableName: names.table, GlobalSecondaryIndexName: names.categoryIndex };
  const throttled = Object.fromEntries(
    DYNAMO_OPERATIONS.map((op) => [
      `op${op}`,
      metric('AWS/DynamoDB', 'ThrottledRequests', { ...onTable, Operation: op }, 'Sum'),
    ]),
  );
  const scopes = [
    ['table', names.table, onTable],
    ['index', names.categoryIndex, onIndex],
  ] as const;
  return [
    alarm(ctx, {
      key: 'table-throttled-requests',
      region,
      description: `${names.table} throttled requests`,
      rule: { metrics: throttled, expression: Object.keys(throttled).join(' + '), threshold },
      dependsOn: [table.id],
    }),
    ...(['Read', 'Write'] as const).flatMap((kind) =>
      scopes.map(([scope, label, dims]) =>
        alarm(ctx, {
          key: `${scope}-${kind.toLowerCase()}-throttle-events`,
          region,
          description: `${label} ${kind.toLowerCase()} throttle events`,
          rule: {
            metrics: { m: metric('AWS/DynamoDB', `${kind}ThrottleEvents`, dims, 'Sum') },
            expression: null,
            threshold,
          },
          dependsOn: [table.id],
        }),
      ),
    ),
  ];
}

/** The API stage's share of 5XX answers and its p99 latency. */
export function apiAlarms(ctx: StackContext, stage: StageResource): AlarmResource[] {
  const { names, config } = ctx;
  const dims = { ApiName: names.api, Stage: names.stage };
  const region = ctx.env.region;
  return [
    alarm(ctx, {
      key: 'api-5xx-rate',
      region,
      description: `${names.api} share of 5XX answers (%)`,
      rule: {
        metrics: { errors: metric('AWS/ApiGateway', '5XXError', dims, 'Average') },
        expression: '100 * errors',
        threshold: config.alarms.api5xxRatePercent,
      },
      dependsOn: [stage.id],
    }),
    alarm(ctx, {
      key: 'api-latency-p99',
      region,
      description: `${names.api} p99 latency (ms)`,
      rule: {
        metrics: { m: metric('AWS/ApiGateway', 'Latency', dims, 'p99') },
        expression: null,
        threshold: config.alarms.apiLatencyP99Ms,
      },
      dependsOn: [stage.id],
    }),
  ];
}

/**
 * regions.secondary: its functions' errors and its API's share of 5XX answers, alarmed in that region
 * (their metrics are there), named as the primary's with the stack's region in the name, as every alarm
 * outside it (another stack at home there may use the same names).
 */
export function secondaryAlarms(ctx: StackContext, secondary: SecondaryParts | undefined): AlarmResource[] {
  if (!secondary) return [];
  const { region } = secondary;
  const { names, config } = ctx;
  const errors = FUNCTIONS.map((fn) => {
    const fnName = ctx.functionName(fn.id);
    return alarm(ctx, {
      key: `${fn.id}-errors`,
      region,
      description: `${fnName} errors in ${region}`,
      rule: {
        metrics: { m: metric('AWS/Lambda', 'Errors', { FunctionName: fnName }, 'Sum') },
        expression: null,
        threshold: config.alarms.lambdaErrors,
      },
      dependsOn: [secondaryId(`function:${fn.id}`)],
    });
  });
  const api5xx = alarm(ctx, {
    key: 'api-5xx-rate',
    region,
    description: `${names.api} share of 5XX answers in ${region} (%)`,
    rule: {
      metrics: { errors: metric('AWS/ApiGateway', '5XXError', { ApiName: names.api, Stage: names.stage }, 'Average') },
      expression: '100 * errors',
      threshold: config.alarms.api5xxRatePercent,
    },
    dependsOn: [secondary.stage.id],
  });
  return [...errors, api5xx].map((a) => ({ ...a, id: secondaryId(a.id), region }));
}

/** The website's 4xx and 5xx error rates, where CloudFront publishes them (none where CloudFront is not). */
export function edgeAlarms(ctx: StackContext, distribution: DistributionResource): AlarmResource[] {
  const cfRegion = ctx.cloudfrontRegion;
  if (!cfRegion) return [];
  const a = ctx.config.alarms;
  return (['4xx', '5xx'] as const).map((kind) => {
    // The distribution's id is AWS's to assign: it flows in from the distribution resource.
    const metrics = (id: string) => ({
      m: metric('AWS/CloudFront', `${kind}ErrorRate`, { DistributionId: id, Region: 'Global' }, 'Average'),
    });
    return alarm(ctx, {
      key: `cloudfront-${kind}-rate`,
      region: cfRegion,
      description: `website ${kind} error rate (%)`,
      rule: {
        metrics: metrics(UNKNOWN),
        expression: null,
        threshold: kind === '4xx' ? a.cloudfront4xxRatePercent : a.cloudfront5xxRatePercent,
      },
      dependsOn: [distribution.id],
      resolveMetrics: (out) => metrics(ref(out, distribution, 'id')),
    });
  });
}

/**
 * Requests the WAF blocked (every rule: `Rule=ALL`), where CloudFront-scope WAF metrics live; WAF
 * metrics of a CloudFront ACL carry no Region dimension. The WebACL dimension is the ACL's metric
 * name, which is its name.
 */
export function wafAlarms(ctx: StackContext, webAcl: WebAclResource | undefined): AlarmResource[] {
  if (!webAcl || !ctx.cloudfrontRegion) return [];
  const dims = { WebACL: webAcl.desired.name, Rule: 'ALL' };
  return [
    alarm(ctx, {
      key: 'waf-blocked-requests',
      region: ctx.cloudfrontRegion,
      description: `${webAcl.name} blocked requests`,
      rule: {
        metrics: { m: metric('AWS/WAFV2', 'BlockedRequests', dims, 'Sum') },
        expression: null,
        threshold: ctx.config.alarms.wafBlockedRequests,
      },
      dependsOn: [webAcl.id],
    }),
  ];
}
