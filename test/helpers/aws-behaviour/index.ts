// The AWS behaviour profile: every documented behaviour the proxy reproduces, by area (a file per
// area keeps each small; add yours to the list), and the proxy profile that plays them.
import { COGNITO_BEHAVIOURS } from './cognito.js';
import { type FaultProfile, REALISTIC } from '../fault-proxy.js';
import { ACM_BEHAVIOURS } from './acm.js';
import { APIGATEWAY_BEHAVIOURS } from './apigateway.js';
import { usagePlanWithStages } from './apigateway-keys.js';
import { CLOUDFRONT_SWITCHES, cloudfrontAccountUnverified } from './cloudfront.js';
import { responseHeadersPolicyInUse } from './cloudfront-headers.js';
import { DYNAMODB_BEHAVIOURS } from './dynamodb.js';
import { DYNAMODB_REPLICA_BEHAVIOURS } from './dynamodb-replica.js';
import { transactionConflict } from './dynamodb-transactions.js';
import { replicaNotActive } from './failover.js';
import { regionDown } from './region-outage.js';
import { PASS_ROLE } from './iam-passrole.js';
import { IAM_POLICY_QUOTAS } from './iam-quotas.js';
import { restoreSummaryInDescribeTable } from './dynamodb-restore.js';
import { getFunctionWithoutTags, LAMBDA_SWITCHES, listTagsDenied } from './lambda.js';
import { LOG_DELIVERY_BEHAVIOURS } from './log-delivery.js';
import { S3_BEHAVIOURS } from './s3.js';
import { taggingListsCertificates } from './tagging.js';
import type { Behaviour } from './types.js';
import { webAclAssociated } from './waf.js';

export type { Behaviour } from './types.js';

export const AWS_BEHAVIOURS: Behaviour[] = [
  PASS_ROLE, // the caller's right to hand a role to a service, checked before the service acts on it
  IAM_POLICY_QUOTAS, // policy sizes (6,144 managed; 2,048 / 10,240 inline) and 10 attached policies
  ...APIGATEWAY_BEHAVIOURS,
  usagePlanWithStages, // a plan on a stage cannot be deleted: its stages go first
  ...DYNAMODB_BEHAVIOURS,
  ...DYNAMODB_REPLICA_BEHAVIOURS, // a replica CREATING for minutes, DELETING, and only with the table's stream
  restoreSummaryInDescribeTable,
  transactionConflict, // a transaction meeting another in progress on one of its items is cancelled
  ...S3_BEHAVIOURS,
  responseHeadersPolicyInUse,
  webAclAssociated,
  ...LOG_DELIVERY_BEHAVIOURS, // CloudFront's log source only in us-east-1; CreateDelivery writing the bucket's policy
  ...ACM_BEHAVIOURS, // validation records some seconds late; PENDING_VALIDATION while its switch is on
  taggingListsCertificates, // GetResources lists ACM certificates, as on AWS
  regionDown, // a whole region answering 503 to every signed call while its switch is on (not global services)
  ...COGNITO_BEHAVIOURS, // an app client's update resets what it is not sent
  // A permission or account state, off until a test switches it on (README's permissions, a verified account).
  getFunctionWithoutTags(LAMBDA_SWITCHES.tagsHidden),
  listTagsDenied(LAMBDA_SWITCHES.listTagsDenied),
  cloudfrontAccountUnverified(CLOUDFRONT_SWITCHES.unverified),
  replicaNotActive(), // a failover's target replica not ACTIVE, while failover.test.ts switches it on
];

/**
 * AWS as documented, without random faults: its propagation delays, settling states, quotas and
 * account-level refusals. `scale` shortens AWS's durations for tests (1 = real time, for the bench).
 */
export function awsLike(scale: number, overrides: Partial<FaultProfile> = {}): FaultProfile {
  return {
    ...REALISTIC,
    randomFault: 0,
    slow: 0,
    // IAM: "a few seconds" to propagate, ~10 s observed (IAM User Guide, "Changes that I make are not always immediately visible").
    iamPropagationMs: Math.round(10_000 * scale),
    // Lambda: Pending then Active within 1-5 s of a create, InProgress for seconds after an update (Lambda function states).
    lambdaUpdateMs: Math.round(3_000 * scale),
    // CloudFront: a change is InProgress for minutes before Deployed.
    cloudfrontMs: Math.round(180_000 * scale),
    readAfterCreateMs: Math.round(2_000 * scale),
    // API Gateway's per-account rates (one DeleteRestApi per 30 s…) are durations too.
    quotas: Object.fromEntries(Object.entries(REALISTIC.quotas).map(([op, ms]) => [op, Math.round(ms * scale)])),
    behaviours: AWS_BEHAVIOURS,
    scale,
    ...overrides,
  };
}
