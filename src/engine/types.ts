// The provisioner contract (Pulumi-like) and the data the engine passes around.
import type { AwsClients } from '../aws/clients.js';

/** What a provisioner needs at run time: clients and a way to report progress. */
export interface ProvisionContext {
  aws: AwsClients;
  /** Progress note for a long step (a waiter, a retry); shown by the reporter. */
  note(message: string): void;
  /** Sleep that tests can shorten; used between retries and polls. */
  sleep(ms: number): Promise<void>;
}

/** One changed setting: what the resource has now and what the config wants. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/**
 * A resource type. `observe` returns undefined only when the service says the resource
 * does not exist; any other error is thrown. `create` must be safe to retry after an
 * interruption (it may find the resource half-made).
 */
export interface Provisioner<D, O> {
  /** Type name for display, e.g. "dynamodb-table". */
  readonly type: string;
  /** AWS service, used for per-service concurrency limits. */
  readonly service: string;
  observe(ctx: ProvisionContext, desired: D): Promise<O | undefined>;
  /** False when the resource found is someone else's shared setting: teardown leaves it alone. */
  owned?(desired: D, observed: O): boolean;
  /**
   * Why the resource found is not ours when its tags cannot say (a bucket name another account owns,
   * whose tags we may not read); the plan shows it as the conflict's reason.
   */
  conflict?(desired: D, observed: O): string | undefined;
  /** For a resource teardown leaves (owned() false): one line saying what stays and why; `down` shows it. */
  kept?(desired: D, observed: O): string | undefined;
  /** Tags found on the resource, for the ownership check; undefined when the type has none. */
  tags(observed: O): Record<string, string> | undefined;
  /**
   * Fields whose change alters who may do what (a policy, a trust, a permission). Creating
   * or deleting such a resource, or changing one of these fields, needs the user's approval.
   */
  readonly securityFields?: readonly string[];
  diff(desired: D, observed: O): FieldChange[];
  /** Returns the observed state when it has it at hand (saves a read for `outputsOf`). */
  // biome-ignore lint/suspicious/noConfusingVoidType: most creates return nothing.
  create(ctx: ProvisionContext, desired: D): Promise<O | void>;
  update(ctx: ProvisionContext, desired: D, observed: O, changes: FieldChange[]): Promise<void>;
  delete(ctx: ProvisionContext, desired: D, observed: O): Promise<void>;
  /** Names, ARNs and URLs known from the configuration, worth printing after `up`. */
  outputs?(desired: D): Record<string, string>;
  /**
   * What AWS assigned (ids, ARNs, domain names), read from the observed state. These flow
   * forward: dependents receive them through `Resource.resolve` instead of looking them up.
   */
  outputsOf?(desired: D, observed: O): Record<string, string>;
}

/** A resource of the stack: a provisioner plus the desired state computed from config. */
export interface Resource<D = unknown, O = unknown> {
  /** Stable id within the stack, e.g. "table" or "role:get-products". */
  id: string;
  /** The AWS name shown to the user. */
  name: string;
  provisioner: Provisioner<D, O>;
  /** The desired state; where it holds values AWS assigns, they show as UNKNOWN until known. */
  desired: D;
  dependsOn: string[];
  /**
   * The desired state given the outputs of the resources it depends on (all listed in
   * `dependsOn`); an output not yet known (its resource is still to be created) reads UNKNOWN.
   */
  resolve?: (outputs: OutputsOf) => D;
}

/** Outputs of a resource of the stack, undefined while it does not exist. */
export type OutputsOf = (id: string) => Record<string, string> | undefined;

/** Shown in plans where a value will only be known once a dependency is created. */
export const UNKNOWN = '(known after apply)';

/** One output of a dependency, or UNKNOWN. */
export function ref(outputs: OutputsOf, id: string, key: string): string {
  return outputs(id)?.[key] ?? UNKNOWN;
}

export type ChangeAction = 'create' | 'update' | 'delete' | 'no-op' | 'conflict';

export interface Change {
  id: string;
  type: string;
  name: string;
  action: ChangeAction;
  /** For update: the fields that differ. For conflict: why we refuse to touch it; for a no-op of teardown: why it stays. */
  fields: FieldChange[];
  reason?: string;
  /** Found by the stack's tags under a name the configuration no longer gives (deleted, or listed as left behind). */
  foundByTag?: boolean;
  /** Why `up`/`down` must ask before doing this (a deletion, a permission change); absent when it need not. */
  approval?: string;
}

export interface Plan {
  mode: 'apply' | 'destroy';
  changes: Change[];
}

/** The changes a user must approve before they run (as the CDK's --require-approval broadening). */
export function changesNeedingApproval(plan: Plan): Change[] {
  return plan.changes.filter((c) => c.approval !== undefined);
}

export function planHasChanges(plan: Plan): boolean {
  return plan.changes.some((c) => c.action !== 'no-op');
}
