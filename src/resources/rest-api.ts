// The REST API and everything in it: resources, methods with Lambda proxy integrations,
// CORS preflights, the token authorizer, gateway responses, and the functions' invoke
// permissions. Found again by name (no state file); drift is read method by method (embedded in the resource listing).
import {
  APIGatewayClient,
  CreateRestApiCommand,
  DeleteRestApiCommand,
  GetAuthorizersCommand,
  GetGatewayResponsesCommand,
  GetResourcesCommand,
  TagResourceCommand,
  type RestApi,
  paginateGetRestApis,
} from '@aws-sdk/client-api-gateway';
import { arns, restApiArn } from '../aws/arns.js';
import { unless } from '../aws/errors.js';
import { canonicalJson } from '../engine/canonical.js';
import { createOnce } from '../engine/retry.js';
import { tagChanges } from '../engine/plan.js';
import type { FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';
import type { ApiDefinition, AuthorizerDef, GatewayResponseDef } from './api-definition.js';
import { readMethod, type ObservedMethod } from './api-methods.js';
import { readPermission, removePermission, writePermission } from './api-permissions.js';
import {
  ensureAuthorizer,
  ensureResources,
  methodDrift,
  sameAuthorizer,
  writeGatewayResponses,
  writeMethods,
} from './rest-api-update.js';

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
  for await (const page of paginateGetRestApis({ client: api }, { limit: 500 }))
    all.push(...(page.items ?? []).filter((a) => a.name === name));
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
/** What AWS assigns the API: its id, which the stage and the distribution take. */
export type ApiOutputs = { id: string };

/** A gateway response's CORS origin: its header's static value, quoted in the mapping ("'*'"). */
function allowOrigin(params: Record<string, string> | undefined): { allowOrigin?: string } {
  const quoted = params?.['gatewayresponse.header.Access-Control-Allow-Origin'];
  return quoted === undefined ? {} : { allowOrigin: quoted.replace(/^'(.*)'$/, '$1') };
}

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
              ...allowOrigin(r.responseParameters),
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
    const ids = await ensureResources(ctx, d, o);
    // Authorizer before the methods that reference it.
    const authorizerId = await ensureAuthorizer(ctx, d, o);
    await writeMethods(ctx, d, o, ids, authorizerId);
    await writeGatewayResponses(ctx, d, o);
    for (const [fn, scope] of Object.entries(d.invokers)) {
      const arn = executeArn(d, o.id, scope);
      if (o.permissions[fn] !== arn) await writePermission(ctx, fn, arn, o.permissions[fn] !== undefined);
    }
    if (tagChanges(d.tags, o.tags).length > 0) {
      await ctx.aws
        .client(APIGatewayClient)
        .send(new TagResourceCommand({ resourceArn: restApiArn(d, o.id), tags: d.tags }));
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
