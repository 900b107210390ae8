// Partners' keys copied to regions.secondary by `up`: each partner key of the stack's region has a key
// of the same name and value there, in the plan of the same name (a partner keeps one key across a
// failover); a copy whose key is gone from the stack's region (removed while the second region did not
// answer) is deleted. `api-keys add|rotate|remove` keep both regions in step themselves; this repairs
// what they could not do, and copies the keys made before the second region was set. Values are read
// and compared here, never shown: the plan names the partners only. The copies themselves are deleted
// by `down` with the partners' keys (api-keys.ts), so this resource has nothing of its own to delete.
import {
  type ApiKey,
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetUsagePlanKeysCommand,
} from '@aws-sdk/client-api-gateway';
import { unless } from '../aws/errors.js';
import { clientsIn } from '../engine/region.js';
import { createOnce } from '../engine/retry.js';
import type { AwsAccess, FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';
import { stackKeys } from './api-site-key.js';
import { stackPlans } from './api-usage-plan.js';

export interface KeyCopiesDesired {
  /** The site key's AWS name (api-site-key.ts copies it). */
  siteKey: string;
  /** The stack's region, whose partner keys are copied. */
  copyFrom: string;
  tags: Record<string, string>;
}

interface Held {
  key: ApiKey;
  /** The AWS name of the stack's plan holding it, if any. */
  plan: string | undefined;
}

export interface KeyCopiesObserved {
  /** Partners (AWS names) without a copy of their value in the plan of the same name there. */
  missing: string[];
  /** Copies whose name and value no key of the stack's region has. */
  extra: string[];
}

/** The partner keys of a region with their values and the stack plan holding each. */
async function partnerKeys(aws: AwsAccess, d: KeyCopiesDesired): Promise<Held[]> {
  const api = aws.client(APIGatewayClient);
  const planOf = new Map<string, string>();
  for (const p of await stackPlans(aws, d.tags)) {
    if (!p.id || !p.name) continue;
    const keys = await api.send(new GetUsagePlanKeysCommand({ usagePlanId: p.id, limit: 500 }));
    for (const k of keys.items ?? []) if (k.id) planOf.set(k.id, p.name);
  }
  const keys = (await stackKeys(aws, d.tags, true)).filter((k) => k.name !== d.siteKey && k.id && k.value);
  return keys.map((key) => ({ key, plan: key.id ? planOf.get(key.id) : undefined }));
}

const same = (a: Held, b: Held) => a.key.name === b.key.name && a.key.value === b.key.value;

async function compare(aws: AwsAccess, d: KeyCopiesDesired) {
  const [source, copies] = await Promise.all([partnerKeys(clientsIn(aws, d.copyFrom), d), partnerKeys(aws, d)]);
  // A source key in no plan (its plan removed from api.keys.plans) has nowhere to go there either.
  const missing = source.filter((s) => s.plan && !copies.some((c) => same(s, c) && c.plan === s.plan));
  const extra = copies.filter((c) => !source.some((s) => same(s, c)));
  return { missing, extra, copies };
}

/** A copy of `key` (its value) made once: a lost answer finds it again by name and value. */
async function createCopy(ctx: ProvisionContext, d: KeyCopiesDesired, key: ApiKey): Promise<string | undefined> {
  const once = ctx.aws.client(APIGatewayClient, { maxAttempts: 1 });
  const command = new CreateApiKeyCommand({
    name: key.name,
    description: key.description,
    enabled: true,
    value: key.value,
    tags: d.tags,
  });
  return createOnce(
    ctx,
    'CreateApiKey',
    async () => (await once.send(command)).id,
    async () => (await stackKeys(ctx.aws, d.tags, true)).find((k) => k.name === key.name && k.value === key.value)?.id,
  );
}

const names = (held: Held[]) => held.map((h) => h.key.name ?? '').sort();

export const apiKeyCopies: Provisioner<KeyCopiesDesired, KeyCopiesObserved> = {
  type: 'api-key-copies',
  service: 'apigateway',

  // Always "there": no copy at all is a state to compare, not a resource to create.
  async observe(ctx, d) {
    const { missing, extra } = await compare(ctx.aws, d);
    return { missing: names(missing), extra: names(extra) };
  },

  // The copies are partners' keys, which `down` deletes as such (api-keys.ts partnerKeysToDelete).
  owned: () => false,
  tags: () => undefined,

  diff(_d, o) {
    const changes: FieldChange[] = [];
    if (o.missing.length > 0) changes.push({ field: 'copies', from: null, to: o.missing });
    if (o.extra.length > 0) changes.push({ field: 'stale copies', from: o.extra, to: null });
    return changes;
  },

  async create(ctx, d) {
    await this.update(ctx, d, { missing: [], extra: [] }, []);
  },

  async update(ctx, d) {
    const api = ctx.aws.client(APIGatewayClient);
    const { missing, extra, copies } = await compare(ctx.aws, d);
    const plans = new Map((await stackPlans(ctx.aws, d.tags)).map((p) => [p.name, p.id]));
    for (const s of missing) {
      const planId = plans.get(s.plan);
      if (!planId) throw new Error(`the usage plan ${s.plan} does not exist in ${ctx.aws.target.region}`);
      // A copy of that value may exist outside the plan: reuse it (values are unique in a region).
      const there = copies.find((c) => same(s, c))?.key.id;
      const made = there ?? (await createCopy(ctx, d, s.key));
      if (made)
        await unless(
          api.send(new CreateUsagePlanKeyCommand({ usagePlanId: planId, keyId: made, keyType: 'API_KEY' })),
          'ConflictException',
        );
    }
    for (const c of extra)
      if (c.key.id) await unless(api.send(new DeleteApiKeyCommand({ apiKey: c.key.id })), 'NotFoundException');
  },

  async delete() {
    // owned() is false: teardown never asks (see the header).
  },
};
