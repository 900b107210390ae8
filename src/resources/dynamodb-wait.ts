// Waiting for a table and its indexes to settle (split from dynamodb-table.ts to keep it short).
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { backoff } from '../../runtime/aws/backoff.js';
import { unless } from '../aws/errors.js';
import { type ProvisionContext, StoppedWaiting } from '../engine/types.js';

// Start polling fast (emulators settle at once), back off to 5 s on real AWS.
export const WAIT = { minDelay: 0.1, maxDelay: 5, maxWaitTime: 600 };
const NOT_FOUND = 'ResourceNotFoundException';

/**
 * Until the table and every global secondary index are ACTIVE. The SDK's waitUntilTableExists looks
 * at TableStatus only, and an index added by UpdateTable is CREATING (backfilling) for minutes on
 * an ACTIVE table: a Query on it is refused until then, and the API's category listing uses it.
 */
export async function waitActive(ctx: ProvisionContext, name: string): Promise<void> {
  ctx.note('waiting for the table and its index to be ACTIVE');
  const ddb = ctx.aws.client(DynamoDBClient);
  const deadline = Date.now() + WAIT.maxWaitTime * 1000;
  let said = '';
  for (let attempt = 1; ; attempt++) {
    // NotFound too: a read right after CreateTable may not see the table yet.
    const table = (await unless(ddb.send(new DescribeTableCommand({ TableName: name })), NOT_FOUND))?.Table;
    const busy = [
      ...(table?.TableStatus === 'ACTIVE' ? [] : [`table ${table?.TableStatus ?? 'not visible yet'}`]),
      ...(table?.GlobalSecondaryIndexes ?? [])
        .filter((i) => i.IndexStatus !== undefined && i.IndexStatus !== 'ACTIVE')
        .map((i) => `index ${i.IndexName ?? '?'} ${i.IndexStatus ?? ''}`),
    ].join(', ');
    if (!busy) return;
    if (Date.now() > deadline) throw new Error(`table ${name} not ACTIVE after ${WAIT.maxWaitTime} s (${busy})`);
    if (busy !== said) {
      said = busy;
      ctx.note(`waiting: ${busy}`);
    }
    await ctx.sleep(backoff(attempt, WAIT.minDelay * 1000, WAIT.maxDelay * 1000));
  }
}

/** A replica takes minutes to create on AWS (Terraform's AWS provider waits 30 for it: waitReplicaActive). */
export const REPLICA_WAIT_S = 1800;

/**
 * The replica of `name` in `region` as its primary lists it (DescribeTable's Replicas): its status and,
 * while CREATING on AWS, how far the copy is (ReplicaStatusPercentProgress); undefined when not listed.
 */
async function replicaStatus(
  ctx: ProvisionContext,
  name: string,
  region: string,
): Promise<{ status: string; progress: string } | undefined> {
  const ddb = ctx.aws.client(DynamoDBClient);
  const table = (await unless(ddb.send(new DescribeTableCommand({ TableName: name })), NOT_FOUND))?.Table;
  const replica = table?.Replicas?.find((r) => r.RegionName === region);
  if (!replica) return undefined;
  const pct = replica.ReplicaStatusPercentProgress;
  return { status: replica.ReplicaStatus ?? 'ACTIVE', progress: pct ? ` (${pct} %)` : '' };
}

/**
 * Until the replica in `region` is ACTIVE (`until: 'active'`) or no longer listed (`'gone'`). Polls the
 * primary's DescribeTable, as Terraform's waitReplicaActive/waitReplicaDeleted do, and stops at once
 * when the run is stopped (`ctx.signal`): the next `up` or `down` finds the replica where it is and waits again.
 */
export async function waitReplica(
  ctx: ProvisionContext,
  name: string,
  region: string,
  until: 'active' | 'gone',
): Promise<void> {
  const deadline = Date.now() + REPLICA_WAIT_S * 1000;
  let said = '';
  for (let attempt = 1; ; attempt++) {
    if (ctx.signal?.aborted) throw new StoppedWaiting(`the replica of ${name} in ${region}`);
    const found = await replicaStatus(ctx, name, region);
    const status = found?.status;
    if (until === 'active' ? status === 'ACTIVE' : status === undefined) return;
    if (
      status === 'CREATION_FAILED' ||
      status === 'REGION_DISABLED' ||
      status === 'INACCESSIBLE_ENCRYPTION_CREDENTIALS'
    )
      throw new Error(`the replica of ${name} in ${region} is ${status}`);
    if (Date.now() > deadline)
      throw new Error(
        `the replica of ${name} in ${region} is still ${status ?? 'absent'} after ${REPLICA_WAIT_S / 60} min`,
      );
    // A new line when the status or the copy's progress changes: minutes of CREATING are not silent.
    const now = `replica in ${region} ${status ?? 'not listed yet'}${found?.progress ?? ''}`;
    if (now !== said) {
      said = now;
      ctx.note(`waiting: ${now} (DynamoDB takes minutes to copy the table)`);
    }
    await abortableSleep(ctx, backoff(attempt, WAIT.minDelay * 1000, WAIT.maxDelay * 1000 * 3));
  }
}

/** ctx.sleep, cut short by the run's stop signal. */
function abortableSleep(ctx: ProvisionContext, ms: number): Promise<void> {
  const signal = ctx.signal;
  if (!signal) return ctx.sleep(ms);
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void ctx.sleep(ms).then(done);
  });
}
