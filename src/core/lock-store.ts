// The stack lock's SSM parameters, read together with AWS's own clock. Whether a lease ran out is
// judged only with times AWS wrote: a parameter's LastModifiedDate against the `Date` header of the
// answer that returned it. A host whose clock is off (a laptop minutes behind, a CI runner without
// NTP) then can neither take a live lock nor keep one whose lease ran out.
import { DeleteParameterCommand, GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { AwsClients } from '../../runtime/aws/clients.js';
import { unless } from '../aws/errors.js';

/**
 * Slack added to every lease before it counts as run out. The `Date` header has a resolution of one
 * second (so AWS's "now" can read up to 1 s early), and another second covers AWS's hosts between
 * themselves (they keep time through the Amazon Time Sync Service, well under a millisecond apart).
 */
export const TOLERANCE_MS = 2000;

export interface StoredParam {
  value: string;
  /** LastModifiedDate, written by AWS (milliseconds since the epoch). */
  modifiedMs: number;
  version: number;
}

export interface Snapshot {
  /** The parameters that exist, by name. */
  params: Map<string, StoredParam>;
  /** AWS's time when it answered: the answer's `Date` header (undefined if it had none). */
  awsNowMs: number | undefined;
}

const serverDates = new WeakMap<object, number>();
const dated = new WeakSet<SSMClient>();

function dateHeader(response: unknown): number | undefined {
  if (typeof response !== 'object' || response === null || !('headers' in response)) return undefined;
  const { headers } = response;
  if (typeof headers !== 'object' || headers === null || !('date' in headers)) return undefined;
  const ms = typeof headers.date === 'string' ? Date.parse(headers.date) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** The SSM client, with a step that keeps each answer's `Date` header next to its output. */
function ssm(aws: AwsClients): SSMClient {
  const client = aws.client(SSMClient);
  if (!dated.has(client)) {
    dated.add(client);
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const ms = dateHeader(result.response);
        if (ms !== undefined && result.output) serverDates.set(result.output, ms);
        return result;
      },
      // Outside the deserializer (its step runs inside this one), inside the retry loop: the answer
      // seen here is the one whose output the call returns.
      { step: 'finalizeRequest', name: 'projet1ServerDate', priority: 'low' },
    );
  }
  return client;
}

/** Reads up to 10 parameters in one call; those that do not exist are absent from the map. */
export async function readParams(aws: AwsClients, names: string[]): Promise<Snapshot> {
  const out = await ssm(aws).send(new GetParametersCommand({ Names: names }));
  const params = new Map<string, StoredParam>();
  for (const p of out.Parameters ?? []) {
    if (p.Name === undefined) continue;
    params.set(p.Name, {
      value: p.Value ?? '',
      modifiedMs: p.LastModifiedDate?.getTime() ?? 0,
      version: p.Version ?? 0,
    });
  }
  // Every SSM answer carries a Date header. Without one (a proxy that strips it) nothing is judged
  // stale: this host's clock is exactly what must not decide (`--force-unlock` remains).
  return { params, awsNowMs: serverDates.get(out) };
}

/** Creates the parameter unless it exists: atomic in the account and region, the lock's only contested write. */
export async function createParam(aws: AwsClients, name: string, value: string): Promise<boolean> {
  const cmd = new PutParameterCommand({
    Name: name,
    Value: value,
    Type: 'String',
    Overwrite: false,
    Description: 'projet1 operation lock (deleted when the operation ends)',
  });
  return (await unless(ssm(aws).send(cmd), 'ParameterAlreadyExists')) !== undefined;
}

/** Overwrites a parameter that only this run ever writes (its own lease). */
export async function overwriteParam(aws: AwsClients, name: string, value: string): Promise<void> {
  await ssm(aws).send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
}

export async function deleteParam(aws: AwsClients, name: string): Promise<void> {
  await unless(ssm(aws).send(new DeleteParameterCommand({ Name: name })), 'ParameterNotFound');
}
