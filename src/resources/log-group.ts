// CloudWatch log group with retention and tags.
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  type LogGroup,
  paginateDescribeLogGroups,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { unless } from '../aws/errors.js';
import { tagChanges } from '../engine/plan.js';
import type { FieldChange, Provisioner } from '../engine/types.js';
import { forget, listed, stackPrefix } from './listing.js';

const FAMILY = 'log-group';

export interface LogGroupDesired {
  name: string;
  arn: string;
  retentionDays: number;
  tags: Record<string, string>;
}

export interface LogGroupObserved {
  retentionDays: number | null;
  tags: Record<string, string>;
}

export const logGroup: Provisioner<LogGroupDesired, LogGroupObserved> = {
  type: 'log-group',
  service: 'logs',

  async observe(ctx, d) {
    const logs = ctx.aws.client(CloudWatchLogsClient);
    // The stack's groups share prefixes (/aws/lambda/<project>-<environment>-): one listing reads them all.
    const prefix = stackPrefix(d.name, d.tags);
    const group = await listed(ctx.aws, FAMILY, prefix, d.name, async () => {
      const found = new Map<string, LogGroup>();
      for await (const page of paginateDescribeLogGroups({ client: logs }, { logGroupNamePrefix: prefix, limit: 50 }))
        for (const g of page.logGroups ?? []) found.set(g.logGroupName ?? '', g);
      return found;
    });
    if (!group) return undefined;
    const tags = await unless(
      logs.send(new ListTagsForResourceCommand({ resourceArn: d.arn })),
      'ResourceNotFoundException',
    );
    if (!tags) return undefined; // deleted since the listing
    return { retentionDays: group.retentionInDays ?? null, tags: tags.tags ?? {} };
  },

  tags: (o) => o.tags,

  diff(d, o) {
    const changes: FieldChange[] = [];
    if (o.retentionDays !== d.retentionDays)
      changes.push({ field: 'retentionDays', from: o.retentionDays, to: d.retentionDays });
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    const logs = ctx.aws.client(CloudWatchLogsClient);
    const created = await unless(
      logs.send(new CreateLogGroupCommand({ logGroupName: d.name, tags: d.tags })),
      'ResourceAlreadyExistsException',
    );
    if (!created) await logs.send(new TagResourceCommand({ resourceArn: d.arn, tags: d.tags }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: d.name, retentionInDays: d.retentionDays }));
    forget(ctx.aws, FAMILY);
  },

  async update(ctx, d, _o, changes) {
    const logs = ctx.aws.client(CloudWatchLogsClient);
    for (const change of changes) {
      if (change.field === 'retentionDays')
        await logs.send(new PutRetentionPolicyCommand({ logGroupName: d.name, retentionInDays: d.retentionDays }));
      if (change.field === 'tags') await logs.send(new TagResourceCommand({ resourceArn: d.arn, tags: d.tags }));
    }
    forget(ctx.aws, FAMILY);
  },

  async delete(ctx, d) {
    await unless(
      ctx.aws.client(CloudWatchLogsClient).send(new DeleteLogGroupCommand({ logGroupName: d.name })),
      'ResourceNotFoundException',
    );
    forget(ctx.aws, FAMILY);
  },

  outputs: (d) => ({ name: d.name }),
};
