// The delivery of CloudFront's access logs (standard logging v2): a CloudWatch Logs "delivery" pairing
// the distribution's delivery source with the log bucket's delivery destination, writing under the
// bucket's `cdn/` prefix (its S3 suffix path). Kept in CloudFront's log region (us-east-1) with its
// source and destination (cloudfront-log-delivery-parts.ts). A delivery has no name: it is found again
// by its pair (source name, destination ARN), which AWS keeps unique (a second CreateDelivery of the
// same pair is a ConflictException).
import {
  CloudWatchLogsClient,
  CreateDeliveryCommand,
  type Delivery,
  DeleteDeliveryCommand,
  DescribeDeliveriesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UpdateDeliveryConfigurationCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { isAwsError, unless } from '../aws/errors.js';
import { tagChanges } from '../engine/plan.js';
import { createOnce } from '../engine/retry.js';
import type { FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';

/** CloudWatch Logs' "does not exist" for every delivery resource. */
export const GONE = 'ResourceNotFoundException';

/** A Logs client in the delivery's region (CloudFront's log sources live in us-east-1 only). */
export const logsIn = (ctx: ProvisionContext, region: string, maxAttempts?: number) =>
  ctx.aws.client(CloudWatchLogsClient, { region, ...(maxAttempts ? { maxAttempts } : {}) });

/** The tags of a delivery resource: Get and Describe answers do not carry them (Terraform's provider reads them apart too). */
export async function tagsAt(ctx: ProvisionContext, region: string, arn: string): Promise<Record<string, string>> {
  const res = await unless(logsIn(ctx, region).send(new ListTagsForResourceCommand({ resourceArn: arn })), GONE);
  return res?.tags ?? {};
}

/** Every delivery of the region, walking DescribeDeliveries' pages. */
async function deliveries(ctx: ProvisionContext, region: string): Promise<Delivery[]> {
  const logs = logsIn(ctx, region);
  const all: Delivery[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new DescribeDeliveriesCommand({ nextToken, limit: 50 }));
    all.push(...(page.deliveries ?? []));
    nextToken = page.nextToken || undefined;
  } while (nextToken);
  return all;
}

/**
 * Runs `replace` (a source or destination deleted and made again: what AWS cannot change in place) with
 * the deliveries matching `uses` set aside: deleted first, since AWS does not delete a source or a
 * destination a delivery names, then made again as they were, so the logs keep flowing after one `up`.
 */
export async function withDeliveriesSetAside(
  ctx: ProvisionContext,
  region: string,
  uses: (d: Delivery) => boolean,
  replace: () => Promise<void>,
): Promise<void> {
  const logs = logsIn(ctx, region);
  const held = (await deliveries(ctx, region)).filter(uses);
  for (const d of held) if (d.id) await unless(logs.send(new DeleteDeliveryCommand({ id: d.id })), GONE);
  await replace();
  for (const d of held)
    await unless(
      logs.send(
        new CreateDeliveryCommand({
          deliverySourceName: d.deliverySourceName,
          deliveryDestinationArn: d.deliveryDestinationArn,
          s3DeliveryConfiguration: d.s3DeliveryConfiguration,
          ...(d.recordFields?.length ? { recordFields: d.recordFields } : {}),
          ...(d.fieldDelimiter ? { fieldDelimiter: d.fieldDelimiter } : {}),
          ...(d.tags && Object.keys(d.tags).length > 0 ? { tags: d.tags } : {}),
        }),
      ),
      'ConflictException',
    );
}

export interface DeliveryDesired {
  region: string;
  sourceName: string;
  destinationArn: string;
  /** The log bucket's name, for the outputs (`s3://bucket/cdn/`). */
  bucket: string;
  /** Where the files go under the destination's bucket: `cdn/…`, so the log bucket's policy and lifecycle cover them. */
  suffixPath: string;
  tags: Record<string, string>;
}

export interface DeliveryObserved {
  id: string;
  arn: string;
  suffixPath: string;
  tags: Record<string, string>;
}

async function find(ctx: ProvisionContext, d: DeliveryDesired): Promise<DeliveryObserved | undefined> {
  const hit = (await deliveries(ctx, d.region)).find(
    (x) => x.deliverySourceName === d.sourceName && x.deliveryDestinationArn === d.destinationArn,
  );
  if (!hit?.id || !hit.arn) return undefined;
  return {
    id: hit.id,
    arn: hit.arn,
    suffixPath: hit.s3DeliveryConfiguration?.suffixPath ?? '',
    tags: await tagsAt(ctx, d.region, hit.arn),
  };
}

export type DeliveryOutputs = { id: string; arn: string };

export const cloudfrontLogDelivery: Provisioner<DeliveryDesired, DeliveryObserved, DeliveryOutputs> = {
  type: 'log-delivery',
  service: 'logs',

  observe: find,

  tags: (o) => o.tags,

  diff(d, o) {
    const changes: FieldChange[] = [];
    if (o.suffixPath !== d.suffixPath) changes.push({ field: 'suffixPath', from: o.suffixPath, to: d.suffixPath });
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    // CreateDelivery is not deduplicated by a token: one attempt at a time, then look for the pair.
    const once = logsIn(ctx, d.region, 1);
    const command = new CreateDeliveryCommand({
      deliverySourceName: d.sourceName,
      deliveryDestinationArn: d.destinationArn,
      s3DeliveryConfiguration: { suffixPath: d.suffixPath, enableHiveCompatiblePath: false },
      tags: d.tags,
    });
    try {
      await createOnce(
        ctx,
        'CreateDelivery',
        async () => (await once.send(command)).delivery?.id,
        async () => (await find(ctx, d))?.id,
      );
    } catch (err) {
      // Made by an interrupted run (the pair is unique): adopt it; the next `up` makes it as configured.
      if (!isAwsError(err, 'ConflictException')) throw err;
    }
    return find(ctx, d);
  },

  async update(ctx, d, o, changes) {
    const logs = logsIn(ctx, d.region);
    // UpdateDeliveryConfiguration changes the path in place (CloudWatch Logs API reference; Terraform's
    // aws_cloudwatch_log_delivery does the same). MiniStack 1.5.33 lacks it, but holds no other path either.
    if (changes.some((c) => c.field === 'suffixPath'))
      await logs.send(
        new UpdateDeliveryConfigurationCommand({ id: o.id, s3DeliveryConfiguration: { suffixPath: d.suffixPath } }),
      );
    if (changes.some((c) => c.field === 'tags'))
      await logs.send(new TagResourceCommand({ resourceArn: o.arn, tags: d.tags }));
  },

  async delete(ctx, d, o) {
    await unless(logsIn(ctx, d.region).send(new DeleteDeliveryCommand({ id: o.id })), GONE);
  },

  outputs: (d) => ({ location: `s3://${d.bucket}/${d.suffixPath.split('/')[0]}/` }),

  outputsOf: (_d, o) => ({ id: o.id, arn: o.arn }),
};
