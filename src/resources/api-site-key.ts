// The stack's own API key (api.keys): the one the distribution sends the API as `x-api-key`, so the
// storefront keeps reading when keys are required. In its own usage plan ("site"), whose limits are the
// stage's. Its value never appears in a plan or a log: API Gateway generates it, the distribution reads
// it when it applies its configuration (`siteKeyValue`), as it reads the origin secret.
import {
  type ApiKey,
  APIGatewayClient,
  CreateApiKeyCommand,
  DeleteApiKeyCommand,
  TagResourceCommand,
  UpdateApiKeyCommand,
  paginateGetApiKeys,
} from '@aws-sdk/client-api-gateway';
import { apiKeyArn } from '../aws/arns.js';
import { unless } from '../aws/errors.js';
import { tagChanges } from '../engine/plan.js';
import { createOnce } from '../engine/retry.js';
import type { AwsAccess, FieldChange, Provisioner } from '../engine/types.js';

export interface SiteKeyDesired {
  name: string;
  description: string;
  region: string;
  partition: string;
  tags: Record<string, string>;
}

export interface SiteKeyObserved {
  id: string;
  enabled: boolean;
  tags: Record<string, string>;
}

/** The API keys of the stack's tags (the site's and the partners'); with their values only when asked. */
export async function stackKeys(
  aws: AwsAccess,
  tags: Record<string, string>,
  includeValues = false,
): Promise<ApiKey[]> {
  const out: ApiKey[] = [];
  const client = aws.client(APIGatewayClient);
  for await (const page of paginateGetApiKeys({ client }, { limit: 500, includeValues }))
    out.push(
      ...(page.items ?? []).filter((k) => k.tags?.project === tags.project && k.tags?.environment === tags.environment),
    );
  return out;
}

/** The site key's value, for the distribution's origin header; undefined while there is no key. */
export async function siteKeyValue(
  aws: AwsAccess,
  name: string,
  tags: Record<string, string>,
): Promise<string | undefined> {
  return (await stackKeys(aws, tags, true)).find((k) => k.name === name)?.value;
}

/** The key's id: the site plan puts it in (api-usage-plan.ts `keyIds`). */
export const apiSiteKey: Provisioner<SiteKeyDesired, SiteKeyObserved, { id: string }> = {
  type: 'api-key',
  service: 'apigateway',
  // Whoever holds it reads through the site plan's limits.
  securityFields: ['enabled'],

  async observe(ctx, d) {
    const found = (await stackKeys(ctx.aws, d.tags)).find((k) => k.name === d.name);
    if (!found?.id) return undefined;
    return { id: found.id, enabled: found.enabled ?? false, tags: found.tags ?? {} };
  },

  tags: (o) => o.tags,
  outputsOf: (_d, o) => ({ id: o.id }),

  diff(_d, o) {
    const changes: FieldChange[] = [];
    if (!o.enabled) changes.push({ field: 'enabled', from: false, to: true });
    return [...changes, ...tagChanges(_d.tags, o.tags)];
  },

  async create(ctx, d) {
    const once = ctx.aws.client(APIGatewayClient, { maxAttempts: 1 });
    const command = new CreateApiKeyCommand({ name: d.name, description: d.description, enabled: true, tags: d.tags });
    // Key names are not unique: a retried create would make a second key.
    const id = await createOnce(
      ctx,
      'CreateApiKey',
      async () => (await once.send(command)).id,
      async () => (await stackKeys(ctx.aws, d.tags)).find((k) => k.name === d.name)?.id,
    );
    return id ? { id, enabled: true, tags: d.tags } : undefined;
  },

  async update(ctx, d, o) {
    const api = ctx.aws.client(APIGatewayClient);
    if (!o.enabled)
      await api.send(
        new UpdateApiKeyCommand({
          apiKey: o.id,
          patchOperations: [{ op: 'replace', path: '/enabled', value: 'true' }],
        }),
      );
    if (tagChanges(d.tags, o.tags).length > 0)
      await api.send(new TagResourceCommand({ resourceArn: apiKeyArn(d, o.id), tags: d.tags }));
  },

  async delete(ctx, _d, o) {
    await unless(ctx.aws.client(APIGatewayClient).send(new DeleteApiKeyCommand({ apiKey: o.id })), 'NotFoundException');
  },
};
