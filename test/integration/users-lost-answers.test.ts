// The user pool's creates when their answer is lost after they took effect (a connection reset on the way
// back): CreateUserPool and CreateUserPoolClient are not deduplicated by AWS (names are not unique), so a
// retry would make a second pool or client; CreateGroup's retry meets its own group. `up` and `down` still
// complete and each exists once, then not at all (lost-answers.test.ts does the same for the rest of the stack).
// The proxy also plays UpdateUserPoolClient as AWS does (what it is not sent is reset to its default).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { updateClientResetsUnsent } from '../helpers/aws-behaviour/cognito.js';
import { type FaultProxy, REALISTIC, startFaultProxy } from '../helpers/fault-proxy.js';

const LOSE = [
  'cognito-idp.CreateUserPool',
  'cognito-idp.CreateUserPoolClient',
  'cognito-idp.CreateGroup',
  'cognito-idp.DeleteUserPool',
];

let proxy: FaultProxy | undefined;
const emulator = useEmulator(
  async (handle) => {
    proxy = await startFaultProxy(handle.endpoint, {
      ...REALISTIC,
      randomFault: 0,
      slow: 0,
      quotas: { ...REALISTIC.quotas, DeleteRestApi: 5000 },
      loseFirstAnswerOf: LOSE,
      behaviours: [updateClientResetsUnsent],
    });
  },
  { ownProxy: true },
);
after(async () => {
  await proxy?.close();
});
const dir = projectDir({ project: 'lostusers', api: { edgeOnly: false }, auth: { users: true } });
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', proxy?.url ?? ''], { cwd: dir });
const cognito = () => emulatorClients(emulator.get().endpoint).client(CognitoIdentityProviderClient);
const pools = async () =>
  ((await cognito().send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? []).filter(
    (p) => p.Name === 'lostusers-development-users',
  );

describe('user pool answers lost after the call took effect', { timeout: 600_000 }, () => {
  it('up makes the pool, its client and groups once; plan then shows nothing to do', async () => {
    const up = await cli('up', '--yes', '--verbose');
    assert.equal(up.code, 0, up.stderr);
    const found = await pools();
    assert.equal(found.length, 1, 'one pool');
    const UserPoolId = found[0]?.Id ?? '';
    const clients = await cognito().send(new ListUserPoolClientsCommand({ UserPoolId, MaxResults: 60 }));
    assert.equal(clients.UserPoolClients?.length, 1, 'one client');
    const groups = await cognito().send(new ListGroupsCommand({ UserPoolId }));
    assert.deepEqual(groups.Groups?.map((g) => g.GroupName).sort(), ['admins', 'editors']);
    const plan = await cli('plan', '--exit-code');
    assert.equal(plan.code, 0, plan.stdout);
  });

  it("a client setting changed by hand is repaired, the client's other settings kept (AWS resets what an update omits)", async () => {
    const UserPoolId = (await pools())[0]?.Id ?? '';
    const ClientId =
      (await cognito().send(new ListUserPoolClientsCommand({ UserPoolId, MaxResults: 60 }))).UserPoolClients?.[0]
        ?.ClientId ?? '';
    // By hand, on the emulator itself (which keeps what a call omits): only the one setting changes.
    await cognito().send(
      new UpdateUserPoolClientCommand({ UserPoolId, ClientId, PreventUserExistenceErrors: 'LEGACY' }),
    );
    const plan = await cli('plan', '--json');
    const change = plan
      .json<{ changes: { id: string; fields: { field: string }[] }[] }>()
      .changes.find((c) => c.id === 'user-pool-client');
    assert.deepEqual(
      change?.fields.map((f) => f.field),
      ['preventUserExistenceErrors'],
    );
    assert.equal((await cli('up', '--yes')).code, 0);
    const client = (await cognito().send(new DescribeUserPoolClientCommand({ UserPoolId, ClientId }))).UserPoolClient;
    assert.equal(client?.PreventUserExistenceErrors, 'ENABLED');
    assert.deepEqual(client?.ExplicitAuthFlows?.sort(), ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH']);
    assert.equal(client?.AccessTokenValidity, 60);
    assert.equal((await cli('plan', '--exit-code')).code, 0);
  });

  it('down deletes the pool', async () => {
    const down = await cli('down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await pools(), []);
    assert.deepEqual(
      LOSE.filter((op) => !proxy?.lostOnce.has(op)),
      [],
      'every listed call had its answer lost once',
    );
  });
});
