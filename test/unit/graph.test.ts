import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GraphError,
  reverseGraph,
  runGraph,
  validateGraph,
  type GraphNode,
  type NodeOutcome,
} from '../../src/engine/graph.js';

interface Spec {
  id: string;
  deps?: string[];
  group?: string;
  fail?: boolean;
  ms?: number;
}

/** Runs specs and records start order, finish order and peak concurrency (overall and per group). */
async function run(specs: Spec[], opts: { concurrency: number; groupLimits?: Record<string, number> }) {
  const started: string[] = [];
  const finished: string[] = [];
  let live = 0;
  let peak = 0;
  const liveByGroup = new Map<string, number>();
  const peakByGroup = new Map<string, number>();
  const nodes: GraphNode[] = specs.map((s) => ({
    id: s.id,
    dependsOn: s.deps ?? [],
    group: s.group ?? 'g',
    run: async () => {
      const g = s.group ?? 'g';
      started.push(s.id);
      live++;
      peak = Math.max(peak, live);
      liveByGroup.set(g, (liveByGroup.get(g) ?? 0) + 1);
      peakByGroup.set(g, Math.max(peakByGroup.get(g) ?? 0, liveByGroup.get(g) ?? 0));
      await new Promise((r) => setTimeout(r, s.ms ?? 5));
      live--;
      liveByGroup.set(g, (liveByGroup.get(g) ?? 1) - 1);
      finished.push(s.id);
      if (s.fail) throw new Error(`${s.id} broke`);
    },
  }));
  const outcomes = await runGraph(nodes, opts);
  const status = Object.fromEntries([...outcomes].map(([id, o]: [string, NodeOutcome]) => [id, o.status]));
  return { started, finished, peak, peakByGroup, status, outcomes };
}

describe('runGraph scenarios', () => {
  const scenarios: {
    name: string;
    specs: Spec[];
    concurrency: number;
    groupLimits?: Record<string, number>;
    expect: (r: Awaited<ReturnType<typeof run>>) => void;
  }[] = [
    {
      name: 'empty graph completes',
      specs: [],
      concurrency: 4,
      expect: (r) => assert.deepEqual(r.status, {}),
    },
    {
      name: 'a chain runs in dependency order',
      specs: [{ id: 'c', deps: ['b'] }, { id: 'b', deps: ['a'] }, { id: 'a' }],
      concurrency: 4,
      expect: (r) => {
        assert.deepEqual(r.started, ['a', 'b', 'c']);
        assert.equal(r.peak, 1);
      },
    },
    {
      name: 'a diamond runs both middles concurrently and the join last',
      specs: [
        { id: 'top' },
        { id: 'l', deps: ['top'], ms: 20 },
        { id: 'r', deps: ['top'], ms: 20 },
        { id: 'join', deps: ['l', 'r'] },
      ],
      concurrency: 4,
      expect: (r) => {
        assert.equal(r.started[0], 'top');
        assert.equal(r.started.at(-1), 'join');
        assert.equal(r.peak, 2);
      },
    },
    {
      name: 'the global concurrency limit is never exceeded',
      specs: Array.from({ length: 10 }, (_, i) => ({ id: `n${i}`, ms: 10 })),
      concurrency: 3,
      expect: (r) => {
        assert.equal(r.peak, 3);
        assert.equal(r.finished.length, 10);
      },
    },
    {
      name: 'per-group limits hold while other groups proceed',
      specs: [
        ...Array.from({ length: 4 }, (_, i) => ({ id: `api${i}`, group: 'apigateway', ms: 10 })),
        ...Array.from({ length: 4 }, (_, i) => ({ id: `ddb${i}`, group: 'dynamodb', ms: 10 })),
      ],
      concurrency: 8,
      groupLimits: { apigateway: 1 },
      expect: (r) => {
        assert.equal(r.peakByGroup.get('apigateway'), 1);
        assert.equal(r.peakByGroup.get('dynamodb'), 4);
      },
    },
    {
      name: 'first failure stops new work, lets running work finish and skips the rest',
      specs: [
        { id: 'bad', fail: true, ms: 5 },
        { id: 'slow', ms: 30 },
        { id: 'after-bad', deps: ['bad'] },
        { id: 'after-slow', deps: ['slow'] },
      ],
      concurrency: 4,
      expect: (r) => {
        assert.deepEqual(r.status, { bad: 'failed', slow: 'done', 'after-bad': 'skipped', 'after-slow': 'skipped' });
        assert.ok(r.finished.includes('slow'), 'running work was awaited');
        assert.ok(!r.started.includes('after-slow'), 'no new work after the failure');
      },
    },
    {
      name: 'a failure reports its error',
      specs: [{ id: 'x', fail: true }],
      concurrency: 1,
      expect: (r) => {
        const o = r.outcomes.get('x');
        assert.equal(o?.status, 'failed');
        assert.match(String(o?.status === 'failed' ? o.error : ''), /x broke/);
      },
    },
  ];
  for (const s of scenarios) {
    it(s.name, async () =>
      s.expect(
        await run(s.specs, { concurrency: s.concurrency, ...(s.groupLimits ? { groupLimits: s.groupLimits } : {}) }),
      ),
    );
  }
});

describe('validateGraph', () => {
  const cases: { name: string; nodes: { id: string; dependsOn: string[] }[]; error: RegExp | null }[] = [
    {
      name: 'accepts a DAG',
      nodes: [
        { id: 'a', dependsOn: [] },
        { id: 'b', dependsOn: ['a'] },
      ],
      error: null,
    },
    {
      name: 'reports a cycle with its path',
      nodes: [
        { id: 'a', dependsOn: ['c'] },
        { id: 'b', dependsOn: ['a'] },
        { id: 'c', dependsOn: ['b'] },
      ],
      error: /dependency cycle: a -> c -> b -> a/,
    },
    { name: 'reports a self-loop', nodes: [{ id: 'a', dependsOn: ['a'] }], error: /dependency cycle: a -> a/ },
    {
      name: 'reports an unknown dependency',
      nodes: [{ id: 'a', dependsOn: ['ghost'] }],
      error: /"a" depends on unknown node "ghost"/,
    },
    {
      name: 'reports a duplicate id',
      nodes: [
        { id: 'a', dependsOn: [] },
        { id: 'a', dependsOn: [] },
      ],
      error: /duplicate node id "a"/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.error)
        assert.throws(
          () => validateGraph(c.nodes),
          (e: unknown) => e instanceof GraphError && c.error?.test(e.message) === true,
        );
      else assert.doesNotThrow(() => validateGraph(c.nodes));
    });
  }

  it('runGraph rejects a cycle before running anything', async () => {
    let ran = false;
    const mark = async () => {
      ran = true;
    };
    await assert.rejects(
      runGraph(
        [
          { id: 'a', dependsOn: ['b'], group: 'g', run: mark },
          { id: 'b', dependsOn: ['a'], group: 'g', run: mark },
        ],
        { concurrency: 2 },
      ),
      /dependency cycle/,
    );
    assert.equal(ran, false);
  });
});

describe('reverseGraph (teardown)', () => {
  it('runs dependents before their dependencies', async () => {
    const order: string[] = [];
    const node = (id: string, dependsOn: string[]): GraphNode => ({
      id,
      dependsOn,
      group: 'g',
      run: async () => void order.push(id),
    });
    const nodes = [node('table', []), node('role', ['table']), node('fn', ['role', 'table'])];
    await runGraph(reverseGraph(nodes), { concurrency: 1 });
    assert.deepEqual(order, ['fn', 'role', 'table']);
  });
});
