// Writing a REST API's contents: its resources, authorizer, methods and gateway responses, each
// only where it drifted from the definition. The drift itself (`methodDrift`) is read here too, so
// `diff` and `update` agree on it.
import {
  APIGatewayClient,
  CreateAuthorizerCommand,
  CreateResourceCommand,
  GetAuthorizersCommand,
  GetResourcesCommand,
  PutGatewayResponseCommand,
  UpdateAuthorizerCommand,
} from '@aws-sdk/client-api-gateway';
import { canonicalJson } from '../engine/canonical.js';
import { createOnce } from '../engine/retry.js';
import type { ProvisionContext } from '../engine/types.js';
import { splitKey, type AuthorizerDef } from './api-definition.js';
import { deleteMethod, writeMethod, type ObservedMethod } from './api-methods.js';
import type { ApiDesired, ApiObserved } from './rest-api.js';

export const sameAuthorizer = (a: AuthorizerDef | undefined, b: AuthorizerDef): boolean =>
  !!a && a.uri === b.uri && a.identitySource === b.identitySource && a.ttlSeconds === b.ttlSeconds;
const comparable = (m: ObservedMethod | undefined): unknown => (m ? { ...m, authorizerId: undefined } : null);

export function methodDrift(d: ApiDesired, o: ApiObserved): string[] {
  const keys = new Set([...Object.keys(d.definition.methods), ...Object.keys(o.methods)]);
  return [...keys].filter((k) => {
    const want = d.definition.methods[k];
    const have = o.methods[k];
    if (!want || !have) return true;
    const wrongAuthorizer = want.authorization === 'CUSTOM' && have.authorizerId !== o.authorizer?.id;
    return wrongAuthorizer || canonicalJson(comparable(have)) !== canonicalJson(want);
  });
}

/** The API's resources (path -> id), creating the missing ones, parents first. */
export async function ensureResources(
  ctx: ProvisionContext,
  d: ApiDesired,
  o: ApiObserved,
): Promise<Record<string, string>> {
  const api = ctx.aws.client(APIGatewayClient);
  const once = ctx.aws.client(APIGatewayClient, { maxAttempts: 1 });
  const restApiId = o.id;
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
  return ids;
}

/** The token authorizer's id: created when missing, its settings replaced when they drifted. */
export async function ensureAuthorizer(
  ctx: ProvisionContext,
  d: ApiDesired,
  o: ApiObserved,
): Promise<string | undefined> {
  const api = ctx.aws.client(APIGatewayClient);
  const restApiId = o.id;
  const want = d.definition.authorizer;
  const authorizerId = o.authorizer?.id;
  if (!authorizerId) {
    const once = ctx.aws.client(APIGatewayClient, { maxAttempts: 1 });
    const command = new CreateAuthorizerCommand({
      restApiId,
      name: want.name,
      type: 'TOKEN',
      authorizerUri: want.uri,
      identitySource: want.identitySource,
      authorizerResultTtlInSeconds: want.ttlSeconds,
    });
    // Authorizer names are not unique: a retried create would make a second one.
    return createOnce(
      ctx,
      'CreateAuthorizer',
      async () => (await once.send(command)).id,
      async () =>
        (await api.send(new GetAuthorizersCommand({ restApiId }))).items?.find((a) => a.name === want.name)?.id,
    );
  }
  if (!sameAuthorizer(o.authorizer, want)) {
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
  return authorizerId;
}

/** Writes the methods that drifted (or deletes those the definition no longer has). */
export async function writeMethods(
  ctx: ProvisionContext,
  d: ApiDesired,
  o: ApiObserved,
  ids: Record<string, string>,
  authorizerId: string | undefined,
): Promise<void> {
  const want = d.definition.authorizer;
  for (const key of methodDrift(d, {
    ...o,
    authorizer: o.authorizer ?? (authorizerId ? { ...want, id: authorizerId } : undefined),
  })) {
    const { method, path } = splitKey(key);
    const resourceId = ids[path];
    const def = d.definition.methods[key];
    if (!resourceId) continue;
    if (!def) await deleteMethod(ctx, o.id, resourceId, method);
    else
      await writeMethod(
        ctx,
        {
          apiId: o.id,
          resourceId,
          httpMethod: method,
          hasPathParam: path.includes('{'),
          authorizerId,
          exists: !!o.methods[key],
        },
        def,
      );
  }
}

/** The gateway responses that differ, with the CORS origin and JSON content type. */
export async function writeGatewayResponses(ctx: ProvisionContext, d: ApiDesired, o: ApiObserved): Promise<void> {
  const api = ctx.aws.client(APIGatewayClient);
  for (const [type, r] of Object.entries(d.definition.gatewayResponses)) {
    if (canonicalJson(o.gatewayResponses[type] ?? null) === canonicalJson(r)) continue;
    await api.send(
      new PutGatewayResponseCommand({
        restApiId: o.id,
        responseType: type as never,
        statusCode: r.status,
        responseParameters: {
          ...(r.allowOrigin === undefined
            ? {}
            : { 'gatewayresponse.header.Access-Control-Allow-Origin': `'${r.allowOrigin}'` }),
          'gatewayresponse.header.Content-Type': "'application/json'",
        },
        responseTemplates: { 'application/json': r.template },
      }),
    );
  }
}
