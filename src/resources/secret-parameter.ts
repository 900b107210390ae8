// A generated secret in an SSM SecureString (the API's admin token). `up` creates it
// once and never changes its value; only `projet1 admin-token rotate` does.
import { randomBytes } from 'node:crypto';
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  GetParameterCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { OPEN } from '../../runtime/api/edge-header.js';
import { unless } from '../aws/errors.js';
import { fromTagList, toTagList } from '../aws/tags.js';
import { tagChanges } from '../engine/plan.js';
import type { AwsAccess, FieldChange, Provisioner } from '../engine/types.js';

export interface SecretDesired {
  name: string;
  arn: string;
  description: string;
  tags: Record<string, string>;
  /**
   * Created "open": the generated value is followed by OPEN, which the checking side reads as "accept
   * anything" until whoever starts sending the secret drops it (the origin secret: the distribution).
   */
  open?: boolean;
}

export interface SecretObserved {
  type: string;
  tags: Record<string, string>;
}

const NOT_FOUND = 'ParameterNotFound';

/** 256 random bits, URL-safe: fits an Authorization header as is. */
export function newToken(): string {
  return `p1_${randomBytes(32).toString('base64url')}`;
}

export async function readSecret(aws: AwsAccess, name: string): Promise<string | undefined> {
  const res = await unless(
    aws.client(SSMClient).send(new GetParameterCommand({ Name: name, WithDecryption: true })),
    NOT_FOUND,
  );
  return res?.Parameter?.Value;
}

export async function writeSecret(
  aws: AwsAccess,
  name: string,
  value: string,
  overwrite: boolean,
  extra: { description?: string; tags?: Record<string, string> } = {},
): Promise<boolean> {
  const put = new PutParameterCommand({
    Name: name,
    Value: value,
    Type: 'SecureString',
    Overwrite: overwrite,
    Description: extra.description,
    // AWS rejects Tags together with Overwrite; tags are set on first creation only.
    Tags: overwrite ? undefined : toTagList(extra.tags ?? {}),
  });
  return (await unless(aws.client(SSMClient).send(put), 'ParameterAlreadyExists')) !== undefined;
}

export const secretParameter: Provisioner<SecretDesired, SecretObserved> = {
  type: 'ssm-secret',
  service: 'ssm',

  async observe(ctx, d) {
    const ssm = ctx.aws.client(SSMClient);
    // Without decryption: planning never reads the secret itself.
    const res = await unless(ssm.send(new GetParameterCommand({ Name: d.name })), NOT_FOUND);
    if (!res?.Parameter) return undefined;
    const tags = await unless(
      ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: d.name })),
      'InvalidResourceId',
      NOT_FOUND,
    );
    return { type: res.Parameter.Type ?? '', tags: fromTagList(tags?.TagList) };
  },

  tags: (o) => o.tags,

  diff(d, o) {
    const changes: FieldChange[] = [];
    if (o.type !== 'SecureString') changes.push({ field: 'type', from: o.type, to: 'SecureString' });
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    // Retry-safe: an existing value (from an interrupted run) is kept, never replaced.
    const value = d.open ? `${newToken()} ${OPEN}` : newToken();
    const created = await writeSecret(ctx.aws, d.name, value, false, { description: d.description, tags: d.tags });
    if (!created)
      await this.update(ctx, d, { type: 'SecureString', tags: {} }, [{ field: 'tags', from: null, to: d.tags }]);
  },

  async update(ctx, d, _o, changes) {
    for (const change of changes) {
      if (change.field === 'type') {
        const value = await readSecret(ctx.aws, d.name);
        await writeSecret(ctx.aws, d.name, value ?? newToken(), true);
      }
      if (change.field === 'tags') {
        await ctx.aws
          .client(SSMClient)
          .send(
            new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: d.name, Tags: toTagList(d.tags) }),
          );
      }
    }
  },

  async delete(ctx, d) {
    await unless(ctx.aws.client(SSMClient).send(new DeleteParameterCommand({ Name: d.name })), NOT_FOUND);
  },

  outputs: (d) => ({ parameter: d.name }),
};
