// How `dev` makes a function's new code live: the function alone in a one-resource stack, planned
// and applied by the engine, the code path `up` takes, so what dev deploys is what `up` would.
import { resourceNames } from '../config/names.js';
import { applyPlan } from '../engine/apply.js';
import type { Reporter } from '../engine/events.js';
import { computePlan, type Stack } from '../engine/plan.js';
import { changesNeedingApproval } from '../engine/types.js';
import { UserError } from '../errors.js';
import type { FunctionResource } from '../stack/api-tier.js';
import type { Session } from './session.js';

/**
 * The function `id` (src/config/functions.ts) among the stack's typed functions, found by the name the
 * configuration gives it rather than by a resource id spelt here.
 */
export function functionResource(session: Session, id: string): FunctionResource | undefined {
  const name = resourceNames(session.config, session.env.accountId).functions[id]?.function;
  return session.stack.parts.functions.find((r) => r.name === name);
}

/**
 * Plans and applies `resource` alone: it is observed and only what differs (its code) is updated.
 * False when `signal` stopped the run before the update started.
 */
export async function applyFunction(
  session: Session,
  resource: FunctionResource,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<boolean> {
  // Alone in its stack: what it depends on (its role, its log group) exists since the first `up`.
  const stack: Stack = { resources: [{ ...resource, dependsOn: [] }], tags: session.stack.tags };
  const ctx = session.context(reporter);
  const state = await computePlan(stack, 'apply', ctx, reporter);
  // A changed role (drift) needs the user's approval, which only `up` asks for.
  const risky = changesNeedingApproval(state.plan);
  if (risky.length > 0) {
    throw new UserError(
      `${resource.name} changed outside projet1 (${risky.map((c) => c.approval).join('; ')}); nothing was changed.`,
      { hint: 'Run `projet1 up` to review and apply the configuration.' },
    );
  }
  const result = await applyPlan(stack, state, ctx, reporter, { signal });
  return result.notStarted.length === 0;
}
