// A CloudWatch dashboard of the stack. Dashboards carry no tags: the name is the stack's own.
import {
  CloudWatchClient,
  DeleteDashboardsCommand,
  GetDashboardCommand,
  PutDashboardCommand,
} from '@aws-sdk/client-cloudwatch';
import { unless } from '../aws/errors.js';
import { canonicalJson } from '../engine/canonical.js';
import type { Provisioner } from '../engine/types.js';

export interface DashboardDesired {
  name: string;
  region: string;
  /** The dashboard body, JSON. */
  body: string;
  /** The console address on AWS; null on an emulator. */
  url?: string | null;
}

export interface DashboardObserved {
  body: unknown;
}

type Metric = (string | { stat?: string; region?: string; label?: string })[];

const widget = (title: string, metrics: Metric[], region: string, x: number, y: number) => ({
  type: 'metric',
  x,
  y,
  width: 12,
  height: 6,
  properties: { title, region, view: 'timeSeries', stacked: false, period: 300, metrics },
});

/** What the dashboard shows: the stack's names, and where CloudFront's metrics are. */
export interface DashboardSubject {
  region: string;
  functions: string[];
  api: { ApiName: string; Stage: string };
  table: string;
  index: string;
  distributionId: string;
  /** Where CloudFront's metrics are (undefined: a partition without CloudFront, no website widget). */
  cloudfrontRegion: string | undefined;
  /** The WAF's name when it is on: its allowed and blocked requests, where CloudFront's metrics are. */
  webAcl?: string;
}

const fnMetric = (name: string, metric: string, stat: string): Metric => [
  'AWS/Lambda',
  metric,
  'FunctionName',
  name,
  { stat },
];

/** The API's requests, latency and errors, and the functions' errors and duration (rows 0 and 6). */
function apiWidgets(s: DashboardSubject) {
  const api = ['ApiName', s.api.ApiName, 'Stage', s.api.Stage];
  return [
    widget('API requests', [['AWS/ApiGateway', 'Count', ...api, { stat: 'Sum' }]], s.region, 0, 0),
    widget(
      'API latency (ms)',
      [
        ['AWS/ApiGateway', 'Latency', ...api, { stat: 'p50' }],
        ['AWS/ApiGateway', 'Latency', ...api, { stat: 'p99' }],
      ],
      s.region,
      12,
      0,
    ),
    widget(
      'Errors',
      [
        ['AWS/ApiGateway', '4XXError', ...api, { stat: 'Sum' }],
        ['AWS/ApiGateway', '5XXError', ...api, { stat: 'Sum' }],
        ...s.functions.map((f) => fnMetric(f, 'Errors', 'Sum')),
      ],
      s.region,
      0,
      6,
    ),
    widget(
      'Lambda duration p99 (ms)',
      s.functions.map((f) => fnMetric(f, 'Duration', 'p99')),
      s.region,
      12,
      6,
    ),
  ];
}

/** The table's consumed capacity and throttles, its index's too (row 12, left). */
function tableWidget(s: DashboardSubject) {
  const sum = (metric: string, ...dims: string[]): Metric => ['AWS/DynamoDB', metric, ...dims, { stat: 'Sum' }];
  return widget(
    'DynamoDB capacity and throttles',
    [
      sum('ConsumedReadCapacityUnits', 'TableName', s.table),
      sum('ConsumedWriteCapacityUnits', 'TableName', s.table),
      sum('ReadThrottleEvents', 'TableName', s.table),
      sum('WriteThrottleEvents', 'TableName', s.table),
      sum('ReadThrottleEvents', 'TableName', s.table, 'GlobalSecondaryIndexName', s.index),
    ],
    s.region,
    0,
    12,
  );
}

/** CloudFront's requests and error rates, and the WAF's when it is on (row 12 right, row 18). */
function edgeWidgets(s: DashboardSubject) {
  const at = s.cloudfrontRegion;
  if (!at) return [];
  const cf = (metric: string, stat: string): Metric => [
    'AWS/CloudFront',
    metric,
    'DistributionId',
    s.distributionId,
    'Region',
    'Global',
    { stat, region: at },
  ];
  const waf = (metric: string): Metric => [
    'AWS/WAFV2',
    metric,
    'WebACL',
    s.webAcl ?? '',
    'Rule',
    'ALL',
    { stat: 'Sum', region: at },
  ];
  return [
    widget(
      'Website (CloudFront)',
      [cf('Requests', 'Sum'), cf('4xxErrorRate', 'Average'), cf('5xxErrorRate', 'Average')],
      at,
      12,
      12,
    ),
    ...(s.webAcl ? [widget('Firewall (WAF)', [waf('AllowedRequests'), waf('BlockedRequests')], at, 0, 18)] : []),
  ];
}

export function dashboardBody(s: DashboardSubject): string {
  return JSON.stringify({ widgets: [...apiWidgets(s), tableWidget(s), ...edgeWidgets(s)] });
}

export const cloudwatchDashboard: Provisioner<DashboardDesired, DashboardObserved> = {
  type: 'cloudwatch-dashboard',
  service: 'cloudwatch',

  async observe(ctx, d) {
    const cw = ctx.aws.client(CloudWatchClient, { region: d.region });
    const res = await unless(
      cw.send(new GetDashboardCommand({ DashboardName: d.name })),
      'ResourceNotFound',
      'ResourceNotFoundException',
    );
    return res?.DashboardBody ? { body: JSON.parse(res.DashboardBody) as unknown } : undefined;
  },

  tags: () => undefined,

  diff: (d, o) =>
    canonicalJson(JSON.parse(d.body)) === canonicalJson(o.body)
      ? []
      : [{ field: 'body', from: '(changed)', to: "(the stack's widgets)" }],

  async create(ctx, d) {
    await ctx.aws
      .client(CloudWatchClient, { region: d.region })
      .send(new PutDashboardCommand({ DashboardName: d.name, DashboardBody: d.body }));
  },

  async update(ctx, d) {
    await this.create(ctx, d);
  },

  async delete(ctx, d) {
    await unless(
      ctx.aws
        .client(CloudWatchClient, { region: d.region })
        .send(new DeleteDashboardsCommand({ DashboardNames: [d.name] })),
      'ResourceNotFound',
      'DashboardNotFoundError',
    );
  },

  outputs: (d) => ({ name: d.name, ...(d.url ? { url: d.url } : {}) }),
};
