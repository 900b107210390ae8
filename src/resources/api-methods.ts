// Reading and writing API Gateway methods in the normalized MethodDef form.
import {
  APIGatewayClient,
  DeleteMethodCommand,
  GetMethodCommand,
  type Method,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
} from '@aws-sdk/client-api-gateway';
import { unless } from '../aws/errors.js';
import type { ProvisionContext } from '../engine/types.js';
import type { MethodDef } from './api-definition.js';

export interface ObservedMethod extends MethodDef {
  authorizerId?: string;
}

const HEADER = 'method.response.header.';

/**
 * The method as GetResources(embed=methods) returned it, or read on its own when the embedded copy is
 * bare (API Gateway documents embedding; a method without its `httpMethod` was not embedded).
 */
export async function readMethod(
  ctx: ProvisionContext,
  apiId: string,
  resourceId: string,
  httpMethod: string,
  embedded: Method | undefined,
): Promise<ObservedMethod | undefined> {
  const m = embedded?.httpMethod
    ? embedded
    : await unless(
        ctx.aws.client(APIGatewayClient).send(new GetMethodCommand({ restApiId: apiId, resourceId, httpMethod })),
        'NotFoundException',
      );
  if (!m) return undefined;
  const integration = m.methodIntegration;
  const out: ObservedMethod = {
    authorization: m.authorizationType === 'CUSTOM' ? 'CUSTOM' : 'NONE',
    integration: integration?.type === 'MOCK' ? 'MOCK' : 'AWS_PROXY',
  };
  if (m.authorizerId) out.authorizerId = m.authorizerId;
  if (m.apiKeyRequired) out.apiKeyRequired = true;
  if (integration?.type === 'AWS_PROXY' && integration.uri) out.uri = integration.uri;
  if (integration?.type !== 'AWS_PROXY' && integration?.type !== 'MOCK')
    out.uri = `(unexpected ${integration?.type ?? 'no'} integration)`;
  const params = integration?.integrationResponses?.['200']?.responseParameters;
  if (integration?.type === 'MOCK') {
    out.headers = Object.fromEntries(
      Object.entries(params ?? {}).map(([k, v]) => [k.replace(HEADER, ''), v.replace(/^'|'$/g, '')]),
    );
  }
  return out;
}

/** Replaces the method wholesale: API Gateway refuses PutMethod on an existing method. */
export async function writeMethod(
  ctx: ProvisionContext,
  target: {
    apiId: string;
    resourceId: string;
    httpMethod: string;
    hasPathParam: boolean;
    authorizerId: string | undefined;
    exists: boolean;
  },
  def: MethodDef,
): Promise<void> {
  const api = ctx.aws.client(APIGatewayClient);
  const { apiId: restApiId, resourceId, httpMethod } = target;
  if (target.exists)
    await unless(api.send(new DeleteMethodCommand({ restApiId, resourceId, httpMethod })), 'NotFoundException');
  await api.send(
    new PutMethodCommand({
      restApiId,
      resourceId,
      httpMethod,
      authorizationType: def.authorization,
      authorizerId: def.authorization === 'CUSTOM' ? target.authorizerId : undefined,
      ...(def.apiKeyRequired ? { apiKeyRequired: true } : {}),
      requestParameters:
        target.hasPathParam && def.integration !== 'MOCK' ? { 'method.request.path.product_id': true } : undefined,
    }),
  );
  if (def.integration === 'AWS_PROXY') {
    await api.send(
      new PutIntegrationCommand({
        restApiId,
        resourceId,
        httpMethod,
        type: 'AWS_PROXY',
        integrationHttpMethod: 'POST',
        uri: def.uri,
      }),
    );
    return;
  }
  const headers = def.headers ?? {};
  await api.send(
    new PutIntegrationCommand({
      restApiId,
      resourceId,
      httpMethod,
      type: 'MOCK',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
    }),
  );
  await api.send(
    new PutMethodResponseCommand({
      restApiId,
      resourceId,
      httpMethod,
      statusCode: '200',
      responseParameters: Object.fromEntries(Object.keys(headers).map((h) => [`${HEADER}${h}`, false])),
    }),
  );
  await api.send(
    new PutIntegrationResponseCommand({
      restApiId,
      resourceId,
      httpMethod,
      statusCode: '200',
      responseParameters: Object.fromEntries(Object.entries(headers).map(([h, v]) => [`${HEADER}${h}`, `'${v}'`])),
      responseTemplates: { 'application/json': '' },
    }),
  );
}

export async function deleteMethod(
  ctx: ProvisionContext,
  apiId: string,
  resourceId: string,
  httpMethod: string,
): Promise<void> {
  await unless(
    ctx.aws.client(APIGatewayClient).send(new DeleteMethodCommand({ restApiId: apiId, resourceId, httpMethod })),
    'NotFoundException',
  );
}
