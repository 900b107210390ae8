// `--json --events`: stdout keeps its one JSON document while stderr carries one JSON event per
// line (the IoHost's messages and the engine's progress), in the order the run did things, so a
// program can follow a deploy. Without --json, --events is refused before anything runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { EventLine } from '../../src/cli/event-stream.js';
import type { Change, Plan } from '../../src/engine/types.js';
import { type CliResult, projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';

const emulator = useEmulator();
const dir = projectDir({ project: 'events-shop', environment: 'development', region: 'eu-west-3' });
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: dir });

/** stderr as NDJSON: every line one object with exactly the documented keys, times in order. */
function events(run: CliResult): EventLine[] {
  const lines = run.stderr.split('\n');
  assert.equal(lines.pop(), '', 'stderr ends with a newline');
  const parsed = lines.map((line) => {
    const e = JSON.parse(line) as EventLine;
    assert.deepEqual(Object.keys(e), ['time', 'level', 'code', 'message', 'data'], line);
    assert.match(e.code, /^P1_[A-Z_]+$/);
    assert.ok(['error', 'warn', 'info', 'debug'].includes(e.level), line);
    assert.equal(typeof e.message, 'string');
    return e;
  });
  const times = parsed.map((e) => Date.parse(e.time));
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
    'events are written as they happen',
  );
  return parsed;
}

/** stdout is exactly one JSON document. */
function doc<T>(run: CliResult): T {
  assert.equal(run.stdout.trimEnd().split('\n')[0], '{', `one document on stdout:\n${run.stdout}`);
  return run.json<T>();
}

const dataOf = <T>(e: EventLine | undefined): T => e?.data as T;
const idOf = (e: EventLine): string => dataOf<{ id: string }>(e).id;

describe('--json --events', () => {
  it('plan: one document on stdout; stderr reads every resource of the plan, then nothing else', async () => {
    const run = await cli('plan', '--json', '--events');
    assert.equal(run.code, 0, run.stderr);
    const plan = doc<{ ok: boolean; changes: Change[] }>(run);
    assert.equal(plan.ok, true);
    const ev = events(run);
    const [phase, ...observed] = ev;
    assert.equal(phase?.code, 'P1_PHASE');
    // Every resource is read, those the configuration retired too (they show in the plan only if they exist).
    assert.deepEqual(phase?.data, { type: 'phase', phase: 'observe', total: observed.length });
    assert.ok(observed.every((e) => e.code === 'P1_RESOURCE_OBSERVED' && e.level === 'debug'));
    const read = new Set(observed.map(idOf));
    assert.equal(read.size, observed.length, 'one event per resource');
    assert.ok(plan.changes.length > 0);
    for (const c of plan.changes) assert.ok(read.has(c.id), `${c.id} was read before it was planned`);
  });

  it('up: the plan, then a start and a done per change, in order; the result on stdout', async () => {
    const run = await cli('up', '--json', '--events', '--yes');
    assert.equal(run.code, 0, run.stderr);
    const up = doc<{
      ok: boolean;
      changes: Change[];
      summary: { counts: { created: number; updated: number; deleted: number } };
    }>(run);
    assert.equal(up.ok, true);
    const ev = events(run);
    const at = (code: string, from = 0) => ev.findIndex((e, i) => i >= from && e.code === code);
    const planAt = at('P1_PLAN');
    const plan = dataOf<Plan>(ev[planAt]);
    assert.ok(
      planAt > 0 &&
        ev.slice(0, planAt).every((e) => e.code.startsWith('P1_PHASE') || e.code === 'P1_RESOURCE_OBSERVED'),
    );
    const pending = plan.changes.filter((c) => c.action !== 'no-op');
    assert.deepEqual(pending, up.changes, "the streamed plan is the one applied (stdout's changes)");
    // Creating roles and policies changes permissions: the approval given by --yes is streamed too.
    const approveAt = at('P1_APPROVE', planAt);
    assert.ok(approveAt > planAt, 'the approval request follows the plan');
    const applyAt = at('P1_PHASE', planAt);
    assert.ok(applyAt > approveAt);
    assert.deepEqual(ev[applyAt]?.data, { type: 'phase', phase: 'apply', total: pending.length });
    for (const c of pending) {
      const start = ev.findIndex((e) => e.code === 'P1_RESOURCE_START' && idOf(e) === c.id);
      const done = ev.findIndex((e) => e.code === 'P1_RESOURCE_DONE' && idOf(e) === c.id);
      assert.ok(applyAt < start && start < done, `${c.id}: start then done, after the apply phase`);
      assert.equal(dataOf<{ action: string }>(ev[done]).action, c.action);
    }
    const done = ev.filter((e) => e.code === 'P1_RESOURCE_DONE').length;
    assert.equal(done, up.summary.counts.created + up.summary.counts.updated + up.summary.counts.deleted);
    assert.ok(!ev.some((e) => e.level === 'error'), 'nothing failed');
    // After the apply: the site bucket is empty until deploy-website, a warning as on a terminal.
    assert.equal(ev.at(-1)?.code, 'P1_SITE_EMPTY');
  });

  it('a failed run: the error event on stderr is the error of the JSON document on stdout', async () => {
    const bad = projectDir({ project: 'X', table: { readCapacity: -1 } });
    const run = await runCli(['up', '--json', '--events', '--endpoint-url', emulator.get().endpoint], { cwd: bad });
    assert.equal(run.code, 2, run.stderr);
    const failed = doc<{ ok: boolean; error: Record<string, unknown> }>(run);
    assert.equal(failed.ok, false);
    const ev = events(run);
    assert.equal(ev.length, 1);
    assert.deepEqual(
      { level: ev[0]?.level, code: ev[0]?.code, data: ev[0]?.data },
      { level: 'error', code: 'P1_ERROR', data: failed.error },
    );
    // A mistake commander finds (an unknown option) ends the same way.
    const usage = await cli('up', '--json', '--events', '--colour');
    assert.equal(usage.code, 2);
    assert.deepEqual(
      events(usage).map((e) => e.code),
      ['P1_ERROR'],
    );
    assert.match(doc<{ error: { message: string } }>(usage).error.message, /--colour/);
  });

  it('--events without --json is refused before anything runs', async () => {
    const other = projectDir({ project: 'events-refused', environment: 'development', region: 'eu-west-3' });
    const run = await runCli(['up', '--events', '--yes', '--endpoint-url', emulator.get().endpoint], { cwd: other });
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^Error: --events needs --json/);
    assert.match(run.stderr, /Hint: Add --json/);
    const ddb = emulatorClients(emulator.get().endpoint).client(DynamoDBClient);
    const tables = (await ddb.send(new ListTablesCommand({}))).TableNames ?? [];
    assert.ok(!tables.some((t) => t.startsWith('events-refused')), `nothing was created: ${tables.join(', ')}`);
  });
});
