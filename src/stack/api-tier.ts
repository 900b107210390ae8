// The API tier: one Lambda function per route plus the authorizer, the admin token,
// the REST API and its stage.
import type { HandlerPackage } from '../build/bundle.js';
import { FUNCTIONS } from '../config/functions.js';
import { resourceNames, stackTags } from '../config/names.js';
import type { Config } from '../config/schema.js';
import { type Resource, ref, UNKNOWN } from '../engine/types.js';
import {
  corsPreflight,
  gatewayResponses,
  lambdaInvokeUri,
  type ApiDefinition,
  definitionHash,
} from '../resources/api-definition.js';
import { ACCESS_LOG_FORMAT, apiStage, type StageDesired } from '../resources/api-stage.js';
import {
  apigatewayAccount,
  type AccountDesired,
  sharedIamRole,
  sharedLoggingRole,
} from '../resources/apigateway-account.js';
import type { RoleDesired } from '../resources/iam-role.js';
import { lambdaFunction, type FunctionDesired } from '../resources/lambda-function.js';
import { restApi, type ApiDesired } from '../resources/rest-api.js';
import { secretParameter, type SecretDesired } from '../resources/secret-parameter.js';
import { arns } from './data-tier.js';
import type { StackEnv } from './stack-env.js';

export function apiTier(config: Config, env: StackEnv, packages: Map<string, HandlerPackage> | undefined): Resource[] {
  const names = resourceNames(config, env.accountId);
  const tags = stackTags(config);
  const arn = arns(env);
  const functionArn = (id: string): string => arn.function(names.functions[id]?.function ?? id);

  // The emulator's own certificate (the last bundle): functions on a TLS emulator call it back over HTTPS.
  // Over plain HTTP there is nothing to trust: the caller's AWS_CA_BUNDLE must not become stack config.
  const emulatorCa = config.endpointUrl?.startsWith('https:') ? env.caBundle?.at(-1) : undefined;
  const functions = FUNCTIONS.map((fn): Resource<FunctionDesired> => {
    const n = names.functions[fn.id];
    const pkg = packages?.get(fn.id);
    const environment: Record<string, string> = fn.readsAdminToken
      ? { ADMIN_TOKEN_PARAMETER: names.adminTokenParameter, TOKEN_CACHE_SECONDS: String(config.api.tokenCacheSeconds) }
      : {
          TABLE_NAME: names.table,
          CATEGORY_INDEX: names.categoryIndex,
          CORS_ORIGINS: config.api.corsOrigins.join(','),
        };
    return {
      id: `function:${fn.id}`,
      name: n?.function ?? fn.id,
      provisioner: lambdaFunction,
      dependsOn: [`role:${fn.id}`, `log-group:${fn.id}`],
      desired: {
        name: n?.function ?? fn.id,
        arn: functionArn(fn.id),
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
        description: `projet1 ${fn.seedName} (${config.project}/${config.environment})`,
        tags,
      },
    };
  });

  const routed = FUNCTIONS.filter((fn) => fn.route !== null);
  const methods: ApiDefinition['methods'] = {};
  for (const fn of routed) {
    if (!fn.route) continue;
    methods[`${fn.route.method} ${fn.route.path}`] = {
      authorization: fn.route.protected ? 'CUSTOM' : 'NONE',
      integration: 'AWS_PROXY',
      uri: lambdaInvokeUri(env.partition, env.region, functionArn(fn.id)),
    };
  }
  const origin = config.api.corsOrigins[0] ?? '*';
  for (const path of new Set(routed.map((fn) => fn.route?.path ?? '')))
    methods[`OPTIONS ${path}`] = corsPreflight(origin);
  const definition: ApiDefinition = {
    methods,
    authorizer: {
      name: 'admin-token',
      uri: lambdaInvokeUri(env.partition, env.region, functionArn('authorizer')),
      identitySource: 'method.request.header.Authorization',
      ttlSeconds: 0,
    },
    gatewayResponses: gatewayResponses(),
    corsOrigin: origin,
  };
  const invokers: Record<string, string> = {};
  for (const fn of routed)
    if (fn.route)
      invokers[names.functions[fn.id]?.function ?? fn.id] =
        `*/${fn.route.method}${fn.route.path.replace('{product_id}', '*')}`;
  invokers[names.functions.authorizer?.function ?? 'authorizer'] = 'authorizers/*';

  const secret: Resource<SecretDesired> = {
    id: 'secret:admin-token',
    name: names.adminTokenParameter,
    provisioner: secretParameter,
    dependsOn: [],
    desired: {
      name: names.adminTokenParameter,
      arn: arn.parameter(names.adminTokenParameter),
      description: `projet1 API admin token (${config.project}/${config.environment})`,
      tags,
    },
  };
  const api: Resource<ApiDesired> = {
    id: 'api',
    name: names.api,
    provisioner: restApi,
    dependsOn: functions.map((f) => f.id),
    desired: {
      name: names.api,
      description: `projet1 product catalog API (${config.project}/${config.environment})`,
      region: env.region,
      accountId: env.accountId,
      partition: env.partition,
      definition,
      invokers,
      tags,
    },
  };
  const accessLog = arn.logGroup(names.apiAccessLogGroup);
  // One logging role per account and region, shared by every projet1 stack there (see apigateway-account.ts).
  const loggingRole = sharedLoggingRole(env);
  const account: Resource<AccountDesired> = {
    id: 'apigateway-account',
    name: 'API Gateway account logging role',
    provisioner: apigatewayAccount,
    dependsOn: ['role:apigw-logs'],
    desired: { roleArn: loggingRole.arn },
  };
  const logsRole: Resource<RoleDesired> = {
    id: 'role:apigw-logs',
    name: loggingRole.name,
    provisioner: sharedIamRole,
    dependsOn: [],
    desired: loggingRole,
  };
  const stageDesired: StageDesired = {
    apiId: UNKNOWN,
    stageName: names.stage,
    definitionHash: definitionHash(definition),
    accessLogArn: accessLog,
    accessLogFormat: ACCESS_LOG_FORMAT,
    rateLimit: config.api.throttleRateLimit,
    burstLimit: config.api.throttleBurstLimit,
    region: env.region,
    partition: env.partition,
    endpointUrl: config.endpointUrl,
    tags,
  };
  const stage: Resource<StageDesired> = {
    id: 'stage',
    name: `${names.api}/${names.stage}`,
    provisioner: apiStage,
    dependsOn: ['api', 'log-group:api-access', 'apigateway-account'],
    desired: stageDesired,
    // The API's id is AWS's to assign: it comes from the API resource, not from a lookup by name.
    resolve: (outputs) => ({ ...stageDesired, apiId: ref(outputs, 'api', 'id') }),
  };
  return [...functions, secret, api, logsRole, account, stage];
}
