// A small dependency-graph executor (after the CDK CLI's WorkGraph): ready nodes run
// concurrently within a global limit and per-group limits (one group per AWS service);
// the first failure stops new work (or, with keepGoing, only what depends on it), running work
// finishes, the rest is reported skipped.

export interface GraphNode {
  id: string;
  dependsOn: readonly string[];
  /** Concurrency group, e.g. the AWS service the node calls. */
  group: string;
  run: () => Promise<void>;
}

export type NodeOutcome =
  | { status: 'done' }
  | { status: 'failed'; error: unknown }
  | { status: 'skipped'; reason: string };

export interface GraphOptions {
  /** Nodes running at once, all groups together. */
  concurrency: number;
  /** Nodes running at once within a group; groups not listed use `concurrency`. */
  groupLimits?: Record<string, number>;
  /** The run's stop, checked before each node starts: once aborted no node starts; running nodes finish. */
  signal?: AbortSignal;
  /**
   * After a node fails: true goes on with every node that does not depend on it (a cause of its own,
   * as Terraform does), false stops new work (a cause that would fail the rest too, such as an
   * endpoint that does not answer). Without it, the first failure stops new work.
   */
  keepGoing?: (error: unknown) => boolean;
}

export class GraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphError';
  }
}

/** Checks that every dependency exists and that there is no cycle; throws naming the cycle's path. */
export function validateGraph(nodes: readonly Pick<GraphNode, 'id' | 'dependsOn'>[]): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  if (byId.size !== nodes.length) {
    const dup = nodes.find((n, i) => nodes.findIndex((m) => m.id === n.id) !== i);
    throw new GraphError(`duplicate node id "${dup?.id ?? '?'}"`);
  }
  for (const n of nodes) {
    for (const d of n.dependsOn) if (!byId.has(d)) throw new GraphError(`"${n.id}" depends on unknown node "${d}"`);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(id)), id];
      throw new GraphError(`dependency cycle: ${cycle.join(' -> ')}`);
    }
    state.set(id, 'visiting');
    stack.push(id);
    for (const d of byId.get(id)?.dependsOn ?? []) visit(d);
    stack.pop();
    state.set(id, 'done');
  };
  for (const n of nodes) visit(n.id);
}

/** The same graph with every edge reversed: what teardown runs. */
export function reverseGraph<N extends GraphNode>(nodes: readonly N[]): N[] {
  const dependents = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const n of nodes) for (const d of n.dependsOn) dependents.get(d)?.push(n.id);
  return nodes.map((n) => ({ ...n, dependsOn: dependents.get(n.id) ?? [] }));
}

export async function runGraph(nodes: readonly GraphNode[], options: GraphOptions): Promise<Map<string, NodeOutcome>> {
  validateGraph(nodes);
  const outcomes = new Map<string, NodeOutcome>();
  const pending = new Map(nodes.map((n) => [n.id, n]));
  const runningByGroup = new Map<string, number>();
  let running = 0;
  let failed = false;

  return new Promise((resolveAll) => {
    const limitOf = (group: string): number => options.groupLimits?.[group] ?? options.concurrency;
    const isReady = (n: GraphNode): boolean => n.dependsOn.every((d) => outcomes.get(d)?.status === 'done');
    const stopped = (): boolean => options.signal?.aborted === true;

    const finish = (): void => {
      for (const n of pending.values()) {
        const blocker = n.dependsOn.find((d) => outcomes.get(d)?.status !== 'done');
        const reason = stopped()
          ? 'interrupted'
          : failed
            ? 'an earlier step failed'
            : `dependency "${blocker ?? '?'}" did not complete`;
        outcomes.set(n.id, { status: 'skipped', reason });
      }
      pending.clear();
      resolveAll(outcomes);
    };

    const pump = (): void => {
      if (!failed && !stopped()) {
        for (const n of [...pending.values()]) {
          if (running >= options.concurrency) break;
          const inGroup = runningByGroup.get(n.group) ?? 0;
          if (inGroup >= limitOf(n.group) || !isReady(n)) continue;
          pending.delete(n.id);
          running++;
          runningByGroup.set(n.group, inGroup + 1);
          void execute(n);
        }
      }
      if (running === 0) finish();
    };

    const execute = async (n: GraphNode): Promise<void> => {
      try {
        await n.run();
        outcomes.set(n.id, { status: 'done' });
      } catch (error) {
        if (options.keepGoing?.(error) !== true) failed = true;
        outcomes.set(n.id, { status: 'failed', error });
      }
      running--;
      runningByGroup.set(n.group, (runningByGroup.get(n.group) ?? 1) - 1);
      pump();
    };

    pump();
  });
}
