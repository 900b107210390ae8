// The operations behind the commands. They return data and report events; never print.
import { UserError } from '../errors.js';
import { applyPlan, type ApplyResult } from '../engine/apply.js';
import type { Reporter } from '../engine/events.js';
import { computePlan } from '../engine/plan.js';
import type { Change, Plan } from '../engine/types.js';
import type { Session } from './session.js';

export interface AwsCallSummary {
  total: number;
  mutating: number;
  /** "Service.Operation" of every mutating call, in order. */
  mutatingOperations: string[];
}

export function callSummary(session: Session): AwsCallSummary {
  const mutating = session.aws.mutatingCalls();
  return { total: session.aws.calls.length, mutating: mutating.length, mutatingOperations: mutating.map((c) => `${c.service}.${c.operation}`) };
}

export async function plan(session: Session, mode: Plan['mode'], reporter: Reporter): Promise<Plan> {
  return (await computePlan(session.stack, mode, session.context(reporter), reporter)).plan;
}

export interface UpResult {
  plan: Plan;
  result: ApplyResult;
  outputs: Record<string, string>;
}

export async function up(session: Session, reporter: Reporter): Promise<UpResult> {
  const ctx = session.context(reporter);
  const state = await computePlan(session.stack, 'apply', ctx, reporter);
  reporter.event({ type: 'phase', phase: 'apply', total: state.plan.changes.filter((c) => c.action !== 'no-op').length });
  const result = await applyPlan(session.stack, state, ctx, reporter);
  return { plan: state.plan, result, outputs: await stackOutputs(session, reporter) };
}

export async function down(session: Session, reporter: Reporter, confirm: (plan: Plan) => Promise<boolean>): Promise<{ plan: Plan; result: ApplyResult | undefined }> {
  const ctx = session.context(reporter);
  const state = await computePlan(session.stack, 'destroy', ctx, reporter);
  const toDelete = state.plan.changes.filter((c) => c.action === 'delete' || c.action === 'conflict');
  if (toDelete.length === 0) return { plan: state.plan, result: undefined };
  if (!(await confirm(state.plan))) throw new UserError('Teardown cancelled; nothing was deleted.', { exitCode: 1 });
  reporter.event({ type: 'phase', phase: 'destroy', total: toDelete.length });
  return { plan: state.plan, result: await applyPlan(session.stack, state, ctx, reporter) };
}

export type ResourceState = 'ok' | 'missing' | 'drifted' | 'foreign';

export interface StatusRow {
  id: string;
  type: string;
  name: string;
  state: ResourceState;
  drift: Change['fields'];
  reason?: string;
}

export async function status(session: Session, reporter: Reporter): Promise<StatusRow[]> {
  const p = await plan(session, 'apply', reporter);
  const stateOf: Record<Change['action'], ResourceState> = { create: 'missing', update: 'drifted', 'no-op': 'ok', conflict: 'foreign', delete: 'ok' };
  return p.changes.map((c) => ({ id: c.id, type: c.type, name: c.name, state: stateOf[c.action], drift: c.fields, ...(c.reason ? { reason: c.reason } : {}) }));
}

/** Names, ARNs and URLs of the stack: from the desired state, plus lookups for AWS-assigned ids. */
export async function stackOutputs(session: Session, reporter: Reporter): Promise<Record<string, string>> {
  const out: Record<string, string> = {
    project: session.config.project,
    environment: session.config.environment,
    region: session.config.region,
  };
  if (session.config.endpointUrl) out.endpointUrl = session.config.endpointUrl;
  const ctx = session.context(reporter);
  for (const r of session.stack.resources) {
    const live = r.provisioner.liveOutputs ? await r.provisioner.liveOutputs(ctx(r.id), r.desired) : {};
    for (const [key, value] of Object.entries({ ...r.provisioner.outputs?.(r.desired), ...live })) out[`${r.id.replace(':', '.')}.${key}`] = value;
  }
  if (out['stage.url']) out.apiUrl = out['stage.url'];
  return out;
}

/** Outputs of a deployed stack; refuses when nothing is deployed, so scripts do not read stale names. */
export async function deployedOutputs(session: Session, reporter: Reporter): Promise<Record<string, string>> {
  const rows = await status(session, reporter);
  if (rows.every((r) => r.state === 'missing')) {
    throw new UserError(`Nothing is deployed for ${session.config.project}/${session.config.environment} in ${session.config.region}.`, {
      exitCode: 3,
      hint: 'Run `projet1 up` first.',
    });
  }
  return stackOutputs(session, reporter);
}
