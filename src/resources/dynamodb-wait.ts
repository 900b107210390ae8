// Waiting for a table and its indexes to settle (split from dynamodb-table.ts to keep it short).
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { backoff } from '../../runtime/aws/backoff.js';
import { unless } from '../aws/errors.js';
import type { ProvisionContext } from '../engine/types.js';

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
