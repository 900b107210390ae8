// api.keys: which methods require an API key, the stage's usage plans (one per configured plan, plus
// the "site" plan of the distribution's own key) and that key. Built as if on when keys are off, so
// `up` removes what an earlier configuration made (the tier's `retired`).
import { SITE_PLAN } from '../config/api-keys-schema.js';
import { ref, UNKNOWN } from '../engine/types.js';
import type { GatewayResponseDef } from '../resources/api-definition.js';
import { apiSiteKey } from '../resources/api-site-key.js';
import { apiUsagePlan, type UsagePlanDesired } from '../resources/api-usage-plan.js';
import type { ApiResource } from './api-tier.js';
import type { StackContext } from './context.js';
import type { StackResource } from './ids.js';

export type UsagePlanResource = StackResource<typeof apiUsagePlan>;
export type SiteKeyResource = StackResource<typeof apiSiteKey>;

/** Whether a route's method requires a key: reads only (api.keys.routes 'read'), or every route. */
export function keyRequired(ctx: StackContext, method: string): boolean {
  const k = ctx.config.api.keys;
  return k.enabled && (k.routes === 'all' || method === 'GET');
}

/**
 * What API Gateway answers a call without a valid key (403) or over its plan's quota (429), in the
 * handlers' JSON shape; only with keys on (the definition, and so the deployment, is unchanged without).
 */
export function keyResponses(ctx: StackContext, allowOrigin: string | undefined): Record<string, GatewayResponseDef> {
  if (!ctx.config.api.keys.enabled) return {};
  const cors = allowOrigin === undefined ? {} : { allowOrigin };
  const json = (error: string, message: string) => JSON.stringify({ error, message });
  return {
    INVALID_API_KEY: {
      status: '403',
      template: json('invalid_api_key', 'Send your API key as "x-api-key: <key>" (ask the shop for one).'),
      ...cors,
    },
    QUOTA_EXCEEDED: {
      status: '429',
      template: json('quota_exceeded', "This key's quota for the period is used up; it renews with the period."),
      ...cors,
    },
  };
}

/** A plan's AWS name (the `api-keys` command finds plans by it). */
export const planName = (prefix: string, plan: string): string => `${prefix}-${plan}`;
/** A key's AWS name: partners' keys and the site's share the stack's prefix. */
export const keyName = (prefix: string, key: string): string => `${prefix}-${key}`;

export interface ApiKeysTier {
  plans: UsagePlanResource[];
  siteKey: SiteKeyResource;
  resources: (UsagePlanResource | SiteKeyResource)[];
  retired: (UsagePlanResource | SiteKeyResource)[];
}

/**
 * `copyFrom`: the stack's region, when building regions.secondary's plans and keys: the site key there
 * holds the same value as the primary's (the distribution sends one value whichever API it serves).
 */
export function apiKeysTier(ctx: StackContext, api: ApiResource, stageId: 'stage', copyFrom?: string): ApiKeysTier {
  const { config, names, env } = ctx;
  const k = config.api.keys;
  const limits: Record<string, Pick<UsagePlanDesired, 'throttle' | 'quota'>> = {
    ...k.plans,
    // The storefront's plan: the stage's own limits and no quota (every visitor shares its key).
    [SITE_PLAN]: {
      throttle: { rateLimit: config.api.throttleRateLimit, burstLimit: config.api.throttleBurstLimit },
      quota: null,
    },
  };
  // The site's key first: the distribution sends it before the stage requires keys (see api-tier.ts).
  const siteKey: SiteKeyResource = {
    id: 'api-key:site',
    name: keyName(names.prefix, SITE_PLAN),
    provisioner: apiSiteKey,
    dependsOn: [],
    desired: {
      name: keyName(names.prefix, SITE_PLAN),
      description: `projet1 storefront key, sent by the distribution (${ctx.label})`,
      region: env.region,
      partition: env.partition,
      tags: ctx.tags,
      ...(copyFrom ? { copyFrom } : {}),
    },
  };
  const plans: UsagePlanResource[] = Object.entries(limits).map(([plan, l]) => {
    const site = plan === SITE_PLAN;
    const desired = (apiId: string, siteKeyId: string): UsagePlanDesired => ({
      name: planName(names.prefix, plan),
      description: `projet1 ${plan} usage plan (${ctx.label})`,
      apiId,
      stageName: names.stage,
      throttle: l.throttle,
      quota: l.quota,
      keyIds: site ? [siteKeyId] : [],
      region: env.region,
      partition: env.partition,
      tags: ctx.tags,
    });
    return {
      id: `usage-plan:${plan}`,
      name: planName(names.prefix, plan),
      provisioner: apiUsagePlan,
      // The stage first: AWS refuses a plan on a stage that does not exist yet.
      dependsOn: [api.id, stageId, ...(site ? [siteKey.id] : [])],
      desired: desired(UNKNOWN, UNKNOWN),
      resolve: (out) => desired(ref(out, api, 'id'), site ? ref(out, siteKey, 'id') : UNKNOWN),
    };
  });
  const all = [...plans, siteKey];
  return { plans, siteKey, resources: k.enabled ? all : [], retired: k.enabled ? [] : all };
}
