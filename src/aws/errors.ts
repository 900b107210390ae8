// Turns SDK failures into one-line user errors, and tells "absent" from "broken".
import { AwsAccessError, UserError } from '../errors.js';
import { type AwsTarget, CALL } from '../../runtime/aws/clients.js';

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
  [CALL]?: { service: string; operation: string };
}

function shape(err: unknown): SdkErrorShape {
  return typeof err === 'object' && err !== null ? (err as SdkErrorShape) : {};
}

/** The HTTP status AWS answered with, when the error carries one. */
export function httpStatus(err: unknown): number | undefined {
  return shape(err).$metadata?.httpStatusCode;
}

/** True when `err` is one of the named service errors (the service's NotFound, usually). */
export function isAwsError(err: unknown, ...names: string[]): boolean {
  const e = shape(err);
  return names.includes(e.name ?? '') || names.includes(e.code ?? '');
}

const NETWORK_CODES = [
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'TimeoutError',
];
const CREDENTIAL_ERRORS = [
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
];
const ACCESS_ERRORS = ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedException'];

function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = shape(e).cause, depth++) {
    const s = shape(e);
    const hit = NETWORK_CODES.find((c) => c === s.code || c === s.name || (s.message ?? '').includes(c));
    if (hit) return hit;
  }
  return undefined;
}

/** Nothing answers there, or nothing in time: retrying at once only makes the user wait longer. */
const DOWN = ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'TimeoutError'];

/**
 * The bound on each request of the first call of a run, well under aws.requestTimeoutSeconds (30 s by
 * default, meant for real work): an endpoint that accepts connections and never answers (a wrong port)
 * fails in about twice this, not in a minute. STS GetCallerIdentity answers in well under a second.
 */
export const FIRST_CALL_REQUEST_MS = 6000;
export const FIRST_CALL_ATTEMPTS = 2;

/**
 * The first call of a run (it also proves the endpoint works) with its client at two attempts of
 * FIRST_CALL_REQUEST_MS each: a down or silent endpoint fails at once, while a transient fault (a reset,
 * a 5xx, throttling) gets up to six attempts in all, as any other call. A silent endpoint is said so.
 */
export async function firstCall<T>(call: () => Promise<T>, target?: AwsTarget): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await call();
    } catch (err) {
      const code = networkCode(err);
      if (target && (code === 'TimeoutError' || code === 'ETIMEDOUT')) throw silentEndpoint(err, target);
      if (round >= 3 || (code !== undefined && DOWN.includes(code)) || !isTransient(err)) throw err;
    }
  }
}

function silentEndpoint(err: unknown, target: AwsTarget): AwsAccessError {
  const seconds = Math.round(Math.min(FIRST_CALL_REQUEST_MS, target.timeouts?.requestMs ?? 30000) / 1000);
  const e = shape(err);
  const call = e[CALL] ? `${e[CALL].service} ${e[CALL].operation}` : 'the first call';
  const bound = `The first call of a run waits ${Math.round(FIRST_CALL_REQUEST_MS / 1000)}s at most per try (less when aws.requestTimeoutSeconds is lower).`;
  if (target.endpointUrl)
    return new AwsAccessError(
      `The AWS endpoint ${target.endpointUrl} did not answer in time (no reply within ${seconds}s, after retries). It takes connections but never answers ${call}: a wrong port?`,
      `Check the port in --endpoint-url / AWS_ENDPOINT_URL: it must be an AWS-compatible endpoint (\`projet1 emulator status\` prints the local one). ${bound}`,
      err,
    );
  return new AwsAccessError(
    `AWS in region ${target.region} did not answer in time (no reply within ${seconds}s, after retries) to ${call}.`,
    `Check that your network and proxy (HTTPS_PROXY) let AWS calls through. ${bound}`,
    err,
  );
}

/** True for a call that got no answer in time (the request bound, or the connection's). */
export function isTimeout(err: unknown): boolean {
  const code = networkCode(err);
  return code === 'TimeoutError' || code === 'ETIMEDOUT';
}

/** A fault worth trying again: the network, a 5xx, throttling. */
export function isTransient(err: unknown): boolean {
  const e = shape(err) as SdkErrorShape & { $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    networkCode(err) !== undefined ||
    status >= 500 ||
    status === 429 ||
    e.$retryable !== undefined ||
    /Throttl|TooManyRequests|RequestLimitExceeded/.test(`${e.name ?? ''} ${e.code ?? ''}`)
  );
}

/**
 * A refusal of one call: a permission the credentials lack, or an account-level refusal. Unlike an
 * unreachable endpoint or rejected credentials, each names its own action, so several are listed.
 */
export class AccessDeniedError extends AwsAccessError {
  constructor(message: string, hint: string, cause: unknown) {
    super(message, hint, cause);
    this.name = 'AccessDeniedError';
  }
}

// CloudFront's 403 AccessDenied on CreateDistribution for an account AWS has not yet cleared for it
// (new accounts), whatever the caller's permissions; only AWS Support lifts it.
const CLOUDFRONT_UNVERIFIED = /account must be verified before you can add new CloudFront resources/i;

function accessDenied(err: unknown, e: SdkErrorShape, resource?: string): AccessDeniedError {
  const said = (e.message ?? e.name ?? '').replace(/\.$/, '');
  if (CLOUDFRONT_UNVERIFIED.test(said)) {
    // AWS's first sentence says it all; its second (contact Support) is the hint's.
    const first = said.split(/(?<=\.)\s/)[0] ?? said;
    return new AccessDeniedError(
      `This AWS account is not yet verified for CloudFront: AWS refused to create the website's distribution (403 AccessDenied: "${first.replace(/\.$/, '')}").`,
      'Contact AWS Support (https://console.aws.amazon.com/support/home#/) with this message to verify the account; what does not need the distribution is deployed, and `projet1 up` finishes the website once the account is verified.',
      err,
    );
  }
  // AWS names the refused resource for most services, not all (CloudFront, API Gateway, S3's HEAD): then we do.
  const on = resource && !/on resource/.test(said) ? ` (refused on ${resource})` : '';
  return new AccessDeniedError(
    `Access denied: ${said}${on}.`,
    'The credentials in use lack a permission projet1 needs: `projet1 permissions` prints the policy (README.md "Permissions").',
    err,
  );
}

/**
 * Classifies an error from any AWS call: unreachable endpoint, bad credentials,
 * access denied and unknown region become AwsAccessError; anything else is returned as is.
 */
export function classifyAwsError(err: unknown, target: AwsTarget, resource?: string): unknown {
  if (err instanceof UserError) return err;
  const e = shape(err);
  const call = e[CALL] ? `${e[CALL].service} ${e[CALL].operation}` : 'An AWS call';
  const status = e.$metadata?.httpStatusCode;
  const where = target.endpointUrl ? `The endpoint ${target.endpointUrl}` : `AWS in ${target.region}`;
  // A web server that is not AWS (wrong port, a proxy's error page): its body is not an AWS answer.
  if (
    /Deserialization error|not valid JSON|Unexpected token|non-whitespace before first tag|Invalid character/i.test(
      e.message ?? '',
    )
  ) {
    return new AwsAccessError(
      `${where} did not answer like AWS: ${call} got HTTP ${status ?? '?'} with a body that is not an AWS response.`,
      target.endpointUrl
        ? 'Check --endpoint-url / AWS_ENDPOINT_URL: it must be an AWS-compatible endpoint (MiniStack, LocalStack). `projet1 emulator status` prints the local one.'
        : 'A proxy or captive portal may be answering instead of AWS; check HTTPS_PROXY and your network.',
      err,
    );
  }
  const net = networkCode(err);
  if (net) return networkError(err, net, target);
  if (isAwsError(err, ...CREDENTIAL_ERRORS)) {
    return new AwsAccessError(
      `AWS rejected the credentials: ${e.message ?? e.name}.`,
      'Refresh or fix your credentials (aws sso login, aws configure, AWS_PROFILE).',
      err,
    );
  }
  if (isAwsError(err, ...ACCESS_ERRORS) || e.$metadata?.httpStatusCode === 403) return accessDenied(err, e, resource);
  if (
    isAwsError(err, 'UnknownEndpoint', 'InvalidRegion') ||
    /Region .* (is )?(not|in)valid|not a valid region/i.test(e.message ?? '')
  ) {
    return new AwsAccessError(
      `Region "${target.region}" is not available: ${e.message ?? e.name}.`,
      'Pass a valid, enabled region with --region.',
      err,
    );
  }
  // An error with no message of its own ("UnknownError"): say what was called and what came back.
  if (status !== undefined && (!e.message || /^Unknown(Error)?$/.test(e.message))) {
    const code = e.code ?? (e.name && !/^Unknown(Error)?$/.test(e.name) ? e.name : 'none');
    const missing =
      target.endpointUrl &&
      (status === 404 || status === 501 || /NotImplemented|UnknownOperation|InvalidAction/.test(code));
    return new UserError(
      `${call} failed: HTTP ${status}, error code ${code}, no message.${missing ? ` ${where} probably does not implement this operation.` : ''}`,
      {
        hint: missing
          ? 'Use an emulator that supports it (the pinned MiniStack does), or real AWS.'
          : 'Run again with --verbose for the full error.',
        cause: err,
      },
    );
  }
  return err;
}

/** A call that got no answer: timed out, refused, or a name that did not resolve. */
function networkError(err: unknown, net: string, target: AwsTarget): AwsAccessError {
  if (net === 'ETIMEDOUT' || net === 'TimeoutError') {
    const seconds = Math.round((target.timeouts?.requestMs ?? 30000) / 1000);
    return new AwsAccessError(
      `${target.endpointUrl ? `The AWS endpoint ${target.endpointUrl}` : `AWS in region ${target.region}`} did not answer in time (no reply within ${seconds}s, after retries).`,
      `Check that ${target.endpointUrl ? 'it is an AWS-compatible endpoint that is not stuck' : 'your network and proxy let AWS calls through'}; the bound per request is aws.requestTimeoutSeconds in projet1.config.json.`,
      err,
    );
  }
  if (target.endpointUrl) {
    return new AwsAccessError(
      `Cannot reach the AWS endpoint ${target.endpointUrl} (${net}).`,
      'Is the emulator running? Start it with `npm run emulator:start`, or check --endpoint-url / AWS_ENDPOINT_URL.',
      err,
    );
  }
  return new AwsAccessError(
    `Cannot reach AWS in region ${target.region} (${net}).`,
    net === 'ENOTFOUND'
      ? `Check that "${target.region}" is a real, enabled region and that this machine has network access.`
      : 'Check your network connection and proxy settings.',
    err,
  );
}

/**
 * DynamoDB has not yet made continuous backups available on a table it just created
 * (UpdateContinuousBackups reference: ContinuousBackupsUnavailableException, "Backups are being enabled").
 */
export function backupsNotYetAvailable(err: unknown): boolean {
  return isAwsError(err, 'ContinuousBackupsUnavailableException');
}

/**
 * S3 has not yet propagated a bucket it just created: its settings calls answer NoSuchBucket (404) or
 * OperationAborted (409) for a while (S3 User Guide, "Consistency model"; Terraform's AWS provider
 * retries them for s3BucketPropagationTimeout, 2 minutes).
 */
export function bucketNotYetVisible(err: unknown): boolean {
  return isAwsError(err, 'NoSuchBucket', 'OperationAborted');
}

/**
 * Resolves to undefined when the call fails with one of `names` (the service's
 * NotFound, or AlreadyExists when retrying a create); any other error is rethrown.
 */
export async function unless<T>(call: Promise<T>, ...names: string[]): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (isAwsError(err, ...names)) return undefined;
    throw err;
  }
}
