// Observability on the emulator: the alarms as configured (CloudFront's in us-east-1), updated,
// repaired and removed; the request log lines and `projet1 logs` (also following); `status`
// telling the truth about alarms, missing resources and live endpoints.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetDashboardCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { DeleteFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { FUNCTIONS } from '../../src/config/functions.js';
import type { Change } from '../../src/engine/types.js';
import { call, deploy, type Deployed } from '../helpers/api.js';
import { BIN, cleanEnv, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { DOWN_INVENTORY, inventory } from '../helpers/inventory.js';

const PREFIX = 'projet1-serverless-development';
let stack: Deployed;
const emulator = useEmulator(async (h) => {
  stack = await deploy(h.endpoint);
});
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: stack.dir });
const cw = (region = 'eu-west-3') => emulatorClients(emulator.get().endpoint, region).client(CloudWatchClient);
const alarmsIn = async (region: string) =>
  (await cw(region).send(new DescribeAlarmsCommand({ AlarmNamePrefix: PREFIX }))).MetricAlarms ?? [];

interface LogDoc {
  events: { source: string; message: string; fields?: Record<string, unknown> }[];
}

describe('alarms', () => {
  it("exist with their metrics, dimensions and thresholds; CloudFront's in us-east-1", async () => {
    const here = await alarmsIn('eu-west-3');
    const byName = new Map(here.map((a) => [a.AlarmName, a]));
    for (const fn of FUNCTIONS) {
      const errors = byName.get(`${PREFIX}-${fn.id}-errors`);
      assert.deepEqual(
        [errors?.Namespace, errors?.MetricName, errors?.Threshold, errors?.Period],
        ['AWS/Lambda', 'Errors', 1, 300],
      );
      assert.deepEqual(errors?.Dimensions, [{ Name: 'FunctionName', Value: `${PREFIX}-${fn.id}` }]);
      assert.ok(byName.has(`${PREFIX}-${fn.id}-error-rate`), 'error rate (metric math on AWS)');
      assert.equal(byName.get(`${PREFIX}-${fn.id}-throttles`)?.MetricName, 'Throttles');
    }
    const gsi = byName.get(`${PREFIX}-index-read-throttle-events`);
    assert.deepEqual(gsi?.Dimensions?.map((d) => d.Name).sort(), ['GlobalSecondaryIndexName', 'TableName']);
    const latency = byName.get(`${PREFIX}-api-latency-p99`);
    assert.deepEqual([latency?.ExtendedStatistic, latency?.Threshold], ['p99', 3000]);
    assert.equal(byName.get(`${PREFIX}-api-5xx-rate`)?.TreatMissingData, 'notBreaching');
    assert.ok(!here.some((a) => a.AlarmName?.includes('cloudfront')), 'no CloudFront alarm in the stack region');

    const east = await alarmsIn('us-east-1');
    const cf5 = east.find((a) => a.AlarmName === `${PREFIX}-eu-west-3-cloudfront-5xx-rate`);
    assert.deepEqual([cf5?.Namespace, cf5?.MetricName, cf5?.Threshold], ['AWS/CloudFront', '5xxErrorRate', 1]);
    const outputs = (await cli('outputs', '--json')).json<{ outputs: Record<string, string> }>().outputs;
    assert.deepEqual(
      Object.fromEntries((cf5?.Dimensions ?? []).map((d) => [d.Name, d.Value])),
      { DistributionId: outputs['distribution.id'], Region: 'Global' },
      'the distribution id flowed in from the distribution',
    );
    const dashboard = await cw().send(new GetDashboardCommand({ DashboardName: `${PREFIX}-eu-west-3` }));
    assert.match(dashboard.DashboardBody ?? '', /"AWS\/ApiGateway","Latency"/);
  });

  it('a threshold change updates them; a deleted alarm is planned and repaired', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    writeFileSync(
      join(stack.dir, 'edited.json'),
      JSON.stringify({ api: { edgeOnly: false }, alarms: { apiLatencyP99Ms: 1500 } }),
    );
    const edited = await cli('up', '--json', '--config', join(stack.dir, 'edited.json'));
    assert.equal(edited.code, 0, edited.stderr + edited.stdout);
    const latency = (await alarmsIn('eu-west-3')).find((a) => a.AlarmName === `${PREFIX}-api-latency-p99`);
    assert.equal(latency?.Threshold, 1500);
    assert.equal((await cli('up', '--json')).code, 0, 'back to the defaults');

    await cw('us-east-1').send(new DeleteAlarmsCommand({ AlarmNames: [`${PREFIX}-eu-west-3-cloudfront-4xx-rate`] }));
    const plan = (await cli('plan', '--json')).json<{ changes: Change[] }>();
    assert.deepEqual(
      plan.changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.id}`),
      ['create alarm:cloudfront-4xx-rate'],
    );
    assert.equal((await cli('up')).code, 0);
    assert.equal((await cli('plan', '--exit-code')).code, 0);
  });
});

describe('notifications', () => {
  it("an e-mail address adds a topic per alarm region, as every alarm's action; status shows the subscription", async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const config = join(stack.dir, 'notify.json');
    writeFileSync(config, JSON.stringify({ api: { edgeOnly: false }, alarms: { notifyEmail: 'ops@example.com' } }));
    const up = await cli('up', '--yes', '--json', '--config', config);
    assert.equal(up.code, 0, up.stderr + up.stdout);
    const topic = (region: string) => `arn:aws:sns:${region}:000000000000:${PREFIX}-eu-west-3-alarms`;
    const here = (await alarmsIn('eu-west-3')).find((a) => a.AlarmName === `${PREFIX}-get-products-errors`);
    assert.deepEqual([here?.AlarmActions, here?.OKActions], [[topic('eu-west-3')], [topic('eu-west-3')]]);
    const east = (await alarmsIn('us-east-1')).find((a) => a.AlarmName === `${PREFIX}-eu-west-3-cloudfront-5xx-rate`);
    assert.deepEqual(east?.AlarmActions, [topic('us-east-1')], "a topic in the alarm's own region");
    const status = await cli('status', '--config', config);
    assert.match(status.stdout, /Notifications: ops@example\.com \((pending confirmation|confirmed)\)/);
    const back = await cli('up', '--yes', '--json');
    assert.equal(back.code, 0, 'back to no notifications');
    assert.deepEqual(
      (await alarmsIn('eu-west-3')).find((a) => a.AlarmName === `${PREFIX}-get-products-errors`)?.AlarmActions,
      [],
    );
    // The topics go with the address: none is left in either region.
    for (const region of ['eu-west-3', 'us-east-1']) {
      const sns = emulatorClients(emulator.get().endpoint, region).client(SNSClient);
      const topics = (await sns.send(new ListTopicsCommand({}))).Topics ?? [];
      assert.deepEqual(
        topics.filter((t) => t.TopicArn?.includes(PREFIX)),
        [],
        region,
      );
    }
  });
});

describe('a feature turned off', () => {
  it('alarms.enabled false plans the deletion of every alarm and the dashboard, with approval; up --yes removes them', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const off = join(stack.dir, 'alarms-off.json');
    writeFileSync(off, JSON.stringify({ api: { edgeOnly: false }, alarms: { enabled: false } }));
    const here = (await alarmsIn('eu-west-3')).length;
    const east = (await alarmsIn('us-east-1')).length;
    assert.ok(here > 0 && east > 0);
    const plan = (await cli('plan', '--json', '--config', off)).json<{ changes: Change[] }>();
    const planned = plan.changes.filter((c) => c.action !== 'no-op');
    assert.equal(planned.length, here + east + 1, 'every alarm of both regions and the dashboard');
    assert.ok(planned.every((c) => c.action === 'delete' && c.approval === 'deletes a resource'));
    assert.ok(planned.some((c) => c.id === 'dashboard'));
    const text = await cli('plan', '--config', off);
    assert.match(text.stdout, new RegExp(`Plan: 0 to create, 0 to update, ${here + east + 1} to delete`));
    assert.equal((await cli('plan', '--exit-code', '--config', off)).code, 2, 'a change to make');

    const refused = await cli('up', '--config', off);
    assert.equal(refused.code, 2, 'deleting needs --yes without a terminal');
    assert.equal((await alarmsIn('eu-west-3')).length, here, 'nothing deleted');

    const up = await cli('up', '--yes', '--config', off);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, new RegExp(`0 created, 0 updated, ${here + east + 1} deleted`));
    assert.deepEqual(await alarmsIn('eu-west-3'), []);
    assert.deepEqual(await alarmsIn('us-east-1'), []);
    await assert.rejects(cw().send(new GetDashboardCommand({ DashboardName: `${PREFIX}-eu-west-3` })));
    assert.equal((await cli('plan', '--exit-code', '--config', off)).code, 0);
    const status = await cli('status', '--json', '--config', off);
    assert.ok(!status.stdout.includes('alarm:'), 'status lists no alarm of a stack without alarms');

    // Turned back on, they are made again.
    assert.equal((await cli('up', '--yes')).code, 0);
    assert.equal((await alarmsIn('eu-west-3')).length, here);
    assert.equal((await alarmsIn('us-east-1')).length, east);
  });
});

describe('logs', () => {
  it('each request leaves one JSON line (no token, no body); `logs` shows them parsed and filtered', async () => {
    const made = await call(`${stack.url}/products`, 'POST', {
      body: { name: 'Logged Lamp', category: 'logs', price: 3, stock: 1, description: 'SECRET-BODY-TEXT' },
      token: stack.token,
    });
    assert.equal(made.status, 201);
    const id = String(made.body.product_id);
    assert.equal((await call(`${stack.url}/products/${id}`, 'GET')).status, 200);
    assert.equal((await call(`${stack.url}/products/nope`, 'GET')).status, 404);

    const run = await cli('logs', 'create-product', 'get-product-by-id', '--since', '10m', '--json');
    assert.equal(run.code, 0, run.stderr);
    const lines = run.json<LogDoc>().events.filter((e) => e.fields?.route);
    const create = lines.find((e) => e.fields?.route === 'POST /products');
    assert.deepEqual(
      [create?.fields?.status, create?.fields?.level, typeof create?.fields?.latencyMs],
      [201, 'info', 'number'],
    );
    assert.ok(create?.fields?.requestId, 'request id');
    const get = lines.find((e) => e.fields?.route === 'GET /products/{product_id}' && e.fields?.productId === id);
    assert.equal(get?.fields?.status, 200);
    assert.ok(
      lines.some((e) => e.fields?.status === 404 && e.fields?.error === 'not_found' && e.fields?.level === 'warn'),
    );
    const all = JSON.stringify((await cli('logs', '--since', '10m', '--json')).json<LogDoc>());
    assert.ok(!all.includes(stack.token), 'never the admin token');
    assert.ok(!all.includes('SECRET-BODY-TEXT'), 'never the request body');

    const text = await cli('logs', 'get-product-by-id', '--since', '10m', '--filter', id);
    assert.match(
      text.stdout,
      new RegExp(`get-product-by-id\\s+INFO\\s+GET /products/\\{product_id\\} 200 [\\d.]+ms product=${id}`),
    );
    assert.ok(
      text.stdout
        .split('\n')
        .filter(Boolean)
        .every((l) => l.includes(id)),
      'only lines with the filtered text',
    );
  });

  it('a malformed or missing credential is one JSON decision line, with no stack trace', async () => {
    for (const authorization of ['Bearer wrong', 'Basic abc']) {
      const refused = await call(`${stack.url}/products`, 'POST', {
        body: {},
        headers: { Authorization: authorization },
      });
      assert.equal(refused.status, 401);
    }
    const doc = (await cli('logs', 'authorizer', '--since', '10m', '--json')).json<LogDoc>();
    const decisions = doc.events.filter(
      (e) => e.fields?.route === 'authorizer' && e.fields?.decision === 'unauthorized',
    );
    // Without the header API Gateway answers 401 itself: the authorizer only judges a credential sent.
    assert.deepEqual(
      decisions.map((e) => e.fields?.reason),
      ['malformed credential', 'malformed credential'],
    );
    assert.ok(!doc.events.some((e) => /^\s+at /m.test(e.message)), 'no stack frame in the log');
    const text = await cli('logs', 'authorizer', '--since', '10m');
    assert.match(text.stdout, /authorizer\s+WARN\s+authorizer unauthorized \(malformed credential\)/);
    assert.doesNotMatch(text.stdout, /Error: Unauthorized|\n.*\s{4}at /);
  });

  it('logs api on the emulator says that MiniStack writes no access log, rather than only "No log events"', async () => {
    assert.equal((await call(`${stack.url}/products?limit=1`, 'GET')).status, 200);
    const run = await cli('logs', 'api', '--since', '10m');
    assert.equal(run.code, 0);
    assert.match(
      run.stderr,
      /the local emulator \(MiniStack\) does not write API Gateway stage access logs \(AWS does\)/,
    );
  });

  it("--follow prints a new request's line while running, and Ctrl-C ends it with exit 0", {
    timeout: 60000,
  }, async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'logs', 'get-products', '--follow', '--since', '1s', '--endpoint-url', emulator.get().endpoint],
      {
        cwd: stack.dir,
        env: cleanEnv(),
      },
    );
    let stdout = '';
    let stderr = '';
    const seen = (pattern: RegExp, stream: () => string) =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (pattern.test(stream())) resolve();
        };
        child.stdout.on('data', check);
        child.stderr.on('data', check);
        check();
      });
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    await seen(/Following get-products/, () => stderr);
    assert.equal((await call(`${stack.url}/products?limit=7`, 'GET')).status, 200);
    await seen(/INFO\s+GET \/products 200/, () => stdout);
    const exit = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    child.kill('SIGINT');
    assert.equal(await exit, 0);
  });

  it('--follow ends with exit 0 on SIGTERM too', async () => {
    const child = spawn(process.execPath, [BIN, 'logs', '--follow', '--endpoint-url', emulator.get().endpoint], {
      cwd: stack.dir,
      env: cleanEnv(),
    });
    let stderr = '';
    const following = new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('Following')) resolve();
      });
    });
    const exit = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    await following;
    child.kill('SIGTERM');
    assert.equal(await exit, 0, stderr);
  });
});

describe('status tells the truth', () => {
  it('healthy: exit 0, alarms OK or waiting for data, the API and the website answer', async () => {
    assert.equal((await cli('deploy-website')).code, 0, 'an empty site bucket is not healthy');
    const run = await cli('status', '--json');
    assert.equal(run.code, 0, run.stdout);
    const doc = run.json<{
      healthy: boolean;
      probes: { url: string; status: number }[];
      alarms: { state: string }[];
    }>();
    assert.equal(doc.healthy, true);
    assert.equal(doc.probes.length, 2);
    assert.equal(doc.probes[0]?.status, 200, 'GET /products');
    assert.ok(doc.alarms.length >= 27 && doc.alarms.every((a) => a.state !== 'ALARM'));
  });

  it('an alarm in ALARM and a deleted function make it exit 2 and say so', async () => {
    // MiniStack evaluates alarms on its own schedule: set the state as an evaluation would.
    await cw().send(
      new SetAlarmStateCommand({
        AlarmName: `${PREFIX}-get-products-errors`,
        StateValue: 'ALARM',
        StateReason: 'Threshold Crossed: 3 errors',
      }),
    );
    const firing = await cli('status');
    assert.equal(firing.code, 2);
    assert.match(firing.stdout, new RegExp(`${PREFIX}-get-products-errors\\s+ALARM\\s+Threshold Crossed: 3 errors`));
    assert.match(firing.stderr, /Needs attention: 1 alarm\(s\) in ALARM\./);

    await emulatorClients(emulator.get().endpoint)
      .client(LambdaClient)
      .send(new DeleteFunctionCommand({ FunctionName: `${PREFIX}-delete-product` }));
    const missing = await cli('status', '--json');
    assert.equal(missing.code, 2);
    const rows = missing.json<{ resources: { id: string; state: string }[] }>().resources;
    assert.equal(rows.find((r) => r.id === 'function:delete-product')?.state, 'missing');
  });

  it('down removes the alarms in every region, and the dashboard, even with alarms turned off in the config', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const off = join(stack.dir, 'alarms-off-down.json');
    writeFileSync(off, JSON.stringify({ api: { edgeOnly: false }, alarms: { enabled: false, notifyEmail: null } }));
    assert.ok((await alarmsIn('eu-west-3')).length > 0);
    const down = await cli('down', '--yes', '--config', off);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await alarmsIn('eu-west-3'), []);
    assert.deepEqual(await alarmsIn('us-east-1'), []);
    await assert.rejects(cw().send(new GetDashboardCommand({ DashboardName: `${PREFIX}-eu-west-3` })));
    const aws = emulatorClients(emulator.get().endpoint);
    assert.deepEqual(await inventory(aws, 'projet1-serverless'), DOWN_INVENTORY, 'nothing of the stack is left');
    assert.equal((await cli('plan', '--destroy', '--exit-code')).code, 0, 'nothing left to delete');
  });
});
