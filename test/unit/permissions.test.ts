// The printed policy against the code: every AWS call src/ makes is granted by `deploy` (a static scan
// of the SDK commands, paginators and waiters it uses), the scopes nest, and README's "Permissions"
// is the command's output for the example configuration. permissions-split.test.ts checks its cut
// into managed policies.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import {
  type PolicyDocument,
  permissionsPolicies,
  permissionsPolicy,
  policiesText,
  type Scope,
} from '../../src/core/permissions.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

const EXAMPLE_ACCOUNT = '123456789012';
const example = loadConfig({}, {}, mkdtempSync(join(tmpdir(), 'projet1-perm-'))).config;
const policy = (scope: Scope, config = example): PolicyDocument =>
  permissionsPolicy(config, { accountId: EXAMPLE_ACCOUNT, partition: 'aws' }, scope);
/** The WAF's and the domain's grants join only when the configuration asks: the code is checked against them too. */
const withDomain = { ...example, website: { ...example.website, domain: 'shop.example.com' } };
const withAll = {
  ...withDomain,
  website: { ...withDomain.website, redirectWww: true },
  waf: { ...example.waf, enabled: true },
  regions: { secondary: 'eu-central-1' },
};
const actionsOf = (doc: PolicyDocument): Set<string> => new Set(doc.Statement.flatMap((s) => s.Action));

const PREFIX: Record<string, string> = {
  'client-dynamodb': 'dynamodb',
  'lib-dynamodb': 'dynamodb',
  'client-s3': 's3',
  'client-iam': 'iam',
  'client-lambda': 'lambda',
  'client-api-gateway': 'apigateway',
  'client-cloudwatch': 'cloudwatch',
  'client-cloudwatch-logs': 'logs',
  'client-cloudfront': 'cloudfront',
  'client-ssm': 'ssm',
  'client-sns': 'sns',
  'client-sts': 'sts',
  'client-acm': 'acm',
  'client-route-53': 'route53',
  'client-resource-groups-tagging-api': 'tag',
  'client-wafv2': 'wafv2',
};

// Operations whose IAM action is not `<service>:<operation>` (Service Authorization Reference).
const S3: Record<string, string[]> = {
  HeadBucket: ['s3:ListBucket'],
  ListBuckets: ['s3:ListAllMyBuckets'],
  ListObjectsV2: ['s3:ListBucket'],
  ListObjectVersions: ['s3:ListBucketVersions'],
  DeleteObjects: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
  GetBucketEncryption: ['s3:GetEncryptionConfiguration'],
  PutBucketEncryption: ['s3:PutEncryptionConfiguration'],
  GetBucketCors: ['s3:GetBucketCORS'],
  PutBucketCors: ['s3:PutBucketCORS'],
  DeleteBucketCors: ['s3:PutBucketCORS'],
  GetBucketLifecycleConfiguration: ['s3:GetLifecycleConfiguration'],
  PutBucketLifecycleConfiguration: ['s3:PutLifecycleConfiguration'],
  DeleteBucketLifecycle: ['s3:PutLifecycleConfiguration'],
  GetPublicAccessBlock: ['s3:GetBucketPublicAccessBlock'],
  PutPublicAccessBlock: ['s3:PutBucketPublicAccessBlock'],
};
const DOCUMENT: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchWrite: 'BatchWriteItem',
};
/** API Gateway authorizes by HTTP method: the operation's verb says which. */
function apigatewayVerb(op: string): string {
  if (/^(Get)/.test(op)) return 'apigateway:GET';
  if (/^(Create)/.test(op)) return 'apigateway:POST';
  if (/^(Put|TagResource)/.test(op)) return 'apigateway:PUT';
  if (/^(Update)/.test(op)) return 'apigateway:PATCH';
  if (/^(Delete|UntagResource)/.test(op)) return 'apigateway:DELETE';
  throw new Error(`no HTTP verb for API Gateway ${op}`);
}

function actionsFor(pkg: string, op: string): string[] {
  const service = PREFIX[pkg];
  if (!service) throw new Error(`no IAM prefix for @aws-sdk/${pkg}: add it to the scan`);
  if (service === 'apigateway') return [apigatewayVerb(op)];
  if (service === 's3') return S3[op] ?? [`s3:${op}`];
  if (pkg === 'lib-dynamodb') return [`dynamodb:${DOCUMENT[op] ?? op}`];
  if (service === 'cloudfront' && op === 'CreateDistributionWithTags')
    return ['cloudfront:CreateDistribution', 'cloudfront:TagResource'];
  const extra: Record<string, string[]> = {
    // GetFunction returns the tags only to a caller allowed lambda:ListTags (Lambda API reference).
    'lambda:GetFunction': ['lambda:ListTags'],
    // CreateFunction passes the execution role.
    'lambda:CreateFunction': ['iam:PassRole'],
    // ACM: "To add tags to a certificate when you request it, you must have acm:AddTagsToCertificate".
    'acm:RequestCertificate': ['acm:AddTagsToCertificate'],
    // CloudFront's access logs: "Logs sent to Amazon S3" (vended logs V2) and CloudFront's standard logging
    // page ask for it on the distribution when the delivery is made.
    'logs:CreateDelivery': ['cloudfront:AllowVendedLogDeliveryForResource'],
    // UpdateTable ReplicaUpdates: DynamoDB checks these on both tables ("Using IAM with global tables"), and
    // creates the replication service-linked role with the account's first replica.
    'dynamodb:UpdateTable': [
      'dynamodb:CreateTableReplica',
      'dynamodb:DeleteTableReplica',
      'iam:CreateServiceLinkedRole',
    ],
    // A client-side waiter polls its Describe/Get call.
    'dynamodb:TableExists': ['dynamodb:DescribeTable'],
  };
  const action = `${service}:${op}`;
  return [action, ...(extra[action] ?? [])];
}

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Every operation each file of src/ and runtime/ sends, as `package operation`, from its imports and calls. */
function operationsInSource(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of ['src', 'runtime'].flatMap((dir) => sources(join(PACKAGE_ROOT, dir)))) {
    const text = readFileSync(file, 'utf8');
    const from = new Map<string, string>();
    for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/([a-z0-9-]+)'/g))
      for (const name of (m[1] ?? '').split(',')) from.set(name.replace(/^\s*type\s+/, '').trim(), m[2] ?? '');
    const ops: [string, string][] = [];
    for (const m of text.matchAll(/new ([A-Z]\w*)Command\(/g)) ops.push([`${m[1]}Command`, m[1] ?? '']);
    for (const m of text.matchAll(/\bpaginate([A-Z]\w*)\(/g)) ops.push([`paginate${m[1]}`, m[1] ?? '']);
    for (const m of text.matchAll(/\bwaitUntil(TableExists|TableNotExists)\(/g))
      ops.push([`waitUntil${m[1]}`, 'DescribeTable']);
    for (const m of text.matchAll(/\bwaitUntilDistributionDeployed\(/g))
      ops.push([m[0].slice(0, -1), 'GetDistribution']);
    for (const [symbol, op] of ops) {
      const pkg = from.get(symbol);
      if (!pkg) continue; // a local class named …Command, not an SDK call
      const key = file.slice(PACKAGE_ROOT.length + 1);
      found.set(key, [...(found.get(key) ?? []), `${pkg} ${op}`]);
    }
  }
  return found;
}

describe('projet1 permissions', () => {
  it('deploy grants every action the code sends (with the WAF and a domain)', () => {
    const granted = actionsOf(policy('deploy', withAll));
    const calls = operationsInSource();
    assert.ok(calls.size > 20, `only ${calls.size} files with AWS calls found: is the scan broken?`);
    const missing: string[] = [];
    for (const [file, ops] of calls)
      for (const op of ops) {
        const [pkg = '', name = ''] = op.split(' ');
        for (const action of actionsFor(pkg, name))
          if (!granted.has(action)) missing.push(`${action} (${name} in ${file})`);
      }
    assert.deepEqual(missing, [], 'sent by the code but not in the deploy policy');
  });

  it('deploy grants nothing the code does not send', () => {
    const sent = new Set(
      [...operationsInSource().values()]
        .flat()
        .flatMap((op) => actionsFor(op.split(' ')[0] ?? '', op.split(' ')[1] ?? '')),
    );
    for (const config of [example, withDomain, withAll])
      assert.deepEqual(
        [...actionsOf(policy('deploy', config))].filter((a) => !sent.has(a)),
        [],
      );
  });

  it('the WAF adds its grants (one statement) only when enabled; off, only the look-up that retires it', () => {
    const off = [...actionsOf(policy('deploy'))].filter((a) => a.startsWith('wafv2:'));
    assert.deepEqual(off, ['wafv2:ListWebACLs']);
    const waf = policy('deploy', withAll).Statement.filter((s) => s.Sid === 'Waf');
    assert.equal(waf.length, 1);
    assert.ok(waf[0]?.Action.includes('wafv2:CreateWebACL'));
  });

  it('the replica adds its statement only with regions.secondary, on the table in that region', () => {
    assert.deepEqual(
      policy('deploy').Statement.filter((s) => s.Sid === 'Replica'),
      [],
    );
    const off = [...actionsOf(policy('deploy'))].filter((a) => /TableReplica|ServiceLinkedRole/.test(a));
    assert.deepEqual(off, []);
    const replica = policy('deploy', withAll).Statement.filter((s) => s.Sid === 'Replica');
    assert.equal(replica.length, 2);
    assert.ok(replica[0]?.Action.includes('dynamodb:CreateTableReplica'));
    assert.ok(replica[0]?.Resource.includes(`arn:aws:dynamodb:eu-central-1:${EXAMPLE_ACCOUNT}:table/products-catalog`));
    assert.deepEqual(replica[1]?.Condition, {
      StringEquals: { 'iam:AWSServiceName': 'replication.dynamodb.amazonaws.com' },
    });
  });

  it("regions.secondary's compute and API are granted in that region only when it is set", () => {
    const inSecondary = (doc: PolicyDocument, sid: string) =>
      doc.Statement.filter((s) => s.Sid === sid)
        .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
        .filter((r) => r.includes('eu-central-1') || r.includes('-euc1'));
    const sids = ['Roles', 'PassRoles', 'Functions', 'LogGroups', 'Parameters', 'Monitoring', 'RestApi'];
    for (const sid of sids) assert.deepEqual(inSecondary(policy('deploy'), sid), [], sid);
    const on = policy('deploy', withAll);
    for (const sid of sids) assert.ok(inSecondary(on, sid).length > 0, sid);
    assert.ok(
      inSecondary(on, 'Roles').includes(`arn:aws:iam::${EXAMPLE_ACCOUNT}:role/projet1-serverless-development-*-euc1`),
    );
    assert.ok(
      inSecondary(on, 'Functions').includes(
        `arn:aws:lambda:eu-central-1:${EXAMPLE_ACCOUNT}:function:projet1-serverless-development-*`,
      ),
    );
    assert.ok(inSecondary(on, 'RestApi').includes('arn:aws:apigateway:eu-central-1::/restapis*'));
  });

  it('the www redirect adds CloudFront Function actions only with a domain, and makes one only with redirectWww', () => {
    const fn = (config: typeof example) =>
      [...actionsOf(policy('deploy', config))].filter((a) => /^cloudfront:.*Function$/.test(a));
    assert.deepEqual(fn(example), []);
    assert.deepEqual(fn(withDomain), [
      'cloudfront:DeleteFunction',
      'cloudfront:DescribeFunction',
      'cloudfront:GetFunction',
    ]);
    assert.ok(fn(withAll).includes('cloudfront:PublishFunction'));
  });

  it('deploy, as printed, fits managed policies (6,144 characters without white space each)', () => {
    for (const config of [example, withAll])
      for (const p of permissionsPolicies(config, { accountId: EXAMPLE_ACCOUNT, partition: 'aws' }, 'deploy')) {
        const size = JSON.stringify(p.document).replace(/\s/g, '').length;
        assert.ok(size <= 6144, `${p.name}: ${size} characters`);
      }
  });

  it('the scopes nest: read ⊂ operate ⊂ deploy; only deploy changes the stack', () => {
    const [read, operate, deploy] = (['read', 'operate', 'deploy'] as const).map((s) => actionsOf(policy(s)));
    for (const a of read ?? []) assert.ok(operate?.has(a), `${a} in read, not in operate`);
    for (const a of operate ?? []) assert.ok(deploy?.has(a), `${a} in operate, not in deploy`);
    const writes =
      /:(Create|Delete|Update|Put|Tag|Restore|Pass|Add|Remove|Subscribe)|apigateway:(POST|PUT|PATCH|DELETE)/;
    assert.deepEqual(
      [...(read ?? [])].filter((a) => writes.test(a)),
      [],
    );
    assert.deepEqual(
      [...(operate ?? [])].filter((a) => writes.test(a)),
      ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    );
  });

  it('names only this stack, and "*" only where no resource can be named', () => {
    for (const scope of ['read', 'operate', 'deploy'] as const)
      for (const s of [...policy(scope).Statement, ...policy(scope, withAll).Statement]) {
        const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
        if (resources.includes('*')) assert.equal(s.Sid, 'NoResourceTypes');
        else for (const r of resources) assert.match(r, /^arn:aws:[a-z0-9-]+:[a-z0-9-]*:(123456789012)?:/, r);
        if (s.Action.includes('iam:PassRole')) assert.ok(s.Condition?.StringEquals?.['iam:PassedToService']);
      }
  });

  it('README "Permissions" is the output for the example configuration', () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const section = readme.split('\n## Permissions\n')[1]?.split('\n## ')[0] ?? '';
    const block = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
    assert.ok(block, 'README "Permissions" has no ```json block');
    assert.equal(
      block,
      policiesText(permissionsPolicies(example, { accountId: EXAMPLE_ACCOUNT, partition: 'aws' }, 'deploy')),
      'regenerate it: projet1 permissions --account-id 123456789012 (in a folder without projet1.config.json)',
    );
  });
});
