// CloudFront Origin Access Control (the successor of the design document's OAI): lets the
// distribution sign its requests to the private site bucket. OACs carry no tags, so
// ownership is written in the description ("managed-by=projet1 project=… environment=…").
import {
  CloudFrontClient,
  CreateOriginAccessControlCommand,
  DeleteOriginAccessControlCommand,
  GetOriginAccessControlCommand,
  paginateListOriginAccessControls,
  UpdateOriginAccessControlCommand,
} from '@aws-sdk/client-cloudfront';
import { isAwsError, unless } from '../aws/errors.js';
import type { ProvisionContext, Provisioner } from '../engine/types.js';

export interface OacDesired {
  name: string;
  tags: Record<string, string>;
}

export interface OacObserved {
  id: string;
  etag: string;
  description: string;
  signing: string;
}

const description = (d: OacDesired): string =>
  Object.entries(d.tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
const SIGNING = 'sigv4/always/s3';

async function findId(ctx: ProvisionContext, name: string): Promise<string | undefined> {
  const cf = ctx.aws.client(CloudFrontClient);
  for await (const page of paginateListOriginAccessControls({ client: cf }, { MaxItems: 100 })) {
    const hit = page.OriginAccessControlList?.Items?.find((o) => o.Name === name);
    if (hit?.Id) return hit.Id;
  }
  return undefined;
}

const config = (d: OacDesired) => ({
  Name: d.name,
  Description: description(d),
  SigningProtocol: 'sigv4' as const,
  SigningBehavior: 'always' as const,
  OriginAccessControlOriginType: 's3' as const,
});

/** The OAC's id, which the distribution's S3 origin names. */
export type OacOutputs = { id: string };

export const cloudfrontOac: Provisioner<OacDesired, OacObserved, OacOutputs> = {
  type: 'cloudfront-oac',
  service: 'cloudfront',

  async observe(ctx, d) {
    const id = await findId(ctx, d.name);
    if (!id) return undefined;
    const res = await unless(
      ctx.aws.client(CloudFrontClient).send(new GetOriginAccessControlCommand({ Id: id })),
      'NoSuchOriginAccessControl',
    );
    const c = res?.OriginAccessControl?.OriginAccessControlConfig;
    if (!c) return undefined;
    const signing = `${c.SigningProtocol}/${c.SigningBehavior}/${c.OriginAccessControlOriginType}`;
    return { id, etag: res.ETag ?? '', description: c.Description ?? '', signing };
  },

  tags: (o) => Object.fromEntries(o.description.split(' ').map((kv) => kv.split('=') as [string, string])),

  diff(d, o) {
    const changes = [];
    if (o.signing !== SIGNING) changes.push({ field: 'signing', from: o.signing, to: SIGNING });
    if (o.description !== description(d))
      changes.push({ field: 'description', from: o.description, to: description(d) });
    return changes;
  },

  async create(ctx, d) {
    try {
      await ctx.aws
        .client(CloudFrontClient)
        .send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: config(d) }));
    } catch (err) {
      // Made by an interrupted run: adopt it.
      if (!isAwsError(err, 'OriginAccessControlAlreadyExists')) throw err;
    }
    return this.observe(ctx, d);
  },

  async update(ctx, d, o) {
    const cf = ctx.aws.client(CloudFrontClient);
    const send = (etag: string) =>
      cf.send(new UpdateOriginAccessControlCommand({ Id: o.id, IfMatch: etag, OriginAccessControlConfig: config(d) }));
    try {
      await send(o.etag);
    } catch (err) {
      // A retried update whose answer was lost fails its ETag check: read again; done if it took.
      if (!isAwsError(err, 'PreconditionFailed', 'InvalidIfMatchVersion')) throw err;
      const latest = await this.observe(ctx, d);
      if (latest && this.diff(d, latest).length > 0) await send(latest.etag);
    }
  },

  async delete(ctx, _d, o) {
    await unless(
      ctx.aws.client(CloudFrontClient).send(new DeleteOriginAccessControlCommand({ Id: o.id, IfMatch: o.etag })),
      'NoSuchOriginAccessControl',
    );
  },

  outputsOf: (_d, o) => ({ id: o.id }),
};
