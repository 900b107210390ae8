// `projet1 failover --to <other region>` while the stack's own region is down: the one command made for a
// region failure must run during one. Only "the region does not answer" (no connection, a reset, no reply
// in time, a 5xx) lets it through; an answer that refuses (AccessDenied, bad credentials, a held lock) still
// stops it. Every other command, `--back` and `--drill` keep needing the stack's region.
//
// The lock: when its region does not answer, the failover runs without it (with a warning) rather than
// taking one in the target region. Every other command that changes the stack needs the stack's region
// (its first call and its lock are there), so none can run meanwhile; a lock in the target region would
// only be seen by other failovers, and two failovers to the same region make the same change (a tag and
// one UpdateDistribution guarded by CloudFront's ETag). A run already holding the lock in the stack's
// region cannot renew it either, and loses it: nothing is lost by not waiting for it.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsClients } from '../../runtime/aws/clients.js';
import {
  classifyAwsError,
  FIRST_CALL_ATTEMPTS,
  FIRST_CALL_REQUEST_MS,
  firstCall,
  httpStatus,
  isTimeout,
} from '../aws/errors.js';
import { AwsAccessError } from '../errors.js';
import { resolveStackEnv, type StackEnv } from '../stack/stack-env.js';
import type { IoHost } from './io.js';
import type { Session } from './session.js';

/** The region a command may turn to when its stack's region is down: `failover --to <region>`'s only. */
export function outageTarget(command: string, opts: object): string | undefined {
  if (command !== 'failover') return undefined;
  const o: { to?: unknown; back?: unknown; drill?: unknown } = opts;
  return typeof o.to === 'string' && o.back !== true && o.drill !== true ? o.to : undefined;
}

// The network's failures: nothing answered (refused, unreachable, no name) or the connection dropped.
const NO_ANSWER = /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|socket hang up/;

/**
 * True when `err` (or an error it wraps) says the region did not answer: no connection, a reset, no
 * reply in time, or a 5xx (AWS's answer for a service that is down: the SDKs treat 500/502/503/504 as
 * transient). A refusal (4xx: AccessDenied, credentials, a held lock) is an answer: false.
 */
export function doesNotAnswer(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (isTimeout(e) || (httpStatus(e) ?? 0) >= 500) return true;
    const s: { name?: unknown; code?: unknown; message?: unknown; cause?: unknown } =
      typeof e === 'object' && e !== null ? e : {};
    if (NO_ANSWER.test(`${String(s.name ?? '')} ${String(s.code ?? '')} ${String(s.message ?? '')}`)) return true;
    e = s.cause;
  }
  return false;
}

/**
 * The stack's facts from STS, asked in the stack's region first; when that region does not answer and
 * `fallback` is given, asked in `fallback` (the same account and partition answer there). The facts keep
 * the stack's region: only the question went elsewhere. `via` names the region that answered instead.
 */
export async function stackEnvFrom(
  aws: AwsClients,
  fallback: string | undefined,
): Promise<{ env: StackEnv; via?: string; why?: string }> {
  try {
    return { env: await resolveStackEnv(aws) };
  } catch (err) {
    if (!fallback || fallback === aws.target.region || !doesNotAnswer(err)) throw err;
    const sts = aws.client(STSClient, {
      region: fallback,
      maxAttempts: FIRST_CALL_ATTEMPTS,
      requestMs: FIRST_CALL_REQUEST_MS,
    });
    const there = { ...aws.target, region: fallback };
    const me = await firstCall(() => sts.send(new GetCallerIdentityCommand({})), there).catch((e: unknown) => {
      throw classifyAwsError(e, there);
    });
    const partition = me.Arn?.split(':')[1];
    if (!me.Account || !partition)
      throw new AwsAccessError(
        `STS in ${fallback} did not answer like AWS: GetCallerIdentity returned no account.`,
        'Check --endpoint-url / AWS_ENDPOINT_URL and your credentials.',
      );
    const env = { accountId: me.Account, partition, region: aws.target.region, caBundle: aws.target.caBundle ?? null };
    return { env, via: fallback, why: errorName(err) };
  }
}

/** A short name for what the region answered, for the warning. */
export function errorName(err: unknown): string {
  // The innermost error is the SDK's (a classified one wraps it as its cause).
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e instanceof Error && e.cause instanceof Error; depth++) e = e.cause;
  const status = httpStatus(e);
  const name = e instanceof Error ? e.name : 'error';
  return status ? `${name}, HTTP ${status}` : name;
}

/**
 * The stack lock for `failover --to <region>` (`outage`): taken as usual, but when the stack's region does
 * not answer, the run goes on without it and says why that is safe (see the top of this file). Without
 * `outage`, or for any answer (a held lock, AccessDenied), the error stands.
 */
export async function lockUnlessDown<L>(
  take: () => Promise<L>,
  outage: string | undefined,
  session: Pick<Session, 'env' | 'regionDown'>,
  io: IoHost,
): Promise<L | undefined> {
  const region = session.env.region;
  if (outage && outage !== region && session.regionDown)
    io.notify({
      level: 'warn',
      code: 'P1_REGION_DOWN',
      message: `${region} did not answer STS (${session.regionDown.why}): asked ${session.regionDown.answeredIn} instead (the same account).`,
    });
  try {
    return await take();
  } catch (err) {
    if (!outage || outage === region || !doesNotAnswer(err)) throw err;
    io.notify({
      level: 'warn',
      code: 'P1_REGION_DOWN',
      message: `${region} did not answer for the stack lock (${errorName(err)}): failing over to ${outage} without it. Safe: every other command that changes the stack needs ${region} too (its lock and first call are there), and another failover makes the same change.`,
    });
    return undefined;
  }
}
