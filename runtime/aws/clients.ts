// The one place that constructs AWS SDK clients. Business code asks for a client by
// its class (`aws.client(DynamoDBClient)`); the SDK module itself is only loaded by
// the provisioner that imports it, so `--help` never pays for it.
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { backoff } from './backoff.js';
import type { AwsCredentialIdentity } from '@smithy/types';
import { RateLimiter } from './rate-limit.js';

export interface AwsTarget {
  region: string;
  endpointUrl: string | null;
  profile: string | null;
  /** PEM files of certificate authorities to trust besides the usual ones (AWS_CA_BUNDLE, the local emulator's). */
  caBundle?: string[] | null;
  /** Bounds on every call: connecting, and a whole request (long operations use waiters, not long requests). */
  timeouts?: { connectMs: number; requestMs: number };
}

export const DEFAULT_TIMEOUTS = { connectMs: 5000, requestMs: 30000 };

export interface AwsCall {
  service: string;
  operation: string;
  mutating: boolean;
}

/** One more attempt of a call the SDK retries on its own (throttling, a 5xx, a reset connection). */
export interface AwsRetry {
  service: string;
  operation: string;
  /** 2 for the first retry. */
  attempt: number;
  /** Why the previous attempt failed: the error's name, and its HTTP status when there was one. */
  after: string;
}

export type CredentialSource = () => Promise<AwsCredentialIdentity>;

export interface ClientConfig {
  region: string;
  endpoint?: string;
  credentials?: CredentialSource;
  maxAttempts: number;
  retryMode: 'standard';
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true } | NodeHttpHandler;
  retryStrategy?: ConfiguredRetryStrategy;
  /** S3 on an emulator only answers path-style requests. */
  forcePathStyle?: boolean;
  /** Only `AwsTarget.endpointUrl` redirects calls (see clientConfig). */
  ignoreConfiguredEndpointUrls: true;
}

type MiddlewareFn = (
  next: (args: unknown) => Promise<unknown>,
  context: { clientName?: string; commandName?: string },
) => (args: unknown) => Promise<unknown>;
interface SdkClient {
  // Any SDK client: each has a middleware stack typed for its own commands, which a
  // structural type cannot name; `instrument` narrows it to the one use we make of it.
  middlewareStack: { add: (...args: never[]) => void };
  destroy(): void;
}
type StackAdd = {
  add(fn: MiddlewareFn, opts: { step: 'initialize' | 'finalizeRequest'; name: string; priority?: 'low' }): void;
};
export type ClientClass<C extends SdkClient> = new (config: ClientConfig) => C;

/**
 * Connections per host: the SDK's 50 on AWS. An endpoint (an emulator) serves every service on one
 * host and gains nothing from more than a few at once: 8 made a no-op `plan` on the TLS emulator 8 %
 * faster than one pool per client (28 handshakes for 104 calls).
 */
const MAX_SOCKETS = { aws: 50, endpoint: 8 };

/** Where a failed call's service and operation are kept on its error. */
export const CALL = Symbol.for('projet1.call');
const ATTEMPT = Symbol('projet1.attempt');

/** Operations that never change anything (AWS naming conventions). */
const READ_ONLY = /^(Get|Describe|List|Head|Query|Scan|BatchGet|Lookup|Search|Select|Test)/;

// Real AWS publishes hard per-account rates for some control-plane calls; going over
// them means 429s that the SDK would retry anyway, so pace them up front.
// API Gateway's control plane answers 429 for tens of seconds (DeleteRestApi: 1 per 30 s per
// account), well past the SDK's default backoff (about 3 s over 6 attempts): retry its calls
// for longer, from 0.5-1 s up to 5-10 s between attempts (at least 30 s in all).
const LONG_QUOTAS = new Set(['APIGatewayClient']);
const QUOTA_ATTEMPTS = 10;

const RATE_LIMITS: Record<string, number> = {
  'APIGateway.CreateDeployment': 5000,
  'APIGateway.CreateResource': 200,
  'APIGateway.PutMethod': 200,
  'APIGateway.PutIntegration': 200,
  'APIGateway.DeleteRestApi': 30000,
  'APIGateway.CreateRestApi': 3000,
  // 1 per 20 s per account (API Gateway developer guide, "API Gateway quotas for creating, deploying
  // and managing an API"); projet1 calls it once per account and region, and again only to retry.
  'APIGateway.UpdateAccount': 20000,
};

export class AwsClients {
  readonly target: AwsTarget;
  /** Every call made, for `--verbose` and the tests; empty unless counting (a warm Lambda would grow it forever). */
  readonly calls: AwsCall[] = [];
  /** Attempts the SDK made again, in order (`--verbose` shows them as they happen through `onRetry`). */
  readonly retries: AwsRetry[] = [];
  onRetry: ((retry: AwsRetry) => void) | undefined;
  private readonly countCalls: boolean;
  private readonly cache = new Map<unknown, SdkClient>();
  private readonly limiter: RateLimiter;
  private readonly credentials: CredentialSource | undefined;
  /** One connection pool for every client of the run (see clientConfig). */
  private agents: { http: HttpAgent; https: HttpsAgent } | undefined;

  /**
   * `credentials`: how to get credentials (the CLI passes `cliCredentials`); omitted, the
   * SDK's own default chain applies, which is right inside Lambda. `countCalls` (default
   * true) records every call; handlers turn it off.
   */
  constructor(target: AwsTarget, opts: { credentials?: CredentialSource; countCalls?: boolean } = {}) {
    this.target = target;
    this.credentials = opts.credentials;
    this.countCalls = opts.countCalls ?? true;
    // Emulators have no control-plane quotas; pacing there would only slow the loop.
    this.limiter = new RateLimiter(target.endpointUrl ? {} : RATE_LIMITS);
  }

  /**
   * A cached, instrumented client of the given SDK class. `region` overrides the target's, for the
   * few resources AWS keeps in one region (CloudFront's metrics and alarms live in us-east-1).
   * `requestMs` shortens the bound on each request (the first call of a run: a silent endpoint).
   */
  client<C extends SdkClient>(
    ctor: ClientClass<C>,
    opts: { maxAttempts?: number; region?: string; requestMs?: number } = {},
  ): C {
    const plain =
      opts.maxAttempts === undefined &&
      opts.requestMs === undefined &&
      (opts.region === undefined || opts.region === this.target.region);
    const key = plain
      ? ctor
      : `${ctor.name}:${opts.maxAttempts ?? 6}:${opts.region ?? this.target.region}:${opts.requestMs ?? ''}`;
    const hit = this.cache.get(key);
    if (hit) return hit as C;
    const config = this.clientConfig(opts.maxAttempts ?? 6, opts.region, opts.requestMs);
    if (LONG_QUOTAS.has(ctor.name) && opts.maxAttempts === undefined) {
      config.maxAttempts = QUOTA_ATTEMPTS;
      config.retryStrategy = new ConfiguredRetryStrategy(QUOTA_ATTEMPTS, (attempt) =>
        backoff(attempt, 1000, 10000, true),
      );
    }
    const client = new ctor(config);
    const stack = client.middlewareStack as unknown as StackAdd;
    stack.add(this.instrument(), { step: 'initialize', name: 'projet1Instrument' });
    // Inside the SDK's retry loop (low priority in its step): runs once per attempt.
    stack.add(this.attempts(), { step: 'finalizeRequest', name: 'projet1Attempts', priority: 'low' });
    this.cache.set(key, client);
    return client;
  }

  clientConfig(maxAttempts: number, region = this.target.region, requestMs?: number): ClientConfig {
    const bound = this.target.timeouts ?? DEFAULT_TIMEOUTS;
    const t = { ...bound, requestMs: Math.min(requestMs ?? bound.requestMs, bound.requestMs) };
    // The SDK only warns when a request exceeds its timeout unless told to throw: an endpoint that
    // accepts connections and never answers would otherwise hang the CLI for good.
    const bounds = {
      connectionTimeout: t.connectMs,
      requestTimeout: t.requestMs,
      throwOnRequestTimeout: true as const,
    };
    const pool = this.pool();
    return {
      region,
      maxAttempts,
      retryMode: 'standard',
      // The SDK would also send a service's calls to AWS_ENDPOINT_URL_<SERVICE> or a profile's endpoint_url,
      // unannounced and with the real credentials of the chain: the one endpoint is the target's, which
      // the CLI shows and checks (credentials.ts) and which already comes from AWS_ENDPOINT_URL.
      ignoreConfiguredEndpointUrls: true,
      requestHandler: new NodeHttpHandler({ ...bounds, httpAgent: pool.http, httpsAgent: pool.https }),
      ...(this.credentials ? { credentials: this.credentials } : {}),
      ...(this.target.endpointUrl ? { endpoint: this.target.endpointUrl, forcePathStyle: true } : {}),
    };
  }

  /** One keep-alive pool for every client of the run (and its uncounted sibling). */
  private pool(): { http: HttpAgent; https: HttpsAgent } {
    if (!this.agents) {
      const maxSockets = this.target.endpointUrl ? MAX_SOCKETS.endpoint : MAX_SOCKETS.aws;
      const options = { keepAlive: true, maxSockets };
      this.agents = { http: new HttpAgent(options), https: new HttpsAgent({ ...options, ...this.tls() }) };
    }
    return this.agents;
  }

  /** Only HTTPS needs the certificates: an http:// emulator never builds a TLS context (~15 ms of CPU). */
  private tls(): { secureContext?: SecureContext } {
    if (!this.target.caBundle?.length || this.target.endpointUrl?.startsWith('http:')) return {};
    // One secure context for every connection: building one per socket from ~150 roots costs
    // tens of milliseconds of CPU each. An emulator needs only its own certificate.
    const extra = this.target.caBundle.map((file) => readFileSync(file, 'utf8'));
    return {
      secureContext: createSecureContext({ ca: this.target.endpointUrl ? extra : [...rootCertificates, ...extra] }),
    };
  }

  /** Clients on the same target whose calls are not counted: bookkeeping (the stack lock), not the stack. */
  uncounted(): AwsClients {
    const sibling = new AwsClients(this.target, {
      ...(this.credentials ? { credentials: this.credentials } : {}),
      countCalls: false,
    });
    // One pool and TLS context for both: building a context costs ~15 ms of CPU.
    sibling.agents = this.pool();
    return sibling;
  }

  mutatingCalls(): AwsCall[] {
    return this.calls.filter((c) => c.mutating);
  }

  destroy(): void {
    for (const client of this.cache.values()) client.destroy();
    this.cache.clear();
  }

  private attempts(): MiddlewareFn {
    return (next, context) => async (args) => {
      const bag = context as Record<symbol, { n: number; after: string } | undefined>;
      const state = bag[ATTEMPT] ?? { n: 0, after: '' };
      bag[ATTEMPT] = state;
      state.n++;
      if (state.n > 1) {
        const retry: AwsRetry = {
          service: (context.clientName ?? 'Unknown').replace(/Client$/, ''),
          operation: (context.commandName ?? 'Unknown').replace(/Command$/, ''),
          attempt: state.n,
          after: state.after,
        };
        if (this.countCalls) this.retries.push(retry);
        this.onRetry?.(retry);
      }
      try {
        return await next(args);
      } catch (err) {
        const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
        const status = e.$metadata?.httpStatusCode;
        state.after = `${e.code ?? e.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}`;
        throw err;
      }
    };
  }

  private instrument(): MiddlewareFn {
    return (next, context) => async (args) => {
      const service = (context.clientName ?? 'Unknown').replace(/Client$/, '');
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      if (this.countCalls) this.calls.push({ service, operation, mutating: !READ_ONLY.test(operation) });
      await this.limiter.wait(`${service}.${operation}`);
      try {
        return await next(args);
      } catch (err) {
        // Errors name neither service nor operation; errors.ts needs both to explain an odd answer.
        // One error can fail several calls (the cached credentials' rejection): the first call names it.
        if (typeof err === 'object' && err !== null && !Object.hasOwn(err, CALL))
          Object.defineProperty(err, CALL, { value: { service, operation }, enumerable: false });
        throw err;
      }
    };
  }
}
