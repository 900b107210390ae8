// A generated secret in an SSM SecureString (the API's admin token). `up` creates it
// once and never changes its value; only `projet1 admin-token rotate` does. A copy (`copyFrom`, in
// regions.secondary) holds the same value as the parameter of that name in the stack's region.
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
import { clientsIn } from '../engine/region.js';
import type { AwsAccess, FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';

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
  /**
   * The region whose parameter of the same name this one copies (regions.secondary: its API checks the
   * same admin token and origin secret as the primary's): created with that value, repaired to it.
   */
  copyFrom?: string;
}

export interface SecretObserved {
  type: string;
  tags: Record<string, string>;
  /** A copy (`copyFrom`) whose value is not its source's; never the values themselves. */
  stale?: boolean;
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

/** The value a copy must hold: its source's, read in the source's region. */
async function sourceValue(ctx: ProvisionContext, d: SecretDesired, from: string): Promise<string> {
  const value = await readSecret(clientsIn(ctx.aws, from), d.name);
  if (value === undefined) throw new Error(`the parameter ${d.name} does not exist in ${from} to copy it from`);
  return value;
}

/** A copy differs from its source (both read decrypted, compared here, never shown or kept). */
async function staleCopy(ctx: ProvisionContext, d: SecretDesired, from: string): Promise<boolean> {
  const [own, source] = await Promise.all([readSecret(ctx.aws, d.name), readSecret(clientsIn(ctx.aws, from), d.name)]);
  return source !== undefined && own !== source;
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
    const found = { type: res.Parameter.Type ?? '', tags: fromTagList(tags?.TagList) };
    return d.copyFrom && (await staleCopy(ctx, d, d.copyFrom)) ? { ...found, stale: true } : found;
  },

  tags: (o) => o.tags,

  diff(d, o) {
    const changes: FieldChange[] = [];
    if (o.type !== 'SecureString') changes.push({ field: 'type', from: o.type, to: 'SecureString' });
    if (o.stale) changes.push({ field: 'value', from: '(another value)', to: `(the value in ${d.copyFrom})` });
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    // Retry-safe: an existing value (from an interrupted run) is kept, never replaced; a copy's is made its source's.
    const fresh = d.open ? `${newToken()} ${OPEN}` : newToken();
    const value = d.copyFrom ? await sourceValue(ctx, d, d.copyFrom) : fresh;
    const created = await writeSecret(ctx.aws, d.name, value, false, { description: d.description, tags: d.tags });
    const copy: FieldChange[] = d.copyFrom ? [{ field: 'value', from: null, to: null }] : [];
    if (!created)
      await this.update(ctx, d, { type: 'SecureString', tags: {} }, [
        ...copy,
        { field: 'tags', from: null, to: d.tags },
      ]);
  },

  async update(ctx, d, _o, changes) {
    for (const change of changes) {
      if (change.field === 'type') {
        const value = d.copyFrom ? await sourceValue(ctx, d, d.copyFrom) : await readSecret(ctx.aws, d.name);
        await writeSecret(ctx.aws, d.name, value ?? newToken(), true);
      }
      if (change.field === 'value' && d.copyFrom)
        await writeSecret(ctx.aws, d.name, await sourceValue(ctx, d, d.copyFrom), true);
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
