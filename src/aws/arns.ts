// The one place that spells ARNs and the partition's DNS suffix: the stack computes every ARN it
// needs before anything exists (policies name resources by ARN), so each format is written once here.

/** Where an ARN points: the partition (aws, aws-cn, aws-us-gov), the region and the account. */
export interface ArnScope {
  partition: string;
  region: string;
  accountId: string;
}

/** The domain AWS's endpoints live under in this partition (China has its own). */
export function dnsSuffix(partition: string): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** A REST API's ARN, as API Gateway's tagging calls take it (no account: the API is the region's). */
export function restApiArn(scope: Pick<ArnScope, 'partition' | 'region'>, apiId: string): string {
  return `arn:${scope.partition}:apigateway:${scope.region}::/restapis/${apiId}`;
}

/** A stage of a REST API. */
export function stageArn(scope: Pick<ArnScope, 'partition' | 'region'>, apiId: string, stage: string): string {
  return `${restApiArn(scope, apiId)}/stages/${stage}`;
}

/** A usage plan's ARN (the resource TagResource takes). */
export function usagePlanArn(scope: Pick<ArnScope, 'partition' | 'region'>, planId: string): string {
  return `arn:${scope.partition}:apigateway:${scope.region}::/usageplans/${planId}`;
}

/** An API key's ARN. */
export function apiKeyArn(scope: Pick<ArnScope, 'partition' | 'region'>, keyId: string): string {
  return `arn:${scope.partition}:apigateway:${scope.region}::/apikeys/${keyId}`;
}

/** A bucket's ARN: S3 bucket names are global, so neither region nor account is in it. */
export function bucketArn(partition: string, bucket: string): string {
  return `arn:${partition}:s3:::${bucket}`;
}

/** The ARNs of a stack's resources, by name. `region` overrides the scope's for what lives elsewhere. */
export function arns(scope: ArnScope) {
  const base = (service: string, region = scope.region) =>
    `arn:${scope.partition}:${service}:${region}:${scope.accountId}`;
  return {
    table: (name: string, region = scope.region) => `${base('dynamodb', region)}:table/${name}`,
    logGroup: (name: string) => `${base('logs')}:log-group:${name}`,
    /** Every log group of the region (the shared API Gateway logging role's scope). */
    allLogs: () => `${base('logs')}:*`,
    role: (name: string) => `arn:${scope.partition}:iam::${scope.accountId}:role/${name}`,
    /** The service-linked role DynamoDB replicates global tables with (created with the account's first replica). */
    replicationRole: () =>
      `arn:${scope.partition}:iam::${scope.accountId}:role/aws-service-role/replication.dynamodb.amazonaws.com/AWSServiceRoleForDynamoDBReplication`,
    /** A customer managed policy (`projet1 permissions` prints how to attach its own). */
    policy: (name: string) => `arn:${scope.partition}:iam::${scope.accountId}:policy/${name}`,
    parameter: (name: string) => `${base('ssm')}:parameter${name}`,
    function: (name: string) => `${base('lambda')}:function:${name}`,
    topic: (name: string, region = scope.region) => `${base('sns', region)}:${name}`,
    bucket: (name: string) => bucketArn(scope.partition, name),
    /** What a caller of the API invokes: `scope` is relative to the API ("*\/GET/products", "authorizers/*"). */
    executeApi: (apiId: string, invokeScope: string) => `${base('execute-api')}:${apiId}/${invokeScope}`,
    /** What API Gateway calls to run a function (a Lambda proxy integration's `uri`). */
    lambdaInvokeUri: (functionArn: string) =>
      `arn:${scope.partition}:apigateway:${scope.region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`,
    alarm: (name: string, region = scope.region) => `${base('cloudwatch', region)}:alarm:${name}`,
    /** Dashboards are global to the account: no region. */
    dashboard: (name: string) => `arn:${scope.partition}:cloudwatch::${scope.accountId}:dashboard/${name}`,
    /** An API Gateway path of the region (`/restapis/…`, `/account`, `/tags/…`), as IAM names it. */
    apigateway: (path: string) => `arn:${scope.partition}:apigateway:${scope.region}::${path}`,
    /** A CloudFront resource (`distribution/ID`, or `*`): global to the account, no region. */
    cloudfront: (resource: string) => `arn:${scope.partition}:cloudfront::${scope.accountId}:${resource}`,
    /** A WAFv2 resource of CloudFront's scope (`webacl/NAME/ID`): kept in CloudFront's region, under `global/`. */
    wafGlobal: (resource: string, region: string) => `${base('wafv2', region)}:global/${resource}`,
    /** An ACM certificate (`*` for any): CloudFront's are in us-east-1 (acm-certificate.ts). */
    certificate: (id: string, region = scope.region) => `${base('acm', region)}:certificate/${id}`,
    /** A Route 53 hosted zone (`*` for any): global, and no account in the ARN. */
    hostedZone: (id: string) => `arn:${scope.partition}:route53:::hostedzone/${id}`,
    /** A CloudWatch Logs vended-log delivery resource (`delivery-source:NAME`, `delivery-destination:NAME`, `delivery:ID`). */
    logDelivery: (resource: string, region = scope.region) => `${base('logs', region)}:${resource}`,
    /** A Cognito user pool (`<region>_*` for any of the region's: ids are assigned at creation). */
    userPool: (id: string) => `${base('cognito-idp')}:userpool/${id}`,
    /** A policy AWS manages (`service-role/…`): in the `aws` account of the partition. */
    managedPolicy: (path: string) => `arn:${scope.partition}:iam::aws:policy/${path}`,
  };
}

export type Arns = ReturnType<typeof arns>;
