// The operations behind the commands. They return data and report events; never print.
import { EXIT, UserError } from '../errors.js';
import { applyPlan, refuseConflicts, type ApplyResult } from '../engine/apply.js';
import type { Reporter } from '../engine/events.js';
import { computePlan, type PlanState } from '../engine/plan.js';
import { changesNeedingApproval, planHasChanges, type Plan } from '../engine/types.js';
import { CreateBackupCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { refuseForeignBuckets } from './doctor-buckets.js';
import { InterruptedError, type IoHost } from './io.js';
import type { Session } from './session.js';
import { siteBucketEmpty } from './site-content.js';
import { stackOutputs } from './outputs.js';
import { type DomainStatus, domainStatus } from './domain-status.js';
import { waitIssued } from '../resources/acm-certificate.js';
import { type AppStack, withFoundByTag } from '../stack/stack.js';
import { partnerKeysToDelete, stalePlans } from './api-keys.js';
import { refuseProtectedPools } from './users-down.js';

export interface AwsCallSummary {
  total: number;
  mutating: number;
  /** "Service.Operation" of every mutating call, in order. */
  mutatingOperations: string[];
  /** Attempts the SDK made again after a throttle, a 5xx or a lost connection. */
  retries: number;
}

export function callSummary(session: Session): AwsCallSummary {
  const mutating = session.aws.mutatingCalls();
  return {
    total: session.aws.calls.length,
    mutating: mutating.length,
    mutatingOperations: mutating.map((c) => `${c.service}.${c.operation}`),
    retries: session.aws.retries.length,
  };
}

/** The session's stack with what its tags find that its configuration no longer names (src/stack/tagged.ts). */
async function fullStack(session: Session, reporter: Reporter, destroy = false): Promise<AppStack> {
  const stack = await withFoundByTag(session.stack, session.aws, session.config, session.env, reporter);
  // Usage plans api.keys.plans no longer names, and (a teardown) partners' API keys: the stack's too (api-keys.ts).
  const keys = destroy ? await partnerKeysToDelete(session.aws, session.config) : [];
  const extra = [...(await stalePlans(session.aws, session.config)), ...keys];
  return extra.length > 0 ? { ...stack, found: [...(stack.found ?? []), ...extra] } : stack;
}

export async function plan(session: Session, mode: Plan['mode'], reporter: Reporter): Promise<Plan> {
  const stack = await fullStack(session, reporter, mode === 'destroy');
  return (await computePlan(stack, mode, session.context(reporter), reporter)).plan;
}

export interface UpResult {
  plan: Plan;
  result: ApplyResult;
  outputs: Record<string, string>;
  /** The site bucket exists but holds nothing: the website answers 403 until `deploy-website`. */
  siteEmpty: boolean;
  /** The site's own domain (website.domain): absent without one. */
  domain?: DomainStatus;
}

const count = (r: ApplyResult): string =>
  `${r.counts.created} created, ${r.counts.updated} updated, ${r.counts.deleted} deleted`;

/** Shows the plan, asks when it deletes or changes permissions, applies; stops cleanly on Ctrl-C. */
async function applyApproved(
  session: Session,
  stack: AppStack,
  state: PlanState,
  io: IoHost,
  verb: 'up' | 'down',
  /** Runs once approved, before the first change (the backup before a down). */
  beforeApply?: () => Promise<void>,
): Promise<ApplyResult> {
  refuseConflicts(state.plan);
  const risky = changesNeedingApproval(state.plan);
  const pending = state.plan.changes.filter((c) => c.action !== 'no-op');
  io.notify({ level: 'info', code: 'P1_PLAN', message: `${pending.length} change(s) to make`, data: state.plan });
  if (risky.length > 0) {
    const question = verb === 'down' ? 'Delete these resources? This cannot be undone.' : 'Apply these changes?';
    const approved = await io.requestConfirmation({
      code: 'P1_APPROVE',
      question,
      plan: state.plan,
      changes: risky,
      review: verb === 'down' ? 'projet1 plan --destroy' : 'projet1 plan',
    });
    if (!approved)
      throw new UserError(`Cancelled; nothing was ${verb === 'down' ? 'deleted' : 'changed'}.`, { exitCode: 1 });
  }
  if (io.signal.aborted) throw new InterruptedError('Nothing was changed.', `projet1 ${verb}`);
  await beforeApply?.();
  io.event({ type: 'phase', phase: verb === 'down' ? 'destroy' : 'apply', total: pending.length });
  const result = await applyPlan(stack, state, session.context(io), io, { signal: io.signal });
  if (result.notStarted.length > 0) {
    throw new InterruptedError(
      `${count(result)} before stopping; ${result.notStarted.length} change(s) not started.`,
      `projet1 ${verb}`,
    );
  }
  return result;
}

/** `wait`: with a domain whose certificate is pending, wait until ACM issues it, then apply again. */
export async function up(session: Session, io: IoHost, opts: { wait?: boolean } = {}): Promise<UpResult> {
  const t0 = Date.now();
  // The cheap checks that would make it fail half way, before anything changes.
  await refuseForeignBuckets(session.aws, session.config, session.env.accountId);
  const stack = await fullStack(session, io);
  const state = await computePlan(stack, 'apply', session.context(io), io);
  const nothing: ApplyResult = {
    counts: { created: 0, updated: 0, deleted: 0, unchanged: state.plan.changes.length },
    ms: Date.now() - t0,
    notStarted: [],
  };
  const result = planHasChanges(state.plan) ? await applyApproved(session, stack, state, io, 'up') : nothing;
  // `up` does not publish: the files are the user's (a folder, a pipeline), and on real AWS an
  // upload nobody asked for would go live. It says what is missing and the command instead.
  // The caller says so (after its summary): `dev` publishes right after, `up` tells the user to.
  const siteEmpty = await siteBucketEmpty(session);
  const domain = await domainStatus(session.context(io)('domain'), session.stack.parts, state);
  const pending = domain?.certificateStatus === 'PENDING_VALIDATION';
  // The second pass gives the distribution its names and writes the alias records.
  if (opts.wait && pending && (await certificateIssued(session, io))) return up(session, io);
  return { plan: state.plan, result, outputs: stackOutputs(session, state), siteEmpty, ...(domain ? { domain } : {}) };
}

/** `up --wait`: polls the certificate until ACM issues it (progress as notes); false when it is gone. */
async function certificateIssued(session: Session, io: IoHost): Promise<boolean> {
  const cert = session.stack.parts.certificate;
  if (!cert) return false;
  const ctx = session.context(io)(cert.id);
  const found = await cert.provisioner.observe(ctx, cert.desired);
  if (!found) return false;
  return (await waitIssued(ctx, found, io.signal)).status === 'ISSUED';
}

export interface DownResult {
  plan: Plan;
  result: ApplyResult | undefined;
  /** The on-demand backup taken of the configured table, if non-empty, before it was deleted. */
  backupArn: string | undefined;
  /** Every backup taken before the deletion: the configured table's and those of tables found by tag. */
  backupArns: string[];
}

export async function down(session: Session, io: IoHost): Promise<DownResult> {
  const stack = await fullStack(session, io, true);
  const state = await computePlan(stack, 'destroy', session.context(io), io);
  // What teardown leaves on purpose (shared by other stacks), one line each.
  for (const c of state.plan.changes)
    if (c.action === 'no-op' && c.reason) io.notify({ level: 'info', code: 'P1_KEPT', message: c.reason, data: c });
  const toDelete = state.plan.changes.filter((c) => c.action === 'delete' || c.action === 'conflict');
  if (toDelete.length === 0) return { plan: state.plan, result: undefined, backupArn: undefined, backupArns: [] };
  // The configured table and any found by its tags (a `table.name` changed since): each one is
  // refused if protected, and backed up if it holds items, before anything is deleted.
  const { table } = session.stack.parts;
  const tables = toDelete.filter((c) => c.type === table.provisioner.type && c.action === 'delete');
  // Refused before anything is deleted, with the way out, rather than failing half way.
  for (const c of tables) {
    if (!isProtected(state.observed.get(c.id))) continue;
    throw new UserError(`Table ${c.name} has deletion protection on; nothing was deleted.`, {
      exitCode: EXIT.conflict,
      hint:
        c.id === table.id
          ? 'It is on by default outside the "development" environment. To delete the stack and its catalog: set "table": { "deletionProtection": false } in projet1.config.json, run `projet1 up`, then `projet1 down`.'
          : `It is no longer in the configuration (found by this stack's tags): turn its protection off (aws dynamodb update-table --table-name ${c.name} --no-deletion-protection-enabled), then run \`projet1 down\` again.`,
    });
  }
  refuseProtectedPools(toDelete, state.observed);
  const backups = new Map<string, string>();
  const result = await applyApproved(session, stack, state, io, 'down', async () => {
    for (const c of tables) {
      const arn = await backupIfNotEmpty(session, io, c.name);
      if (arn) backups.set(c.id, arn);
    }
  });
  return { plan: state.plan, result, backupArn: backups.get(table.id), backupArns: [...backups.values()] };
}

/** A table observed with deletion protection on (`TableObserved.deletionProtection`). */
const isProtected = (observed: unknown): boolean =>
  typeof observed === 'object' &&
  observed !== null &&
  'deletionProtection' in observed &&
  observed.deletionProtection === true;

/** The catalog never goes with a `down` by accident: a non-empty table is backed up first (on-demand backup). */
async function backupIfNotEmpty(session: Session, io: IoHost, table: string): Promise<string | undefined> {
  const ddb = session.aws.client(DynamoDBClient);
  const probe = await ddb.send(new ScanCommand({ TableName: table, Limit: 1, Select: 'COUNT' }));
  if ((probe.Count ?? 0) === 0 && !probe.LastEvaluatedKey) return undefined;
  // Backup names: letters, digits, . _ - (3-255).
  const name = `${table}-before-down-${new Date().toISOString().replace(/[:.]/g, '-')}`.slice(0, 255);
  const res = await ddb.send(new CreateBackupCommand({ TableName: table, BackupName: name }));
  const arn = res.BackupDetails?.BackupArn ?? name;
  io.notify({
    level: 'info',
    code: 'P1_BACKUP',
    message: `Backed up ${table} before deleting it: ${arn}`,
    data: { arn },
  });
  return arn;
}
