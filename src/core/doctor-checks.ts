// The checks of `projet1 doctor` that need no stack: who am I, the region, the endpoint and its TLS,
// the Lambda concurrency quota, Node. Each returns one line's worth; none prints.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { dnsSuffix } from '../aws/arns.js';
import type { AwsClients, AwsTarget } from '../../runtime/aws/clients.js';
import { FUNCTIONS } from '../config/functions.js';
import { partitionOf } from '../stack/stack-env.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** Node: 22 recommended, 20 supported (past its end of life), older refused by the package. */
export function nodeCheck(version = process.versions.node): CheckResult {
  const major = Number(version.split('.')[0]);
  if (major >= 22) return { status: 'ok', detail: `Node ${version}` };
  if (major >= 20)
    return {
      status: 'warn',
      detail: `Node ${version}: supported, but past its end of life`,
      fix: 'install Node 22 (the AWS SDK needs it from January 2027)',
    };
  return { status: 'fail', detail: `Node ${version}: projet1 needs Node 20 or later`, fix: 'install Node 22' };
}

const TLS_TRUST = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
]);

export const UNTRUSTED_FIX =
  'set AWS_CA_BUNDLE to its certificate authority (PEM); for the local emulator use the endpoint `projet1 emulator start` printed (its certificate is trusted automatically)';

/** The TLS code of an error (or of its cause) that says the server's certificate is not trusted. */
export function untrustedCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TLS_TRUST.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The URL the endpoint check opens: the endpoint, or STS's regional endpoint on real AWS. */
export function probeUrl(target: AwsTarget): string {
  if (target.endpointUrl) return target.endpointUrl;
  return `https://sts.${target.region}.${dnsSuffix(partitionOf(target.region))}/`;
}

/**
 * Reachability and TLS of the endpoint: one plain request, whose answer (any HTTP status) proves a
 * server answers there; for https, with the same certificate authorities as the AWS calls.
 */
export function endpointCheck(target: AwsTarget, timeoutMs: number): Promise<CheckResult> {
  const url = new URL(probeUrl(target));
  const tls = url.protocol === 'https:';
  const extra = tls ? (target.caBundle ?? []).map((f) => readFileSync(f, 'utf8')) : [];
  const where = target.endpointUrl ? `${url.origin}` : `AWS (${url.host})`;
  return new Promise((resolve) => {
    const options = {
      method: 'GET',
      timeout: timeoutMs,
      ...(extra.length ? { ca: [...rootCertificates, ...extra] } : {}),
    };
    const req = (tls ? httpsRequest : httpRequest)(url, options, (res) => {
      res.resume();
      resolve({
        status: 'ok',
        detail: `${where} answers (HTTP ${res.statusCode ?? '?'})${tls ? ', its TLS certificate is trusted' : ''}`,
      });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({
        status: 'fail',
        detail: `${where} accepts connections but did not answer within ${Math.round(timeoutMs / 1000)}s`,
        fix: target.endpointUrl
          ? 'check the port of --endpoint-url / AWS_ENDPOINT_URL (`projet1 emulator status` prints the local one)'
          : 'check your network and proxy (HTTPS_PROXY)',
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? err.name;
      if (TLS_TRUST.has(code)) {
        resolve({
          status: 'fail',
          detail: `${where}: its TLS certificate is not trusted (${code})`,
          fix: UNTRUSTED_FIX,
        });
        return;
      }
      resolve({
        status: 'fail',
        detail: `${where} cannot be reached (${code})`,
        fix: target.endpointUrl
          ? 'start the emulator (`projet1 emulator start`) or fix --endpoint-url / AWS_ENDPOINT_URL'
          : 'check your network, proxy and the region',
      });
    });
    req.end();
  });
}

/** The account's Lambda concurrency quota (GetAccountSettings). */
export async function lambdaQuotaCheck(aws: AwsClients): Promise<CheckResult> {
  const res = await aws.client(LambdaClient, { maxAttempts: 2 }).send(new GetAccountSettingsCommand({}));
  const limit = res.AccountLimit?.ConcurrentExecutions;
  const unreserved = res.AccountLimit?.UnreservedConcurrentExecutions;
  const detail = `concurrent executions: ${limit ?? '?'} for the account, ${unreserved ?? '?'} unreserved`;
  // New accounts start at 10 (the usual quota is 1,000): the stack's functions share it, and API
  // Gateway answers 429 as soon as a handful of requests overlap.
  if (limit !== undefined && limit < 100)
    return {
      status: 'warn',
      detail: `${detail}: a new account's quota, shared by the stack's ${FUNCTIONS.length} functions; a few overlapping requests are throttled (429)`,
      fix: 'request more in Service Quotas: AWS Lambda, "Concurrent executions" (1,000 is the usual default)',
    };
  return { status: 'ok', detail };
}
