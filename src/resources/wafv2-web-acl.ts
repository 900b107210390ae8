// A WAFv2 web ACL for the CloudFront distribution (scope CLOUDFRONT: it lives in CloudFront's own
// region, us-east-1, whatever the stack's). AWS's managed common rule set and IP reputation list,
// a rate limit per IP and an optional geographic rule. Found again by name (unique per scope),
// updated and deleted with the lock token WAF hands out with each read.
// Not in the tag lookup (src/stack/tagged.ts): its name is the stack's identity (project,
// environment, region), never a setting, so no earlier name can be left behind; and MiniStack's
// tagging API does not list WAFv2 resources, so that path could not be tested.
import {
  CreateWebACLCommand,
  DeleteWebACLCommand,
  GetWebACLCommand,
  ListTagsForResourceCommand,
  ListWebACLsCommand,
  TagResourceCommand,
  UpdateWebACLCommand,
  type WebACL,
  WAFV2Client,
} from '@aws-sdk/client-wafv2';
import { httpStatus, isAwsError, unless } from '../aws/errors.js';
import { fromTagList, toTagList } from '../aws/tags.js';
import { canonicalJson } from '../engine/canonical.js';
import { tagChanges } from '../engine/plan.js';
import { createOnce, deleteReleased, retrying } from '../engine/retry.js';
import type { FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';
import { UserError } from '../errors.js';
import { settingsOf, visibility, type WebAclDesired, webAclRules } from './wafv2-web-acl-rules.js';

export { type WebAclDesired, webAclSettings } from './wafv2-web-acl-rules.js';

export interface WebAclObserved {
  id: string;
  arn: string;
  lockToken: string;
  acl: WebACL;
  tags: Record<string, string>;
}

const SCOPE = 'CLOUDFRONT' as const;
/** MiniStack's answer for a service it was not started with: HTTP 400 without a WAF error code. */
const withoutWaf = (err: unknown): boolean =>
  httpStatus(err) === 400 && !(err instanceof Error && err.name.startsWith('WAF'));

const wafClient = (ctx: ProvisionContext, d: WebAclDesired, maxAttempts?: number) =>
  ctx.aws.client(WAFV2Client, { region: d.region, ...(maxAttempts ? { maxAttempts } : {}) });

async function findSummary(ctx: ProvisionContext, d: WebAclDesired): Promise<{ id: string; name: string } | undefined> {
  const waf = wafClient(ctx, d);
  let NextMarker: string | undefined;
  do {
    const page = await waf.send(new ListWebACLsCommand({ Scope: SCOPE, Limit: 100, NextMarker }));
    const hit = page.WebACLs?.find((a) => a.Name === d.name);
    if (hit?.Id) return { id: hit.Id, name: d.name };
    NextMarker = page.NextMarker || undefined;
  } while (NextMarker);
  return undefined;
}

async function read(ctx: ProvisionContext, d: WebAclDesired, id: string): Promise<WebAclObserved | undefined> {
  const waf = wafClient(ctx, d);
  const res = await unless(
    waf.send(new GetWebACLCommand({ Name: d.name, Scope: SCOPE, Id: id })),
    'WAFNonexistentItemException',
  );
  const acl = res?.WebACL;
  if (!acl?.ARN) return undefined;
  const tags = await waf.send(new ListTagsForResourceCommand({ ResourceARN: acl.ARN }));
  return {
    id,
    arn: acl.ARN,
    lockToken: res?.LockToken ?? '',
    acl,
    tags: fromTagList(tags.TagInfoForResource?.TagList),
  };
}

const body = (d: WebAclDesired) => ({
  Name: d.name,
  Scope: SCOPE,
  DefaultAction: { Allow: {} },
  Rules: webAclRules(d),
  VisibilityConfig: visibility(d.name),
  Description: 'projet1: managed common rules, IP reputation, rate limit per IP',
});

/** Tries while the distribution still holds the ACL (its update is deploying) or a token is stale. */
const ATTEMPTS = 12;

/** What the distribution reads: its WebACLId takes a WAFv2 ACL's ARN. */
export type WebAclOutputs = { arn: string };

export const wafv2WebAcl: Provisioner<WebAclDesired, WebAclObserved, WebAclOutputs> = {
  type: 'wafv2-web-acl',
  service: 'wafv2',

  async observe(ctx, d) {
    const found = await findSummary(ctx, d).catch((err: unknown) => {
      // An emulator started without wafv2 (by an older projet1) answers a bare 400: it holds no ACL,
      // which must not stop an `up` with the WAF off; with it on, CreateWebACL says what to do.
      if (ctx.aws.target.endpointUrl && withoutWaf(err)) return undefined;
      throw err;
    });
    return found ? read(ctx, d, found.id) : undefined;
  },

  tags: (o) => o.tags,

  diff(d, o) {
    const want = settingsOf(body(d));
    const have = settingsOf(o.acl);
    const changes = (Object.keys(want) as (keyof typeof want)[])
      .filter((k) => canonicalJson(want[k]) !== canonicalJson(have[k]))
      .map((k): FieldChange => ({ field: k, from: have[k], to: want[k] }));
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    // CreateWebACL is not deduplicated by a token: one attempt at a time, then look by name.
    const once = wafClient(ctx, d, 1);
    try {
      await createOnce(
        ctx,
        'CreateWebACL',
        async () => (await once.send(new CreateWebACLCommand({ ...body(d), Tags: toTagList(d.tags) }))).Summary?.Id,
        async () => (await findSummary(ctx, d))?.id,
      );
    } catch (err) {
      if (ctx.aws.target.endpointUrl && withoutWaf(err)) {
        throw new UserError(`${ctx.aws.target.endpointUrl} does not answer WAFv2 (waf.enabled needs it).`, {
          hint: 'An emulator started by an older projet1 lacks it: `projet1 emulator stop`, then `projet1 emulator start`.',
        });
      }
      // Made by an interrupted run: adopt it (the next `up` makes it as configured).
      if (!isAwsError(err, 'WAFDuplicateItemException')) throw err;
    }
    return this.observe(ctx, d);
  },

  async update(ctx, d, o, changes) {
    const waf = wafClient(ctx, d);
    if (changes.some((c) => c.field !== 'tags')) {
      let current: WebAclObserved | undefined = o;
      await retrying(
        ctx,
        async () => {
          if (!current || this.diff(d, current).every((c) => c.field === 'tags')) return;
          try {
            await waf.send(new UpdateWebACLCommand({ ...body(d), Id: o.id, LockToken: current.lockToken }));
          } catch (err) {
            // Changed since it was read (or our own lost update took): read it again and compare.
            if (isAwsError(err, 'WAFOptimisticLockException')) current = await read(ctx, d, o.id);
            throw err;
          }
        },
        (err) =>
          isAwsError(err, 'WAFOptimisticLockException')
            ? 'changed since it was read: updating the current version'
            : undefined,
        ATTEMPTS,
      );
    }
    if (tagChanges(d.tags, o.tags).length > 0)
      await waf.send(new TagResourceCommand({ ResourceARN: o.arn, Tags: toTagList(d.tags) }));
  },

  async delete(ctx, d, o) {
    const waf = wafClient(ctx, d);
    await deleteReleased(ctx, o, {
      remove: (current) =>
        waf.send(new DeleteWebACLCommand({ Name: d.name, Scope: SCOPE, Id: current.id, LockToken: current.lockToken })),
      reread: () => read(ctx, d, o.id),
      gone: (err) => isAwsError(err, 'WAFNonexistentItemException'),
      stale: (err) => isAwsError(err, 'WAFOptimisticLockException'),
      // WAF API reference, DeleteWebACL: "before you can delete [a web ACL], you must first disassociate
      // it from all resources" (WAFAssociatedItemException); the distribution's release may be deploying.
      inUse: (err) => isAwsError(err, 'WAFAssociatedItemException'),
      inUseNote: 'still associated with a distribution: waiting until CloudFront releases it',
      attempts: ATTEMPTS,
    });
  },

  outputsOf: (_d, o) => ({ arn: o.arn }),
};
