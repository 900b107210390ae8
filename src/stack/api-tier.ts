// The API tier: one Lambda function per route plus the authorizer, the admin token,
// the REST API and its stage.
import type { HandlerPackage } from '../build/bundle.js';
import { FUNCTIONS, type FunctionSpec } from '../config/functions.js';
import { type Resource, ref, UNKNOWN } from '../engine/types.js';
import { corsPreflight, gatewayResponses, type ApiDefinition, definitionHash } from '../resources/api-definition.js';
import { ACCESS_LOG_FORMAT, apiStage, type StageDesired } from '../resources/api-stage.js';
import { apigatewayAccount, sharedIamRole, sharedLoggingRole } from '../resources/apigateway-account.js';
import { lambdaFunction } from '../resources/lambda-function.js';
import { restApi, resourcePaths } from '../resources/rest-api.js';
import { secretParameter } from '../resources/secret-parameter.js';
import { apiKeysTier, keyRequired, keyResponses, type ApiKeysTier } from './api-keys-tier.js';
import type { StackContext } from './context.js';
import type { StackResource } from './ids.js';

export type FunctionResource = StackResource<typeof lambdaFunction>;
export type ApiResource = StackResource<typeof restApi>;
export type StageResource = StackResource<typeof apiStage>;
type RoleResource = StackResource<typeof sharedIamRole>;
type AccountResource = StackResource<typeof apigatewayAccount>;

export function lambdaResource(ctx: StackContext, fn: FunctionSpec, pkg: HandlerPackage | undefined): FunctionResource {
  const { config, names, env, arn } = ctx;
  const n = names.functions[fn.id];
  // The emulator's own certificate (the last bundle): functions on a TLS emulator call it back over HTTPS.
  // Over plain HTTP there is nothing to trust: the caller's AWS_CA_BUNDLE must not become stack config.
  const emulatorCa = config.endpointUrl?.startsWith('https:') ? env.caBundle?.at(-1) : undefined;
  const environment: Record<string, string> = fn.readsAdminToken
    ? { ADMIN_TOKEN_PARAMETER: names.adminTokenParameter, TOKEN_CACHE_SECONDS: String(config.api.tokenCacheSeconds) }
    : {
        TABLE_NAME: names.table,
        CATEGORY_INDEX: names.categoryIndex,
        CORS_ORIGINS: config.api.corsOrigins.join(','),
        ...(ctx.edgeOnly
          ? {
              ORIGIN_SECRET_PARAMETER: names.originSecretParameter,
              TOKEN_CACHE_SECONDS: String(config.api.tokenCacheSeconds),
            }
          : {}),
      };
  return {
    id: `function:${fn.id}`,
    name: ctx.functionName(fn.id),
    provisioner: lambdaFunction,
    dependsOn: [`role:${fn.id}`, `log-group:${fn.id}`],
    desired: {
      name: ctx.functionName(fn.id),
      arn: arn.function(ctx.functionName(fn.id)),
      roleArn: arn.role(n?.role ?? ''),
      runtime: config.lambda.runtime,
      handler: 'index.handler',
      timeout: config.lambda.timeoutSeconds,
      memory: config.lambda.memoryMb,
      environment: {
        ...environment,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        // On a TLS emulator the functions call it back over HTTPS: they trust its certificate too.
        ...(emulatorCa ? { NODE_EXTRA_CA_CERTS: emulatorCa } : {}),
      },
      // Teardown needs no code; planning and applying always bundle first.
      zip: pkg?.zip ?? Buffer.alloc(0),
      codeSha256: pkg?.sha256 ?? '',
      description: `projet1 ${fn.seedName} (${ctx.label})`,
      tags: ctx.tags,
    },
  };
}

/** The app's routes as API methods (plus their CORS preflights), behind the token authorizer. */
export function apiDefinition(ctx: StackContext): ApiDefinition {
  const { arn } = ctx;
  const invokeUri = (id: string) => arn.lambdaInvokeUri(arn.function(ctx.functionName(id)));
  const methods: ApiDefinition['methods'] = {};
  for (const { fn, route } of ctx.routes) {
    methods[`${route.method} ${route.path}`] = {
      authorization: route.protected ? 'CUSTOM' : 'NONE',
      integration: 'AWS_PROXY',
      uri: invokeUri(fn.id),
      ...(keyRequired(ctx, route.method) ? { apiKeyRequired: true as const } : {}),
    };
  }
  // CORS only when asked (api.corsOrigins): the site calls the API on its own origin and needs none.
  const origin = ctx.config.api.corsOrigins[0];
  if (origin !== undefined)
    for (const path of new Set(ctx.routes.map((r) => r.route.path))) methods[`OPTIONS ${path}`] = corsPreflight(origin);
  return {
    methods,
    authorizer: {
      name: 'admin-token',
      uri: invokeUri('authorizer'),
      identitySource: 'method.request.header.Authorization',
      ttlSeconds: 0,
    },
    gatewayResponses: { ...gatewayResponses(origin), ...keyResponses(ctx, origin) },
  };
}

/** Function name -> what of the API may invoke it: its route (path parameters as *), or the authorizer. */
function invokers(ctx: StackContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { fn, route } of ctx.routes)
    out[ctx.functionName(fn.id)] = `*/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`;
  out[ctx.functionName('authorizer')] = 'authorizers/*';
  return out;
}

export type SecretResource = StackResource<typeof secretParameter>;

export function secret(
  { arn, label, tags }: StackContext,
  id: 'secret:admin-token' | 'secret:origin-secret',
  name: string,
  what: string,
): SecretResource {
  return {
    id,
    name,
    provisioner: secretParameter,
    dependsOn: [],
    desired: {
      name,
      arn: arn.parameter(name),
      description: `projet1 ${what} (${label})`,
      tags,
      ...(id === 'secret:origin-secret' ? { open: true } : {}),
    },
  };
}

export function restApiResource(
  ctx: StackContext,
  functions: FunctionResource[],
  definition: ApiDefinition,
): ApiResource {
  const { names, env } = ctx;
  return {
    id: 'api',
    name: names.api,
    provisioner: restApi,
    dependsOn: functions.map((f) => f.id),
    desired: {
      name: names.api,
      description: `projet1 product catalog API (${ctx.label})`,
      region: env.region,
      accountId: env.accountId,
      partition: env.partition,
      paths: resourcePaths(ctx.routes.map((r) => r.route.path)),
      definition,
      invokers: invokers(ctx),
      tags: ctx.tags,
    },
  };
}

/** One logging role per account and region, shared by every projet1 stack there (see apigateway-account.ts). */
export function accountLogging(ctx: StackContext): { role: RoleResource; account: AccountResource } {
  const loggingRole = sharedLoggingRole(ctx.env);
  const role: RoleResource = {
    id: 'role:apigw-logs',
    name: loggingRole.name,
    provisioner: sharedIamRole,
    dependsOn: [],
    desired: loggingRole,
  };
  const account: AccountResource = {
    id: 'apigateway-account',
    name: 'API Gateway account logging role',
    provisioner: apigatewayAccount,
    dependsOn: [role.id],
    desired: { roleArn: loggingRole.arn },
  };
  return { role, account };
}

export function stageResource(
  ctx: StackContext,
  api: ApiResource,
  account: AccountResource,
  definition: ApiDefinition,
): StageResource {
  const { config, names, env } = ctx;
  const desired: StageDesired = {
    apiId: UNKNOWN,
    stageName: names.stage,
    definitionHash: definitionHash(definition),
    accessLogArn: ctx.arn.logGroup(names.apiAccessLogGroup),
    accessLogFormat: ACCESS_LOG_FORMAT,
    rateLimit: config.api.throttleRateLimit,
    burstLimit: config.api.throttleBurstLimit,
    // Each list read scans up to `limit` items: anonymous visitors get their own, lower ceiling on it.
    methodThrottles: [
      {
        path: '/products',
        method: 'GET',
        rateLimit: config.api.listRateLimit,
        burstLimit: config.api.listBurstLimit,
      },
    ],
    region: env.region,
    partition: env.partition,
    endpointUrl: config.endpointUrl,
    tags: ctx.tags,
  };
  return {
    id: 'stage',
    name: `${names.api}/${names.stage}`,
    provisioner: apiStage,
    // With API keys, the distribution sends the site's key before this deployment requires keys (api.keys).
    dependsOn: [
      api.id,
      'log-group:api-access',
      account.id,
      ...(config.api.keys.enabled ? ['distribution' as const] : []),
    ],
    desired,
    // The API's id is AWS's to assign: it comes from the API resource, not from a lookup by name.
    resolve: (outputs) => ({ ...desired, apiId: ref(outputs, api, 'id') }),
  };
}

export interface ApiTier {
  functions: FunctionResource[];
  api: ApiResource;
  stage: StageResource;
  /** What CloudFront sends the API (api.edgeOnly), on or retired. */
  originSecret: SecretResource;
  /** api.keys: the usage plans and the site's key, on or retired. */
  keys: ApiKeysTier;
  resources: Resource[];
  retired: Resource[];
}

export function apiTier(ctx: StackContext, packages: Map<string, HandlerPackage> | undefined): ApiTier {
  const functions = FUNCTIONS.map((fn) => lambdaResource(ctx, fn, packages?.get(fn.id)));
  const definition = apiDefinition(ctx);
  const api = restApiResource(ctx, functions, definition);
  const logging = accountLogging(ctx);
  const stage = stageResource(ctx, api, logging.account, definition);
  const adminToken = secret(ctx, 'secret:admin-token', ctx.names.adminTokenParameter, 'API admin token');
  const originSecret = secret(ctx, 'secret:origin-secret', ctx.names.originSecretParameter, 'API origin secret');
  const on = ctx.edgeOnly ? [originSecret] : [];
  const keys = apiKeysTier(ctx, api, 'stage');
  return {
    functions,
    api,
    stage,
    originSecret,
    keys,
    resources: [...functions, adminToken, ...on, api, logging.role, logging.account, stage, ...keys.resources],
    retired: [...(ctx.edgeOnly ? [] : [originSecret]), ...keys.retired],
  };
}
