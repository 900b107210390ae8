// Resource.region: the engine hands a resource's provisioner clients of the resource's region (the run's
// own clients, so one endpoint, credentials and call record), and plans and progress name that region.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AwsClients } from '../../runtime/aws/clients.js';
import { applyPlan } from '../../src/engine/apply.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { computePlan, type Stack } from '../../src/engine/plan.js';
import { clientsIn } from '../../src/engine/region.js';
import type { AwsAccess, ProvisionContext, Provisioner, Resource } from '../../src/engine/types.js';

const TAGS = { project: 'p', environment: 'dev', 'managed-by': 'projet1' };

describe('a resource in another region', () => {
  it('is observed and created with clients of its region, and named with it', async () => {
    const aws = new AwsClients({ region: 'eu-west-3', endpointUrl: 'http://127.0.0.1:1', profile: null });
    const seen: string[] = [];
    const record = async (c: ProvisionContext, key: string, step: string) => {
      const signed = await c.aws.client(DynamoDBClient).config.region();
      seen.push(`${step} ${key} ${c.aws.target.region} ${signed}`);
    };
    const p: Provisioner<{ key: string }, { key: string }> = {
      type: 'memory',
      service: 'mem',
      observe: async (c, d) => {
        await record(c, d.key, 'observe');
        return undefined;
      },
      tags: () => TAGS,
      diff: () => [],
      create: async (c, d) => record(c, d.key, 'create'),
      update: async () => undefined,
      delete: async () => undefined,
    };
    const r = (key: string, region?: string): Resource => ({
      id: key,
      name: key,
      ...(region ? { region } : {}),
      provisioner: p as Provisioner<unknown, unknown>,
      desired: { key },
      dependsOn: [],
    });
    const stack: Stack = { resources: [r('here'), r('there', 'eu-central-1')], tags: TAGS };
    const ctx = (): ProvisionContext => ({ aws, note: () => undefined, sleep: async () => undefined });
    const events: EngineEvent[] = [];
    const reporter = { event: (e: EngineEvent) => events.push(e) };
    const state = await computePlan(stack, 'apply', ctx, reporter);
    await applyPlan(stack, state, ctx, reporter);
    assert.deepEqual(seen.sort(), [
      'create here eu-west-3 eu-west-3',
      'create there eu-central-1 eu-central-1',
      'observe here eu-west-3 eu-west-3',
      'observe there eu-central-1 eu-central-1',
    ]);
    assert.deepEqual(
      state.plan.changes.map((c) => [c.id, c.name, c.region]),
      [
        ['here', 'here', undefined],
        ['there', 'there (eu-central-1)', 'eu-central-1'],
      ],
    );
    assert.ok(!('region' in (state.plan.changes[0] ?? {})), 'no region field for the stack region');
    const done = events.flatMap((e) => (e.type === 'done' ? [e.name] : [])).sort();
    assert.deepEqual(done, ['here', 'there (eu-central-1)']);
    // The same run's calls, one record: the view adds no client record of its own.
    assert.equal(aws.calls.length, 0);
    aws.destroy();
  });

  it('one view per region and run: the per-run listings key on it', () => {
    const aws = new AwsClients({ region: 'eu-west-3', endpointUrl: null, profile: null });
    const view: AwsAccess = clientsIn(aws, 'eu-central-1');
    assert.equal(clientsIn(aws, 'eu-central-1'), view);
    assert.equal(clientsIn(aws, 'eu-west-3'), aws);
    // A region named by the provisioner itself (an alarm in CloudFront's region) wins over the view's.
    assert.equal(
      view.client(DynamoDBClient, { region: 'us-east-1' }),
      aws.client(DynamoDBClient, { region: 'us-east-1' }),
    );
    aws.destroy();
  });
});
