// The stack's outputs: names, ARNs and URLs from the configuration plus what AWS assigned.
import { UserError } from '../errors.js';
import type { Reporter } from '../engine/events.js';
import { computePlan, outputOf, type PlanState } from '../engine/plan.js';
import type { Session } from './session.js';

/** Names, ARNs and URLs of the stack: from the configuration, plus what AWS assigned (from the plan state). */
export function stackOutputs(session: Session, state: Pick<PlanState, 'outputs'>): Record<string, string> {
  const out: Record<string, string> = {
    project: session.config.project,
    environment: session.config.environment,
    region: session.config.region,
  };
  if (session.config.endpointUrl) out.endpointUrl = session.config.endpointUrl;
  for (const r of session.stack.resources) {
    const all = { ...r.provisioner.outputs?.(r.desired), ...state.outputs.get(r.id) };
    for (const [key, value] of Object.entries(all)) out[`${r.id.replace(':', '.')}.${key}`] = value;
  }
  const { stage, distribution, dashboard } = session.stack.parts;
  const apiUrl = outputOf(state, stage, 'url');
  const websiteUrl = outputOf(state, distribution, 'url');
  const dashboardUrl = dashboard?.desired.url;
  if (apiUrl) out.apiUrl = apiUrl;
  if (websiteUrl) out.websiteUrl = websiteUrl;
  if (dashboardUrl) out.dashboardUrl = dashboardUrl;
  return out;
}

/** Outputs of a deployed stack; refuses when nothing is deployed, so scripts do not read stale names. */
export async function deployedOutputs(session: Session, reporter: Reporter): Promise<Record<string, string>> {
  const state = await computePlan(session.stack, 'apply', session.context(reporter), reporter);
  // What the stack shares with others (the account's API Gateway logging role and setting) outlives it.
  const shared = (id: string): boolean => {
    const r = session.stack.resources.find((x) => x.id === id);
    const found = state.observed.get(id);
    return found !== undefined && r?.provisioner.owned?.(state.desired.get(id) ?? r.desired, found) === false;
  };
  if (state.plan.changes.every((c) => c.action === 'create' || shared(c.id))) {
    throw new UserError(
      `Nothing is deployed for ${session.config.project}/${session.config.environment} in ${session.config.region}.`,
      {
        exitCode: 3,
        hint: 'Run `projet1 up` first.',
      },
    );
  }
  return stackOutputs(session, state);
}
