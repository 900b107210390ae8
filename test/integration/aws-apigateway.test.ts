// API Gateway as AWS enforces it, through the AWS behaviour profile: UpdateAccount refuses a logging role
// that may not create /aws/apigateway/welcome (and takes one call per 20 s), so the first `up` must set a
// role that serves every stage of the account and region; two environments share it and neither `down`
// takes it from the other; while a new role propagates, UpdateAccount is retried through both of AWS's
// answers. Gateway responses keep AWS's status codes: a throttled request is a 429.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  APIGatewayClient,
  GetAccountCommand,
  GetGatewayResponseCommand,
  GetRestApisCommand,
  GetStageCommand,
  UpdateAccountCommand,
} from '@aws-sdk/client-api-gateway';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { unless } from '../../src/aws/errors.js';
import { parsePolicyDocument } from '../../src/engine/canonical.js';
import { call } from '../helpers/api.js';
import { UPDATE_ACCOUNT_PROPAGATION, UPDATE_ACCOUNT_ROLE_POLICY } from '../helpers/aws-behaviour/apigateway.js';
import { awsLike } from '../helpers/aws-behaviour/index.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';

const SCALE = 0.02;
let proxy: FaultProxy | undefined;
const emulator = useEmulator(
  async (handle) => {
    proxy = await startFaultProxy(handle.endpoint, awsLike(SCALE));
  },
  { ownProxy: true },
);
after(async () => {
  await proxy?.close();
});
const direct = () => emulatorClients(emulator.get().endpoint);
const viaAws = (dir: string, ...args: string[]) => {
  if (!proxy) throw new Error('no proxy');
  return runCli([...args, '--endpoint-url', proxy.url], { cwd: dir });
};
const SHARED_ROLE = 'projet1-apigw-logs-euw3';
// Alarms are not what these tests are about; without them each `up` is shorter.
const base = { region: 'eu-west-3', alarms: { enabled: false } };

async function accountRole(): Promise<string | undefined> {
  return (await direct().client(APIGatewayClient).send(new GetAccountCommand({}))).cloudwatchRoleArn;
}

async function stageOf(project: string, environment: string) {
  const gw = direct().client(APIGatewayClient);
  const apis = (await gw.send(new GetRestApisCommand({ limit: 500 }))).items ?? [];
  const api = apis.find((a) => a.name === `${project}-${environment}-api`);
  assert.ok(api?.id, `API of ${project}/${environment}`);
  return gw.send(new GetStageCommand({ restApiId: api.id, stageName: environment }));
}

interface Statement {
  Effect: string;
  Action: string[];
  Resource: string;
}

/** The shared role's policy, read back, and whether it lets API Gateway write `logGroupArn`. */
async function sharedPolicyCovers(logGroupArn: string): Promise<Statement> {
  const iam = direct().client(IAMClient);
  const got = await iam.send(
    new GetRolePolicyCommand({ RoleName: SHARED_ROLE, PolicyName: 'push-to-cloudwatch-logs' }),
  );
  const doc = parsePolicyDocument(got.PolicyDocument) as { Statement: Statement[] };
  const s = doc.Statement[0];
  assert.ok(s, 'one statement');
  assert.equal(s.Effect, 'Allow');
  for (const action of ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogGroups'])
    assert.ok(s.Action.includes(action), action);
  const pattern = new RegExp(`^${s.Resource.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  assert.match(logGroupArn, pattern, `the role's policy covers ${logGroupArn}`);
  return s;
}

describe('API Gateway account logging role, as AWS enforces it', () => {
  const first = projectDir({
    ...base,
    project: 'gwfirst',
    table: { name: 'gwfirst-table' },
    // Low enough that a burst of requests is throttled (the gateway-responses test below).
    api: { throttleRateLimit: 1, throttleBurstLimit: 1, corsOrigins: ['*'], edgeOnly: false },
  });
  let apiUrl = '';

  it('a first up from nothing succeeds in one run, and the next plans nothing', async () => {
    const up = await viaAws(first, 'up', '--yes', '--json');
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    apiUrl = up.json<{ outputs: Record<string, string> }>().outputs.apiUrl ?? '';
    assert.equal(
      proxy?.injected.get('apigateway-logging-role-refused') ?? 0,
      0,
      'UpdateAccount never refused our role',
    );
    assert.match((await accountRole()) ?? '', new RegExp(`:role/${SHARED_ROLE}$`));
    const stage = await stageOf('gwfirst', 'development');
    assert.match(
      stage.accessLogSettings?.destinationArn ?? '',
      /log-group:\/aws\/apigateway\/gwfirst-development-access$/,
    );
    const plan = await viaAws(first, 'plan', '--exit-code');
    assert.equal(plan.code, 0, plan.stdout);
  });

  it("UpdateAccount refuses a role that cannot create /aws/apigateway/welcome, with AWS's answer", async () => {
    // The behaviour itself: a role allowed only one stack's log group, as projet1 made before.
    const iam = direct().client(IAMClient);
    const name = 'narrow-apigw-logs-euw3';
    await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: 'access-log',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: 'arn:aws:logs:eu-west-3:000000000000:log-group:/aws/apigateway/one-stack-access:*',
            },
          ],
        }),
      }),
    );
    const role = await iam.send(new GetRoleCommand({ RoleName: name }));
    if (!proxy) throw new Error('no proxy');
    const viaProxy = emulatorClients(proxy.url).client(APIGatewayClient, { maxAttempts: 1 });
    const refused = await viaProxy
      .send(
        new UpdateAccountCommand({
          patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: role.Role?.Arn ?? '' }],
        }),
      )
      .then(
        () => undefined,
        (err: Error & { $metadata?: { httpStatusCode?: number } }) => err,
      );
    assert.equal(refused?.name, 'BadRequestException');
    assert.equal(refused?.$metadata?.httpStatusCode, 400);
    assert.equal(refused?.message, 'The role ARN does not have required permissions set to API Gateway');
    assert.match((await accountRole()) ?? '', new RegExp(`:role/${SHARED_ROLE}$`), 'the setting is unchanged');
  });

  it('a throttled request is a 429 with our JSON body; DEFAULT_4XX/5XX carry no status code', async () => {
    assert.ok(apiUrl, 'deployed by the first test');
    // MiniStack 1.5.33 enforces the stage's rate and burst (a token bucket per method): 1 and 1 here.
    const replies = await Promise.all(Array.from({ length: 6 }, () => call(`${apiUrl}/products`, 'GET')));
    const throttled = replies.filter((r) => r.status === 429);
    assert.ok(throttled.length > 0, `statuses: ${replies.map((r) => r.status).join(',')}`);
    for (const r of throttled) {
      assert.equal(r.body.error, 'throttled', r.text);
      assert.match(String(r.body.message), /retry with backoff/);
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
    }
    const apis =
      (
        await direct()
          .client(APIGatewayClient)
          .send(new GetRestApisCommand({ limit: 500 }))
      ).items ?? [];
    const restApiId = apis.find((a) => a.name === 'gwfirst-development-api')?.id;
    for (const responseType of ['DEFAULT_4XX', 'DEFAULT_5XX'] as const) {
      const r = await direct()
        .client(APIGatewayClient)
        .send(new GetGatewayResponseCommand({ restApiId, responseType }));
      assert.equal(r.statusCode, undefined, `${responseType} keeps AWS's status of each type`);
      assert.match(r.responseTemplates?.['application/json'] ?? '', /"error":/);
    }
  });
});

describe('IAM propagation', () => {
  it("UpdateAccount is retried through both of AWS's answers while a new role propagates", async () => {
    // A new shared role (the first up's, if any, is deleted) and an account setting naming a role that is gone.
    const iam = direct().client(IAMClient);
    const gone = ['NoSuchEntityException', 'NoSuchEntity'];
    await unless(
      iam.send(new DeleteRolePolicyCommand({ RoleName: SHARED_ROLE, PolicyName: 'push-to-cloudwatch-logs' })),
      ...gone,
    );
    await unless(iam.send(new DeleteRoleCommand({ RoleName: SHARED_ROLE })), ...gone);
    await direct()
      .client(APIGatewayClient)
      .send(
        new UpdateAccountCommand({
          patchOperations: [
            { op: 'replace', path: '/cloudwatchRoleArn', value: 'arn:aws:iam::000000000000:role/gone-apigw-logs-euw3' },
          ],
        }),
      );
    // Half of AWS's ~10 s, so that retries 1 s, 2 s, 4 s apart meet both answers in turn; only these behaviours.
    const slow = await startFaultProxy(emulator.get().endpoint, {
      ...awsLike(0.5, { iamPropagationMs: 0, lambdaUpdateMs: 0, cloudfrontMs: 0, readAfterCreateMs: 0 }),
      behaviours: [UPDATE_ACCOUNT_PROPAGATION, UPDATE_ACCOUNT_ROLE_POLICY],
    });
    try {
      const dir = projectDir({ ...base, project: 'gwprop', table: { name: 'gwprop-table' } });
      const up = await runCli(['up', '--yes', '--json', '--endpoint-url', slow.url], { cwd: dir });
      assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
      assert.ok((slow.injected.get('apigateway-logging-role-not-assumable') ?? 0) > 0, 'refused as not assumable');
      assert.ok((slow.injected.get('apigateway-logging-role-cannot-write') ?? 0) > 0, 'refused as unable to write');
      assert.match((await accountRole()) ?? '', new RegExp(`:role/${SHARED_ROLE}$`));
    } finally {
      await slow.close();
    }
  });
});

describe('two environments in one account and region', () => {
  const config = (environment: string) =>
    projectDir({
      ...base,
      project: 'twoenv',
      environment,
      // production turns deletion protection on by default; these tables are thrown away.
      table: { name: 'twoenv-{environment}', deletionProtection: false },
    });
  const dev = config('development');
  const prod = config('production');
  const logGroupArn = (environment: string) =>
    `arn:aws:logs:eu-west-3:000000000000:log-group:/aws/apigateway/twoenv-${environment}-access`;

  it("an account setting naming projet1's old per-environment role is moved to the shared role", async () => {
    // As projet1 left it before: `<project>-<env>-apigw-logs-<rc>`, the stack's tags, one log group.
    const iam = direct().client(IAMClient);
    const old = 'twoenv-development-apigw-logs-euw3';
    const made = await iam.send(
      new CreateRoleCommand({
        RoleName: old,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
        Tags: [
          { Key: 'project', Value: 'twoenv' },
          { Key: 'environment', Value: 'development' },
          { Key: 'region', Value: 'eu-west-3' },
          { Key: 'managed-by', Value: 'projet1' },
        ],
      }),
    );
    await direct()
      .client(APIGatewayClient)
      .send(
        new UpdateAccountCommand({
          patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: made.Role?.Arn ?? '' }],
        }),
      );
    const up = await viaAws(dev, 'up', '--yes', '--json');
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    const changes = up.json<{ changes: { id: string; action: string }[] }>().changes;
    assert.ok(
      changes.some((c) => c.id === 'apigateway-account' && c.action === 'update'),
      JSON.stringify(changes),
    );
    assert.match((await accountRole()) ?? '', new RegExp(`:role/${SHARED_ROLE}$`));
  });

  it('both environments are up; both stages log through the shared role, whose policy covers the region', async () => {
    const up = await viaAws(prod, 'up', '--yes', '--json');
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    // The shared role is usable as it is: no conflict, nothing to change.
    const changes = up.json<{ changes: { id: string; action: string }[] }>().changes;
    assert.deepEqual(
      changes.filter((c) => c.id === 'role:apigw-logs' || c.id === 'apigateway-account').map((c) => c.action),
      [],
      'production finds the shared role and setting as they should be',
    );
    assert.match((await accountRole()) ?? '', new RegExp(`:role/${SHARED_ROLE}$`));
    for (const environment of ['development', 'production']) {
      const stage = await stageOf('twoenv', environment);
      assert.equal(stage.accessLogSettings?.destinationArn, logGroupArn(environment));
      await sharedPolicyCovers(logGroupArn(environment));
    }
    const s = await sharedPolicyCovers('arn:aws:logs:eu-west-3:000000000000:log-group:/aws/apigateway/welcome');
    assert.equal(s.Resource, 'arn:aws:logs:eu-west-3:000000000000:*');
  });

  it('down of one environment leaves the other logging, and says what it keeps', async () => {
    const down = await viaAws(dev, 'down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stderr, new RegExp(`Kept ${SHARED_ROLE} and the API Gateway account setting naming it`));
    assert.match((await accountRole()) ?? '', new RegExp(`:role/${SHARED_ROLE}$`));
    await sharedPolicyCovers(logGroupArn('production'));
    const stage = await stageOf('twoenv', 'production');
    assert.equal(stage.accessLogSettings?.destinationArn, logGroupArn('production'));
    assert.ok(stage.accessLogSettings?.format, 'production still has its access log format');
  });

  it('the last down keeps them too: another API of the region may log through them', async () => {
    const down = await viaAws(prod, 'down', '--yes', '--json');
    assert.equal(down.code, 0, down.stderr);
    const kept = down.json<{ kept: string[] }>().kept;
    assert.equal(kept.length, 1, JSON.stringify(kept));
    assert.match(kept[0] ?? '', new RegExp(`^Kept ${SHARED_ROLE} and the API Gateway account setting naming it`));
    assert.match((await accountRole()) ?? '', new RegExp(`:role/${SHARED_ROLE}$`));
    await sharedPolicyCovers(logGroupArn('production'));
  });
});
