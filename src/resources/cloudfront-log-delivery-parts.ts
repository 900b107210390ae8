// The two ends of CloudFront's access-log delivery (standard logging v2, through CloudWatch Logs'
// vended-log delivery): the delivery source naming the distribution (log type ACCESS_LOGS) and the
// delivery destination naming the log bucket. Both live in CloudFront's log region (us-east-1), are
// found again by name, and are written whole by their Put call (create or update). The legacy
// logging CloudFront offers needs ACLs on the bucket, which ours disables (BucketOwnerEnforced).
import {
  DeleteDeliveryDestinationCommand,
  DeleteDeliverySourceCommand,
  GetDeliveryDestinationCommand,
  GetDeliverySourceCommand,
  type OutputFormat,
  PutDeliveryDestinationCommand,
  PutDeliverySourceCommand,
  TagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { unless } from '../aws/errors.js';
import { tagChanges } from '../engine/plan.js';
import type { FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';
import { GONE, logsIn, tagsAt, withDeliveriesSetAside } from './cloudfront-log-delivery.js';

/** What both ends share: a name, the ARN it will have (for its tags), its region and tags. */
interface End {
  name: string;
  arn: string;
  region: string;
  tags: Record<string, string>;
}

/** The fields that differ, then the tags (merged, as TagResource does). */
function changed(want: Record<string, string>, have: Record<string, string>, tags: FieldChange[]): FieldChange[] {
  return [
    ...Object.keys(want)
      .filter((k) => want[k] !== have[k])
      .map((k) => ({ field: k, from: have[k], to: want[k] })),
    ...tags,
  ];
}

async function tag(ctx: ProvisionContext, d: End, changes: FieldChange[]): Promise<void> {
  if (changes.some((c) => c.field === 'tags'))
    await logsIn(ctx, d.region).send(new TagResourceCommand({ resourceArn: d.arn, tags: d.tags }));
}

export interface DeliverySourceDesired extends End {
  /** The distribution's ARN (known once it exists). */
  resourceArn: string;
  logType: 'ACCESS_LOGS';
}

export interface DeliverySourceObserved {
  resourceArn: string;
  logType: string;
  tags: Record<string, string>;
}

const putSource = (ctx: ProvisionContext, d: DeliverySourceDesired) =>
  logsIn(ctx, d.region).send(
    new PutDeliverySourceCommand({ name: d.name, resourceArn: d.resourceArn, logType: d.logType, tags: d.tags }),
  );

export const cloudfrontLogDeliverySource: Provisioner<DeliverySourceDesired, DeliverySourceObserved, { arn: string }> =
  {
    type: 'log-delivery-source',
    service: 'logs',

    async observe(ctx, d) {
      const res = await unless(logsIn(ctx, d.region).send(new GetDeliverySourceCommand({ name: d.name })), GONE);
      const s = res?.deliverySource;
      if (!s) return undefined;
      return {
        resourceArn: s.resourceArns?.[0] ?? '',
        logType: s.logType ?? '',
        tags: await tagsAt(ctx, d.region, d.arn),
      };
    },

    tags: (o) => o.tags,

    diff: (d, o) =>
      changed(
        { resourceArn: d.resourceArn, logType: d.logType },
        { resourceArn: o.resourceArn, logType: o.logType },
        tagChanges(d.tags, o.tags),
      ),

    async create(ctx, d) {
      // A Put: a retry after a lost answer writes the same source again.
      await putSource(ctx, d);
    },

    async update(ctx, d, _o, changes) {
      if (changes.some((c) => c.field !== 'tags')) {
        // Another distribution (the old one was deleted and made again): a source's resource cannot change
        // (Terraform's aws_cloudwatch_log_delivery_source replaces it), so it is made again, its deliveries with it.
        await withDeliveriesSetAside(
          ctx,
          d.region,
          (x) => x.deliverySourceName === d.name,
          async () => {
            await unless(logsIn(ctx, d.region).send(new DeleteDeliverySourceCommand({ name: d.name })), GONE);
            await putSource(ctx, d);
          },
        );
      }
      await tag(ctx, d, changes);
    },

    async delete(ctx, d) {
      await unless(logsIn(ctx, d.region).send(new DeleteDeliverySourceCommand({ name: d.name })), GONE);
    },

    outputsOf: (d) => ({ arn: d.arn }),
  };

export interface DeliveryDestinationDesired extends End {
  /** The log bucket (`arn:aws:s3:::name`); the delivery adds the `cdn/` path. */
  bucketArn: string;
  outputFormat: OutputFormat;
}

export interface DeliveryDestinationObserved {
  arn: string;
  bucketArn: string;
  outputFormat: string;
  tags: Record<string, string>;
}

export const cloudfrontLogDeliveryDestination: Provisioner<
  DeliveryDestinationDesired,
  DeliveryDestinationObserved,
  { arn: string }
> = {
  type: 'log-delivery-destination',
  service: 'logs',

  async observe(ctx, d) {
    const res = await unless(logsIn(ctx, d.region).send(new GetDeliveryDestinationCommand({ name: d.name })), GONE);
    const x = res?.deliveryDestination;
    if (!x?.arn) return undefined;
    return {
      arn: x.arn,
      bucketArn: x.deliveryDestinationConfiguration?.destinationResourceArn ?? '',
      outputFormat: x.outputFormat ?? '',
      tags: await tagsAt(ctx, d.region, x.arn),
    };
  },

  tags: (o) => o.tags,

  diff: (d, o) =>
    changed(
      { bucketArn: d.bucketArn, outputFormat: d.outputFormat },
      { bucketArn: o.bucketArn, outputFormat: o.outputFormat },
      tagChanges(d.tags, o.tags),
    ),

  async create(ctx, d) {
    await logsIn(ctx, d.region).send(
      new PutDeliveryDestinationCommand({
        name: d.name,
        outputFormat: d.outputFormat,
        deliveryDestinationConfiguration: { destinationResourceArn: d.bucketArn },
        tags: d.tags,
      }),
    );
  },

  async update(ctx, d, o, changes) {
    if (changes.some((c) => c.field === 'outputFormat')) {
      // The format cannot change in place (Terraform's aws_cloudwatch_log_delivery_destination replaces
      // it): made again under the same name (so the same ARN), its deliveries with it.
      await withDeliveriesSetAside(
        ctx,
        d.region,
        (x) => x.deliveryDestinationArn === o.arn,
        async () => {
          await unless(logsIn(ctx, d.region).send(new DeleteDeliveryDestinationCommand({ name: d.name })), GONE);
          await this.create(ctx, d);
        },
      );
    } else if (changes.some((c) => c.field === 'bucketArn')) {
      // PutDeliveryDestination changes the bucket in place, as Terraform's provider does.
      await this.create(ctx, d);
    }
    await tag(ctx, d, changes);
  },

  async delete(ctx, d) {
    await unless(logsIn(ctx, d.region).send(new DeleteDeliveryDestinationCommand({ name: d.name })), GONE);
  },

  outputsOf: (_d, o) => ({ arn: o.arn }),
};
