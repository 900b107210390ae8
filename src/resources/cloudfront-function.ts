// A CloudFront Function (the `website.redirectWww` redirect). A function has two stages: DEVELOPMENT,
// which CreateFunction and UpdateFunction write, and LIVE, which PublishFunction copies it to and
// which is what a distribution runs ("Before you associate a function, you must publish it to the
// LIVE stage"). Both are compared with the desired code, so a change made by hand to either is
// drift. Names are unique in the account; every write is guarded by the stage's ETag (IfMatch), and
// a write whose precondition fails reads again, since the failed attempt may have been our own.
import {
  CloudFrontClient,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  DescribeFunctionCommand,
  type FunctionStage,
  GetFunctionCommand,
  ListTagsForResourceCommand,
  PublishFunctionCommand,
  TagResourceCommand,
  UpdateFunctionCommand,
} from '@aws-sdk/client-cloudfront';
import { isAwsError, unless } from '../aws/errors.js';
import { fromTagList, toTagList } from '../aws/tags.js';
import { tagChanges } from '../engine/plan.js';
import { createOnce, deleteReleased } from '../engine/retry.js';
import type { FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';
import { FUNCTION_RUNTIME } from './cloudfront-function-code.js';

export interface FunctionDesired {
  /** 1-64 letters, digits, `-` or `_`, unique in the account (CloudFront is global). */
  name: string;
  code: string;
  comment: string;
  tags: Record<string, string>;
}

export interface FunctionObserved {
  arn: string;
  /** The DEVELOPMENT stage's ETag: UpdateFunction, PublishFunction and DeleteFunction name it. */
  etag: string;
  runtime: string;
  code: string;
  /** What distributions run; '' while never published. */
  liveCode: string;
  tags: Record<string, string>;
}

const NOT_FOUND = 'NoSuchFunctionExists';
const STALE = ['PreconditionFailed', 'InvalidIfMatchVersion'];
/** Tries while a distribution still holds the function: its update or deletion is deploying. */
const IN_USE_ATTEMPTS = 12;

const cf = (ctx: ProvisionContext) => ctx.aws.client(CloudFrontClient);

async function codeOf(ctx: ProvisionContext, name: string, stage: FunctionStage) {
  const res = await unless(cf(ctx).send(new GetFunctionCommand({ Name: name, Stage: stage })), NOT_FOUND);
  return res ? { code: Buffer.from(res.FunctionCode ?? []).toString('utf8'), etag: res.ETag ?? '' } : undefined;
}

export async function readFunction(ctx: ProvisionContext, name: string): Promise<FunctionObserved | undefined> {
  const res = await unless(cf(ctx).send(new DescribeFunctionCommand({ Name: name, Stage: 'DEVELOPMENT' })), NOT_FOUND);
  const arn = res?.FunctionSummary?.FunctionMetadata?.FunctionARN;
  if (!res || !arn) return undefined;
  const dev = await codeOf(ctx, name, 'DEVELOPMENT');
  const live = await codeOf(ctx, name, 'LIVE');
  const tags = await cf(ctx).send(new ListTagsForResourceCommand({ Resource: arn }));
  return {
    arn,
    etag: dev?.etag ?? res.ETag ?? '',
    runtime: res.FunctionSummary?.FunctionConfig?.Runtime ?? '',
    code: dev?.code ?? '',
    liveCode: live?.code ?? '',
    tags: fromTagList(tags.Tags?.Items),
  };
}

const config = (d: FunctionDesired) => ({ Comment: d.comment, Runtime: FUNCTION_RUNTIME });

/** UpdateFunction (when the development code or runtime differ), then PublishFunction, each with its ETag. */
async function writeAndPublish(ctx: ProvisionContext, d: FunctionDesired, o: FunctionObserved): Promise<void> {
  let etag = o.etag;
  if (o.code !== d.code || o.runtime !== FUNCTION_RUNTIME) {
    await cf(ctx).send(
      new UpdateFunctionCommand({
        Name: d.name,
        IfMatch: etag,
        FunctionConfig: config(d),
        FunctionCode: Buffer.from(d.code, 'utf8'),
      }),
    );
    // The new version's ETag is read back, not taken from the answer: AWS's model names UpdateFunction's
    // header "ETtag" (the SDK reads that), which an endpoint sending "ETag" leaves empty.
    etag = (await codeOf(ctx, d.name, 'DEVELOPMENT'))?.etag ?? etag;
  }
  await cf(ctx).send(new PublishFunctionCommand({ Name: d.name, IfMatch: etag }));
}

/** What the distribution's behaviour names: the function's ARN. */
export type FunctionOutputs = { arn: string };

export const cloudfrontFunction: Provisioner<FunctionDesired, FunctionObserved, FunctionOutputs> = {
  type: 'cloudfront-function',
  service: 'cloudfront',

  observe: (ctx, d) => readFunction(ctx, d.name),

  tags: (o) => o.tags,

  diff(d, o) {
    const changes: FieldChange[] = [];
    if (o.runtime !== FUNCTION_RUNTIME) changes.push({ field: 'runtime', from: o.runtime, to: FUNCTION_RUNTIME });
    if (o.code !== d.code) changes.push({ field: 'code', from: 'changed', to: 'the www redirect' });
    // What the edge runs: a hand-made change published, or ours never published.
    if (o.liveCode !== d.code)
      changes.push({ field: 'liveCode', from: o.liveCode ? 'changed' : 'unpublished', to: 'published' });
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    // Names are unique: a create whose answer was lost meets "already exists" on a retry; one
    // attempt at a time, then look by name (the update below makes what it finds as desired).
    const once = ctx.aws.client(CloudFrontClient, { maxAttempts: 1 });
    const command = new CreateFunctionCommand({
      Name: d.name,
      FunctionConfig: config(d),
      FunctionCode: Buffer.from(d.code, 'utf8'),
      Tags: { Items: toTagList(d.tags) },
    });
    try {
      await createOnce(
        ctx,
        'CreateFunction',
        async () => (await once.send(command)).FunctionSummary?.Name,
        async () => (await readFunction(ctx, d.name))?.arn,
      );
    } catch (err) {
      if (!isAwsError(err, 'FunctionAlreadyExists')) throw err;
    }
    const made = await readFunction(ctx, d.name);
    if (!made) throw new Error(`CloudFront Function ${d.name} is not there right after CreateFunction`);
    await this.update(ctx, d, made, this.diff(d, made));
    return readFunction(ctx, d.name);
  },

  async update(ctx, d, o, changes) {
    if (changes.some((c) => c.field !== 'tags')) {
      try {
        await writeAndPublish(ctx, d, o);
      } catch (err) {
        // Changed meanwhile, or our own lost write took: read again and finish from there.
        if (!isAwsError(err, ...STALE)) throw err;
        const latest = await readFunction(ctx, d.name);
        if (latest && (latest.code !== d.code || latest.liveCode !== d.code)) await writeAndPublish(ctx, d, latest);
      }
    }
    if (tagChanges(d.tags, o.tags).length > 0)
      await cf(ctx).send(new TagResourceCommand({ Resource: o.arn, Tags: { Items: toTagList(d.tags) } }));
  },

  async delete(ctx, d, o) {
    await deleteReleased(ctx, o, {
      remove: (current) => cf(ctx).send(new DeleteFunctionCommand({ Name: d.name, IfMatch: current.etag })),
      reread: () => readFunction(ctx, d.name),
      gone: (err) => isAwsError(err, NOT_FOUND),
      stale: (err) => isAwsError(err, ...STALE),
      // AWS: "You cannot delete a function if it's associated with a cache behavior" (DeleteFunction);
      // the distribution that let go of it may still be deploying.
      inUse: (err) => isAwsError(err, 'FunctionInUse'),
      inUseNote: 'still associated with a distribution: waiting until it deploys',
      attempts: IN_USE_ATTEMPTS,
    });
  },

  outputsOf: (_d, o) => ({ arn: o.arn }),
};
