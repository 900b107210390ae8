// Before a failover: is the target region's replica ready to serve? Its table must be ACTIVE (DescribeTable
// in that region) and replication to it must not lag (DynamoDB's ReplicationLatency metric, published by
// the region that sends, per receiving region). Asked only of the regions a failover needs: the target
// answers DescribeTable, and the source's metric is "unknown" when its region does not answer (the
// outage a failover is for), never a reason to refuse.
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../../runtime/aws/clients.js';
import { isAwsError } from '../aws/errors.js';

/** Above this, the target is too far behind: its reads would be stale and a write could be overwritten. */
export const MAX_LAG_SECONDS = 60;
/** The window ReplicationLatency is read over (DynamoDB publishes it every minute while writes flow). */
const LAG_WINDOW_MS = 5 * 60_000;

export interface ReplicationStatus {
  /** The region checked (the failover's target). */
  region: string;
  /** TableStatus there (ACTIVE, CREATING, UPDATING…), MISSING when it has no table. */
  tableStatus: string;
  /** The other replicas as that region lists them: region and ReplicaStatus. */
  replicas: { region: string; status: string }[];
  /** The highest ReplicationLatency towards it over the last 5 minutes, in seconds; null when unknown. */
  lagSeconds: number | null;
  /** Why the lag is unknown (no datapoint, the source region not answering), '' when known. */
  lagUnknownBecause: string;
}

async function describeIn(aws: AwsClients, table: string, region: string) {
  try {
    const res = await aws.client(DynamoDBClient, { region }).send(new DescribeTableCommand({ TableName: table }));
    return res.Table;
  } catch (err) {
    if (isAwsError(err, 'ResourceNotFoundException')) return undefined;
    throw err;
  }
}

/** ReplicationLatency from `source` to `target` (Maximum, milliseconds), or why it is unknown. */
async function lagTowards(
  aws: AwsClients,
  table: string,
  source: string,
  target: string,
): Promise<{ seconds: number | null; why: string }> {
  const now = Date.now();
  try {
    // One attempt: a source region in an outage must not hold the failover up for a backoff.
    const cw = aws.client(CloudWatchClient, { region: source, maxAttempts: 1 });
    const res = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/DynamoDB',
        MetricName: 'ReplicationLatency',
        Dimensions: [
          { Name: 'TableName', Value: table },
          { Name: 'ReceivingRegion', Value: target },
        ],
        StartTime: new Date(now - LAG_WINDOW_MS),
        EndTime: new Date(now),
        Period: 60,
        Statistics: ['Maximum'],
      }),
    );
    const points = (res.Datapoints ?? []).map((p) => p.Maximum ?? 0);
    if (points.length === 0)
      return { seconds: null, why: `no ReplicationLatency datapoint in ${source} over the last 5 minutes` };
    return { seconds: Math.max(...points) / 1000, why: '' };
  } catch (err) {
    return { seconds: null, why: `${source} did not answer (${err instanceof Error ? err.name : 'error'})` };
  }
}

/** The target's table and the lag towards it from `source` (the region served now). */
export async function replicationStatus(
  aws: AwsClients,
  table: string,
  source: string,
  target: string,
): Promise<ReplicationStatus> {
  const [t, lag] = await Promise.all([describeIn(aws, table, target), lagTowards(aws, table, source, target)]);
  return {
    region: target,
    tableStatus: t ? (t.TableStatus ?? 'ACTIVE') : 'MISSING',
    replicas: (t?.Replicas ?? [])
      .filter((r) => r.RegionName)
      .map((r) => ({ region: r.RegionName ?? '', status: r.ReplicaStatus ?? 'ACTIVE' })),
    lagSeconds: lag.seconds,
    lagUnknownBecause: lag.why,
  };
}

/** Why the target cannot take over now, or undefined when it can. */
export function notReady(s: ReplicationStatus): string | undefined {
  const own = s.replicas.find((r) => r.region === s.region);
  if (s.tableStatus !== 'ACTIVE') return `its table is ${s.tableStatus}, not ACTIVE`;
  if (own && own.status !== 'ACTIVE') return `its replica is ${own.status}, not ACTIVE`;
  if (s.lagSeconds !== null && s.lagSeconds > MAX_LAG_SECONDS)
    return `replication to it lags ${s.lagSeconds.toFixed(1)} s (more than ${MAX_LAG_SECONDS} s)`;
  return undefined;
}

/** One line: the table's status, the replicas it lists, the lag. */
export function describeReplication(s: ReplicationStatus): string {
  const replicas = s.replicas.map((r) => `${r.region} ${r.status}`).join(', ') || 'none listed';
  const lag = s.lagSeconds === null ? `unknown (${s.lagUnknownBecause})` : `${s.lagSeconds.toFixed(1)} s`;
  return `table in ${s.region}: ${s.tableStatus}; replicas: ${replicas}; replication lag: ${lag}`;
}
