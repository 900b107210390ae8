// What a smoke run cost, roughly: Lambda GB-seconds read from the functions' REPORT log lines
// (memory size × billed duration, as Lambda bills them), and the requests counted by the run,
// priced at AWS's public on-demand list prices (us-east-1; other regions differ by a few percent).
// An estimate, not a bill: the Free Tier usually covers all of it.
import { CloudWatchLogsClient, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsClients } from '../runtime/aws/clients.js';

export interface LambdaUsage {
  invocations: number;
  gbSeconds: number;
}

/** Sums every REPORT line ("Billed Duration: 12 ms	Memory Size: 256 MB") of the given log groups. */
export async function lambdaUsage(aws: AwsClients, logGroups: string[], sinceMs: number): Promise<LambdaUsage> {
  const logs = aws.client(CloudWatchLogsClient);
  const usage: LambdaUsage = { invocations: 0, gbSeconds: 0 };
  for (const logGroupName of logGroups) {
    try {
      const pages = paginateFilterLogEvents({ client: logs }, { logGroupName, startTime: sinceMs });
      for await (const page of pages) {
        for (const e of page.events ?? []) {
          const billed = /Billed Duration: (\d+) ms/.exec(e.message ?? '');
          const memory = /Memory Size: (\d+) MB/.exec(e.message ?? '');
          if (!billed?.[1] || !memory?.[1]) continue;
          usage.invocations++;
          usage.gbSeconds += (Number(memory[1]) / 1024) * (Number(billed[1]) / 1000);
        }
      }
    } catch {
      // A group no function wrote to yet (or an emulator without REPORT lines): nothing billed there.
    }
  }
  return usage;
}

// Public list prices, USD (us-east-1, on demand).
const PRICE = {
  lambdaGbSecond: 0.0000166667,
  lambdaRequest: 0.2 / 1e6,
  apiRequest: 3.5 / 1e6,
  cloudfrontHttpsRequest: 0.01 / 1e4,
  dynamodbWrite: 0.625 / 1e6,
  dynamodbRead: 0.125 / 1e6,
  alarmMonth: 0.1,
};

export interface CostInput {
  lambda: LambdaUsage | undefined;
  apiRequests: number;
  siteRequests: number;
  awsCalls: number;
  /** Items written (seed, the token check, restore) and read (listings, backup scan, restore). */
  itemsWritten: number;
  itemsRead: number;
  alarms: number;
  wallMs: number;
}

/** The lines the smoke test prints about cost. */
export function costReport(c: CostInput): string[] {
  const lambda = c.lambda ? c.lambda.gbSeconds * PRICE.lambdaGbSecond + c.lambda.invocations * PRICE.lambdaRequest : 0;
  const api = c.apiRequests * PRICE.apiRequest;
  const site = c.siteRequests * PRICE.cloudfrontHttpsRequest;
  const ddb = c.itemsWritten * PRICE.dynamodbWrite + c.itemsRead * PRICE.dynamodbRead;
  // Alarms are billed per alarm-month, prorated by the hour: the run holds them for its first hour.
  const alarms = (c.alarms * PRICE.alarmMonth * Math.ceil(c.wallMs / 3_600_000)) / 730;
  const total = lambda + api + site + ddb + alarms;
  const usd = (n: number) => `$${n < 0.0001 ? n.toExponential(1) : n.toFixed(4)}`;
  return [
    'Rough cost of this run (an estimate at us-east-1 list prices, before the Free Tier; not a bill):',
    c.lambda
      ? `  Lambda        ${c.lambda.invocations} invocations, ${c.lambda.gbSeconds.toFixed(3)} GB-s (memory × billed duration, from REPORT lines)  ${usd(lambda)}`
      : '  Lambda        no REPORT lines read (no invocation yet, or the logs were unreadable): not counted',
    `  API Gateway   ${c.apiRequests} requests  ${usd(api)}`,
    `  CloudFront    ${c.siteRequests} HTTPS requests  ${usd(site)}`,
    `  DynamoDB      ~${c.itemsWritten} item writes, ~${c.itemsRead} item reads (on demand)  ${usd(ddb)}`,
    `  CloudWatch    ${c.alarms} alarms for under ${Math.ceil(c.wallMs / 3_600_000)} h  ${usd(alarms)}`,
    `  AWS API calls ${c.awsCalls} control-plane and data calls made by projet1 (free, except the S3 and DynamoDB ones above)`,
    `  Total         about ${usd(total)}`,
  ];
}
