// The stack's own API key (api.keys): the one the distribution sends the API as `x-api-key`, so the
// storefront keeps reading when keys are required. In its own usage plan ("site"), whose limits are the
// stage's. Its value never appears in a plan or a log: API Gateway generates it, the distribution reads
// it when it applies its configuration (`siteKeyValue`), as it reads the origin secret. A copy
// (`copyFrom`, regions.secondary) holds the same value as the key of that name in the stack's region:
// the distribution sends one value whichever region's API it serves.
import {
  type ApiKey,
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetUsagePlanKeyCommand,
  GetUsagePlansCommand,
  TagResourceCommand,
  UpdateApiKeyCommand,
  paginateGetApiKeys,
} from '@aws-sdk/client-api-gateway';
import { apiKeyArn } from '../aws/arns.js';
import { unless } from '../aws/errors.js';
import { tagChanges } from '../engine/plan.js';
import { createOnce } from '../engine/retry.js';
import { clientsIn } from '../engine/region.js';
import type { AwsAccess, FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';

export interface SiteKeyDesired {
  name: string;
  description: string;
  region: string;
  partition: string;
  tags: Record<string, string>;
  /**
   * The region whose key of the same name this one copies (regions.secondary): created with that
   * key's value, replaced when it differs. API keys are regional; CreateApiKey accepts a `value`.
   */
  copyFrom?: string;
  /**
   * The id of the key it copies (UNKNOWN until made): a new source (made again by `up`) means a new
   * value, so the copy is replaced in the same run, the source's value being unknown when planning.
   */
  sourceId?: string;
}

export interface SiteKeyObserved {
  id: string;
  enabled: boolean;
  tags: Record<string, string>;
  /** A copy (`copyFrom`) whose value is not its source's; never the values themselves. */
  stale?: boolean;
  /** The id of the source key compared with (a copy's); undefined when there is none. */
  sourceId?: string;
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

/** The value a copy must hold: its source's, read in the source's region. */
async function sourceValue(ctx: ProvisionContext, d: SiteKeyDesired, from: string): Promise<string> {
  const value = await siteKeyValue(clientsIn(ctx.aws, from), d.name, d.tags);
  if (value === undefined) throw new Error(`the API key ${d.name} does not exist in ${from} to copy it from`);
  return value;
}

/** Whether a copy differs from its source (both values read, compared here, never shown or kept). */
async function compareCopy(ctx: ProvisionContext, d: SiteKeyDesired, from: string) {
  const [own, source] = await Promise.all([
    stackKeys(ctx.aws, d.tags, true),
    stackKeys(clientsIn(ctx.aws, from), d.tags, true),
  ]);
  const mine = own.find((k) => k.name === d.name);
  const theirs = source.find((k) => k.name === d.name);
  return { stale: theirs !== undefined && mine?.value !== theirs.value, sourceId: theirs?.id };
}

/**
 * A key cannot change its value: a stale copy is replaced by a key holding the source's value, put in
 * every plan of the stack the old one was in (the site plan names the key by id), then the old deleted.
 */
async function replaceCopy(ctx: ProvisionContext, d: SiteKeyDesired, old: string, from: string): Promise<void> {
  const api = ctx.aws.client(APIGatewayClient);
  const made = await api.send(
    new CreateApiKeyCommand({
      name: d.name,
      description: d.description,
      enabled: true,
      value: await sourceValue(ctx, d, from),
      tags: d.tags,
    }),
  );
  if (!made.id) throw new Error(`CreateApiKey answered without an id for ${d.name}`);
  const plans = (await api.send(new GetUsagePlansCommand({ limit: 500 }))).items ?? [];
  for (const p of plans) {
    if (!p.id || p.tags?.project !== d.tags.project || p.tags?.environment !== d.tags.environment) continue;
    const held = await unless(
      api.send(new GetUsagePlanKeyCommand({ usagePlanId: p.id, keyId: old })),
      'NotFoundException',
    );
    if (held)
      await unless(
        api.send(new CreateUsagePlanKeyCommand({ usagePlanId: p.id, keyId: made.id, keyType: 'API_KEY' })),
        'ConflictException',
      );
  }
  await unless(api.send(new DeleteApiKeyCommand({ apiKey: old })), 'NotFoundException');
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
    const seen = { id: found.id, enabled: found.enabled ?? false, tags: found.tags ?? {} };
    return d.copyFrom ? { ...seen, ...(await compareCopy(ctx, d, d.copyFrom)) } : seen;
  },

  tags: (o) => o.tags,
  outputsOf: (_d, o) => ({ id: o.id }),

  diff(d, o) {
    const changes: FieldChange[] = [];
    if (!o.enabled) changes.push({ field: 'enabled', from: false, to: true });
    // A source made again since (or to be made in this run) holds a new value too.
    const newSource = d.sourceId !== undefined && d.sourceId !== o.sourceId;
    if (o.stale || newSource)
      changes.push({ field: 'value', from: '(another value)', to: `(the value in ${d.copyFrom})` });
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    const once = ctx.aws.client(APIGatewayClient, { maxAttempts: 1 });
    // A copy takes its source's value; the stack's own key gets one API Gateway generates.
    const value = d.copyFrom ? await sourceValue(ctx, d, d.copyFrom) : undefined;
    const command = new CreateApiKeyCommand({
      name: d.name,
      description: d.description,
      enabled: true,
      tags: d.tags,
      ...(value ? { value } : {}),
    });
    // Key names are not unique: a retried create would make a second key.
    const id = await createOnce(
      ctx,
      'CreateApiKey',
      async () => (await once.send(command)).id,
      async () => (await stackKeys(ctx.aws, d.tags)).find((k) => k.name === d.name)?.id,
    );
    return id ? { id, enabled: true, tags: d.tags } : undefined;
  },

  async update(ctx, d, o, changes) {
    const api = ctx.aws.client(APIGatewayClient);
    // The new key is made enabled and tagged: nothing else to repair on it.
    if (d.copyFrom && changes.some((c) => c.field === 'value')) return replaceCopy(ctx, d, o.id, d.copyFrom);
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
