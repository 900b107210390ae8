// plan = observe every resource and compare with the desired state. Pure data out;
// rendering lives in the CLI. Nothing here writes to AWS.
import { classifyAwsError } from '../aws/errors.js';
import { MANAGED_BY } from '../config/names.js';
import type { Reporter } from './events.js';
import { runGraph } from './graph.js';
import { contextIn, shownName } from './region.js';
import type { Change, FieldChange, Outputs, Plan, ProvisionContext, Resource } from './types.js';

export interface Stack {
  resources: Resource[];
  /**
   * What this stack makes under settings its configuration now turns off (alarms disabled, no
   * notification e-mail): planned for deletion where found with this stack's tags, in `up` and
   * `down` alike; absent or someone else's, they are no change at all.
   */
  retired?: Resource[];
  /**
   * Found with this stack's tags under a name no resource of the stack gives (src/stack/tagged.ts):
   * `down` deletes them; `up` deletes them too, except what holds data (a table, a bucket): it lists those.
   */
  found?: FoundResource[];
  /** Tags every resource of this stack carries; a mismatch means "not ours". */
  tags: Record<string, string>;
}

/**
 * A resource found by the stack's tags. One that `holdsData` only `down` deletes: `up` lists it with
 * `leftBehind` (how to remove it), unless it is `partOf` another (a bucket's policy): that one is listed.
 */
export interface FoundResource extends Resource {
  holdsData: boolean;
  leftBehind?: string;
  partOf?: string;
}

/** A plan plus what `apply` needs: what was observed, the desired states and the outputs known so far. */
export interface PlanState {
  plan: Plan;
  observed: Map<string, unknown>;
  /** Each resource's desired state, resolved with the outputs known at plan time. */
  desired: Map<string, unknown>;
  /** What AWS assigned to each existing resource; `apply` adds those it creates. */
  outputs: Map<string, Outputs>;
}

/**
 * One output of a resource as the plan (or apply) found it; undefined while the resource does not
 * exist. `key` is checked against the outputs its provisioner declares.
 */
export function outputOf<D, O, Out extends Outputs>(
  state: Pick<PlanState, 'outputs'>,
  r: Resource<D, O, Out>,
  key: keyof Out & string,
): string | undefined {
  return state.outputs.get(r.id)?.[key];
}

export const SERVICE_LIMITS: Record<string, number> = {
  iam: 4,
  dynamodb: 4,
  logs: 4,
  lambda: 6,
  apigateway: 1,
  s3: 4,
  cloudfront: 2,
  cloudwatch: 4,
  sns: 2,
  ssm: 2,
};

export async function computePlan(
  stack: Stack,
  mode: Plan['mode'],
  ctx: (id: string) => ProvisionContext,
  reporter: Reporter,
): Promise<PlanState> {
  const all = everyResource(stack);
  reporter.event({ type: 'phase', phase: 'observe', total: all.length });
  const observed = new Map<string, unknown>();
  const desired = new Map<string, unknown>();
  const outputs = new Map<string, Outputs>();
  // A resource that takes outputs is observed after what it depends on; the rest all at once.
  const nodes = all.map((r) => ({
    id: r.id,
    dependsOn: r.resolve ? r.dependsOn : [],
    group: r.provisioner.service,
    run: async () => {
      const want = r.resolve ? r.resolve((id) => outputs.get(id)) : r.desired;
      desired.set(r.id, want);
      const found = await r.provisioner.observe(contextIn(ctx, r), want);
      if (found !== undefined) {
        observed.set(r.id, found);
        const out = r.provisioner.outputsOf?.(want, found);
        if (out) outputs.set(r.id, out);
      }
      reporter.event({ type: 'observed', id: r.id, name: shownName(r) });
    },
  }));
  const outcomes = await runGraph(nodes, { concurrency: 8, groupLimits: SERVICE_LIMITS });
  for (const [id, outcome] of outcomes) {
    const r = all.find((x) => x.id === id);
    if (outcome.status === 'failed')
      throw classifyAwsError(outcome.error, (r ? contextIn(ctx, r) : ctx('plan')).aws.target, r && shownName(r));
  }
  const retired = new Set((stack.retired ?? []).map((r) => r.id));
  const found = new Map((stack.found ?? []).map((r) => [r.id, r]));
  const ordered = mode === 'destroy' ? teardownOrder(all) : all;
  const changes = ordered.flatMap((r) => {
    const resolved = { ...r, desired: desired.get(r.id) ?? r.desired };
    if (retired.has(r.id)) return retiredChange(resolved, observed.get(r.id), stack.tags);
    const byTag = found.get(r.id);
    if (byTag) return foundChange({ ...byTag, ...resolved }, mode, observed.get(r.id), stack.tags);
    return [withApproval(r, changeFor(resolved, observed.get(r.id), mode, stack.tags))];
  });
  return { plan: { mode, changes }, observed, desired, outputs };
}

/** The stack's resources, those its settings retired and those found by its tags (see `Stack`). */
export function everyResource(stack: Stack): Resource[] {
  return [...stack.resources, ...(stack.retired ?? []), ...(stack.found ?? [])];
}

/** What is only ever deleted, never created or updated: the retired and the found-by-tag resources. */
export function removedIds(stack: Stack): Set<string> {
  return new Set([...(stack.retired ?? []), ...(stack.found ?? [])].map((r) => r.id));
}

/**
 * A resource found by tag is deleted as a retired one is; one holding data (`keep`: a table or a
 * bucket, in `up`) is listed instead, with the command that removes it.
 */
function foundChange(
  r: FoundResource,
  mode: Plan['mode'],
  observed: unknown,
  expectedTags: Record<string, string>,
): Change[] {
  const [change] = retiredChange(r, observed, expectedTags);
  if (!change) return [];
  if (mode === 'destroy' || !r.holdsData)
    return [{ ...change, reason: 'found by tag, not in the configuration', foundByTag: true }];
  if (r.partOf) return [];
  const { approval: _, ...listed } = change;
  return [{ ...listed, action: 'no-op', reason: r.leftBehind ?? 'left behind', foundByTag: true }];
}

/**
 * A retired resource found with this stack's tags is deleted (with approval, as every deletion);
 * one not found, someone else's under that name, or shared (owned() false) is no change at all.
 */
function retiredChange(r: Resource, observed: unknown, expectedTags: Record<string, string>): Change[] {
  if (observed === undefined) return [];
  const p = r.provisioner;
  if (p.conflict?.(r.desired, observed) ?? ownershipProblem(p.tags(observed), expectedTags)) return [];
  if (p.owned?.(r.desired, observed) === false) return [];
  return [
    {
      ...identity(r),
      action: 'delete',
      fields: [],
      reason: 'turned off in the configuration',
      approval: 'deletes a resource',
    },
  ];
}

/** Resources in the order `down` deletes them: dependents before what they depend on. */
export function teardownOrder(resources: readonly Resource[]): Resource[] {
  const byId = new Map(resources.map((r) => [r.id, r]));
  const done = new Set<string>();
  const out: Resource[] = [];
  const visit = (r: Resource): void => {
    if (done.has(r.id)) return;
    done.add(r.id);
    for (const d of r.dependsOn) {
      const dep = byId.get(d);
      if (dep) visit(dep);
    }
    out.push(r);
  };
  for (const r of resources) visit(r);
  return out.reverse();
}

/** Deletions and permission changes are marked for approval; the CLI decides how to ask. */
function withApproval(r: Resource, change: Change): Change {
  const security = r.provisioner.securityFields ?? [];
  if (change.action === 'delete') return { ...change, approval: 'deletes a resource' };
  if (security.length === 0) return change;
  if (change.action === 'create') return { ...change, approval: 'grants permissions' };
  const touched = change.fields.filter((f) => security.includes(f.field)).map((f) => f.field);
  if (change.action === 'update' && touched.length > 0)
    return { ...change, approval: `changes permissions (${touched.join(', ')})` };
  return change;
}

/** What a change says of its resource: its id, type, name, and region when not the stack's. */
const identity = (r: Resource): Pick<Change, 'id' | 'type' | 'name' | 'region'> => ({
  id: r.id,
  type: r.provisioner.type,
  name: shownName(r),
  ...(r.region ? { region: r.region } : {}),
});

function changeFor(r: Resource, observed: unknown, mode: Plan['mode'], expectedTags: Record<string, string>): Change {
  const base = identity(r);
  if (observed === undefined) return { ...base, action: mode === 'apply' ? 'create' : 'no-op', fields: [] };
  const conflict =
    r.provisioner.conflict?.(r.desired, observed) ?? ownershipProblem(r.provisioner.tags(observed), expectedTags);
  if (conflict) return { ...base, action: 'conflict', fields: [], reason: conflict };
  if (mode === 'destroy') {
    if (r.provisioner.owned?.(r.desired, observed) !== false) return { ...base, action: 'delete', fields: [] };
    const kept = r.provisioner.kept?.(r.desired, observed);
    return { ...base, action: 'no-op', fields: [], ...(kept ? { reason: kept } : {}) };
  }
  const fields = r.provisioner.diff(r.desired, observed);
  return { ...base, action: fields.length > 0 ? 'update' : 'no-op', fields };
}

/**
 * A resource with our name but without our tags belongs to someone else (another
 * environment, or created by hand or by Terraform): never modify or delete it.
 */
export function ownershipProblem(
  found: Record<string, string> | undefined,
  expected: Record<string, string>,
): string | undefined {
  if (found === undefined) return undefined;
  if (found['managed-by'] !== MANAGED_BY)
    return `exists but is not managed by projet1 (no "managed-by: ${MANAGED_BY}" tag)`;
  for (const key of ['project', 'environment']) {
    if (found[key] !== expected[key])
      return `belongs to ${key} "${found[key] ?? '(none)'}", not "${expected[key] ?? ''}"`;
  }
  // Global resources (a bucket name, a role) seen from another region are that region's, not ours.
  if (found.region !== undefined && expected.region !== undefined && found.region !== expected.region) {
    return `belongs to region "${found.region}", not "${expected.region}"`;
  }
  return undefined;
}

/** The tag changes a resource needs; provisioners include this in their diff. */
export function tagChanges(desired: Record<string, string>, found: Record<string, string>): FieldChange[] {
  const missing = Object.entries(desired).filter(([k, v]) => found[k] !== v);
  if (missing.length === 0) return [];
  return [
    {
      field: 'tags',
      from: Object.fromEntries(missing.map(([k]) => [k, found[k] ?? null])),
      to: Object.fromEntries(missing),
    },
  ];
}
