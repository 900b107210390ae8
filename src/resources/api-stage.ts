// The API stage: a deployment made only when the API definition changed (its
// fingerprint rides in the deployment description), access logs and default throttling.
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateStageCommand,
  DeleteStageCommand,
  GetDeploymentCommand,
  GetStageCommand,
  TagResourceCommand,
  UpdateStageCommand,
  type PatchOperation,
} from '@aws-sdk/client-api-gateway';
import { dnsSuffix, stageArn } from '../aws/arns.js';
import { unless } from '../aws/errors.js';
import { tagChanges } from '../engine/plan.js';
import { type FieldChange, type ProvisionContext, type Provisioner, UNKNOWN } from '../engine/types.js';

export interface StageDesired {
  /** The REST API's id, an output of the API resource (UNKNOWN until it exists). */
  apiId: string;
  stageName: string;
  /** Fingerprint of the API definition this stage must serve. */
  definitionHash: string;
  accessLogArn: string;
  accessLogFormat: string;
  rateLimit: number;
  burstLimit: number;
  /** Tighter limits on some methods (the public product list: its reads cost the table the most). */
  methodThrottles: MethodThrottle[];
  region: string;
  partition: string;
  /** Where API calls go: null for real AWS, else the emulator endpoint (for the URL). */
  endpointUrl: string | null;
  tags: Record<string, string>;
}

/** A method's own throttling, e.g. { path: '/products', method: 'GET', rateLimit: 50, burstLimit: 100 }. */
export interface MethodThrottle {
  path: string;
  method: string;
  rateLimit: number;
  burstLimit: number;
}

export interface StageObserved {
  apiId: string;
  deployed: string | null;
  accessLogArn: string | null;
  accessLogFormat: string | null;
  rateLimit: number | null;
  burstLimit: number | null;
  /** Each method setting's throttling, keyed "/path/METHOD" as API Gateway keys them. */
  methodThrottles: Record<string, string>;
  tags: Record<string, string>;
}

const methodKey = (t: MethodThrottle) => `${t.path}/${t.method}`;
const limits = (rate: number | undefined, burst: number | undefined) => `${rate ?? '-'}/${burst ?? '-'}`;
/** A method settings path: the resource path with "/" escaped as "~1" (API Gateway's UpdateStage). */
const settingsPath = (t: MethodThrottle) => `/${t.path.replace(/\//g, '~1')}/${t.method}`;

export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  time: '$context.requestTime',
  method: '$context.httpMethod',
  path: '$context.resourcePath',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
});

const fingerprint = (d: StageDesired): string => `projet1 ${d.definitionHash}`;

/** The invoke URL in the form the target serves. */
export function apiUrl(
  d: Pick<StageDesired, 'endpointUrl' | 'region' | 'stageName' | 'partition'>,
  apiId: string,
): string {
  if (d.endpointUrl) return `${d.endpointUrl.replace(/\/$/, '')}/restapis/${apiId}/${d.stageName}/_user_request_`;
  return `https://${apiId}.execute-api.${d.region}.${dnsSuffix(d.partition)}/${d.stageName}`;
}

async function deploy(ctx: ProvisionContext, d: StageDesired, apiId: string): Promise<string | undefined> {
  ctx.note('deploying the API');
  const dep = await ctx.aws
    .client(APIGatewayClient)
    .send(new CreateDeploymentCommand({ restApiId: apiId, description: fingerprint(d) }));
  return dep.id;
}

async function settings(ctx: ProvisionContext, d: StageDesired, apiId: string, ops: PatchOperation[]): Promise<void> {
  if (ops.length > 0)
    await ctx.aws
      .client(APIGatewayClient)
      .send(new UpdateStageCommand({ restApiId: apiId, stageName: d.stageName, patchOperations: ops }));
}

function settingOps(d: StageDesired, fields: Set<string>): PatchOperation[] {
  const ops: PatchOperation[] = [];
  if (fields.has('accessLog')) {
    ops.push(
      { op: 'replace', path: '/accessLogSettings/destinationArn', value: d.accessLogArn },
      { op: 'replace', path: '/accessLogSettings/format', value: d.accessLogFormat },
    );
  }
  if (fields.has('throttling')) {
    ops.push(
      { op: 'replace', path: '/*/*/throttling/rateLimit', value: String(d.rateLimit) },
      { op: 'replace', path: '/*/*/throttling/burstLimit', value: String(d.burstLimit) },
    );
  }
  if (fields.has('methodThrottling')) {
    for (const t of d.methodThrottles)
      ops.push(
        { op: 'replace', path: `${settingsPath(t)}/throttling/rateLimit`, value: String(t.rateLimit) },
        { op: 'replace', path: `${settingsPath(t)}/throttling/burstLimit`, value: String(t.burstLimit) },
      );
  }
  return ops;
}

/** The stage's invoke URL (the stack's `apiUrl`) and the API's id. */
export type StageOutputs = { url: string; id: string };

export const apiStage: Provisioner<StageDesired, StageObserved, StageOutputs> = {
  type: 'api-stage',
  service: 'apigateway',

  async observe(ctx, d) {
    if (d.apiId === UNKNOWN) return undefined;
    const api = { id: d.apiId };
    const client = ctx.aws.client(APIGatewayClient);
    const stage = await unless(
      client.send(new GetStageCommand({ restApiId: api.id, stageName: d.stageName })),
      'NotFoundException',
    );
    if (!stage) return undefined;
    const dep = stage.deploymentId
      ? await unless(
          client.send(new GetDeploymentCommand({ restApiId: api.id, deploymentId: stage.deploymentId })),
          'NotFoundException',
        )
      : undefined;
    const all = stage.methodSettings?.['*/*'];
    return {
      apiId: api.id,
      deployed: dep?.description ?? null,
      accessLogArn: stage.accessLogSettings?.destinationArn ?? null,
      accessLogFormat: stage.accessLogSettings?.format ?? null,
      rateLimit: all?.throttlingRateLimit ?? null,
      burstLimit: all?.throttlingBurstLimit ?? null,
      methodThrottles: Object.fromEntries(
        Object.entries(stage.methodSettings ?? {})
          .filter(([key]) => key !== '*/*')
          // Keys read back as "products/GET" or "/products/GET" (as written); one spelling here.
          .map(([key, m]) => [`/${key.replace(/^\//, '')}`, limits(m.throttlingRateLimit, m.throttlingBurstLimit)]),
      ),
      tags: stage.tags ?? {},
    };
  },

  tags: (o) => o.tags,

  diff(d, o) {
    const changes: FieldChange[] = [];
    if (o.deployed !== fingerprint(d)) changes.push({ field: 'deployment', from: o.deployed, to: fingerprint(d) });
    if (o.accessLogArn !== d.accessLogArn || o.accessLogFormat !== d.accessLogFormat)
      changes.push({ field: 'accessLog', from: o.accessLogArn, to: d.accessLogArn });
    if (o.rateLimit !== d.rateLimit || o.burstLimit !== d.burstLimit)
      changes.push({
        field: 'throttling',
        from: `${o.rateLimit ?? '-'}/${o.burstLimit ?? '-'}`,
        to: `${d.rateLimit}/${d.burstLimit}`,
      });
    const methods = d.methodThrottles.filter(
      (t) => o.methodThrottles[methodKey(t)] !== limits(t.rateLimit, t.burstLimit),
    );
    if (methods.length > 0)
      changes.push({
        field: 'methodThrottling',
        from: methods.map((t) => `${methodKey(t)} ${o.methodThrottles[methodKey(t)] ?? 'stage default'}`).join(', '),
        to: methods.map((t) => `${methodKey(t)} ${limits(t.rateLimit, t.burstLimit)}`).join(', '),
      });
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    const api = { id: d.apiId };
    const deploymentId = await deploy(ctx, d, api.id);
    const created = await unless(
      ctx.aws
        .client(APIGatewayClient)
        .send(new CreateStageCommand({ restApiId: api.id, stageName: d.stageName, deploymentId, tags: d.tags })),
      'ConflictException',
    );
    if (!created) await settings(ctx, d, api.id, [{ op: 'replace', path: '/deploymentId', value: deploymentId }]);
    await settings(ctx, d, api.id, settingOps(d, new Set(['accessLog', 'throttling', 'methodThrottling'])));
  },

  async update(ctx, d, o, changes) {
    const fields = new Set(changes.map((c) => c.field));
    const ops = settingOps(d, fields);
    if (fields.has('deployment'))
      ops.unshift({ op: 'replace', path: '/deploymentId', value: await deploy(ctx, d, o.apiId) });
    await settings(ctx, d, o.apiId, ops);
    if (fields.has('tags')) {
      await ctx.aws.client(APIGatewayClient).send(
        new TagResourceCommand({
          resourceArn: stageArn(d, o.apiId, d.stageName),
          tags: d.tags,
        }),
      );
    }
  },

  async delete(ctx, _d, o) {
    await unless(
      ctx.aws.client(APIGatewayClient).send(new DeleteStageCommand({ restApiId: o.apiId, stageName: _d.stageName })),
      'NotFoundException',
    );
  },

  outputsOf: (d, o) => ({ url: apiUrl(d, o.apiId), id: o.apiId }),
};
