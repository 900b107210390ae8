// An API Gateway usage plan on the stack's stage (api.keys): a throttle and an optional quota that
// apply to each key in it. Found again by name among the plans carrying this stack's tags (plan names
// are not unique in an account). The keys in it are not its business: partners' keys are the
// `api-keys` command's, the site's key is `api-site-key`'s.
import {
  APIGatewayClient,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteUsagePlanCommand,
  GetUsagePlanKeyCommand,
  type PatchOperation,
  TagResourceCommand,
  UpdateUsagePlanCommand,
  type UsagePlan,
  paginateGetUsagePlans,
} from '@aws-sdk/client-api-gateway';
import { usagePlanArn } from '../aws/arns.js';
import { unless } from '../aws/errors.js';
import { canonicalJson } from '../engine/canonical.js';
import { tagChanges } from '../engine/plan.js';
import { createOnce } from '../engine/retry.js';
import { type AwsAccess, type FieldChange, type ProvisionContext, type Provisioner, UNKNOWN } from '../engine/types.js';

export interface PlanLimits {
  throttle: { rateLimit: number; burstLimit: number };
  quota: { limit: number; period: string } | null;
}

export interface UsagePlanDesired extends PlanLimits {
  name: string;
  description: string;
  /** The REST API's id (UNKNOWN until it exists) and the stage the plan covers. */
  apiId: string;
  stageName: string;
  /** Keys this plan must hold (the site's; UNKNOWN until made). Others in it (partners') are left alone. */
  keyIds: string[];
  region: string;
  partition: string;
  tags: Record<string, string>;
}

export interface UsagePlanObserved extends PlanLimits {
  id: string;
  /** Of `keyIds`, those not in the plan. */
  missingKeys: string[];
  /** "apiId:stage" of each stage the plan covers. */
  stages: string[];
  tags: Record<string, string>;
}

/** The plans of the stack's tags, by name (`api-keys` finds a plan by name the same way). */
export async function stackPlans(aws: AwsAccess, tags: Record<string, string>): Promise<UsagePlan[]> {
  const out: UsagePlan[] = [];
  for await (const page of paginateGetUsagePlans({ client: aws.client(APIGatewayClient) }, { limit: 500 }))
    out.push(
      ...(page.items ?? []).filter((p) => p.tags?.project === tags.project && p.tags?.environment === tags.environment),
    );
  return out;
}

/** Puts keys in the plan (CreateUsagePlanKey answers 409 for a key already in it: done, then). */
async function addKeys(ctx: ProvisionContext, usagePlanId: string, keyIds: string[]): Promise<void> {
  const api = ctx.aws.client(APIGatewayClient);
  for (const keyId of keyIds)
    await unless(
      api.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId, keyType: 'API_KEY' })),
      'ConflictException',
    );
}

const stageOf = (d: Pick<UsagePlanDesired, 'apiId' | 'stageName'>) => `${d.apiId}:${d.stageName}`;

/** Numbers as numbers: an emulator may keep a patched value as the string UpdateUsagePlan sends. */
function limitsOf(p: UsagePlan): PlanLimits {
  const q = p.quota;
  return {
    throttle: { rateLimit: Number(p.throttle?.rateLimit ?? 0), burstLimit: Number(p.throttle?.burstLimit ?? 0) },
    quota: q?.limit !== undefined && q.period ? { limit: Number(q.limit), period: q.period } : null,
  };
}

function limitOps(d: UsagePlanDesired, o: PlanLimits): PatchOperation[] {
  const ops: PatchOperation[] = [];
  if (canonicalJson(d.throttle) !== canonicalJson(o.throttle))
    ops.push(
      { op: 'replace', path: '/throttle/rateLimit', value: String(d.throttle.rateLimit) },
      { op: 'replace', path: '/throttle/burstLimit', value: String(d.throttle.burstLimit) },
    );
  if (canonicalJson(d.quota) !== canonicalJson(o.quota)) {
    if (d.quota)
      ops.push(
        { op: 'replace', path: '/quota/limit', value: String(d.quota.limit) },
        { op: 'replace', path: '/quota/period', value: d.quota.period },
      );
    else ops.push({ op: 'remove', path: '/quota' });
  }
  return ops;
}

export const apiUsagePlan: Provisioner<UsagePlanDesired, UsagePlanObserved, { id: string }> = {
  type: 'api-usage-plan',
  service: 'apigateway',

  async observe(ctx, d) {
    const found = (await stackPlans(ctx.aws, d.tags)).find((p) => p.name === d.name);
    if (!found?.id) return undefined;
    const api = ctx.aws.client(APIGatewayClient);
    const held = await Promise.all(
      d.keyIds.map(async (keyId) =>
        keyId === UNKNOWN || !found.id
          ? false
          : (await unless(
              api.send(new GetUsagePlanKeyCommand({ usagePlanId: found.id, keyId })),
              'NotFoundException',
            )) !== undefined,
      ),
    );
    return {
      id: found.id,
      missingKeys: d.keyIds.filter((_k, i) => !held[i]),
      ...limitsOf(found),
      stages: (found.apiStages ?? []).map((s) => `${s.apiId}:${s.stage}`),
      tags: found.tags ?? {},
    };
  },

  tags: (o) => o.tags,
  outputsOf: (_d, o) => ({ id: o.id }),

  diff(d, o) {
    const changes: FieldChange[] = [];
    if (canonicalJson(d.throttle) !== canonicalJson(o.throttle))
      changes.push({ field: 'throttle', from: o.throttle, to: d.throttle });
    if (canonicalJson(d.quota) !== canonicalJson(o.quota)) changes.push({ field: 'quota', from: o.quota, to: d.quota });
    if (o.missingKeys.length > 0) changes.push({ field: 'keys', from: null, to: o.missingKeys });
    if (o.stages.length !== 1 || o.stages[0] !== stageOf(d))
      changes.push({ field: 'stages', from: o.stages, to: [stageOf(d)] });
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    const once = ctx.aws.client(APIGatewayClient, { maxAttempts: 1 });
    const command = new CreateUsagePlanCommand({
      name: d.name,
      description: d.description,
      apiStages: [{ apiId: d.apiId, stage: d.stageName }],
      throttle: d.throttle,
      ...(d.quota ? { quota: { limit: d.quota.limit, period: d.quota.period as 'DAY' } } : {}),
      tags: d.tags,
    });
    // Plan names are not unique: a retried create would make a second plan.
    const id = await createOnce(
      ctx,
      'CreateUsagePlan',
      async () => (await once.send(command)).id,
      async () => (await this.observe(ctx, d))?.id,
    );
    if (id) await addKeys(ctx, id, d.keyIds);
  },

  async update(ctx, d, o) {
    const api = ctx.aws.client(APIGatewayClient);
    const want = stageOf(d);
    const ops: PatchOperation[] = [
      ...o.stages.filter((s) => s !== want).map((s) => ({ op: 'remove' as const, path: '/apiStages', value: s })),
      ...(o.stages.includes(want) ? [] : [{ op: 'add' as const, path: '/apiStages', value: want }]),
      ...limitOps(d, o),
    ];
    if (ops.length > 0) await api.send(new UpdateUsagePlanCommand({ usagePlanId: o.id, patchOperations: ops }));
    // The keys as resolved now: a key made in this run was UNKNOWN when the plan observed the missing ones.
    const missing = o.missingKeys.length > 0 ? d.keyIds.filter((k) => k !== UNKNOWN) : [];
    await addKeys(ctx, o.id, missing);
    if (tagChanges(d.tags, o.tags).length > 0)
      await api.send(new TagResourceCommand({ resourceArn: usagePlanArn(d, o.id), tags: d.tags }));
  },

  async delete(ctx, _d, o) {
    const api = ctx.aws.client(APIGatewayClient);
    // AWS refuses to delete a plan still associated with a stage: detach first (as Terraform's provider does).
    if (o.stages.length > 0)
      await unless(
        api.send(
          new UpdateUsagePlanCommand({
            usagePlanId: o.id,
            patchOperations: o.stages.map((s) => ({ op: 'remove', path: '/apiStages', value: s })),
          }),
        ),
        'NotFoundException',
      );
    await unless(api.send(new DeleteUsagePlanCommand({ usagePlanId: o.id })), 'NotFoundException');
  },
};
