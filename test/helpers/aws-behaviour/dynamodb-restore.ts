// DynamoDB tells a restored table by its RestoreSummary: AWS returns it in DescribeTable for a table
// made by RestoreTableFromBackup (or RestoreTableToPointInTime); MiniStack returns it only in the
// restore's own answer. `up` reads it to adopt the table a killed `projet1 restore` left untagged.
import { perProxy } from './state.js';
import type { Behaviour } from './types.js';

/** Each restored table's RestoreSummary, by table name, per proxy. */
const restored = perProxy(() => new Map<string, Record<string, unknown>>());

function parse(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const tableOf = (body: Buffer): unknown => parse(body.toString('utf8')).TableName;

export const restoreSummaryInDescribeTable: Behaviour = {
  kind: 'dynamodb-restore-summary',
  source:
    'DynamoDB API Reference, DescribeTable: TableDescription.RestoreSummary ("Contains details for the ' +
    'restore": SourceBackupArn, SourceTableArn, RestoreDateTime, RestoreInProgress) on a restored table',
  after(call, req, body, ctx) {
    if (call.service !== 'dynamodb') return body;
    const state = restored(ctx);
    const answer = parse(body);
    const description = answer.TableDescription as Record<string, unknown> | undefined;
    if (call.operation === 'RestoreTableFromBackup' || call.operation === 'RestoreTableToPointInTime') {
      const summary = description?.RestoreSummary;
      const name = description?.TableName;
      if (typeof name === 'string' && typeof summary === 'object' && summary !== null)
        state.set(name, { ...(summary as Record<string, unknown>), RestoreInProgress: false });
      return body;
    }
    const name = tableOf(req.body);
    if (typeof name !== 'string') return body;
    if (call.operation === 'DeleteTable') state.delete(name);
    const summary = state.get(name);
    const table = answer.Table as Record<string, unknown> | undefined;
    if (call.operation !== 'DescribeTable' || !summary || !table || table.RestoreSummary) return body;
    ctx.count('dynamodb-restore-summary');
    return JSON.stringify({ ...answer, Table: { ...table, RestoreSummary: summary } });
  },
};
