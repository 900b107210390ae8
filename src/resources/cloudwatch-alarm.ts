// A CloudWatch metric alarm: on one metric (a statistic or a percentile), or on metric math
// (e.g. errors / invocations). Kept in its own region (CloudFront's live in us-east-1 whatever
// the stack's region). PutMetricAlarm both creates and replaces, so create is safe to retry.
import {
  CloudWatchClient,
  type ComparisonOperator,
  DeleteAlarmsCommand,
  type MetricAlarm,
  type MetricDataQuery,
  paginateDescribeAlarms,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  type Statistic,
  TagResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { fromTagList, toTagList } from '../aws/tags.js';
import { canonicalJson } from '../engine/canonical.js';
import { tagChanges } from '../engine/plan.js';
import type { FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';
import { forget, listed, stackPrefix } from './listing.js';

export interface MetricRef {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  /** "Sum", "Average", "Maximum"… or a percentile such as "p99". */
  stat: string;
}

/** What is watched and how: comparable as data, read back the same way. */
export interface AlarmRule {
  /** One metric, or named metrics combined by `expression` (metric math). */
  metrics: Record<string, MetricRef>;
  expression: string | null;
  period: number;
  evaluationPeriods: number;
  threshold: number;
  comparison: ComparisonOperator;
  treatMissingData: string;
  actions: string[];
  description: string;
}

export interface AlarmDesired extends AlarmRule {
  name: string;
  region: string;
  tags: Record<string, string>;
}

export interface AlarmObserved extends AlarmRule {
  arn: string;
  state: string;
  reason: string;
  tags: Record<string, string>;
}

const dims = (d: Record<string, string>) => Object.entries(d).map(([Name, Value]) => ({ Name, Value }));
const isPercentile = (stat: string): boolean => /^p\d+(\.\d+)?$/.test(stat);
const client = (ctx: ProvisionContext, region: string) => ctx.aws.client(CloudWatchClient, { region });

function ruleOf(a: MetricAlarm): AlarmRule {
  const metrics: Record<string, MetricRef> = {};
  let expression: string | null = null;
  if (a.Metrics?.length) {
    for (const q of a.Metrics) {
      if (q.Expression) expression = q.Expression;
      const m = q.MetricStat;
      if (q.Id && m?.Metric)
        metrics[q.Id] = {
          namespace: m.Metric.Namespace ?? '',
          name: m.Metric.MetricName ?? '',
          dimensions: Object.fromEntries((m.Metric.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? ''])),
          stat: m.Stat ?? '',
        };
    }
  } else {
    metrics.m = {
      namespace: a.Namespace ?? '',
      name: a.MetricName ?? '',
      dimensions: Object.fromEntries((a.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? ''])),
      stat: a.ExtendedStatistic ?? a.Statistic ?? '',
    };
  }
  const period = a.Period ?? a.Metrics?.find((q) => q.MetricStat)?.MetricStat?.Period ?? 0;
  return {
    metrics,
    expression,
    period,
    evaluationPeriods: a.EvaluationPeriods ?? 0,
    threshold: a.Threshold ?? 0,
    comparison: (a.ComparisonOperator ?? 'GreaterThanOrEqualToThreshold') as ComparisonOperator,
    treatMissingData: a.TreatMissingData ?? 'missing',
    actions: [...(a.AlarmActions ?? [])].sort(),
    description: a.AlarmDescription ?? '',
  };
}

function putInput(d: AlarmDesired) {
  const common = {
    AlarmName: d.name,
    AlarmDescription: d.description,
    EvaluationPeriods: d.evaluationPeriods,
    Threshold: d.threshold,
    ComparisonOperator: d.comparison,
    TreatMissingData: d.treatMissingData,
    ActionsEnabled: true,
    AlarmActions: d.actions,
    OKActions: d.actions,
  };
  if (d.expression) {
    const queries: MetricDataQuery[] = Object.entries(d.metrics).map(([Id, m]) => ({
      Id,
      ReturnData: false,
      MetricStat: {
        Metric: { Namespace: m.namespace, MetricName: m.name, Dimensions: dims(m.dimensions) },
        Period: d.period,
        Stat: m.stat,
      },
    }));
    return {
      ...common,
      Metrics: [...queries, { Id: 'result', Expression: d.expression, Label: d.name, ReturnData: true }],
    };
  }
  const m = Object.values(d.metrics)[0] as MetricRef;
  return {
    ...common,
    Namespace: m.namespace,
    MetricName: m.name,
    Dimensions: dims(m.dimensions),
    Period: d.period,
    ...(isPercentile(m.stat) ? { ExtendedStatistic: m.stat } : { Statistic: m.stat as Statistic }),
  };
}

const RULE_FIELDS = [
  'metrics',
  'expression',
  'period',
  'evaluationPeriods',
  'threshold',
  'comparison',
  'treatMissingData',
  'actions',
  'description',
] as const;

/**
 * The alarm named `name`. The first lookup in a region reads every alarm of the stack (names share
 * its prefix) in one paged call, and later lookups use it: each alarm is read once per run.
 */
function describeAlarm(ctx: ProvisionContext, d: AlarmDesired): Promise<MetricAlarm | undefined> {
  const prefix = stackPrefix(d.name, d.tags);
  return listed(ctx.aws, FAMILY, `${d.region} ${prefix}`, d.name, async () => {
    const found = new Map<string, MetricAlarm>();
    const input = { AlarmNamePrefix: prefix, AlarmTypes: ['MetricAlarm' as const], MaxRecords: 100 };
    for await (const page of paginateDescribeAlarms({ client: client(ctx, d.region) }, input))
      for (const a of page.MetricAlarms ?? []) found.set(a.AlarmName ?? '', a);
    return found;
  });
}

const FAMILY = 'cloudwatch-alarm';

/** The alarm's ARN and its state now (`status` shows it). */
export type AlarmOutputs = { arn: string; state: string; reason: string };

export const cloudwatchAlarm: Provisioner<AlarmDesired, AlarmObserved, AlarmOutputs> = {
  type: 'cloudwatch-alarm',
  service: 'cloudwatch',

  async observe(ctx, d) {
    const cw = client(ctx, d.region);
    const a = await describeAlarm(ctx, d);
    if (!a?.AlarmArn) return undefined;
    const tags = await cw.send(new ListTagsForResourceCommand({ ResourceARN: a.AlarmArn }));
    return {
      ...ruleOf(a),
      arn: a.AlarmArn,
      state: a.StateValue ?? 'INSUFFICIENT_DATA',
      reason: a.StateReason ?? '',
      tags: fromTagList(tags.Tags),
    };
  },

  tags: (o) => o.tags,

  diff(d, o) {
    const want: AlarmRule = { ...d, actions: [...d.actions].sort() };
    // An emulator that stores a metric-math alarm without its metrics (MiniStack 1.5.33) reports no
    // metric at all: compare what it does report rather than plan a repair that can never stick.
    const unreported =
      d.expression !== null && o.expression === null && Object.values(o.metrics).every((m) => !m.namespace);
    const fields = unreported
      ? RULE_FIELDS.filter((k) => k !== 'metrics' && k !== 'expression' && k !== 'period')
      : RULE_FIELDS;
    const changes: FieldChange[] = fields
      .filter((k) => canonicalJson(want[k]) !== canonicalJson(o[k]))
      .map((k) => ({
        field: k,
        from: o[k],
        to: want[k],
      }));
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    await client(ctx, d.region).send(new PutMetricAlarmCommand({ ...putInput(d), Tags: toTagList(d.tags) }));
    forget(ctx.aws, FAMILY);
  },

  async update(ctx, d, o, changes) {
    const cw = client(ctx, d.region);
    if (changes.some((c) => c.field !== 'tags')) await cw.send(new PutMetricAlarmCommand(putInput(d)));
    if (tagChanges(d.tags, o.tags).length > 0)
      await cw.send(new TagResourceCommand({ ResourceARN: o.arn, Tags: toTagList(d.tags) }));
    forget(ctx.aws, FAMILY);
  },

  async delete(ctx, d) {
    await client(ctx, d.region).send(new DeleteAlarmsCommand({ AlarmNames: [d.name] }));
    forget(ctx.aws, FAMILY);
  },

  outputs: (d) => ({ name: d.name, region: d.region }),
  outputsOf: (_d, o) => ({ arn: o.arn, state: o.state, reason: o.reason }),
};
