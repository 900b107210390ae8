// What this stack tagged under a name its configuration no longer gives (a `table.name` or a
// `website.bucketName` changed since, a function an earlier projet1 made): found by the stack's tags
// with the Resource Groups Tagging API, so `down` removes everything the stack made, whatever the
// settings say now. Each ARN becomes a resource with the provisioner of its type, so it goes
// through the engine as any other (ownership check, approval, teardown order).
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { AwsClients } from '../../runtime/aws/clients.js';
import { classifyAwsError, httpStatus } from '../aws/errors.js';
import { stackTags } from '../config/names.js';
import type { Config } from '../config/schema.js';
import type { FoundResource } from '../engine/plan.js';
import type { Resource } from '../engine/types.js';
import { dynamodbTable, type TableDesired } from '../resources/dynamodb-table.js';
import { iamRole, serviceTrust, type RoleDesired } from '../resources/iam-role.js';
import { type FunctionDesired, lambdaFunction } from '../resources/lambda-function.js';
import { type BucketDesired, s3Bucket } from '../resources/s3-bucket.js';
import { type BucketPolicyDesired, s3BucketPolicy } from '../resources/s3-bucket-policy.js';
import { domainLeftovers } from './domain-leftovers.js';
import { type StackEnv, stackRegions } from './stack-env.js';

/** What one ARN names, for the types projet1 can delete by name alone. */
export interface TaggedArn {
  type: 'dynamodb-table' | 's3-bucket' | 'lambda-function' | 'iam-role';
  name: string;
  arn: string;
}

/**
 * An emulator without the Resource Groups Tagging API (MiniStack answers a bare 400 for a service it
 * was not started with, as one started by an older projet1 was): renamed resources cannot be found
 * there, which must not stop `plan`, `up` or `down` of what the configuration names. AWS always has it.
 */
export class TaggingUnavailable extends Error {
  constructor(readonly endpoint: string) {
    super(
      `${endpoint} does not answer the Resource Groups Tagging API: resources renamed in the configuration are not looked for. An emulator started by an older projet1 lacks it: \`projet1 emulator stop\`, then \`projet1 emulator start\`.`,
    );
  }
}

const unsupportedHere = (err: unknown): boolean => {
  const status = httpStatus(err);
  const name = err instanceof Error ? err.name : '';
  return (status === 400 || status === 404 || status === 501) && !/AccessDenied|Unauthorized|Throttl/i.test(name);
};

/** The ARNs tagged with this stack's tags, in its region and the one its CloudFront alarms live in. */
export async function taggedArns(aws: AwsClients, config: Config, env: StackEnv): Promise<string[]> {
  const tags = stackTags(config);
  const TagFilters = Object.entries(tags).map(([Key, value]) => ({ Key, Values: [value] }));
  const found = new Set<string>();
  for (const region of stackRegions(env)) {
    const client = aws.client(ResourceGroupsTaggingAPIClient, { region });
    let PaginationToken: string | undefined;
    do {
      // A refusal (tag:GetResources missing) names the call and the permission, as any other call's.
      const page = await client
        .send(new GetResourcesCommand({ TagFilters, PaginationToken, ResourcesPerPage: 100 }))
        .catch((err: unknown) => {
          if (aws.target.endpointUrl && unsupportedHere(err)) throw new TaggingUnavailable(aws.target.endpointUrl);
          throw classifyAwsError(err, aws.target, `the resources tagged ${tags.project}/${tags.environment}`);
        });
      for (const m of page.ResourceTagMappingList ?? []) if (m.ResourceARN) found.add(m.ResourceARN);
      // The API ends its pages with an empty token, not an absent one.
      PaginationToken = page.PaginationToken || undefined;
    } while (PaginationToken);
  }
  return [...found].sort();
}

/** arn:partition:service:region:account:resource → our type and name; undefined for a type we do not delete by name. */
export function parseArn(arn: string): TaggedArn | undefined {
  const [prefix, , service, , , ...rest] = arn.split(':');
  if (prefix !== 'arn' || rest.length === 0) return undefined;
  const resource = rest.join(':');
  // Only the resource itself: not a table's index or backup (…/index/…), nor a function's version (…:1).
  const after = (head: string): string | undefined =>
    resource.startsWith(head) && !/[/:]/.test(resource.slice(head.length)) ? resource.slice(head.length) : undefined;
  let type: TaggedArn['type'] | undefined;
  let name: string | undefined;
  if (service === 'dynamodb') [type, name] = ['dynamodb-table', after('table/')];
  else if (service === 's3') [type, name] = ['s3-bucket', resource.includes('/') ? undefined : resource];
  else if (service === 'lambda') [type, name] = ['lambda-function', after('function:')];
  // A role's ARN carries its path: role/path/name.
  else if (service === 'iam' && resource.startsWith('role/')) [type, name] = ['iam-role', resource.split('/').at(-1)];
  return type && name ? { type, name, arn } : undefined;
}

const nameOf = (desired: unknown): string | undefined =>
  typeof desired === 'object' && desired !== null && 'name' in desired && typeof desired.name === 'string'
    ? desired.name
    : undefined;

/**
 * The tagged resources the stack's resources (`known`: configured and retired) do not name, as
 * resources to delete. `holdsData` marks a table and a bucket: `up` lists them, only `down` deletes them.
 */
export async function foundByTag(
  aws: AwsClients,
  config: Config,
  env: StackEnv,
  known: readonly Resource[],
): Promise<FoundResource[]> {
  const knownKeys = new Set(known.map((r) => `${r.provisioner.type}:${nameOf(r.desired) ?? r.name}`));
  const all = await taggedArns(aws, config, env);
  const arns = all.flatMap((a) => parseArn(a) ?? []);
  const found = arns.filter((a) => !knownKeys.has(`${a.type}:${a.name}`));
  const tags = stackTags(config);
  const roles = found.filter((a) => a.type === 'iam-role').map((a) => `found:iam-role:${a.name}`);
  // A removed website.domain's certificate and records, a turned-off www redirect (domain-leftovers.ts).
  const domain = await domainLeftovers(aws, config, all, knownKeys);
  return [...found.flatMap((a) => toResources(a, tags, env, roles)), ...domain];
}

function toResources(a: TaggedArn, tags: Record<string, string>, env: StackEnv, roles: string[]): FoundResource[] {
  if (a.type === 'dynamodb-table') return [foundTable(a, tags)];
  if (a.type === 's3-bucket') return foundBucket(a, tags, env);
  if (a.type === 'lambda-function') return [foundFunction(a, tags, roles)];
  return [foundRole(a, tags)];
}

const foundBase = (a: TaggedArn) => ({ id: `found:${a.type}:${a.name}`, name: a.name, holdsData: false });

function foundTable(a: TaggedArn, tags: Record<string, string>): FoundResource {
  const desired: TableDesired = {
    name: a.name,
    arn: a.arn,
    partitionKey: 'product_id',
    categoryIndex: '',
    billingMode: 'PAY_PER_REQUEST',
    readCapacity: 0,
    writeCapacity: 0,
    pointInTimeRecovery: false,
    ttlAttribute: null,
    deletionProtection: false,
    tags,
  };
  const leftBehind = `not in the configuration, so \`up\` keeps its items: \`projet1 down\` deletes it with the stack (after a backup), or delete it alone with \`aws dynamodb delete-table --table-name ${a.name}\``;
  return { ...foundBase(a), holdsData: true, leftBehind, provisioner: dynamodbTable, desired, dependsOn: [] };
}

function foundBucket(a: TaggedArn, tags: Record<string, string>, env: StackEnv): FoundResource[] {
  const base = foundBase(a);
  const desired: BucketDesired = {
    name: a.name,
    arn: a.arn,
    region: env.region,
    accountId: env.accountId,
    configKey: 'website.bucketName',
    versioning: false,
    encryption: null,
    cors: null,
    logging: null,
    publicAccessBlock: null,
    lifecycle: null,
    ownership: null,
    tags,
  };
  // Its policy (untagged, so never found itself) goes first, as the configured buckets' do.
  const policy: BucketPolicyDesired = { bucket: a.name, policy: { Version: '2012-10-17', Statement: [] } };
  return [
    {
      ...base,
      holdsData: true,
      leftBehind: `not in the configuration, so \`up\` keeps its files: \`projet1 down\` deletes it with the stack, or delete it alone with \`aws s3 rb s3://${a.name} --force\``,
      provisioner: s3Bucket,
      desired,
      dependsOn: [],
    },
    {
      id: `found:s3-bucket-policy:${a.name}`,
      name: `${a.name} policy`,
      holdsData: true,
      partOf: base.id,
      provisioner: s3BucketPolicy,
      desired: policy,
      dependsOn: [base.id],
    },
  ];
}

function foundFunction(a: TaggedArn, tags: Record<string, string>, roles: string[]): FoundResource {
  const desired: FunctionDesired = {
    name: a.name,
    arn: a.arn,
    roleArn: '',
    runtime: '',
    handler: '',
    timeout: 0,
    memory: 0,
    environment: {},
    zip: Buffer.alloc(0),
    codeSha256: '',
    description: '',
    tags,
  };
  // Deleted before any role found with it (it may run as one of them).
  return { ...foundBase(a), provisioner: lambdaFunction, desired, dependsOn: roles };
}

function foundRole(a: TaggedArn, tags: Record<string, string>): FoundResource {
  const role: RoleDesired = {
    name: a.name,
    arn: a.arn,
    description: '',
    trust: serviceTrust('lambda.amazonaws.com'),
    policyName: 'least-privilege',
    policy: { Version: '2012-10-17', Statement: [] },
    tags,
  };
  return { ...foundBase(a), provisioner: iamRole, desired: role, dependsOn: [] };
}
