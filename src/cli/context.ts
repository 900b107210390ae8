// Opens what a command declared it needs (config, a stack session, a catalog), runs it,
// and always releases it. Imported only when a command runs: it loads the AWS SDK.
import { callSummary } from '../core/stack-ops.js';
import { openConfig, openSession } from '../core/session.js';
import { lockUnlessDown, outageTarget } from '../core/failover-outage.js';
import { configFlags } from './options.js';
import { renderCalls } from './render.js';
import type { AwsClients, AwsRetry } from '../../runtime/aws/clients.js';
import { acquireLock, type HeldLock } from '../core/lock.js';
import { InterruptedError } from '../core/io.js';
import { UserError } from '../errors.js';
import type { BaseContext, CommandSpec, ContextOf, Handler, Needs } from './spec.js';

export async function runWithNeeds(
  spec: Pick<CommandSpec, 'name' | 'needs' | 'locks'>,
  base: BaseContext,
  handler: Handler<Needs>,
  /** Told of the stack lock once held: a stop signal ending the process releases it first (main.ts). */
  held?: (lock: HeldLock) => void,
): Promise<number> {
  const { needs } = spec;
  const flags = configFlags(base.opts);
  const run = handler as (ctx: BaseContext) => Promise<number | undefined>;
  switch (needs) {
    case 'none':
      return (await run(base)) ?? 0;
    case 'config': {
      const ctx: ContextOf['config'] = { ...base, loaded: await openConfig({ flags }) };
      return (await run(ctx)) ?? 0;
    }
    case 'catalog': {
      // The table's ownership is checked by the first catalog operation, after flags and files are.
      // Loaded here only: the catalog's DynamoDB document client is not needed by stack commands.
      const { openCatalog } = await import('../core/catalog.js');
      const catalog = await openCatalog({ flags });
      catalog.aws.onRetry = retryReporter(base);
      try {
        const ctx: ContextOf['catalog'] = { ...base, catalog };
        return (await run(ctx)) ?? 0;
      } finally {
        catalog.aws.destroy();
      }
    }
    case 'stack':
    case 'stack-code': {
      // `failover --to <region>` may run while the stack's region is down (failover-outage.ts).
      const outage = outageTarget(spec.name, base.opts);
      const session = await openSession({
        flags,
        withCode: needs === 'stack-code',
        ...(outage ? { outageRegion: outage } : {}),
      });
      session.aws.onRetry = retryReporter(base);
      let lock: HeldLock | undefined;
      let lockAws: AwsClients | undefined;
      try {
        // A dry run changes nothing, so it neither waits for nor blocks another run.
        if (spec.locks && !base.opts.dryRun) {
          // Its own clients: the lock's writes are not changes to the stack (a no-op `up` stays at zero).
          lockAws = session.aws.uncounted();
          const aws = lockAws;
          const take = () =>
            acquireLock(aws, session.config, base.io, {
              command: spec.name,
              leaseSeconds: session.config.lock.leaseSeconds,
              force: Boolean(base.opts.forceUnlock),
              // Losing the lock aborts the run's signal, with the loss as its reason, as Ctrl-C does (no
              // new work, calls in flight finish): one way to stop, whose outcome is reported as the lost lock.
              onLost: (error) => base.io.interrupt(error),
            });
          lock = await lockUnlessDown(take, outage, session, base.io);
          if (lock) held?.(lock);
        }
        const ctx: ContextOf['stack'] = { ...base, session };
        return await lockChecked(lock, async () => (await run(ctx)) ?? 0);
      } finally {
        await lock?.release();
        lockAws?.destroy();
        if (base.io.verbose) base.io.info(renderCalls(callSummary(session)));
        session.aws.destroy();
      }
    }
  }
}

/** A run that lost the stack lock ends with that loss, and with what it had done before stopping. */
async function lockChecked(lock: HeldLock | undefined, body: () => Promise<number>): Promise<number> {
  let code: number;
  try {
    code = await body();
  } catch (err) {
    if (!lock?.lost) throw err;
    const done = err instanceof InterruptedError ? ` Stopped after the calls in flight: ${err.done}` : '';
    const { exitCode, hint } = lock.lost;
    throw new UserError(`${lock.lost.message}${done}`, { exitCode, ...(hint ? { hint } : {}) });
  }
  if (lock?.lost) throw lock.lost;
  return code;
}

/** With --verbose, each attempt the SDK makes again shows as it happens. */
function retryReporter(base: BaseContext): ((r: AwsRetry) => void) | undefined {
  if (!base.io.verbose) return undefined;
  return (r) =>
    base.io.notify({
      level: 'debug',
      code: 'P1_RETRY',
      message: `retry ${r.attempt - 1} of ${r.service}.${r.operation} after ${r.after}`,
      data: r,
    });
}
