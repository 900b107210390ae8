// `projet1 doctor`: before a first deploy, what would make it fail, one line per check. Checks run
// concurrently, each within a bound of its own, and one failing never hides the others. No writes.
import { AwsClients, type AwsTarget } from '../../runtime/aws/clients.js';
import { describeCredentials, cliCredentials } from '../aws/credentials.js';
import { classifyAwsError, FIRST_CALL_REQUEST_MS, isTimeout } from '../aws/errors.js';
import type { LoadedConfig } from '../config/load.js';
import { ACCOUNT_PLACEHOLDER, resourceNames } from '../config/names.js';
import { UserError } from '../errors.js';
import { callerIdentity, partitionOf } from '../stack/stack-env.js';
import { loggingRoleCheck } from './doctor-apigw.js';
import { bucketProblem, type BucketCheck, checkBucket } from './doctor-buckets.js';
import {
  type CheckResult,
  endpointCheck,
  UNTRUSTED_FIX,
  untrustedCode,
  lambdaQuotaCheck,
  nodeCheck,
} from './doctor-checks.js';
import { cliTarget } from './session.js';

export interface DoctorCheck extends CheckResult {
  name: string;
}

export interface DoctorReport {
  /** No check failed (warnings allowed). */
  ok: boolean;
  checks: DoctorCheck[];
}

/** Every check ends within this (from the start of the run), answered or not. */
const BOUND_MS = 15000;

interface Who {
  accountId: string;
  partition: string;
  arn: string;
}

/** The checks, in the order they print. */
export async function runDoctor(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): Promise<DoctorReport> {
  const { config } = loaded;
  const base = cliTarget(config, env);
  // Short bounds on every call: doctor asks small questions, and a silent endpoint must not cost minutes.
  const t = base.timeouts ?? { connectMs: 5000, requestMs: FIRST_CALL_REQUEST_MS };
  const target: AwsTarget = {
    ...base,
    timeouts: { connectMs: Math.min(t.connectMs, 5000), requestMs: Math.min(t.requestMs, FIRST_CALL_REQUEST_MS) },
  };
  const credentials = cliCredentials(target, env);
  const aws = new AwsClients(target, { credentials, countCalls: false });
  const deadline = Date.now() + BOUND_MS;
  const bounded = <T>(work: Promise<T>): Promise<T> => within(work, deadline);

  const who = bounded(callerIdentity(aws)).then((me): Who => {
    if (!me.Account || !me.Arn) throw new Error('STS GetCallerIdentity returned no account: not an AWS endpoint?');
    return { accountId: me.Account, partition: me.Arn.split(':')[1] ?? partitionOf(config.region), arn: me.Arn };
  });
  const guard = (name: string, work: () => Promise<CheckResult>): Promise<DoctorCheck> =>
    bounded(work()).then(
      (r) => ({ name, ...r }),
      (err: unknown) => ({ name, ...failure(err, target) }),
    );
  const bucketLine = (key: BucketCheck['key']) => async (): Promise<CheckResult> => {
    // Without the account id a default name cannot be spelled; a name without {accountId} still can.
    const names = resourceNames(
      config,
      await who.then(
        (w) => w.accountId,
        () => undefined,
      ),
    );
    const name = key === 'website.bucketName' ? names.siteBucket : names.logBucket;
    if (name.includes(ACCOUNT_PLACEHOLDER))
      return { status: 'fail', detail: `${key}: not checked, its name needs the account id (see identity)` };
    return bucketResult(await checkBucket(aws, config, key, name, { tags: true }));
  };

  try {
    const checks = await Promise.all([
      guard('identity', async () => {
        const [w, creds] = await Promise.all([who, credentials()]);
        const expiry = creds.expiration ? `, expires ${creds.expiration.toISOString()}` : '';
        return {
          status: 'ok',
          detail: `account ${w.accountId} (${w.partition}), ${w.arn}, credentials from ${describeCredentials(creds, target, env)}${expiry}`,
        };
      }),
      guard('region', async () => ({
        status: 'ok',
        detail: `${config.region} (from ${loaded.sources.region ?? 'built-in default'})`,
      })),
      guard('endpoint', () => endpointCheck(target, Math.min(target.timeouts?.requestMs ?? 5000, 5000))),
      guard('site bucket', bucketLine('website.bucketName')),
      guard('log bucket', bucketLine('website.logBucketName')),
      guard('API Gateway logging role', () => loggingRoleCheck(aws, config.region, who)),
      guard('Lambda concurrency', () => lambdaQuotaCheck(aws)),
      guard('Node', async () => nodeCheck()),
    ]);
    return { ok: checks.every((c) => c.status !== 'fail'), checks };
  } finally {
    aws.destroy();
  }
}

function bucketResult(b: BucketCheck): CheckResult {
  const problem = bucketProblem(b);
  if (problem) return { status: 'fail', detail: problem.message, fix: problem.hint };
  if (b.state === 'free') return { status: 'ok', detail: `${b.name} is free (${b.key})` };
  if (b.state === 'ours') return { status: 'ok', detail: `${b.name} is this stack's (${b.key})` };
  return {
    status: 'warn',
    detail: `${b.name} (${b.key}) is in your account without this stack's tags: \`projet1 plan\` shows it as a conflict`,
    fix: `remove it if it is left over, or choose another name with "${b.key}"`,
  };
}

/** A failed check's line: the same one-line message and hint as any command's error. */
function failure(err: unknown, target: AwsTarget): CheckResult {
  const tls = untrustedCode(err);
  if (tls)
    return { status: 'fail', detail: `the endpoint's TLS certificate is not trusted (${tls})`, fix: UNTRUSTED_FIX };
  if (isTimeout(err) && !(err instanceof UserError)) {
    const seconds = Math.round((target.timeouts?.requestMs ?? FIRST_CALL_REQUEST_MS) / 1000);
    return {
      status: 'fail',
      detail: `no reply within ${seconds}s (2 tries)`,
      fix: target.endpointUrl
        ? 'check the port of --endpoint-url / AWS_ENDPOINT_URL (`projet1 emulator status` prints the local one)'
        : 'check your network and proxy (HTTPS_PROXY)',
    };
  }
  const e = classifyAwsError(err, target);
  const message = e instanceof Error ? e.message : String(e);
  const hint = e instanceof UserError ? e.hint : undefined;
  return { status: 'fail', detail: message, ...(hint ? { fix: hint } : {}) };
}

class CheckTimeout extends Error {}

/** `work`, or a CheckTimeout at `deadline`: the call itself ends on its own request bound. */
async function within<T>(work: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CheckTimeout(`no answer within ${Math.round(BOUND_MS / 1000)}s`)),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
