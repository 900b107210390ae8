// The SNS topic alarms notify (as their alarm and OK actions), with an e-mail subscription
// when an address is configured. A topic lives in its alarms' region.
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  SNSClient,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { unless } from '../aws/errors.js';
import { fromTagList, toTagList } from '../aws/tags.js';
import { tagChanges } from '../engine/plan.js';
import type { FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';

export interface TopicDesired {
  name: string;
  arn: string;
  region: string;
  email: string | null;
  tags: Record<string, string>;
}

export interface TopicObserved {
  /** Subscribed e-mail addresses, with "PendingConfirmation" until the recipient confirms. */
  subscriptions: { endpoint: string; arn: string }[];
  tags: Record<string, string>;
}

const sns = (ctx: ProvisionContext, region: string) => ctx.aws.client(SNSClient, { region });

/** The e-mail subscriptions and whether each is confirmed (`status` shows them). */
export type TopicOutputs = { subscription: string };

export const snsTopic: Provisioner<TopicDesired, TopicObserved, TopicOutputs> = {
  type: 'sns-topic',
  service: 'sns',

  async observe(ctx, d) {
    const client = sns(ctx, d.region);
    const attrs = await unless(
      client.send(new GetTopicAttributesCommand({ TopicArn: d.arn })),
      'NotFoundException',
      'NotFound',
    );
    if (!attrs) return undefined;
    const [subs, tags] = await Promise.all([
      client.send(new ListSubscriptionsByTopicCommand({ TopicArn: d.arn })),
      client.send(new ListTagsForResourceCommand({ ResourceArn: d.arn })),
    ]);
    return {
      subscriptions: (subs.Subscriptions ?? [])
        .filter((s) => s.Protocol === 'email')
        .map((s) => ({ endpoint: s.Endpoint ?? '', arn: s.SubscriptionArn ?? '' })),
      tags: fromTagList(tags.Tags),
    };
  },

  tags: (o) => o.tags,

  diff(d, o) {
    const changes: FieldChange[] = [];
    const emails = o.subscriptions.map((s) => s.endpoint);
    if (d.email ? emails.length !== 1 || emails[0] !== d.email : emails.length > 0) {
      changes.push({ field: 'email', from: emails.join(', ') || null, to: d.email });
    }
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    // CreateTopic is idempotent for the same name and attributes: safe after an interruption.
    await sns(ctx, d.region).send(new CreateTopicCommand({ Name: d.name, Tags: toTagList(d.tags) }));
    if (d.email)
      await sns(ctx, d.region).send(new SubscribeCommand({ TopicArn: d.arn, Protocol: 'email', Endpoint: d.email }));
  },

  async update(ctx, d, o, changes) {
    const client = sns(ctx, d.region);
    if (changes.some((c) => c.field === 'email')) {
      for (const s of o.subscriptions) {
        if (s.endpoint !== d.email && s.arn.startsWith('arn:'))
          await client.send(new UnsubscribeCommand({ SubscriptionArn: s.arn }));
      }
      if (d.email && !o.subscriptions.some((s) => s.endpoint === d.email)) {
        await client.send(new SubscribeCommand({ TopicArn: d.arn, Protocol: 'email', Endpoint: d.email }));
      }
    }
    if (tagChanges(d.tags, o.tags).length > 0)
      await client.send(new TagResourceCommand({ ResourceArn: d.arn, Tags: toTagList(d.tags) }));
  },

  async delete(ctx, d) {
    await unless(sns(ctx, d.region).send(new DeleteTopicCommand({ TopicArn: d.arn })), 'NotFoundException', 'NotFound');
  },

  outputs: (d) => ({ arn: d.arn }),
  /** A subscription not confirmed yet has no ARN: "PendingConfirmation". */
  outputsOf: (_d, o) => ({
    subscription: o.subscriptions
      .map((s) => `${s.endpoint} (${s.arn.startsWith('arn:') ? 'confirmed' : 'pending confirmation'})`)
      .join(', '),
  }),
};
