// Which AWS call an HTTP request is (service, operation, protocol), read the way AWS reads it:
// the service from the SigV4 credential scope, the operation from X-Amz-Target, the query
// protocol's Action, the RPC v2 path, or the REST method and path. For the fault proxy.
import type { IncomingHttpHeaders } from 'node:http';

export interface Call {
  service: string;
  operation: string;
  protocol: 'json' | 'query' | 'rest-json' | 'rest-xml' | 'rpcv2';
  mutating: boolean;
  /** Repeating it after it took effect changes nothing (a put or delete by name). */
  idempotent: boolean;
  /** What it acts on: a role name, a function name, a distribution id. */
  resource?: string;
  /** The role a call hands to a service (a function's role, API Gateway's logging role). */
  roleArn?: string;
  /** A key for "this call reads that resource", matched against `createdKey`. */
  readOf?: string;
  createdKey?: string;
}

const READ = /^(Get|Describe|List|Head|Query|Scan|BatchGet)/;
const SAFE_AGAIN = /^(Put|Delete|Update|Tag|Untag|Set|Attach|Detach|BatchWrite|Enable|Disable)/;

function bodyJson(body: Buffer): Record<string, unknown> {
  try {
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function rpc(service: string, operation: string, protocol: Call['protocol'], extra: Partial<Call> = {}): Call {
  const mutating = !READ.test(operation);
  return { service, operation, protocol, mutating, idempotent: !mutating || SAFE_AGAIN.test(operation), ...extra };
}

function rest(
  service: string,
  method: string,
  operation: string,
  protocol: Call['protocol'],
  extra: Partial<Call> = {},
): Call {
  const mutating = method !== 'GET' && method !== 'HEAD';
  return { service, operation, protocol, mutating, idempotent: method !== 'POST', ...extra };
}

function lambda(method: string, path: string, body: Buffer): Call {
  const m = /^\/\d{4}-\d\d-\d\d\/functions(?:\/([^/]+))?(?:\/([a-z-]+))?/.exec(path);
  const name = m?.[1] ? decodeURIComponent(m[1]) : undefined;
  const json = bodyJson(body);
  const sub = m?.[2];
  let op = `${method} ${path}`;
  if (m && !name && method === 'POST') op = 'CreateFunction';
  else if (m && name && !sub) op = method === 'GET' ? 'GetFunction' : method === 'DELETE' ? 'DeleteFunction' : op;
  else if (sub === 'configuration') op = method === 'GET' ? 'GetFunctionConfiguration' : 'UpdateFunctionConfiguration';
  else if (sub === 'code') op = 'UpdateFunctionCode';
  else if (sub === 'policy')
    op = method === 'GET' ? 'GetPolicy' : method === 'POST' ? 'AddPermission' : 'RemovePermission';
  const tags = /^\/\d{4}-\d\d-\d\d\/tags\/(.+)$/.exec(path);
  if (tags?.[1]) {
    const arn = decodeURIComponent(tags[1]);
    op = method === 'GET' ? 'ListTags' : method === 'POST' ? 'TagResource' : 'UntagResource';
    return rest('lambda', method, op, 'rest-json', { resource: arn.split(':').pop() ?? arn });
  }
  const resource = name ?? str(json.FunctionName);
  return rest('lambda', method, op, 'rest-json', {
    ...(resource ? { resource } : {}),
    ...(str(json.Role) ? { roleArn: str(json.Role) } : {}),
  });
}

function apigateway(method: string, path: string, body: Buffer): Call {
  // Ids hold a digit; collection names ("restapis", "authorizers") do not.
  let op = `${method} ${path.replace(/\/(?=[a-z0-9]*\d)[a-z0-9]{6,}(?=\/|$)/g, '/{id}')}`;
  if (method === 'POST' && path === '/restapis') op = 'CreateRestApi';
  else if (method === 'DELETE' && /^\/restapis\/[^/]+$/.test(path)) op = 'DeleteRestApi';
  else if (method === 'POST' && /^\/restapis\/[^/]+\/resources\/[^/]+$/.test(path)) op = 'CreateResource';
  else if (method === 'POST' && /^\/restapis\/[^/]+\/deployments$/.test(path)) op = 'CreateDeployment';
  else if (method === 'PATCH' && path === '/account') op = 'UpdateAccount';
  else if (method === 'POST' && /^\/restapis\/[^/]+\/authorizers$/.test(path)) op = 'CreateAuthorizer';
  if (method === 'POST' && path === '/usageplans') op = 'CreateUsagePlan';
  else if (method === 'POST' && path === '/apikeys') op = 'CreateApiKey';
  const plan = /^\/usageplans\/([^/]+)$/.exec(path)?.[1];
  if (plan && method === 'DELETE')
    return rest('apigateway', method, 'DeleteUsagePlan', 'rest-json', { resource: plan });
  const ops = bodyJson(body).patchOperations;
  const roleArn = Array.isArray(ops)
    ? str((ops as { path?: string; value?: unknown }[]).find((o) => o.path === '/cloudwatchRoleArn')?.value)
    : undefined;
  return rest('apigateway', method, op, 'rest-json', roleArn ? { roleArn } : {});
}

/** Response-headers policies by HTTP method, on the collection (no id) and on one policy. */
const HEADERS_POLICY_OPS: Record<string, [string, string]> = {
  GET: ['ListResponseHeadersPolicies', 'GetResponseHeadersPolicy'],
  POST: ['CreateResponseHeadersPolicy', 'CreateResponseHeadersPolicy'],
  PUT: ['UpdateResponseHeadersPolicy', 'UpdateResponseHeadersPolicy'],
  DELETE: ['DeleteResponseHeadersPolicy', 'DeleteResponseHeadersPolicy'],
};

/** CloudFront Functions: /function, /function/{name}, /function/{name}/describe|publish. */
function functionOp(method: string, name: string | undefined, sub: string | undefined): string {
  if (!name) return method === 'POST' ? 'CreateFunction' : 'ListFunctions';
  if (sub === 'publish') return 'PublishFunction';
  if (sub === 'describe') return 'DescribeFunction';
  return method === 'PUT' ? 'UpdateFunction' : method === 'DELETE' ? 'DeleteFunction' : 'GetFunction';
}

function cloudfront(method: string, path: string): Call {
  const rhp = /^\/\d{4}-\d\d-\d\d\/response-headers-policy(?:\/([^/]+))?$/.exec(path);
  const rhpOp = rhp ? HEADERS_POLICY_OPS[method]?.[rhp[1] ? 1 : 0] : undefined;
  if (rhpOp) return rest('cloudfront', method, rhpOp, 'rest-xml', rhp?.[1] ? { resource: rhp[1] } : {});
  const fn = /^\/\d{4}-\d\d-\d\d\/function(?:\/([^/]+))?(?:\/([a-z]+))?$/.exec(path.split('?')[0] ?? '');
  if (fn)
    return rest('cloudfront', method, functionOp(method, fn[1], fn[2]), 'rest-xml', fn[1] ? { resource: fn[1] } : {});
  const m = /^\/\d{4}-\d\d-\d\d\/distribution(?:\/([^/]+))?(?:\/([a-z]+))?/.exec(path);
  let op = `${method} ${path}`;
  if (m && !m[1] && method === 'POST') op = 'CreateDistribution';
  else if (m?.[1] && !m[2]) op = method === 'GET' ? 'GetDistribution' : 'DeleteDistribution';
  else if (m?.[2] === 'config') op = method === 'GET' ? 'GetDistributionConfig' : 'UpdateDistribution';
  else if (m?.[2] === 'invalidation') op = 'CreateInvalidation';
  return rest('cloudfront', method, op, 'rest-xml', m?.[1] ? { resource: m[1] } : {});
}

// S3's bucket sub-resources (the query string's first key) and the operation name they form.
const S3_SUBRESOURCES: Record<string, string> = {
  versioning: 'BucketVersioning',
  encryption: 'BucketEncryption',
  cors: 'BucketCors',
  logging: 'BucketLogging',
  publicAccessBlock: 'PublicAccessBlock',
  lifecycle: 'BucketLifecycleConfiguration',
  ownershipControls: 'BucketOwnershipControls',
  tagging: 'BucketTagging',
  policy: 'BucketPolicy',
  location: 'BucketLocation',
  acl: 'BucketAcl',
  website: 'BucketWebsite',
};
const VERB: Record<string, string> = { GET: 'Get', PUT: 'Put', DELETE: 'Delete', HEAD: 'Head' };

/** S3 (path style, as the clients use with an endpoint): the bucket is the first path segment (`/bucket/` for the bucket itself). */
function s3(method: string, url: string): Call {
  const [path = '/', qs = ''] = url.split('?');
  const [, bucketPart = '', ...keyParts] = path.split('/');
  const bucket = decodeURIComponent(bucketPart);
  const params = new URLSearchParams(qs);
  const sub = [...params.keys()].find((k) => k in S3_SUBRESOURCES || k === 'versions' || k === 'delete');
  let op = params.get('x-id') ?? `${method} s3`;
  if (!params.get('x-id')) {
    if (!bucket) op = method === 'GET' ? 'ListBuckets' : op;
    else if (keyParts.join('/') !== '') op = `${VERB[method] ?? method}Object`;
    else if (sub === 'versions') op = 'ListObjectVersions';
    else if (sub === 'delete') op = 'DeleteObjects';
    else if (sub === 'lifecycle' && method === 'DELETE') op = 'DeleteBucketLifecycle';
    else if (sub) op = `${VERB[method] ?? method}${S3_SUBRESOURCES[sub]}`;
    else if (method === 'PUT') op = 'CreateBucket';
    else op = method === 'GET' ? 'ListObjectsV2' : `${VERB[method] ?? method}Bucket`;
  }
  return rest('s3', method, op, 'rest-xml', bucket ? { resource: bucket } : {});
}

function query(service: string, form: URLSearchParams): Call {
  const op = form.get('Action') ?? 'Unknown';
  const role = form.get('RoleName') ?? undefined;
  const extra: Partial<Call> = role ? { resource: role } : {};
  if (service === 'iam' && role) {
    if (op === 'CreateRole' || op === 'PutRolePolicy') extra.createdKey = `iam:${op}:${role}`;
    if (op === 'GetRole') extra.readOf = `iam:CreateRole:${role}`;
    if (op === 'GetRolePolicy') extra.readOf = `iam:PutRolePolicy:${role}`;
  }
  return rpc(service, op, 'query', extra);
}

export function identify(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): Call | undefined {
  const scope = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ''));
  const service = scope?.[1];
  if (!service) return undefined;
  const path = url.split('?')[0] ?? '/';
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    const op = target.split('.').pop() ?? target;
    const table = str(bodyJson(body).TableName);
    const extra: Partial<Call> = {};
    if (service === 'dynamodb' && table && op === 'CreateTable') extra.createdKey = `ddb:${table}`;
    if (service === 'dynamodb' && table && op === 'DescribeTable') extra.readOf = `ddb:${table}`;
    return rpc(service, op, 'json', extra);
  }
  const rpcPath = /\/operation\/([A-Za-z]+)$/.exec(path);
  if (rpcPath?.[1]) return rpc(service, rpcPath[1], 'rpcv2');
  const form = String(headers['content-type'] ?? '').includes('x-www-form-urlencoded')
    ? new URLSearchParams(body.toString('utf8'))
    : undefined;
  if (form?.get('Action')) return query(service, form);
  if (service === 'lambda') return lambda(method, path, body);
  if (service === 'apigateway') return apigateway(method, path, body);
  if (service === 'cloudfront') return cloudfront(method, path);
  if (service === 's3') return s3(method, url);
  return rest(service, method, `${method} ${service}`, 'rest-xml');
}
