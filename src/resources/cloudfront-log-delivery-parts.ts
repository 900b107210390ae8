// The two ends of CloudFront's access-log delivery (standard logging v2, through CloudWatch Logs'
// vended-log delivery): the delivery source naming the distribution (log type ACCESS_LOGS) and the
// delivery destination naming the log bucket. Both live in CloudFront's log region (us-east-1), are
// found again by name, and are written whole by their Put call (create or update). The legacy
// logging CloudFront offers needs ACLs on the bucket, which ours disables (BucketOwnerEnforced).
import {
  DeleteDeliveryDestinationCommand,
  DeleteDeliverySourceCommand,
  type DeliveryDestination,
  type DeliverySource,
  DescribeDeliveryDestinationsCommand,
  DescribeDeliverySourcesCommand,
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

/**
 * Every source (or destination) of the region, by walking its Describe call's pages: a list action needs
 * no resource in the caller's policy, so a stack with the logs off can look for what to retire with only
 * that (as the WAF's ListWebACLs), where a Get of a name would need a grant on it.
 */
async function described<T>(
  page: (nextToken: string | undefined) => Promise<{ items?: T[]; nextToken?: string }>,
): Promise<T[]> {
  const all: T[] = [];
  let nextToken: string | undefined;
  do {
    const got = await page(nextToken);
    all.push(...(got.items ?? []));
    nextToken = got.nextToken || undefined;
  } while (nextToken);
  return all;
}

const sourceNamed = async (ctx: ProvisionContext, region: string, name: string): Promise<DeliverySource | undefined> =>
  (
    await described(async (nextToken) => {
      const res = await logsIn(ctx, region).send(new DescribeDeliverySourcesCommand({ nextToken, limit: 50 }));
      return { items: res.deliverySources, nextToken: res.nextToken };
    })
  ).find((x) => x.name === name);

const destinationNamed = async (
  ctx: ProvisionContext,
  region: string,
  name: string,
): Promise<DeliveryDestination | undefined> =>
  (
    await described(async (nextToken) => {
      const res = await logsIn(ctx, region).send(new DescribeDeliveryDestinationsCommand({ nextToken, limit: 50 }));
      return { items: res.deliveryDestinations, nextToken: res.nextToken };
    })
  ).find((x) => x.name === name);

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
      const s = await sourceNamed(ctx, d.region, d.name);
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
    const x = await destinationNamed(ctx, d.region, d.name);
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
