// CloudFront response-headers policy: the security headers every answer of the distribution
// carries (HSTS, nosniff, frame denial, referrer policy, a content security policy), each set
// with override so an origin cannot weaken them. Policies take no tags: ownership is written
// in the comment ("managed-by=projet1 project=… environment=… region=…"), as for the OAC.
// Found again by name (names are unique per account), updated and deleted with the ETag.
import {
  CloudFrontClient,
  CreateResponseHeadersPolicyCommand,
  DeleteResponseHeadersPolicyCommand,
  GetResponseHeadersPolicyCommand,
  ListResponseHeadersPoliciesCommand,
  UpdateResponseHeadersPolicyCommand,
  type ReferrerPolicyList,
  type ResponseHeadersPolicyConfig,
} from '@aws-sdk/client-cloudfront';
import { isAwsError, unless } from '../aws/errors.js';
import { canonicalJson } from '../engine/canonical.js';
import { createOnce, deleteReleased } from '../engine/retry.js';
import type { FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';
import { UserError } from '../errors.js';
import { markerPages } from './cloudfront-list.js';

export interface ResponseHeadersDesired {
  /** Unique in the account (CloudFront is global): the region is part of it. */
  name: string;
  /** Written in the policy's comment: the ownership check reads them back from there. */
  tags: Record<string, string>;
  hsts: { maxAgeSeconds: number; includeSubdomains: boolean; preload: boolean };
  csp: string;
  frameOption: 'DENY' | 'SAMEORIGIN';
  referrerPolicy: ReferrerPolicyList;
}

export interface ResponseHeadersObserved {
  id: string;
  etag: string;
  config: ResponseHeadersPolicyConfig;
}

/** One year, the least the HSTS preload list accepts and what scanners expect. */
export const HSTS_ONE_YEAR = 31_536_000;

/**
 * What the storefront (website/) needs and nothing more: its script, style sheet, config.json and
 * the API all come from the distribution's own origin (`/products` is a behaviour of the same
 * distribution), no inline script or style; the only other source is the empty `data:` favicon.
 * Frames, plugins, `<base>` and posting elsewhere are refused: the admin page holds a bearer token.
 */
const STOREFRONT_DIRECTIVES = [
  "default-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];
export const STOREFRONT_CSP = STOREFRONT_DIRECTIVES.join('; ');

/**
 * The storefront's policy when it signs admins in with the stack's Cognito user pool (`auth.users`): the page
 * may also connect to that one origin, Cognito's regional endpoint (the emulator's URL locally), and only
 * then. The browser calls Cognito itself rather than through the distribution: InitiateAuth,
 * RespondToAuthChallenge and RevokeToken need no AWS credentials and Cognito answers them with CORS (AWS's
 * browser SDKs sign in this way, and MiniStack answers `Access-Control-Allow-Origin: *`), while a proxy
 * behaviour would hide each person's address from Cognito's per-address protections and carry every password
 * through one more hop.
 */
export function storefrontCsp(signInOrigin?: string): string {
  if (!signInOrigin) return STOREFRONT_CSP;
  const [first, ...rest] = STOREFRONT_DIRECTIVES;
  return [first, `connect-src 'self' ${signInOrigin}`, ...rest].join('; ');
}

/** CloudFront refuses a longer Content-Security-Policy value (TooLongCSPInResponseHeadersPolicy). */
export const MAX_CSP_LENGTH = 1783;

export interface SecurityHeadersInput {
  name: string;
  tags: Record<string, string>;
  /** HSTS for every subdomain too: only when asked, since it binds hosts this stack does not serve. */
  includeSubdomains?: boolean;
  preload?: boolean;
  /** Replaces the storefront's policy whole (a site of one's own may load from elsewhere). */
  csp?: string;
  /** The origin the storefront signs admins in with (Cognito's endpoint), when it has accounts. */
  signInOrigin?: string;
  /** Where a wrong value comes from, for the error message (e.g. "website.headers.csp"). */
  cspKey?: string;
}

/** The policy's desired state from the few settings a user may change; the rest is fixed. */
export function securityHeaders(input: SecurityHeadersInput): ResponseHeadersDesired {
  const csp = (input.csp ?? storefrontCsp(input.signInOrigin)).trim();
  const key = input.cspKey ?? 'csp';
  if (csp.length === 0 || csp.length > MAX_CSP_LENGTH || /[\r\n]/.test(csp)) {
    throw new UserError(`${key} must be one line of 1 to ${MAX_CSP_LENGTH} characters (it has ${csp.length}).`, {
      hint: `Shorten it, or leave ${key} out to use the storefront's policy.`,
    });
  }
  const includeSubdomains = input.includeSubdomains ?? false;
  const preload = input.preload ?? false;
  if (preload && !includeSubdomains) {
    throw new UserError('HSTS preload needs includeSubdomains (browsers preload a whole domain).', {
      hint: 'Set includeSubdomains too, or turn preload off.',
    });
  }
  return {
    name: input.name,
    tags: input.tags,
    hsts: { maxAgeSeconds: HSTS_ONE_YEAR, includeSubdomains, preload },
    csp,
    frameOption: 'DENY',
    referrerPolicy: 'strict-origin-when-cross-origin',
  };
}

const commentOf = (tags: Record<string, string>): string =>
  Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

/** The whole configuration (an update replaces the policy whole: nothing else is kept). */
export function policyConfig(d: ResponseHeadersDesired): ResponseHeadersPolicyConfig {
  return {
    Name: d.name,
    Comment: commentOf(d.tags),
    SecurityHeadersConfig: {
      StrictTransportSecurity: {
        Override: true,
        AccessControlMaxAgeSec: d.hsts.maxAgeSeconds,
        IncludeSubdomains: d.hsts.includeSubdomains,
        Preload: d.hsts.preload,
      },
      ContentTypeOptions: { Override: true },
      FrameOptions: { Override: true, FrameOption: d.frameOption },
      ReferrerPolicy: { Override: true, ReferrerPolicy: d.referrerPolicy },
      ContentSecurityPolicy: { Override: true, ContentSecurityPolicy: d.csp },
    },
  };
}

/** The settings projet1 manages, as plain data, so drift is a comparison of two records. */
function settingsOf(c: ResponseHeadersPolicyConfig) {
  const s = c.SecurityHeadersConfig;
  const sets = [s?.StrictTransportSecurity, s?.ContentTypeOptions, s?.FrameOptions, s?.ReferrerPolicy];
  return {
    comment: c.Comment ?? '',
    hsts: {
      maxAgeSeconds: s?.StrictTransportSecurity?.AccessControlMaxAgeSec ?? 0,
      includeSubdomains: s?.StrictTransportSecurity?.IncludeSubdomains ?? false,
      preload: s?.StrictTransportSecurity?.Preload ?? false,
    },
    csp: s?.ContentSecurityPolicy?.ContentSecurityPolicy ?? '',
    frameOption: s?.FrameOptions?.FrameOption ?? '',
    referrerPolicy: s?.ReferrerPolicy?.ReferrerPolicy ?? '',
    nosniff: s?.ContentTypeOptions !== undefined,
    // A header the origin may set itself would let a page weaken its own protection.
    override: [...sets, s?.ContentSecurityPolicy].every((h) => h?.Override === true),
    // Headers added by hand (CORS, custom, removed, server timing, the obsolete X-XSS-Protection).
    others: [
      c.CorsConfig && 'cors',
      (c.CustomHeadersConfig?.Quantity ?? 0) > 0 && 'customHeaders',
      (c.RemoveHeadersConfig?.Quantity ?? 0) > 0 && 'removeHeaders',
      c.ServerTimingHeadersConfig?.Enabled && 'serverTiming',
      s?.XSSProtection && 'xssProtection',
    ].filter((x): x is string => typeof x === 'string'),
  };
}

/** The id of the custom policy named `name`, walking every page (the SDK ships no paginator for this list). */
async function findId(ctx: ProvisionContext, name: string): Promise<string | undefined> {
  const cf = ctx.aws.client(CloudFrontClient);
  const pages = markerPages(
    (Marker) => cf.send(new ListResponseHeadersPoliciesCommand({ Type: 'custom', Marker, MaxItems: 100 })),
    (page) => page.ResponseHeadersPolicyList?.NextMarker,
  );
  for await (const { ResponseHeadersPolicyList: list } of pages) {
    const hit = list?.Items?.find((s) => s.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig?.Name === name);
    if (hit?.ResponseHeadersPolicy?.Id) return hit.ResponseHeadersPolicy.Id;
  }
  return undefined;
}

export async function readPolicy(ctx: ProvisionContext, id: string): Promise<ResponseHeadersObserved | undefined> {
  const res = await unless(
    ctx.aws.client(CloudFrontClient).send(new GetResponseHeadersPolicyCommand({ Id: id })),
    'NoSuchResponseHeadersPolicy',
  );
  const config = res?.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig;
  return config ? { id, etag: res.ETag ?? '', config } : undefined;
}

/** Tries while a distribution still holds the policy: its update or deletion is deploying. */
const IN_USE_ATTEMPTS = 12;

/** What dependents read: the distribution's behaviours name the policy by id. */
export type ResponseHeadersOutputs = { id: string };

export const cloudfrontResponseHeadersPolicy: Provisioner<
  ResponseHeadersDesired,
  ResponseHeadersObserved,
  ResponseHeadersOutputs
> = {
  type: 'cloudfront-response-headers-policy',
  service: 'cloudfront',

  async observe(ctx, d) {
    const id = await findId(ctx, d.name);
    return id ? readPolicy(ctx, id) : undefined;
  },

  tags: (o) =>
    Object.fromEntries(
      (o.config.Comment ?? '')
        .split(' ')
        .filter((kv) => kv.includes('='))
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    ),

  diff(d, o) {
    const want = settingsOf(policyConfig(d));
    const have = settingsOf(o.config);
    return (Object.keys(want) as (keyof typeof want)[])
      .filter((k) => canonicalJson(want[k]) !== canonicalJson(have[k]))
      .map((k): FieldChange => ({ field: k, from: have[k], to: want[k] }));
  },

  async create(ctx, d) {
    // A create whose answer is lost must not make a second policy: names are unique, but the
    // SDK's own retry would meet "already exists" and fail; one attempt, then look by name.
    const once = ctx.aws.client(CloudFrontClient, { maxAttempts: 1 });
    const command = new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: policyConfig(d) });
    try {
      await createOnce(
        ctx,
        'CreateResponseHeadersPolicy',
        async () => (await once.send(command)).ResponseHeadersPolicy?.Id,
        async () => findId(ctx, d.name),
      );
    } catch (err) {
      // Made by an interrupted run: adopt it (update then makes it as configured).
      if (!isAwsError(err, 'ResponseHeadersPolicyAlreadyExists')) throw err;
    }
    return this.observe(ctx, d);
  },

  async update(ctx, d, o) {
    const cf = ctx.aws.client(CloudFrontClient);
    const send = (etag: string) =>
      cf.send(
        new UpdateResponseHeadersPolicyCommand({
          Id: o.id,
          IfMatch: etag,
          ResponseHeadersPolicyConfig: policyConfig(d),
        }),
      );
    try {
      await send(o.etag);
    } catch (err) {
      // A retried update whose answer was lost (or a change made meanwhile) fails its ETag check:
      // read again; done if it took, else replace what is there now.
      if (!isAwsError(err, 'PreconditionFailed', 'InvalidIfMatchVersion')) throw err;
      const latest = await readPolicy(ctx, o.id);
      if (latest && this.diff(d, latest).length > 0) await send(latest.etag);
    }
  },

  async delete(ctx, _d, o) {
    const cf = ctx.aws.client(CloudFrontClient);
    await deleteReleased(ctx, o, {
      remove: (current) => cf.send(new DeleteResponseHeadersPolicyCommand({ Id: current.id, IfMatch: current.etag })),
      reread: () => readPolicy(ctx, o.id),
      gone: (err) => isAwsError(err, 'NoSuchResponseHeadersPolicy'),
      stale: (err) => isAwsError(err, 'PreconditionFailed', 'InvalidIfMatchVersion'),
      // AWS: "You cannot delete a response headers policy if it's attached to a cache behavior"
      // (DeleteResponseHeadersPolicy); the distribution that held it may still be deploying.
      inUse: (err) => isAwsError(err, 'ResponseHeadersPolicyInUse'),
      inUseNote: 'still attached to a distribution: waiting until CloudFront releases it',
      attempts: IN_USE_ATTEMPTS,
    });
  },

  outputsOf: (_d, o) => ({ id: o.id }),
};
