// A whole region not answering: every call signed for it gets a 503 (ServiceUnavailable), the answer of a
// service that is down, which the SDKs treat as transient and retry before failing (as they do a reset
// connection). Global services (CloudFront, IAM, Route 53) keep answering: on AWS their endpoints are
// signed for us-east-1 whatever the client's region, while on an emulator's one endpoint the SDK signs
// them with the client's region, so they are told apart by service, not by the signed region.
import { awsError } from '../aws-reply.js';
import { regionOf } from './dynamodb-replica.js';
import type { Behaviour } from './types.js';

/** On while a test needs it: the region that does not answer. */
export const REGION_OUTAGE = { region: '' };

const GLOBAL_SERVICES = new Set(['cloudfront', 'iam', 'route53']);

export const regionDown: Behaviour = {
  kind: 'region-down',
  source:
    'AWS SDKs and Tools Reference Guide, "Retry behavior" (docs.aws.amazon.com/sdkref/latest/guide/' +
    'feature-retry-behavior.html): HTTP 500/502/503/504 and connection errors are transient, retried up to ' +
    'max_attempts then returned; AWS Fault Isolation Boundaries whitepaper, "Global services": the control ' +
    'planes of CloudFront, IAM and Route 53 are in us-east-1, independent of the other regions',
  before(call, req, ctx) {
    if (!REGION_OUTAGE.region || GLOBAL_SERVICES.has(call.service)) return undefined;
    if (regionOf(req) !== REGION_OUTAGE.region) return undefined;
    ctx.count('region-down');
    return awsError(call, 503, 'ServiceUnavailable', `${REGION_OUTAGE.region} is not answering (played outage)`);
  },
};
