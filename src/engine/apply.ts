// apply = run a plan's changes through the dependency graph (reversed for destroy).
import { AccessDeniedError, classifyAwsError } from '../aws/errors.js';
import { AwsAccessError, ConflictError, UserError, errorMessage } from '../errors.js';
import type { Reporter } from './events.js';
import { reverseGraph, runGraph, type GraphNode, type NodeOutcome } from './graph.js';
import { everyResource, removedIds, SERVICE_LIMITS, type PlanState, type Stack } from './plan.js';
import { canonicalJson } from './canonical.js';
import { contextIn, shownName } from './region.js';
import {
  type ChangeAction,
  type FieldChange,
  type Plan,
  type ProvisionContext,
  type Resource,
  StoppedWaiting,
} from './types.js';

export interface ApplyResult {
  counts: Record<'created' | 'updated' | 'deleted' | 'unchanged', number>;
  ms: number;
  /** Changes not started because the run was interrupted (Ctrl-C); a re-run does them. */
  notStarted: string[];
}

export interface ApplyOptions {
  /** Aborted once the run must stop: no new change starts, running ones finish. */
  signal?: AbortSignal;
}

export class ApplyFailedError extends UserError {
  constructor(
    readonly failures: { id: string; name: string; error: unknown }[],
    readonly skipped: string[],
  ) {
    // Each failure keeps its own way out (a permission to add, AWS Support to contact): one shared hint cannot say it.
    const lines = failures.map((f) => {
      const hint = f.error instanceof UserError && f.error.hint ? `\n      ${f.error.hint}` : '';
      return `  - ${f.name}: ${errorMessage(f.error)}${hint}`;
    });
    super(
      `${failures.length} resource(s) failed${skipped.length ? `, ${skipped.length} skipped` : ''}:\n${lines.join('\n')}`,
      {
        hint: 'Nothing is left half-tracked: fix the cause and run the same command again; it resumes where it stopped.',
      },
    );
    this.name = 'ApplyFailedError';
  }
}

/**
 * The one error that explains every failure, when there is one: an endpoint that does not answer,
 * rejected credentials, an unknown region. Those carry the same hint for every call they hit (the
 * message may still name each call), so one line says it all. A refused call (a missing permission,
 * an account not cleared for a service) is about that call only: those are listed with the rest.
 */
function sharedCause(errors: unknown[]): AwsAccessError | undefined {
  const [first] = errors;
  if (!isGeneral(first)) return undefined;
  return errors.every((e) => isGeneral(e) && e.hint === first.hint) ? first : undefined;
}

/** Unreachable, not AWS, credentials rejected, region unknown: not about one call. */
const isGeneral = (e: unknown): e is AwsAccessError => e instanceof AwsAccessError && !(e instanceof AccessDeniedError);

/** A plan touching a resource that is not ours is refused whole, before anything is asked or done. */
export function refuseConflicts(plan: Plan): void {
  const conflicts = plan.changes.filter((c) => c.action === 'conflict');
  if (conflicts.length === 0) return;
  throw new ConflictError(
    `Refusing to ${plan.mode === 'apply' ? 'apply' : 'destroy'}: ${conflicts.map((c) => `${c.type} ${c.name} ${c.reason ?? ''}`).join('; ')}.`,
    'Choose other names (project, environment, table.name) or remove the foreign resource; nothing was changed.',
  );
}

/** What every resource's step of one apply reads and counts. */
interface ApplyRun {
  mode: Plan['mode'];
  state: PlanState;
  ctx: (id: string) => ProvisionContext;
  reporter: Reporter;
  /** Retired and found-by-tag resources: only ever deleted. */
  retired: Set<string>;
  actionOf: Map<string, ChangeAction>;
  fieldsOf: Map<string, FieldChange[]>;
  counts: ApplyResult['counts'];
}

/** One resource's change, with the desired state completed by the outputs created since the plan. */
async function applyResource(r: Resource, run: ApplyRun): Promise<void> {
  const { state, reporter, retired, counts } = run;
  const c = contextIn(run.ctx, r);
  const name = shownName(r);
  const found = state.observed.get(r.id);
  const planned = state.desired.get(r.id) ?? r.desired;
  // Outputs created since the plan (an id, an ARN) complete this resource's desired state now.
  const want = r.resolve ? r.resolve((id) => state.outputs.get(id)) : planned;
  let act = run.actionOf.get(r.id) ?? 'no-op';
  let fields = run.fieldsOf.get(r.id) ?? [];
  if (
    r.resolve &&
    run.mode === 'apply' &&
    !retired.has(r.id) &&
    found !== undefined &&
    canonicalJson(want) !== canonicalJson(planned)
  ) {
    fields = r.provisioner.diff(want, found);
    act = fields.length > 0 ? 'update' : 'no-op';
  }
  if (act === 'no-op') {
    if (run.mode === 'apply' && !retired.has(r.id)) counts.unchanged++;
    return;
  }
  const t0 = Date.now();
  reporter.event({ type: 'start', id: r.id, name, action: act });
  if (act === 'create') {
    const made = (await r.provisioner.create(c, want)) ?? undefined;
    if (r.provisioner.outputsOf) {
      const now = made ?? (await r.provisioner.observe(c, want));
      if (now !== undefined) state.outputs.set(r.id, r.provisioner.outputsOf(want, now));
    }
  } else if (act === 'update') await r.provisioner.update(c, want, found, fields);
  else if (act === 'delete') await r.provisioner.delete(c, want, found);
  counts[act === 'create' ? 'created' : act === 'update' ? 'updated' : 'deleted']++;
  reporter.event({ type: 'done', id: r.id, name, action: act, ms: Date.now() - t0 });
}

/** What the graph's outcomes mean for the user: failures (reported), skipped and not-started changes. */
function sortOutcomes(all: Resource[], outcomes: Map<string, NodeOutcome>, run: ApplyRun) {
  const failures: ApplyFailedError['failures'] = [];
  const skipped: string[] = [];
  const notStarted: string[] = [];
  for (const r of all) {
    const outcome = outcomes.get(r.id);
    const action = run.actionOf.get(r.id) ?? 'no-op';
    const name = shownName(r);
    if (outcome?.status === 'failed' && outcome.error instanceof StoppedWaiting) {
      notStarted.push(r.id);
    } else if (outcome?.status === 'failed') {
      const error = classifyAwsError(outcome.error, contextIn(run.ctx, r).aws.target);
      failures.push({ id: r.id, name, error });
      run.reporter.event({ type: 'failed', id: r.id, name, action, message: errorMessage(error) });
    } else if (outcome?.status === 'skipped' && outcome.reason === 'interrupted') {
      if (action !== 'no-op') notStarted.push(r.id);
    } else if (outcome?.status === 'skipped' && action !== 'no-op') {
      skipped.push(r.id);
      run.reporter.event({ type: 'skipped', id: r.id, name, action, reason: outcome.reason });
    }
  }
  return { failures, skipped, notStarted };
}

export async function applyPlan(
  stack: Stack,
  state: PlanState,
  ctx: (id: string) => ProvisionContext,
  reporter: Reporter,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const started = Date.now();
  const { plan } = state;
  refuseConflicts(plan);
  const all = everyResource(stack);
  const retired = removedIds(stack);
  const run: ApplyRun = {
    mode: plan.mode,
    state,
    ctx,
    reporter,
    retired,
    actionOf: new Map(plan.changes.map((c) => [c.id, c.action])),
    fieldsOf: new Map(plan.changes.map((c) => [c.id, c.fields])),
    counts: { created: 0, updated: 0, deleted: 0, unchanged: 0 },
  };
  // A retired (or found-by-tag) resource is only ever deleted: in `up` too, after every resource that
  // names it in `dependsOn` (a distribution letting go of a policy it no longer uses updates first),
  // as `down` would order it; those no longer wait for it.
  const dependsOn = (id: string, deps: string[]): string[] => {
    if (plan.mode !== 'apply') return deps;
    if (retired.has(id)) return all.filter((x) => x.dependsOn.includes(id)).map((x) => x.id);
    return deps.filter((d) => !retired.has(d));
  };
  const nodes: GraphNode[] = all.map((r) => ({
    id: r.id,
    dependsOn: dependsOn(r.id, r.dependsOn),
    group: r.provisioner.service,
    run: () => applyResource(r, run),
  }));
  const graph = plan.mode === 'destroy' ? reverseGraph(nodes) : nodes;
  const outcomes = await runGraph(graph, {
    concurrency: 8,
    groupLimits: SERVICE_LIMITS,
    // A failure of its own (a refused call, a quota) leaves the rest of the stack to be made; one that
    // would fail every call (no endpoint, rejected credentials) stops at once instead of waiting on each.
    keepGoing: (error) => plan.mode === 'apply' && !isGeneral(classifyAwsError(error, ctx('graph').aws.target)),
    signal: options.signal,
  });
  const { failures, skipped, notStarted } = sortOutcomes(all, outcomes, run);
  if (failures.length > 0) {
    const shared = sharedCause(failures.map((f) => f.error));
    if (shared) throw shared;
    throw new ApplyFailedError(failures, skipped);
  }
  return { counts: run.counts, ms: Date.now() - started, notStarted };
}
