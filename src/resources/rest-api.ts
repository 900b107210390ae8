// The REST API and everything in it: resources, methods with Lambda proxy integrations,
// CORS preflights, the token authorizer, gateway responses, and the functions' invoke
// permissions. Found again by name (no state file); drift is read method by method (embedded in the resource listing).
import {
  APIGatewayClient,
  CreateAuthorizerCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  DeleteRestApiCommand,
  GetAuthorizersCommand,
  GetGatewayResponsesCommand,
  GetResourcesCommand,
  GetRestApisCommand,
  PutGatewayResponseCommand,
  TagResourceCommand,
  UpdateAuthorizerCommand,
  type RestApi,
} from '@aws-sdk/client-api-gateway';
import { arns, restApiArn } from '../aws/arns.js';
import { unless } from '../aws/errors.js';
import { canonicalJson } from '../engine/canonical.js';
import { createOnce } from '../engine/retry.js';
import { tagChanges } from '../engine/plan.js';
import type { FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';
import { splitKey, type ApiDefinition, type AuthorizerDef, type GatewayResponseDef } from './api-definition.js';
import { deleteMethod, readMethod, writeMethod, type ObservedMethod } from './api-methods.js';
import { readPermission, removePermission, writePermission } from './api-permissions.js';

export interface ApiDesired {
  name: string;
  description: string;
  region: string;
  accountId: string;
  partition: string;
  /** The API's resource paths, parents first (from the app's routes; see `resourcePaths`). */
  paths: string[];
  definition: ApiDefinition;
  /** Function name -> invoke scope relative to the API ARN ("*\/GET/products", "authorizers/*"). */
  invokers: Record<string, string>;
  tags: Record<string, string>;
}

export interface ApiObserved {
  id: string;
  tags: Record<string, string>;
  resourceIds: Record<string, string>;
  methods: Record<string, ObservedMethod>;
  authorizer: (AuthorizerDef & { id: string }) | undefined;
  gatewayResponses: Record<string, GatewayResponseDef>;
  permissions: Record<string, string | undefined>;
}

/** Finds our API by name; among same-named APIs, the one carrying our tags wins. */
export async function findApi(
  ctx: ProvisionContext,
  name: string,
  tags: Record<string, string>,
): Promise<RestApi | undefined> {
  const api = ctx.aws.client(APIGatewayClient);
  const all: RestApi[] = [];
  let position: string | undefined;
  do {
    const page = await api.send(new GetRestApisCommand({ limit: 500, position }));
    all.push(...(page.items ?? []).filter((a) => a.name === name));
    position = page.position;
  } while (position);
  return all.find((a) => a.tags?.environment === tags.environment && a.tags?.project === tags.project) ?? all[0];
}

/**
 * The resources the routes' paths need, each after its parent ("/products" before
 * "/products/{product_id}"): API Gateway creates a resource under an existing parent only.
 */
export function resourcePaths(routePaths: readonly string[]): string[] {
  const all = new Set<string>();
  for (const path of routePaths) {
    const parts = path.split('/').filter((p) => p !== '');
    for (let i = 1; i <= parts.length; i++) all.add(`/${parts.slice(0, i).join('/')}`);
  }
  const depth = (path: string): number => path.split('/').length;
  return [...all].sort((a, b) => depth(a) - depth(b));
}

const executeArn = (d: ApiDesired, apiId: string, scope: string): string => arns(d).executeApi(apiId, scope);
const sameAuthorizer = (a: AuthorizerDef | undefined, b: AuthorizerDef): boolean =>
  !!a && a.uri === b.uri && a.identitySource === b.identitySource && a.ttlSeconds === b.ttlSeconds;
const comparable = (m: ObservedMethod | undefined): unknown => (m ? { ...m, authorizerId: undefined } : null);

function methodDrift(d: ApiDesired, o: ApiObserved): string[] {
  const keys = new Set([...Object.keys(d.definition.methods), ...Object.keys(o.methods)]);
  return [...keys].filter((k) => {
    const want = d.definition.methods[k];
    const have = o.methods[k];
    if (!want || !have) return true;
    const wrongAuthorizer = want.authorization === 'CUSTOM' && have.authorizerId !== o.authorizer?.id;
    return wrongAuthorizer || canonicalJson(comparable(have)) !== canonicalJson(want);
  });
}

/** What AWS assigns the API: its id, which the stage and the distribution take. */
export type ApiOutputs = { id: string };

export const restApi: Provisioner<ApiDesired, ApiObserved, ApiOutputs> = {
  type: 'rest-api',
  service: 'apigateway',
  // Who may call what: the authorizer and the functions' invoke permissions.
  securityFields: ['authorizer', 'invokePermissions'],

  async observe(ctx, d) {
    const found = await findApi(ctx, d.name, d.tags);
    if (!found?.id) return undefined;
    const api = ctx.aws.client(APIGatewayClient);
    const id = found.id;
    // One round: the resources with their methods embedded, the authorizers, the gateway responses and
    // the functions' invoke permissions do not depend on each other.
    const invokers = Object.keys(d.invokers);
    const [resourcePage, authorizerPage, responsePage, granted] = await Promise.all([
      api.send(new GetResourcesCommand({ restApiId: id, limit: 500, embed: ['methods'] })),
      api.send(new GetAuthorizersCommand({ restApiId: id })),
      api.send(new GetGatewayResponsesCommand({ restApiId: id, limit: 500 })),
      Promise.all(invokers.map((fn) => readPermission(ctx, fn))),
    ]);
    const resources = resourcePage.items ?? [];
    const responses = responsePage.items ?? [];
    const permissions = Object.fromEntries(invokers.map((fn, i) => [fn, granted[i]]));
    const methods: Record<string, ObservedMethod> = {};
    await Promise.all(
      resources.flatMap((r) =>
        Object.entries(r.resourceMethods ?? {}).map(async ([m, embedded]) => {
          const read = r.id && r.path ? await readMethod(ctx, id, r.id, m, embedded) : undefined;
          if (read && r.path) methods[`${m} ${r.path}`] = read;
        }),
      ),
    );
    const auth = authorizerPage.items?.find((a) => a.name === d.definition.authorizer.name);
    return {
      id,
      tags: found.tags ?? {},
      resourceIds: Object.fromEntries(
        resources.filter((r) => r.path && r.id).map((r) => [r.path as string, r.id as string]),
      ),
      methods,
      authorizer: auth?.id
        ? {
            id: auth.id,
            name: auth.name ?? '',
            uri: auth.authorizerUri ?? '',
            identitySource: auth.identitySource ?? '',
            ttlSeconds: auth.authorizerResultTtlInSeconds ?? 300,
          }
        : undefined,
      gatewayResponses: Object.fromEntries(
        responses
          .filter((r) => r.responseType && !r.defaultResponse)
          .map((r) => [
            r.responseType as string,
            {
              ...(r.statusCode ? { status: r.statusCode } : {}),
              template: r.responseTemplates?.['application/json'] ?? '',
            },
          ]),
      ),
      permissions,
    };
  },

  tags: (o) => o.tags,

  outputsOf: (_d, o) => ({ id: o.id }),

  diff(d, o) {
    const changes: FieldChange[] = [];
    if (!sameAuthorizer(o.authorizer, d.definition.authorizer))
      changes.push({ field: 'authorizer', from: o.authorizer ?? null, to: d.definition.authorizer });
    const drift = methodDrift(d, o);
    if (drift.length > 0)
      changes.push({
        field: 'methods',
        from: drift.filter((k) => o.methods[k]),
        to: drift.filter((k) => d.definition.methods[k]),
      });
    const responses = Object.keys(d.definition.gatewayResponses).filter(
      (t) => canonicalJson(o.gatewayResponses[t] ?? null) !== canonicalJson(d.definition.gatewayResponses[t]),
    );
    if (responses.length > 0) changes.push({ field: 'gatewayResponses', from: null, to: responses });
    const perms = Object.entries(d.invokers)
      .filter(([fn, scope]) => o.permissions[fn] !== executeArn(d, o.id, scope))
      .map(([fn]) => fn);
    if (perms.length > 0) changes.push({ field: 'invokePermissions', from: null, to: perms });
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    const once = ctx.aws.client(APIGatewayClient, { maxAttempts: 1 });
    const command = new CreateRestApiCommand({
      name: d.name,
      description: d.description,
      endpointConfiguration: { types: ['REGIONAL'] },
      tags: d.tags,
    });
    const made = await createOnce(
      ctx,
      'CreateRestApi',
      async () => (await once.send(command)).id,
      async () => (await findApi(ctx, d.name, d.tags))?.id,
    );
    const observed = await this.observe(ctx, d);
    if (!observed || observed.id !== made)
      throw new Error(`API ${d.name} (${made ?? '?'}) is not visible right after creation`);
    await this.update(ctx, d, observed, this.diff(d, observed));
    return observed;
  },

  async update(ctx, d, o) {
    const api = ctx.aws.client(APIGatewayClient);
    const once = ctx.aws.client(APIGatewayClient, { maxAttempts: 1 });
    const restApiId = o.id;
    // Resources, parents first.
    const ids = { ...o.resourceIds };
    for (const path of d.paths) {
      if (ids[path]) continue;
      const parent = path.slice(0, path.lastIndexOf('/')) || '/';
      const command = new CreateResourceCommand({ restApiId, parentId: ids[parent], pathPart: path.split('/').pop() });
      const made = await createOnce(
        ctx,
        `CreateResource ${path}`,
        async () => (await once.send(command)).id,
        async () =>
          (await api.send(new GetResourcesCommand({ restApiId, limit: 500 }))).items?.find((r) => r.path === path)?.id,
      );
      if (made) ids[path] = made;
    }
    // Authorizer before the methods that reference it.
    const want = d.definition.authorizer;
    let authorizerId = o.authorizer?.id;
    if (!authorizerId) {
      const command = new CreateAuthorizerCommand({
        restApiId,
        name: want.name,
        type: 'TOKEN',
        authorizerUri: want.uri,
        identitySource: want.identitySource,
        authorizerResultTtlInSeconds: want.ttlSeconds,
      });
      // Authorizer names are not unique: a retried create would make a second one.
      authorizerId = await createOnce(
        ctx,
        'CreateAuthorizer',
        async () => (await once.send(command)).id,
        async () =>
          (await api.send(new GetAuthorizersCommand({ restApiId }))).items?.find((a) => a.name === want.name)?.id,
      );
    } else if (!sameAuthorizer(o.authorizer, want)) {
      await api.send(
        new UpdateAuthorizerCommand({
          restApiId,
          authorizerId,
          patchOperations: [
            { op: 'replace', path: '/authorizerUri', value: want.uri },
            { op: 'replace', path: '/identitySource', value: want.identitySource },
            { op: 'replace', path: '/authorizerResultTtlInSeconds', value: String(want.ttlSeconds) },
          ],
        }),
      );
    }
    for (const key of methodDrift(d, {
      ...o,
      authorizer: o.authorizer ?? (authorizerId ? { ...want, id: authorizerId } : undefined),
    })) {
      const { method, path } = splitKey(key);
      const resourceId = ids[path];
      const def = d.definition.methods[key];
      if (!resourceId) continue;
      if (!def) await deleteMethod(ctx, restApiId, resourceId, method);
      else
        await writeMethod(
          ctx,
          {
            apiId: restApiId,
            resourceId,
            httpMethod: method,
            hasPathParam: path.includes('{'),
            authorizerId,
            exists: !!o.methods[key],
          },
          def,
        );
    }
    for (const [type, r] of Object.entries(d.definition.gatewayResponses)) {
      if (canonicalJson(o.gatewayResponses[type] ?? null) === canonicalJson(r)) continue;
      await api.send(
        new PutGatewayResponseCommand({
          restApiId,
          responseType: type as never,
          statusCode: r.status,
          responseParameters: {
            'gatewayresponse.header.Access-Control-Allow-Origin': `'${d.definition.corsOrigin}'`,
            'gatewayresponse.header.Content-Type': "'application/json'",
          },
          responseTemplates: { 'application/json': r.template },
        }),
      );
    }
    for (const [fn, scope] of Object.entries(d.invokers)) {
      const arn = executeArn(d, restApiId, scope);
      if (o.permissions[fn] !== arn) await writePermission(ctx, fn, arn, o.permissions[fn] !== undefined);
    }
    if (tagChanges(d.tags, o.tags).length > 0) {
      await api.send(
        new TagResourceCommand({
          resourceArn: restApiArn(d, restApiId),
          tags: d.tags,
        }),
      );
    }
  },

  async delete(ctx, d, o) {
    for (const fn of Object.keys(d.invokers)) await removePermission(ctx, fn);
    await unless(
      ctx.aws.client(APIGatewayClient).send(new DeleteRestApiCommand({ restApiId: o.id })),
      'NotFoundException',
    );
  },
};
