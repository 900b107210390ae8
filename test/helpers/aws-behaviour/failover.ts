// A replica that is not ready to serve: DescribeTable in its region answers a TableStatus other than
// ACTIVE (and the same ReplicaStatus for that region), as AWS does while a replica is made again or
// updated. MiniStack's replicas are ACTIVE at once; `projet1 failover` must refuse such a target.
import { regionOf } from './dynamodb-replica.js';
import type { Behaviour } from './types.js';

/** On while a test needs it, for the replica in `region`, answered as `status`. */
export interface ReplicaSwitch {
  on: boolean;
  region: string;
  status: string;
}

export const FAILOVER_SWITCHES = { replica: { on: false, region: '', status: 'CREATING' } as ReplicaSwitch };

interface TableBody {
  Table?: { TableStatus?: string; Replicas?: { RegionName?: string; ReplicaStatus?: string }[] };
}

export function replicaNotActive(sw: ReplicaSwitch = FAILOVER_SWITCHES.replica): Behaviour {
  return {
    kind: 'dynamodb-replica-not-active',
    source:
      'DynamoDB API Reference, DescribeTable: TableDescription.TableStatus (CREATING | UPDATING | DELETING | ACTIVE | ' +
      'INACCESSIBLE_ENCRYPTION_CREDENTIALS | ARCHIVING | ARCHIVED) and ReplicaDescription.ReplicaStatus (CREATING | ' +
      'CREATION_FAILED | UPDATING | DELETING | ACTIVE | REGION_DISABLED | INACCESSIBLE_ENCRYPTION_CREDENTIALS)',
    after(call, req, body, ctx) {
      if (!sw.on || call.service !== 'dynamodb' || call.operation !== 'DescribeTable') return body;
      if (regionOf(req) !== sw.region) return body;
      const doc = JSON.parse(body) as TableBody;
      if (!doc.Table) return body;
      ctx.count('dynamodb-replica-not-active');
      doc.Table.TableStatus = sw.status;
      for (const r of doc.Table.Replicas ?? []) if (r.RegionName === sw.region) r.ReplicaStatus = sw.status;
      return JSON.stringify(doc);
    },
  };
}
