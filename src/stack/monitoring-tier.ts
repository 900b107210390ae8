// The monitoring tier: the design document's alarms (Lambda errors and throttles, DynamoDB
// throttling, API 5XX rate and p99 latency, CloudFront 4xx/5xx rates, those in the region
// where CloudFront's metrics live: us-east-1, cn-northwest-1 in China), an optional SNS topic per region for notifications,
// and a dashboard of the stack.
import type { Config } from '../config/schema.js';
import { FUNCTIONS } from '../config/functions.js';
import { resourceNames, stackTags } from '../config/names.js';
import { type Resource, ref, UNKNOWN } from '../engine/types.js';
import { type AlarmDesired, cloudwatchAlarm, type MetricRef } from '../resources/cloudwatch-alarm.js';
import { cloudwatchDashboard, dashboardBody, type DashboardDesired } from '../resources/cloudwatch-dashboard.js';
import { snsTopic, type TopicDesired } from '../resources/sns-topic.js';
import { cloudfrontMetricsRegion, type StackEnv } from './stack-env.js';

const DYNAMO_OPERATIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchWriteItem'];

/** The monitoring resources the configuration asks for (none with `alarms.enabled` false). */
export function monitoringTier(config: Config, env: StackEnv): Resource[] {
  if (!config.alarms.enabled) return [];
  return everyMonitoringResource(config, env).filter((r) => config.alarms.notifyEmail || !r.id.startsWith('topic:'));
}

/**
 * What the monitoring tier makes under some setting that the configuration now turns off (every
 * alarm and the dashboard with `alarms.enabled` false, the topics without `notifyEmail`): `up`
 * deletes those it finds tagged as this stack's, `down` too, whatever the settings say.
 */
export function retiredMonitoring(config: Config, env: StackEnv): Resource[] {
  const all = everyMonitoringResource(config, env);
  if (!config.alarms.enabled) return all;
  return config.alarms.notifyEmail ? [] : all.filter((r) => r.id.startsWith('topic:'));
}

function everyMonitoringResource(config: Config, env: StackEnv): Resource[] {
  const names = resourceNames(config, env.accountId);
  const tags = stackTags(config);
  const a = config.alarms;
  // CloudFront publishes its metrics in one region of the partition only: its alarms live there.
  const cfRegion = cloudfrontMetricsRegion(env.partition);
  const regions = [...new Set([env.region, ...(cfRegion ? [cfRegion] : [])])];
  const topicId = (region: string): string => `topic:${region}`;

  const topics: Resource<TopicDesired>[] = regions.map((region) => ({
    id: topicId(region),
    name: `${names.prefix}-alarms (${region})`,
    provisioner: snsTopic,
    dependsOn: [],
    desired: {
      name: `${names.prefix}-${env.region}-alarms`,
      arn: `arn:${env.partition}:sns:${region}:${env.accountId}:${names.prefix}-${env.region}-alarms`,
      region,
      email: a.notifyEmail,
      tags,
    },
  }));

  const alarm = (
    key: string,
    region: string,
    description: string,
    rule: Pick<AlarmDesired, 'metrics' | 'expression' | 'threshold'>,
    dependsOn: string[],
    resolveDims?: (outputs: Parameters<NonNullable<Resource['resolve']>>[0]) => Record<string, MetricRef>,
  ): Resource<AlarmDesired> => {
    const name = region === env.region ? `${names.prefix}-${key}` : `${names.prefix}-${env.region}-${key}`;
    const desired: AlarmDesired = {
      name,
      region,
      description: `projet1 ${config.project}/${config.environment}: ${description}`,
      ...rule,
      period: a.periodSeconds,
      evaluationPeriods: a.evaluationPeriods,
      comparison: 'GreaterThanOrEqualToThreshold',
      treatMissingData: a.treatMissingData,
      actions: a.notifyEmail
        ? [`arn:${env.partition}:sns:${region}:${env.accountId}:${names.prefix}-${env.region}-alarms`]
        : [],
      tags,
    };
    return {
      id: `alarm:${key}`,
      name,
      provisioner: cloudwatchAlarm,
      dependsOn: [...dependsOn, ...(a.notifyEmail ? [topicId(region)] : [])],
      desired,
      ...(resolveDims ? { resolve: (outputs) => ({ ...desired, metrics: resolveDims(outputs) }) } : {}),
    };
  };
  const metric = (namespace: string, name: string, dimensions: Record<string, string>, stat: string): MetricRef => ({
    namespace,
    name,
    dimensions,
    stat,
  });

  const lambda = FUNCTIONS.flatMap((fn) => {
    const fnName = names.functions[fn.id]?.function ?? fn.id;
    const d = { FunctionName: fnName };
    const on = [`function:${fn.id}`];
    return [
      alarm(
        `${fn.id}-errors`,
        env.region,
        `${fnName} errors`,
        { metrics: { m: metric('AWS/Lambda', 'Errors', d, 'Sum') }, expression: null, threshold: a.lambdaErrors },
        on,
      ),
      alarm(
        `${fn.id}-error-rate`,
        env.region,
        `${fnName} errors / invocations (%)`,
        {
          metrics: {
            errors: metric('AWS/Lambda', 'Errors', d, 'Sum'),
            invocations: metric('AWS/Lambda', 'Invocations', d, 'Sum'),
          },
          expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
          threshold: a.lambdaErrorRatePercent,
        },
        on,
      ),
      alarm(
        `${fn.id}-throttles`,
        env.region,
        `${fnName} throttles`,
        { metrics: { m: metric('AWS/Lambda', 'Throttles', d, 'Sum') }, expression: null, threshold: a.lambdaThrottles },
        on,
      ),
    ];
  });

  const table = { TableName: names.table };
  const gsi = { TableName: names.table, GlobalSecondaryIndexName: names.categoryIndex };
  const throttled = Object.fromEntries(
    DYNAMO_OPERATIONS.map((op) => [
      `op${op}`,
      metric('AWS/DynamoDB', 'ThrottledRequests', { ...table, Operation: op }, 'Sum'),
    ]),
  );
  const dynamo = [
    alarm(
      'table-throttled-requests',
      env.region,
      `${names.table} throttled requests`,
      { metrics: throttled, expression: Object.keys(throttled).join(' + '), threshold: a.dynamodbThrottles },
      ['table'],
    ),
    ...(['Read', 'Write'] as const).flatMap((kind) =>
      (
        [
          ['table', names.table, table],
          ['index', names.categoryIndex, gsi],
        ] as const
      ).map(([scope, label, dims]) =>
        alarm(
          `${scope}-${kind.toLowerCase()}-throttle-events`,
          env.region,
          `${label} ${kind.toLowerCase()} throttle events`,
          {
            metrics: { m: metric('AWS/DynamoDB', `${kind}ThrottleEvents`, dims, 'Sum') },
            expression: null,
            threshold: a.dynamodbThrottles,
          },
          ['table'],
        ),
      ),
    ),
  ];

  const stage = { ApiName: names.api, Stage: names.stage };
  const api = [
    alarm(
      'api-5xx-rate',
      env.region,
      `${names.api} share of 5XX answers (%)`,
      {
        metrics: { errors: metric('AWS/ApiGateway', '5XXError', stage, 'Average') },
        expression: '100 * errors',
        threshold: a.api5xxRatePercent,
      },
      ['stage'],
    ),
    alarm(
      'api-latency-p99',
      env.region,
      `${names.api} p99 latency (ms)`,
      {
        metrics: { m: metric('AWS/ApiGateway', 'Latency', stage, 'p99') },
        expression: null,
        threshold: a.apiLatencyP99Ms,
      },
      ['stage'],
    ),
  ];

  // The distribution's id is AWS's to assign: it flows in from the distribution resource.
  const cf = (id: string) => ({ DistributionId: id, Region: 'Global' });
  const cloudfront = (cfRegion ? (['4xx', '5xx'] as const) : []).map((kind) => {
    const threshold = kind === '4xx' ? a.cloudfront4xxRatePercent : a.cloudfront5xxRatePercent;
    const m = (id: string) => ({ m: metric('AWS/CloudFront', `${kind}ErrorRate`, cf(id), 'Average') });
    const r = alarm(
      `cloudfront-${kind}-rate`,
      cfRegion ?? env.region,
      `website ${kind} error rate (%)`,
      { metrics: m(UNKNOWN), expression: null, threshold },
      ['distribution'],
      (out) => m(ref(out, 'distribution', 'id')),
    );
    return r;
  });

  const alarms = [...lambda, ...dynamo, ...api, ...cloudfront];
  const dashboardName = `${names.prefix}-${env.region}`;
  const dashboardDesired = (distributionId: string): DashboardDesired => ({
    name: dashboardName,
    region: env.region,
    url: config.endpointUrl
      ? null
      : `https://${env.region}.console.aws.amazon.com/cloudwatch/home?region=${env.region}#dashboards/dashboard/${dashboardName}`,
    body: dashboardBody({
      region: env.region,
      functions: FUNCTIONS.map((fn) => names.functions[fn.id]?.function ?? fn.id),
      api: stage,
      table: names.table,
      index: names.categoryIndex,
      distributionId,
      cloudfrontRegion: cfRegion,
    }),
  });
  const dashboard: Resource<DashboardDesired> = {
    id: 'dashboard',
    name: `${names.prefix}-${env.region}`,
    provisioner: cloudwatchDashboard,
    dependsOn: ['distribution'],
    desired: dashboardDesired(UNKNOWN),
    resolve: (out) => dashboardDesired(ref(out, 'distribution', 'id')),
  };
  return [...topics, ...alarms, dashboard];
}
