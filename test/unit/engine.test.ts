// The plan/apply engine over an in-memory provisioner (no AWS): changes, conflicts,
// failure handling and teardown order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AwsClients } from '../../runtime/aws/clients.js';
import { ConflictError } from '../../src/errors.js';
import { ApplyFailedError, applyPlan } from '../../src/engine/apply.js';
import { silentReporter } from '../../src/engine/events.js';
import { computePlan, tagChanges, type Stack } from '../../src/engine/plan.js';
import { type ProvisionContext, type Provisioner, type Resource, ref, UNKNOWN } from '../../src/engine/types.js';

interface Item {
  size: number;
  tags: Record<string, string>;
}

function memoryProvisioner(
  world: Map<string, Item>,
  log: string[],
  failOn?: string,
): Provisioner<{ key: string; size: number; tags: Record<string, string> }, Item> {
  return {
    type: 'memory',
    service: 'mem',
    observe: async (_c, d) => world.get(d.key),
    tags: (o) => o.tags,
    diff: (d, o) => [
      ...(d.size !== o.size ? [{ field: 'size', from: o.size, to: d.size }] : []),
      ...tagChanges(d.tags, o.tags),
    ],
    create: async (_c, d) => {
      if (d.key === failOn) throw new Error(`cannot create ${d.key}`);
      log.push(`create ${d.key}`);
      world.set(d.key, { size: d.size, tags: d.tags });
    },
    update: async (_c, d) => {
      log.push(`update ${d.key}`);
      world.set(d.key, { size: d.size, tags: d.tags });
    },
    delete: async (_c, d) => {
      log.push(`delete ${d.key}`);
      world.delete(d.key);
    },
  };
}

const TAGS = { project: 'p', environment: 'dev', 'managed-by': 'projet1' };
const ctx = (): ProvisionContext => ({
  aws: { target: { region: 'eu-west-3', endpointUrl: null, profile: null } } as AwsClients,
  note: () => undefined,
  sleep: async () => undefined,
});

function stackOf(world: Map<string, Item>, log: string[], failOn?: string): Stack {
  const p = memoryProvisioner(world, log, failOn);
  const r = (key: string, size: number, dependsOn: string[] = []): Resource => ({
    id: key,
    name: key,
    provisioner: p as Provisioner<unknown, unknown>,
    desired: { key, size, tags: TAGS },
    dependsOn,
  });
  return { resources: [r('table', 1), r('role', 2, ['table']), r('fn', 3, ['role'])], tags: TAGS };
}

describe('plan and apply', () => {
  it('creates everything from nothing in dependency order, then plans no changes', async () => {
    const world = new Map<string, Item>();
    const log: string[] = [];
    const stack = stackOf(world, log);
    const state = await computePlan(stack, 'apply', ctx, silentReporter);
    assert.deepEqual(
      state.plan.changes.map((c) => c.action),
      ['create', 'create', 'create'],
    );
    const res = await applyPlan(stack, state, ctx, silentReporter);
    assert.deepEqual(log, ['create table', 'create role', 'create fn']);
    assert.deepEqual(res.counts, { created: 3, updated: 0, deleted: 0, unchanged: 0 });
    const again = await computePlan(stack, 'apply', ctx, silentReporter);
    assert.deepEqual(
      again.plan.changes.map((c) => c.action),
      ['no-op', 'no-op', 'no-op'],
    );
  });

  it('lists exactly the drifted fields as an update', async () => {
    const world = new Map<string, Item>([
      ['table', { size: 1, tags: TAGS }],
      ['role', { size: 9, tags: TAGS }],
      ['fn', { size: 3, tags: { ...TAGS, project: 'p' } }],
    ]);
    const state = await computePlan(stackOf(world, []), 'apply', ctx, silentReporter);
    const role = state.plan.changes.find((c) => c.id === 'role');
    assert.equal(role?.action, 'update');
    assert.deepEqual(role?.fields, [{ field: 'size', from: 9, to: 2 }]);
  });

  it('marks a resource without our tags as a conflict and refuses to apply anything', async () => {
    const world = new Map<string, Item>([['table', { size: 1, tags: {} }]]);
    const log: string[] = [];
    const stack = stackOf(world, log);
    const state = await computePlan(stack, 'apply', ctx, silentReporter);
    assert.equal(state.plan.changes[0]?.action, 'conflict');
    assert.match(state.plan.changes[0]?.reason ?? '', /not managed by projet1/);
    await assert.rejects(applyPlan(stack, state, ctx, silentReporter), ConflictError);
    assert.deepEqual(log, []);
  });

  it('treats another environment as a conflict', async () => {
    const world = new Map<string, Item>([['table', { size: 1, tags: { ...TAGS, environment: 'prod' } }]]);
    const state = await computePlan(stackOf(world, []), 'apply', ctx, silentReporter);
    assert.match(state.plan.changes[0]?.reason ?? '', /belongs to environment "prod"/);
  });

  it('stops at the first failure and reports what was skipped', async () => {
    const world = new Map<string, Item>();
    const log: string[] = [];
    const stack = stackOf(world, log, 'role');
    const state = await computePlan(stack, 'apply', ctx, silentReporter);
    await assert.rejects(applyPlan(stack, state, ctx, silentReporter), (err: unknown) => {
      assert.ok(err instanceof ApplyFailedError);
      assert.deepEqual(
        err.failures.map((f) => f.id),
        ['role'],
      );
      assert.deepEqual(err.skipped, ['fn']);
      return true;
    });
    assert.deepEqual(log, ['create table']);
  });

  it('destroys in reverse dependency order and only what exists', async () => {
    const world = new Map<string, Item>([
      ['table', { size: 1, tags: TAGS }],
      ['fn', { size: 3, tags: TAGS }],
    ]);
    const log: string[] = [];
    const stack = stackOf(world, log);
    const state = await computePlan(stack, 'destroy', ctx, silentReporter);
    assert.deepEqual(
      state.plan.changes.map((c) => c.action),
      ['delete', 'no-op', 'delete'],
    );
    await applyPlan(stack, state, ctx, silentReporter);
    assert.deepEqual(log, ['delete fn', 'delete table']);
    assert.equal(world.size, 0);
  });
});

describe('retired resources (a feature the configuration turned off)', () => {
  const retiredStack = (world: Map<string, Item>, log: string[]): Stack => {
    const stack = stackOf(world, log);
    const p = stack.resources[0]?.provisioner;
    if (!p) throw new Error('no provisioner');
    const r = (key: string, dependsOn: string[]): Resource => ({
      id: key,
      name: key,
      provisioner: p,
      desired: { key, size: 9, tags: TAGS },
      dependsOn,
    });
    // An alarm on the function, sending to a topic: both retired.
    return { ...stack, retired: [r('topic', []), r('alarm', ['fn', 'topic'])] };
  };

  it('up deletes those found with our tags, with approval, dependents first; absent or foreign ones are no change', async () => {
    const world = new Map<string, Item>([
      ['topic', { size: 9, tags: TAGS }],
      ['alarm', { size: 9, tags: TAGS }],
    ]);
    const log: string[] = [];
    const stack = retiredStack(world, log);
    const state = await computePlan(stack, 'apply', ctx, silentReporter);
    const retired = state.plan.changes.filter((c) => c.id === 'topic' || c.id === 'alarm');
    assert.deepEqual(
      retired.map((c) => [c.id, c.action, c.approval]),
      [
        ['topic', 'delete', 'deletes a resource'],
        ['alarm', 'delete', 'deletes a resource'],
      ],
    );
    const result = await applyPlan(stack, state, ctx, silentReporter);
    assert.equal(result.counts.deleted, 2);
    assert.deepEqual(
      log.filter((l) => l.startsWith('delete')),
      ['delete alarm', 'delete topic'],
    );
    // Gone: nothing to plan for them any more, not even a no-op.
    const again = await computePlan(stack, 'apply', ctx, silentReporter);
    assert.deepEqual(
      again.plan.changes.filter((c) => c.id === 'topic' || c.id === 'alarm'),
      [],
    );

    world.set('alarm', { size: 9, tags: { owner: 'someone-else' } });
    const foreign = await computePlan(stack, 'apply', ctx, silentReporter);
    assert.ok(!foreign.plan.changes.some((c) => c.id === 'alarm'), 'not ours: left alone, no conflict');
  });

  it('down deletes them with the rest, in teardown order', async () => {
    const world = new Map<string, Item>([
      ['table', { size: 1, tags: TAGS }],
      ['fn', { size: 3, tags: TAGS }],
      ['alarm', { size: 9, tags: TAGS }],
    ]);
    const log: string[] = [];
    const stack = retiredStack(world, log);
    const state = await computePlan(stack, 'destroy', ctx, silentReporter);
    await applyPlan(stack, state, ctx, silentReporter);
    assert.deepEqual(log, ['delete alarm', 'delete fn', 'delete table']);
    assert.equal(world.size, 0);
  });
});

describe('shared settings in teardown', () => {
  it('leaves a resource that is not ours out of the destroy plan', async () => {
    const world = new Map<string, Item>([['table', { size: 1, tags: TAGS }]]);
    const log: string[] = [];
    const stack = stackOf(world, log);
    const first = stack.resources[0];
    if (!first) throw new Error('no resource');
    stack.resources[0] = { ...first, provisioner: { ...first.provisioner, owned: () => false } };
    const state = await computePlan(stack, 'destroy', ctx, silentReporter);
    assert.equal(state.plan.changes[0]?.action, 'no-op');
    await applyPlan(stack, state, ctx, silentReporter);
    assert.deepEqual(log, []);
  });

  it('a resource stacks share stays with the reason its provisioner gives; one never created says nothing', async () => {
    const world = new Map<string, Item>([['table', { size: 1, tags: TAGS }]]);
    const stack = stackOf(world, []);
    const shared = (r: (typeof stack.resources)[number]) => ({
      ...r,
      provisioner: { ...r.provisioner, owned: () => false, kept: () => 'shared by every stack of the region' },
    });
    stack.resources = stack.resources.map(shared);
    const state = await computePlan(stack, 'destroy', ctx, silentReporter);
    assert.deepEqual(
      state.plan.changes.map((c) => [c.id, c.action, c.reason]),
      [
        ['fn', 'no-op', undefined],
        ['role', 'no-op', undefined],
        ['table', 'no-op', 'shared by every stack of the region'],
      ],
    );
  });
});

describe('outputs flow forward', () => {
  it('a value AWS assigns reaches the dependent: unknown in the plan, real at apply, read again later', async () => {
    const made = new Map<string, { id: string; policyOn?: string }>();
    let seq = 0;
    const api: Provisioner<{ key: string }, { id: string }, { id: string }> = {
      type: 'api',
      service: 'mem',
      observe: async (_c, d) => made.get(d.key),
      tags: () => undefined,
      diff: () => [],
      create: async (_c, d) => {
        const o = { id: `id-${++seq}` };
        made.set(d.key, o);
        return o;
      },
      update: async () => undefined,
      delete: async () => undefined,
      outputsOf: (_d, o) => ({ id: o.id }),
    };
    const stage: Provisioner<{ key: string; apiId: string }, { id: string; policyOn?: string }> = {
      type: 'stage',
      service: 'mem',
      observe: async (_c, d) => made.get(d.key),
      tags: () => undefined,
      diff: (d, o) => (o.policyOn === d.apiId ? [] : [{ field: 'apiId', from: o.policyOn ?? null, to: d.apiId }]),
      create: async (_c, d) => {
        made.set(d.key, { id: 'stage', policyOn: d.apiId });
      },
      update: async () => undefined,
      delete: async () => undefined,
    };
    const apiResource: Resource<{ key: string }, { id: string }, { id: string }> = {
      id: 'api',
      name: 'api',
      provisioner: api,
      desired: { key: 'api' },
      dependsOn: [],
    };
    const stack: Stack = {
      tags: TAGS,
      resources: [
        apiResource,
        {
          id: 'stage',
          name: 'stage',
          provisioner: stage as Provisioner<unknown, unknown>,
          desired: { key: 'stage', apiId: UNKNOWN },
          dependsOn: ['api'],
          resolve: (out) => ({ key: 'stage', apiId: ref(out, apiResource, 'id') }),
        },
      ],
    };
    const state = await computePlan(stack, 'apply', ctx, silentReporter);
    assert.equal((state.desired.get('stage') as { apiId: string }).apiId, UNKNOWN, 'not known before apply');
    await applyPlan(stack, state, ctx, silentReporter);
    assert.equal(made.get('stage')?.policyOn, 'id-1', 'the stage got the id the API was given');
    const again = await computePlan(stack, 'apply', ctx, silentReporter);
    assert.deepEqual(again.outputs.get('api'), { id: 'id-1' });
    assert.deepEqual(
      again.plan.changes.map((c) => c.action),
      ['no-op', 'no-op'],
    );
  });
});
