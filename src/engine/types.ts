// The provisioner contract (Pulumi-like) and the data the engine passes around.
import type { AwsClients } from '../../runtime/aws/clients.js';

/**
 * What a provisioner calls AWS through: the run's clients, or a view of them in another region
 * (`Resource.region`, src/engine/region.ts) whose clients default to that region.
 */
export type AwsAccess = Pick<AwsClients, 'client' | 'target'>;

/** What a provisioner needs at run time: clients and a way to report progress. */
export interface ProvisionContext {
  aws: AwsAccess;
  /** Progress note for a long step (a waiter, a retry); shown by the reporter. */
  note(message: string): void;
  /** Sleep that tests can shorten; used between retries and polls. */
  sleep(ms: number): Promise<void>;
  /** The run's stop signal (`IoHost.signal`): a wait of minutes gives up when it is aborted. */
  signal?: AbortSignal;
}

/**
 * A wait (minutes of CREATING) given up because the run was stopped (`ProvisionContext.signal`): the
 * change counts as not finished, as one not started, not as a failure; the next run resumes it.
 */
export class StoppedWaiting extends Error {
  constructor(what: string) {
    super(`stopped while waiting for ${what}; the next run resumes the wait`);
    this.name = 'StoppedWaiting';
  }
}

/** One changed setting: what the resource has now and what the config wants. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** Values AWS assigned to a resource (ids, ARNs, URLs), by name. */
export type Outputs = Record<string, string>;

/** The outputs of a provisioner that declares none: no key to `ref`. */
export type NoOutputs = Record<never, string>;

/**
 * A resource type. `observe` returns undefined only when the service says the resource
 * does not exist; any other error is thrown. `create` must be safe to retry after an
 * interruption (it may find the resource half-made). `Out` is what `outputsOf` returns: the
 * keys dependents may `ref`, checked by the compiler.
 */
export interface Provisioner<D, O, Out extends Outputs = NoOutputs> {
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
  outputsOf?(desired: D, observed: O): Out;
}

/**
 * A resource of the stack: a provisioner plus the desired state computed from config. `Id` narrows
 * the ids a stack uses (its `dependsOn` too), so a misspelt dependency fails to compile.
 */
export interface Resource<D = unknown, O = unknown, Out extends Outputs = Outputs, Id extends string = string> {
  /** Stable id within the stack, e.g. "table" or "role:get-products". */
  id: Id;
  /** The AWS name shown to the user. */
  name: string;
  /**
   * The region it lives in when not the stack's (regions.secondary): its provisioner gets clients of
   * that region (`contextIn`), and plans and progress show the region after its name.
   */
  region?: string;
  provisioner: Provisioner<D, O, Out>;
  /** The desired state; where it holds values AWS assigns, they show as UNKNOWN until known. */
  desired: D;
  dependsOn: Id[];
  /**
   * The desired state given the outputs of the resources it depends on (all listed in
   * `dependsOn`); an output not yet known (its resource is still to be created) reads UNKNOWN.
   */
  resolve?: (outputs: OutputsOf) => D;
}

/** The resource type a provisioner makes, its outputs typed as it declares them. */
export type ResourceOf<P, Id extends string = string> =
  P extends Provisioner<infer D, infer O, infer Out> ? Resource<D, O, Out, Id> : never;

/** Outputs of a resource of the stack, undefined while it does not exist. */
export type OutputsOf = (id: string) => Outputs | undefined;

/** Shown in plans where a value will only be known once a dependency is created. */
export const UNKNOWN = '(known after apply)';

/**
 * One output of a dependency, or UNKNOWN. `from` is the dependency itself and `key` one of the
 * outputs its provisioner declares: a renamed output or a resource without it fails to compile.
 */
export function ref<D, O, Out extends Outputs>(
  outputs: OutputsOf,
  from: Resource<D, O, Out>,
  key: keyof Out & string,
): string {
  return outputs(from.id)?.[key] ?? UNKNOWN;
}

export type ChangeAction = 'create' | 'update' | 'delete' | 'no-op' | 'conflict';

export interface Change {
  id: string;
  type: string;
  name: string;
  /** The resource's region when not the stack's (`Resource.region`). */
  region?: string;
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
