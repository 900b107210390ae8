// A fault-injecting HTTP proxy between projet1 and the emulator. It reproduces, seeded, what real
// AWS does and the emulator never does: API Gateway control-plane quotas (429), IAM propagation
// (a new role "cannot be assumed" for a while), Lambda updates in progress (409 and InProgress
// states), CloudFront distributions InProgress after a change, a read right after a create that
// answers NotFound once, random 500/503/throttling, connections reset before or after the call
// was handled, and slow answers. Unsigned requests (the API's own traffic) pass untouched.
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { prng } from '../../src/catalog/generate.js';
import { AwsClients } from '../../runtime/aws/clients.js';
import { emulatorCaPath } from '../../src/emulator/ministack.js';
import { identify, type Call } from './aws-call.js';
import { awsError, type Reply } from './aws-reply.js';
import type { Behaviour, BehaviourContext, RawRequest } from './aws-behaviour/types.js';

export interface FaultProfile {
  seed: number;
  /** Chance that a signed call fails with a random 500, 503 or throttling answer, or a reset. */
  randomFault: number;
  /** Chance that an answer is delayed (100-600 ms). */
  slow: number;
  /** How long a new or changed role cannot be assumed by Lambda or API Gateway. */
  iamPropagationMs: number;
  /** How long a function stays "InProgress" after a change, refusing other changes (409). */
  lambdaUpdateMs: number;
  /** How long a distribution stays "InProgress" after a change. */
  cloudfrontMs: number;
  /** How long after a create a read of the same resource may still answer NotFound (once). */
  readAfterCreateMs: number;
  /** Operations ("service.Operation") whose first answer is lost after the call took effect. */
  loseFirstAnswerOf: string[];
  /** Lose answers of creates too (a retry then meets what the first attempt made). */
  lostCreates: boolean;
  /** API Gateway's published per-account rates, as the minimum interval between calls. */
  quotas: Record<string, number>;
  /** Documented AWS behaviours played on top of the faults above (see aws-behaviour/). */
  behaviours?: Behaviour[];
  /** AWS's durations in `behaviours` are multiplied by this (1 = real time). */
  scale?: number;
}

export const REALISTIC: FaultProfile = {
  seed: 1,
  randomFault: 0.08,
  slow: 0.1,
  iamPropagationMs: 1500,
  lambdaUpdateMs: 800,
  cloudfrontMs: 2500,
  readAfterCreateMs: 2000,
  lostCreates: false,
  loseFirstAnswerOf: [],
  quotas: { CreateResource: 200, CreateDeployment: 5000, DeleteRestApi: 30000, CreateRestApi: 3000 },
};

export type FaultKind =
  | 'quota'
  | 'iam-propagation'
  | 'lambda-conflict'
  | 'lambda-in-progress'
  | 'cloudfront-in-progress'
  | 'not-found-once'
  | 'server-error'
  | 'throttled'
  | 'reset-before'
  | 'reset-after'
  | 'slow';

export interface FaultProxy {
  url: string;
  /** Faults and behaviours injected so far, by kind. */
  injected: Map<FaultKind | string, number>;
  /** The calls of `loseFirstAnswerOf` whose answer was lost so far. */
  lostOnce: Set<string>;
  /** Every signed call received, by "service.Operation". */
  calls: Map<string, number>;
  /** Mutating calls that reached the emulator, by "service.Operation". */
  forwarded: Map<string, number>;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, profile: FaultProfile): Promise<FaultProxy> {
  // Seeded, so a failing run can be replayed.
  const rnd = prng(profile.seed);
  const injected = new Map<FaultKind | string, number>();
  const forwarded = new Map<string, number>();
  const count = (k: FaultKind | string) => injected.set(k, (injected.get(k) ?? 0) + 1);
  const behaviours = profile.behaviours ?? [];
  const upstream = new URL(target);
  // An https emulator (enforced IAM judges aws:SecureTransport by it) is reached over TLS, trusting its CA.
  const tls = upstream.protocol === 'https:';
  const emulator = new AwsClients(
    { region: 'eu-west-3', endpointUrl: target, profile: null, ...(tls ? { caBundle: [emulatorCaPath()] } : {}) },
    { credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }) },
  );
  const behaviourContext = (): BehaviourContext => ({ now: Date.now(), scale: profile.scale ?? 1, emulator, count });
  const lastCall = new Map<string, number>();
  const roleChanged = new Map<string, number>();
  const functionChanged = new Map<string, number>();
  const functionCreated = new Map<string, number>();
  const distributionChanged = new Map<string, number>();
  const createdNotRead = new Map<string, number>();
  const lostOnce = new Set<string>();
  const calls = new Map<string, number>();

  /** A fault decided before the call reaches the emulator, or undefined to forward it. */
  function before(call: Call): Reply | 'reset' | 'reset-after' | undefined {
    const now = Date.now();
    const gap = call.service === 'apigateway' ? profile.quotas[call.operation] : undefined;
    if (gap !== undefined) {
      const last = lastCall.get(call.operation) ?? 0;
      if (now - last < gap) {
        count('quota');
        return awsError(call, 429, 'TooManyRequestsException', 'Too Many Requests');
      }
    }
    const role = call.roleArn?.split('/').pop();
    const assumable = (r: string | undefined) => !r || now - (roleChanged.get(r) ?? 0) >= profile.iamPropagationMs;
    if (call.service === 'lambda' && /^(CreateFunction|UpdateFunctionConfiguration)$/.test(call.operation)) {
      if (!assumable(role)) {
        count('iam-propagation');
        return awsError(
          call,
          400,
          'InvalidParameterValueException',
          'The role defined for the function cannot be assumed by Lambda.',
        );
      }
    }
    if (call.service === 'apigateway' && call.operation === 'UpdateAccount' && !assumable(role)) {
      count('iam-propagation');
      return awsError(
        call,
        400,
        'BadRequestException',
        'The role ARN does not have required permissions set to API Gateway',
      );
    }
    if (call.service === 'lambda' && call.operation.startsWith('Update') && call.resource) {
      if (now - (functionChanged.get(call.resource) ?? 0) < profile.lambdaUpdateMs) {
        count('lambda-conflict');
        const msg = `The operation cannot be performed at this time. An update is in progress for resource: ${call.resource}`;
        return awsError(call, 409, 'ResourceConflictException', msg);
      }
    }
    const created = call.readOf ? createdNotRead.get(call.readOf) : undefined;
    if (
      call.readOf &&
      created !== undefined &&
      createdNotRead.delete(call.readOf) &&
      now - created < profile.readAfterCreateMs
    ) {
      count('not-found-once');
      const code = call.service === 'iam' ? 'NoSuchEntity' : 'ResourceNotFoundException';
      return awsError(call, call.service === 'dynamodb' ? 400 : 404, code, `Not found: ${call.readOf}`);
    }
    const key = `${call.service}.${call.operation}`;
    if (profile.loseFirstAnswerOf.includes(key) && !lostOnce.has(key)) {
      lostOnce.add(key);
      return 'reset-after';
    }
    if (rnd() < profile.randomFault) {
      const pick = rnd();
      if (pick < 0.3) {
        count('server-error');
        return { status: rnd() < 0.5 ? 500 : 503, headers: {}, body: '' };
      }
      if (pick < 0.6 && call.protocol !== 'rest-xml' && call.protocol !== 'rpcv2') {
        count('throttled');
        if (call.protocol === 'rest-json') return awsError(call, 429, 'TooManyRequestsException', 'Rate exceeded');
        return awsError(call, 400, 'ThrottlingException', 'Rate exceeded');
      }
      // A lost answer after the call was handled only for calls safe to repeat (reads, puts by name).
      if (pick < 0.8 && (!call.mutating || call.idempotent || profile.lostCreates)) return 'reset-after';
      count('reset-before');
      return 'reset';
    }
    return undefined;
  }

  /** Remembers what a successful call changed, and rewrites states that real AWS reports for a while. */
  function after(call: Call, body: string): string {
    const now = Date.now();
    if (call.mutating)
      forwarded.set(`${call.service}.${call.operation}`, (forwarded.get(`${call.service}.${call.operation}`) ?? 0) + 1);
    if (call.service === 'apigateway' && profile.quotas[call.operation] !== undefined)
      lastCall.set(call.operation, now);
    if (
      call.service === 'iam' &&
      /^(CreateRole|PutRolePolicy|UpdateAssumeRolePolicy)$/.test(call.operation) &&
      call.resource
    )
      roleChanged.set(call.resource, now);
    if (call.service === 'lambda' && call.mutating && call.resource && /^(Create|Update)Function/.test(call.operation))
      functionChanged.set(call.resource, now);
    if (call.service === 'lambda' && call.operation === 'CreateFunction' && call.resource)
      functionCreated.set(call.resource, now);
    if (call.service === 'cloudfront' && /^(Create|Update)Distribution/.test(call.operation)) {
      const id = /<Id>([^<]+)<\/Id>/.exec(body)?.[1] ?? call.resource;
      if (id) distributionChanged.set(id, now);
    }
    if (call.createdKey) createdNotRead.set(call.createdKey, now);
    if (call.service === 'lambda' && !call.mutating && call.resource) {
      const busy = /"LastUpdateStatus"\s*:\s*"Successful"|"State"\s*:\s*"Active"/g;
      if (now - (functionChanged.get(call.resource) ?? 0) < profile.lambdaUpdateMs && busy.test(body)) {
        count('lambda-in-progress');
        return body
          .replace(/"LastUpdateStatus"\s*:\s*"Successful"/g, '"LastUpdateStatus":"InProgress"')
          .replace(/"State"\s*:\s*"Active"/g, (m) =>
            now - (functionCreated.get(call.resource ?? '') ?? 0) < profile.lambdaUpdateMs ? '"State":"Pending"' : m,
          );
      }
    }
    if (call.service === 'cloudfront' && call.operation === 'GetDistribution' && call.resource) {
      if (
        now - (distributionChanged.get(call.resource) ?? 0) < profile.cloudfrontMs &&
        body.includes('<Status>Deployed<')
      ) {
        count('cloudfront-in-progress');
        return body.replace('<Status>Deployed</Status>', '<Status>InProgress</Status>');
      }
    }
    return body;
  }

  const forward = (
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const options = { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url };
      const out = (tls ? httpsRequest : httpRequest)(
        { ...options, headers: req.headers, ...(tls ? { ca: readFileSync(emulatorCaPath()) } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const call = identify(req.method ?? 'GET', req.url ?? '/', req.headers, body);
    if (call) calls.set(`${call.service}.${call.operation}`, (calls.get(`${call.service}.${call.operation}`) ?? 0) + 1);
    if (call && rnd() < profile.slow) {
      count('slow');
      await new Promise((r) => setTimeout(r, 100 + rnd() * 500));
    }
    const raw: RawRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body };
    let played: Reply | undefined;
    if (call) for (const b of behaviours) if (!played) played = await b.before?.(call, raw, behaviourContext());
    const fault = played ?? (call ? before(call) : undefined);
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault && fault !== 'reset-after') {
      res.writeHead(fault.status, { ...fault.headers, 'content-length': Buffer.byteLength(fault.body) });
      res.end(fault.body);
      return;
    }
    const answer = await forward(req, body);
    if (fault === 'reset-after') {
      if (call && answer.status < 300) after(call, answer.body.toString('utf8'));
      count('reset-after');
      req.socket.destroy();
      return;
    }
    let out = answer.body;
    if (call && answer.status < 300) {
      const text = answer.body.toString('utf8');
      let rewritten = after(call, text);
      const ctx = behaviourContext();
      for (const b of behaviours) if (b.after) rewritten = b.after(call, raw, rewritten, ctx);
      if (rewritten !== text) out = Buffer.from(rewritten);
    }
    const headers = { ...answer.headers, 'content-length': String(out.length) };
    delete headers['transfer-encoding'];
    res.writeHead(answer.status, headers);
    res.end(out);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    injected,
    forwarded,
    lostOnce,
    calls,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
