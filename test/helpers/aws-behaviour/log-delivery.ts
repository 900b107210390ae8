// CloudWatch Logs' vended-log delivery as AWS runs it for CloudFront's access logs, where MiniStack
// 1.5.33 stores whatever it is given: a CloudFront delivery source is accepted only in us-east-1, and
// CreateDelivery to a bucket whose policy lacks the delivery service's statement writes one in itself,
// and a source or destination a delivery still names cannot be deleted.
import {
  CloudWatchLogsClient,
  DescribeDeliveriesCommand,
  GetDeliveryDestinationCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { awsError } from '../aws-reply.js';
import { list, type Statement } from './iam-eval.js';
import type { Behaviour, RawRequest } from './types.js';

const SERVICE = 'delivery.logs.amazonaws.com';

/** The region the call is signed for (SigV4 credential scope: key/date/region/service/aws4_request). */
const signedRegion = (req: RawRequest): string =>
  /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';

const body = (req: RawRequest): Record<string, unknown> => {
  const parsed: unknown = JSON.parse(req.body.toString('utf8') || '{}');
  return typeof parsed === 'object' && parsed !== null ? { ...parsed } : {};
};

export const cloudfrontLogSourceOutsideUsEast1: Behaviour = {
  kind: 'log-delivery-source-region',
  source:
    'Amazon CloudFront Developer Guide, "Configure standard logging (v2)": to enable it through the CloudWatch Logs API, "you must specify the US East (N. Virginia) Region (us-east-1)"; CloudWatch Logs API reference, PutDeliverySource errors: ValidationException (HTTP 400)',
  before(call, req, ctx) {
    if (call.service !== 'logs' || call.operation !== 'PutDeliverySource') return undefined;
    const arn = String(body(req).resourceArn ?? '');
    if (!/^arn:[^:]+:cloudfront:/.test(arn) || signedRegion(req) === 'us-east-1') return undefined;
    ctx.count('log-delivery-source-region');
    return awsError(call, 400, 'ValidationException', 'CloudFront log delivery is only available in us-east-1.');
  },
};

/** An Allow for the delivery service to put objects: what AWS looks for before it writes its own. */
const allowsDelivery = (s: Statement): boolean => {
  const principal = typeof s.Principal === 'object' ? list(s.Principal.Service) : [];
  return s.Effect === 'Allow' && principal.includes(SERVICE) && list(s.Action).includes('s3:PutObject');
};

export const deliveryWritesBucketPolicy: Behaviour = {
  kind: 'log-delivery-bucket-policy',
  source:
    'CloudWatch Logs User Guide, "Logs sent to Amazon S3" (vended logs V2): when a delivery to a bucket begins and the bucket has no policy, or one without the AWSLogDeliveryWrite statement, and the caller has s3:GetBucketPolicy and s3:PutBucketPolicy, AWS creates the policy or appends that statement (delivery.logs.amazonaws.com, s3:PutObject, aws:SourceAccount and aws:SourceArn conditions)',
  async before(call, req, ctx) {
    if (call.service !== 'logs' || call.operation !== 'CreateDelivery') return undefined;
    const destinationArn = String(body(req).deliveryDestinationArn ?? '');
    const [, partition = 'aws', , region = '', account = '', resource = ''] = destinationArn.split(':');
    const name = resource === 'delivery-destination' ? destinationArn.split(':').slice(6).join(':') : '';
    if (!name) return undefined;
    const logs = ctx.emulator.client(CloudWatchLogsClient, { region });
    const dest = await logs.send(new GetDeliveryDestinationCommand({ name })).catch(() => undefined);
    const bucketArn = dest?.deliveryDestination?.deliveryDestinationConfiguration?.destinationResourceArn ?? '';
    const bucket = bucketArn.split(':::')[1]?.split('/')[0];
    if (!bucket) return undefined;
    const s3 = ctx.emulator.client(S3Client);
    const current = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket })).catch(() => undefined);
    const doc = JSON.parse(current?.Policy ?? '{"Version":"2012-10-17","Statement":[]}') as {
      Statement: Statement[];
    };
    if (doc.Statement.some(allowsDelivery)) return undefined;
    ctx.count('log-delivery-bucket-policy');
    doc.Statement.push({
      Effect: 'Allow',
      Principal: { Service: SERVICE },
      Action: 's3:PutObject',
      Resource: `${bucketArn}/*`,
      Condition: {
        StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': account },
        ArnLike: { 'aws:SourceArn': `arn:${partition}:logs:${region}:${account}:delivery-source:*` },
      },
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(doc) }));
    return undefined;
  },
};

export const deliveryEndInUse: Behaviour = {
  kind: 'log-delivery-in-use',
  source:
    'CloudWatch Logs API reference, DeleteDeliverySource and DeleteDeliveryDestination: "You can\'t delete a delivery source [destination] if any current deliveries are associated with it" (DescribeDeliveries, deliverySourceName / deliveryDestinationArn); errors: ConflictException (HTTP 400)',
  async before(call, req, ctx) {
    if (call.service !== 'logs') return undefined;
    if (call.operation !== 'DeleteDeliverySource' && call.operation !== 'DeleteDeliveryDestination') return undefined;
    const name = String(body(req).name ?? '');
    const logs = ctx.emulator.client(CloudWatchLogsClient, { region: signedRegion(req) });
    const all = (await logs.send(new DescribeDeliveriesCommand({}))).deliveries ?? [];
    const inUse = all.some((d) =>
      call.operation === 'DeleteDeliverySource'
        ? d.deliverySourceName === name
        : d.deliveryDestinationArn?.endsWith(`:delivery-destination:${name}`),
    );
    if (!inUse) return undefined;
    ctx.count('log-delivery-in-use');
    return awsError(call, 400, 'ConflictException', `${name} is used by a delivery: delete the delivery first.`);
  },
};

export const LOG_DELIVERY_BEHAVIOURS: Behaviour[] = [
  cloudfrontLogSourceOutsideUsEast1,
  deliveryWritesBucketPolicy,
  deliveryEndInUse,
];
