// `projet1 failover --drill`: the primary's failure rehearsed on a non-production environment. Writes a
// few products through the distribution, throttles every function of the primary to zero (its API then
// fails as in a service outage), fails over to the secondary and measures until reads and writes succeed
// through the distribution again, checks each write acknowledged before the failure is there, and puts
// everything back (concurrency, the primary served, the drill's products) even when stopped by Ctrl-C.
import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';
import { resourceNames } from '../config/names.js';
import { EXIT, UserError } from '../errors.js';
import { readSecret } from '../resources/secret-parameter.js';
import { websiteUrl } from '../stack/web-tier.js';
import { failover, servedNow, stackRegionsOf } from './failover.js';
import { type HttpAnswer, httpCall } from './failover-http.js';
import type { IoHost } from './io.js';
import { isProduction } from './production.js';
import type { Session } from './session.js';

/** The design document's recovery targets the drill's figures stand next to. */
export const DESIGN_TARGETS = [
  { scenario: 'Service outage', strategy: 'auto-failover', rto: '< 1 min', rpo: 'none' },
  { scenario: 'Region failure', strategy: 'manual failover', rto: '1 hour', rpo: 'none' },
] as const;

export interface DrillResult {
  primary: string;
  secondary: string;
  /** Functions of the primary throttled to zero during the drill. */
  throttled: string[];
  /** What a read through the distribution answered once they were (0: no answer). */
  failingStatus: number;
  /** Writes acknowledged (201) before the failure, and those not found on the secondary afterwards. */
  acknowledged: number;
  missing: string[];
  /** From the failure until a read, and a write, succeeded through the distribution. */
  readsMs: number;
  writesMs: number;
  /** The failover's own time (the command's part of the above). */
  failoverMs: number;
  /** max(reads, writes): the drill notices the failure at once; a person would add the time to notice it. */
  rtoMs: number;
  /** 'none', or how many acknowledged writes were missing. */
  rpo: string;
  targets: typeof DESIGN_TARGETS;
}

const MARKERS = 3;
/** How long each step may take: CloudFront's edges take a change within minutes on AWS. */
const STEP_MS = 15 * 60_000;
const POLL_MS = 500;

/** Polls `ok` until it answers, giving up after STEP_MS or when the run is stopped. */
async function until<T>(io: IoHost, what: string, ok: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + STEP_MS;
  for (;;) {
    if (io.signal.aborted) throw new UserError(`Drill stopped while waiting for ${what}.`, { exitCode: 130 });
    const got = await ok();
    if (got !== undefined) return got;
    if (Date.now() > end)
      throw new UserError(`The drill gave up waiting for ${what} after ${STEP_MS / 60_000} minutes.`, {
        exitCode: EXIT.conflict,
        hint: 'Everything is put back; `projet1 status` shows the stack.',
      });
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The catalog API through the distribution, as the storefront and an admin reach it. */
function viaSite(base: string, token: string) {
  const auth = { Authorization: `Bearer ${token}` };
  const idOf = (a: HttpAnswer): string | undefined =>
    a.status === 201 ? (JSON.parse(a.body) as { product_id?: string }).product_id : undefined;
  return {
    read: (id: string) => httpCall(`${base}/products/${encodeURIComponent(id)}`, 'GET'),
    write: async (n: number) =>
      idOf(
        await httpCall(`${base}/products`, 'POST', {
          headers: auth,
          body: { name: `failover drill ${n}`, category: 'failover-drill', price: 1, stock: n },
        }),
      ),
    remove: (id: string) => httpCall(`${base}/products/${encodeURIComponent(id)}`, 'DELETE', { headers: auth }),
  };
}

/** Zero concurrency on each function; returns what to put back (undefined: none was reserved). */
async function throttle(session: Session, names: string[]): Promise<Map<string, number | undefined>> {
  const lambda = session.aws.client(LambdaClient);
  const before = new Map<string, number | undefined>();
  for (const FunctionName of names) {
    const res = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName }));
    before.set(FunctionName, res.ReservedConcurrentExecutions);
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName, ReservedConcurrentExecutions: 0 }));
  }
  return before;
}

async function unthrottle(session: Session, before: Map<string, number | undefined>): Promise<void> {
  const lambda = session.aws.client(LambdaClient);
  for (const [FunctionName, was] of before) {
    if (was === undefined) await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName }));
    else await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName, ReservedConcurrentExecutions: was }));
  }
}

/** An IoHost that is never stopped: putting things back must finish after Ctrl-C. */
const unstoppable = (io: IoHost): IoHost => ({
  event: (e) => io.event(e),
  notify: (m) => io.notify(m),
  requestConfirmation: (r) => io.requestConfirmation(r),
  signal: new AbortController().signal,
});

export async function drill(session: Session, io: IoHost): Promise<DrillResult> {
  const c = session.config;
  if (isProduction(c))
    throw new UserError(`${c.project}/${c.environment} is a production environment: the drill stops its primary.`, {
      exitCode: EXIT.usage,
      hint: 'Rehearse on a copy of it (another --environment); `projet1 failover --to` is the real thing.',
    });
  const { primary, secondary } = stackRegionsOf(session);
  const { seen, active } = await servedNow(session, io);
  if (active !== primary)
    throw new UserError(`${secondary} is served now: the drill starts from the primary, ${primary}.`, {
      exitCode: EXIT.usage,
      hint: 'Run `projet1 failover --back` first.',
    });
  const token = await readSecret(session.aws, resourceNames(c).adminTokenParameter);
  const api = viaSite(websiteUrl(c.endpointUrl, seen.domainName), token ?? '');
  const acked: string[] = [];
  for (let n = 1; n <= MARKERS; n++) {
    const id = await api.write(n);
    if (!id)
      throw new UserError('The drill could not write through the distribution before the failure.', {
        exitCode: EXIT.conflict,
        hint: '`projet1 status` shows whether the API answers; the drill needs a working stack to start from.',
      });
    acked.push(id);
  }
  const names = session.stack.parts.functions.map((f) => f.desired.name);
  const note = (message: string) => io.event({ type: 'note', id: 'failover-drill', name: 'drill', message });
  const before = await throttle(session, names);
  const failedAt = Date.now();
  note(`${names.length} functions of ${primary} throttled to zero`);
  const written: string[] = [];
  try {
    // The failure as a reader sees it, before anything is done about it (a drill that fails nothing proves nothing).
    const failing = await until(io, 'the primary to fail', async () => {
      const status = (await api.read(acked[0] ?? '')).status;
      return status !== 200 ? (status ?? 0) : undefined;
    });
    note(`reads fail (${failing}): failing over to ${secondary}`);
    const fo = await failover(session, io, secondary);
    const readsMs = await until(io, 'a read through the distribution', async () =>
      (await api.read(acked[0] ?? '')).status === 200 ? Date.now() - failedAt : undefined,
    );
    const id = await until(io, 'a write through the distribution', () => api.write(MARKERS + 1));
    written.push(id);
    const writesMs = Date.now() - failedAt;
    const missing: string[] = [];
    for (const a of acked) if ((await api.read(a)).status !== 200) missing.push(a);
    return {
      primary,
      secondary,
      throttled: names,
      failingStatus: failing,
      acknowledged: acked.length,
      missing,
      readsMs,
      writesMs,
      failoverMs: fo.ms,
      rtoMs: Math.max(readsMs, writesMs),
      rpo: missing.length === 0 ? 'none' : `${missing.length} acknowledged write(s) missing`,
      targets: DESIGN_TARGETS,
    };
  } finally {
    note(`putting back: ${primary}'s concurrency, ${primary} served, the drill's products`);
    const quiet = unstoppable(io);
    await unthrottle(session, before);
    await failover(session, quiet, primary);
    for (const id of [...acked, ...written]) await api.remove(id);
  }
}
