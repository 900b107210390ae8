// The CloudFront distribution: the private site bucket through OAC, the API on the same
// origin. Found again by its comment and tags (never duplicated: the caller reference is
// deterministic too); updated with the ETag (IfMatch); torn down by disabling, waiting until
// deployed (minutes on AWS) and deleting, so a `down` interrupted during the wait finishes
// on the next run.
import {
  CloudFrontClient,
  CreateDistributionWithTagsCommand,
  DeleteDistributionCommand,
  type DistributionConfig,
  GetDistributionCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  paginateListDistributions,
  UpdateDistributionCommand,
  waitUntilDistributionDeployed,
} from '@aws-sdk/client-cloudfront';
import { isAwsError, unless } from '../aws/errors.js';
import { fromTagList, toTagList } from '../aws/tags.js';
import { tagChanges } from '../engine/plan.js';
import type { ProvisionContext, Provisioner } from '../engine/types.js';
import {
  type ApiOrigin,
  buildConfig,
  type DistributionShape,
  shapeChanges,
  shapeOf,
  withOriginSecret,
} from './distribution-config.js';
import { OPEN } from '../../runtime/api/edge-header.js';
import { readSecret, writeSecret } from './secret-parameter.js';
import { siteKeyValue } from './api-site-key.js';
import { activeRegionOf, type SecondaryEdge, servedShape } from './distribution-regions.js';

export interface DistributionDesired
  extends Omit<DistributionShape, 'originSecret' | 'siteKey' | 's3Origin' | 'apiOrigin' | 'siteFailover'> {
  /** The stack's region, its site bucket and its API (served unless the secondary is active). */
  region: string;
  s3Origin: { domainName: string; oacId: string };
  apiOrigin: ApiOrigin;
  /** regions.secondary's bucket and API; null for none. Which region is served is the distribution's tag. */
  secondary: SecondaryEdge | null;
  /** The SSM parameter holding the origin secret (its first value is sent); '' sends none. */
  originSecretParameter: string;
  /** The site's API key (api.keys, api-site-key.ts), read by name at apply time; '' sends none. */
  siteKeyName: string;
  /** Deterministic: a create retried after an interruption is recognised by CloudFront. */
  callerReference: string;
  /** How a browser reaches the site: `https://{domain}` on AWS; a local form on an emulator. */
  urlFor: (domainName: string) => string;
  tags: Record<string, string>;
}

export interface DistributionObserved {
  id: string;
  arn: string;
  domainName: string;
  etag: string;
  status: string;
  config: DistributionConfig;
  tags: Record<string, string>;
  /** The origin secret the API origin should carry now (read at observe time); '' for none. */
  secret: string;
  /** The API does not enforce it yet (OPEN in the parameter): done once the distribution sends it. */
  secretOpen: boolean;
  /** The site key's value the API origin should carry now; '' for none. */
  siteKey: string;
  /** The region served (ACTIVE_REGION_TAG; the stack's without one): `up` keeps it. */
  activeRegion: string;
}

/** Stands for a secret the run creates before the distribution's turn (the parameter did not exist yet). */
const NEW_SECRET = '(new secret)';

/** The parameter's values: the current secret first, then a rotated-out one and OPEN, if any. */
async function secretValues(ctx: ProvisionContext, parameter: string): Promise<string[] | undefined> {
  if (!parameter) return [''];
  return (await readSecret(ctx.aws, parameter))?.split(/\s+/).filter(Boolean);
}

/** The secret to send: the parameter's first value. */
async function currentSecret(ctx: ProvisionContext, parameter: string): Promise<string | undefined> {
  return (await secretValues(ctx, parameter))?.[0];
}

/** The distribution sends the secret now: the API may enforce it (OPEN dropped from the parameter). */
async function enforceSecret(ctx: ProvisionContext, parameter: string): Promise<void> {
  const values = parameter ? await secretValues(ctx, parameter) : undefined;
  if (!values?.includes(OPEN)) return;
  await writeSecret(ctx.aws, parameter, values.filter((v) => v !== OPEN).join(' '), true);
}

/** Stands for a site key the run creates before the distribution's turn. */
const NEW_KEY = '(new key)';

/** The site key's value (api.keys), '' without one; undefined while the key does not exist. */
async function currentSiteKey(ctx: ProvisionContext, d: DistributionDesired): Promise<string | undefined> {
  return d.siteKeyName ? siteKeyValue(ctx.aws, d.siteKeyName, d.tags) : '';
}

/** The full shape to apply: the secret read now, so a rotation in between is honoured. */
async function shapeToApply(ctx: ProvisionContext, d: DistributionDesired, active: string): Promise<DistributionShape> {
  const secret = await currentSecret(ctx, d.originSecretParameter);
  if (secret === undefined) throw new Error(`the origin secret ${d.originSecretParameter} does not exist`);
  const siteKey = await currentSiteKey(ctx, d);
  if (siteKey === undefined) throw new Error(`the site's API key ${d.siteKeyName} does not exist`);
  return { ...servedShape(d, active), originSecret: secret, siteKey };
}

const WAIT = { minDelay: 1, maxDelay: 30, maxWaitTime: 3600 };

async function findId(ctx: ProvisionContext, comment: string): Promise<string | undefined> {
  const cf = ctx.aws.client(CloudFrontClient);
  for await (const page of paginateListDistributions({ client: cf }, { MaxItems: 100 })) {
    const hit = page.DistributionList?.Items?.find((d) => d.Comment === comment);
    if (hit?.Id) return hit.Id;
  }
  return undefined;
}

/** The distribution as CloudFront gives it (without the secret it should carry). */
export type Seen = Omit<DistributionObserved, 'secret' | 'secretOpen' | 'siteKey' | 'activeRegion'>;

async function read(ctx: ProvisionContext, id: string): Promise<Seen | undefined> {
  const cf = ctx.aws.client(CloudFrontClient);
  const res = await unless(cf.send(new GetDistributionCommand({ Id: id })), 'NoSuchDistribution');
  const dist = res?.Distribution;
  if (!dist?.DistributionConfig || !dist.ARN) return undefined;
  const tags = await cf.send(new ListTagsForResourceCommand({ Resource: dist.ARN }));
  return {
    id,
    arn: dist.ARN,
    domainName: dist.DomainName ?? '',
    etag: res?.ETag ?? '',
    status: dist.Status ?? '',
    config: dist.DistributionConfig,
    tags: fromTagList(tags.Tags?.Items),
  };
}

async function waitDeployed(ctx: ProvisionContext, id: string, why: string): Promise<void> {
  ctx.note(`${why}: waiting until the distribution is deployed (minutes on AWS)`);
  await waitUntilDistributionDeployed({ client: ctx.aws.client(CloudFrontClient), ...WAIT }, { Id: id });
}

/**
 * UpdateDistribution guarded by the ETag we read. A retry of an update whose answer was lost (or a
 * change made meanwhile) fails its precondition: read again, stop if the change is already there,
 * else apply it over what is there now.
 */
export async function updateConfig(
  ctx: ProvisionContext,
  seen: Seen,
  want: (current: DistributionConfig) => DistributionConfig,
  applied: (current: Seen) => boolean,
): Promise<void> {
  const cf = ctx.aws.client(CloudFrontClient);
  try {
    await cf.send(
      new UpdateDistributionCommand({ Id: seen.id, IfMatch: seen.etag, DistributionConfig: want(seen.config) }),
    );
  } catch (err) {
    if (!isAwsError(err, 'PreconditionFailed', 'InvalidIfMatchVersion')) throw err;
    const latest = await read(ctx, seen.id);
    if (!latest || applied(latest)) return;
    await cf.send(
      new UpdateDistributionCommand({ Id: seen.id, IfMatch: latest.etag, DistributionConfig: want(latest.config) }),
    );
  }
}

/** The distribution found by its comment, as CloudFront has it; undefined when there is none. */
export async function findDistribution(ctx: ProvisionContext, comment: string): Promise<Seen | undefined> {
  const id = await findId(ctx, comment);
  return id ? read(ctx, id) : undefined;
}

/**
 * The distribution (found by its comment) sends `secret` to the API origin from now on; false when there
 * is no distribution. Only that header changes (admin-token rotate), so nothing else is touched.
 */
export async function sendOriginSecret(ctx: ProvisionContext, comment: string, secret: string): Promise<boolean> {
  const seen = await findDistribution(ctx, comment);
  if (!seen) return false;
  await updateConfig(
    ctx,
    seen,
    (config) => withOriginSecret(config, secret),
    (latest) => shapeOf(latest.config).originSecret === secret,
  );
  return true;
}

/** What CloudFront assigns: the id (alarms, dashboard), the ARN (the site's bucket policy), the domain. */
export type DistributionOutputs = { id: string; arn: string; domainName: string; url: string };

export const cloudfrontDistribution: Provisioner<DistributionDesired, DistributionObserved, DistributionOutputs> = {
  type: 'cloudfront-distribution',
  service: 'cloudfront',

  async observe(ctx, d) {
    const id = await findId(ctx, d.comment);
    const seen = id ? await read(ctx, id) : undefined;
    if (!seen) return undefined;
    const values = await secretValues(ctx, d.originSecretParameter);
    // No parameter yet: this run creates it, open (see secret-parameter.ts), before the distribution's turn.
    const siteKey = (await currentSiteKey(ctx, d)) ?? NEW_KEY;
    const activeRegion = activeRegionOf(seen.tags, d.region, d.secondary?.region);
    return {
      ...seen,
      secret: values?.[0] ?? NEW_SECRET,
      secretOpen: values?.includes(OPEN) ?? true,
      siteKey,
      activeRegion,
    };
  },

  tags: (o) => o.tags,

  diff: (d, o) => [
    ...shapeChanges(
      { ...servedShape(d, o.activeRegion), originSecret: o.secret, siteKey: o.siteKey },
      shapeOf(o.config),
      o.config,
    ),
    ...(o.secretOpen ? [{ field: 'originSecretEnforced', from: false, to: true }] : []),
    ...tagChanges(d.tags, o.tags),
  ],

  async create(ctx, d) {
    const res = await ctx.aws.client(CloudFrontClient).send(
      new CreateDistributionWithTagsCommand({
        DistributionConfigWithTags: {
          DistributionConfig: buildConfig(await shapeToApply(ctx, d, d.region), d.callerReference),
          Tags: { Items: toTagList(d.tags) },
        },
      }),
    );
    const created = res.Distribution?.Id ? await read(ctx, res.Distribution.Id) : undefined;
    await enforceSecret(ctx, d.originSecretParameter);
    const shape = created && shapeOf(created.config);
    return (
      created &&
      shape && {
        ...created,
        secret: shape.originSecret,
        secretOpen: false,
        siteKey: shape.siteKey,
        activeRegion: d.region,
      }
    );
  },

  async update(ctx, d, o, changes) {
    const cf = ctx.aws.client(CloudFrontClient);
    if (changes.some((c) => c.field !== 'tags')) {
      const shape = await shapeToApply(ctx, d, o.activeRegion);
      const config = buildConfig(shape, o.config.CallerReference ?? d.callerReference);
      await updateConfig(
        ctx,
        o,
        () => config,
        (latest) => shapeChanges(shape, shapeOf(latest.config), latest.config).length === 0,
      );
    }
    // A new site key (api.keys): the stage requires keys after this, so every edge must send it first.
    if (changes.some((c) => c.field === 'siteKey' && c.to !== 'none'))
      await waitDeployed(ctx, o.id, 'the API requires keys once every edge sends the site key');
    if (o.secretOpen) {
      // Edges serving viewers take the new header over minutes on AWS: enforced before, the site's API calls
      // would be refused meanwhile. A new distribution serves no one yet (create enforces at once).
      await waitDeployed(ctx, o.id, 'the origin secret is enforced once every edge sends it');
      await enforceSecret(ctx, d.originSecretParameter);
    }
    if (tagChanges(d.tags, o.tags).length > 0) {
      await cf.send(new TagResourceCommand({ Resource: o.arn, Tags: { Items: toTagList(d.tags) } }));
    }
  },

  async delete(ctx, _d, o) {
    const cf = ctx.aws.client(CloudFrontClient);
    let current: Seen = o;
    if (current.config.Enabled) {
      ctx.note('disabling');
      await updateConfig(
        ctx,
        o,
        (config) => ({ ...config, Enabled: false }),
        (latest) => !latest.config.Enabled,
      );
      await waitDeployed(ctx, o.id, 'disabled');
    } else if (current.status !== 'Deployed') await waitDeployed(ctx, o.id, 'still disabling');
    const latest = await read(ctx, o.id);
    if (!latest) return;
    current = latest;
    await unless(cf.send(new DeleteDistributionCommand({ Id: o.id, IfMatch: current.etag })), 'NoSuchDistribution');
  },

  outputsOf: (d, o) => ({ id: o.id, arn: o.arn, domainName: o.domainName, url: d.urlFor(o.domainName) }),
};
