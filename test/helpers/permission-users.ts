// An IAM user on the emulator holding the policies `projet1 permissions` prints, attached as the
// managed policies README says to create (test/integration/permissions.test.ts).
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  type IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import type { PolicyDocument, PolicyStatement } from '../../src/core/permissions.js';

/**
 * Actions MiniStack 1.5.33 authorizes against "*" (or, for CloudFront, without the resource's tags),
 * where AWS authorizes them on the resource the printed policy names (Service Authorization Reference):
 * its IAM cannot tell a scoped grant from none. The user gets them on "*" in a statement of their own,
 * so everything else is proved exactly as printed; these scopes are not proved here.
 */
export const EMULATOR_RESOURCE_MODEL = [
  // CloudWatch: the emulator names a resource only from AlarmName.
  'cloudwatch:GetDashboard',
  'cloudwatch:PutDashboard',
  'cloudwatch:DeleteDashboards',
  'cloudwatch:DeleteAlarms',
  'cloudwatch:ListTagsForResource',
  // DynamoDB: only TableName names the table (not ResourceArn, not a backup ARN).
  'dynamodb:ListTagsOfResource',
  'dynamodb:TagResource',
  'dynamodb:RestoreTableFromBackup',
  'dynamodb:DescribeBackup',
  // SNS: only TopicArn (or Name) names the topic, not ResourceArn or a subscription's ARN.
  'sns:ListTagsForResource',
  'sns:TagResource',
  'sns:Unsubscribe',
  // SSM: GetParameters (several Names) is authorized against "*" there; AWS checks each parameter's ARN.
  'ssm:GetParameters',
  // Lambda: POST /functions names no function.
  'lambda:CreateFunction',
  // CloudFront: origin access controls, response-headers policies and tag queries name no resource
  // (its IAM layer names only distributions); distributions' tags are not read for aws:ResourceTag, and
  // CreateDistributionWithTags is its own action there.
  'cloudfront:CreateResponseHeadersPolicy',
  'cloudfront:GetResponseHeadersPolicy',
  'cloudfront:UpdateResponseHeadersPolicy',
  'cloudfront:DeleteResponseHeadersPolicy',
  'cloudfront:GetOriginAccessControl',
  'cloudfront:DeleteOriginAccessControl',
  'cloudfront:ListTagsForResource',
  'cloudfront:CreateDistributionWithTags',
  'cloudfront:CreateInvalidation',
  'cloudfront:UpdateDistribution',
  'cloudfront:DeleteDistribution',
  // CloudFront Functions (website.redirectWww): named by no resource there either.
  'cloudfront:CreateFunction',
  'cloudfront:DescribeFunction',
  'cloudfront:GetFunction',
  'cloudfront:UpdateFunction',
  'cloudfront:PublishFunction',
  'cloudfront:DeleteFunction',
  // CloudWatch Logs: the delivery calls (CloudFront's access logs) name no resource there, only a log group
  // name or a tagging call's resourceArn does.
  'logs:PutDeliverySource',
  'logs:DeleteDeliverySource',
  'logs:PutDeliveryDestination',
  'logs:DeleteDeliveryDestination',
  'logs:CreateDelivery',
  'logs:DeleteDelivery',
];

/** A policy as `projet1 permissions --json` lists it. */
export interface Printed {
  name: string;
  document: PolicyDocument;
}

/** The printed policies with `keep` applied to each statement (empty documents left out). */
export const edited = (policies: Printed[], keep: (s: PolicyStatement) => PolicyStatement | undefined): Printed[] =>
  policies
    .map((p) => ({
      ...p,
      document: { ...p.document, Statement: p.document.Statement.flatMap((s) => keep(s) ?? []) },
    }))
    .filter((p) => p.document.Statement.length > 0);

/**
 * A new IAM user `UserName` holding each of `policies` as a managed policy, plus the emulator's
 * resource-model statement inline: its keys. `iam` may go through a proxy that holds IAM's quotas.
 */
export async function iamUserWith(
  iam: IAMClient,
  UserName: string,
  policies: Printed[],
): Promise<Record<string, string>> {
  await iam.send(new CreateUserCommand({ UserName }));
  for (const p of policies) {
    const created = await iam.send(
      new CreatePolicyCommand({ PolicyName: `${UserName}-${p.name}`, PolicyDocument: JSON.stringify(p.document) }),
    );
    await iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn: created.Policy?.Arn }));
  }
  const emulatorStatement: PolicyStatement = {
    Sid: 'EmulatorResourceModel',
    Effect: 'Allow',
    Action: EMULATOR_RESOURCE_MODEL,
    Resource: '*',
  };
  const doc: PolicyDocument = { Version: '2012-10-17', Statement: [emulatorStatement] };
  await iam.send(new PutUserPolicyCommand({ UserName, PolicyName: 'emulator', PolicyDocument: JSON.stringify(doc) }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName }))).AccessKey;
  return { AWS_ACCESS_KEY_ID: key?.AccessKeyId ?? '', AWS_SECRET_ACCESS_KEY: key?.SecretAccessKey ?? '' };
}
