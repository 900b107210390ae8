// The user pool's creates when their answer is lost after they took effect (a connection reset on the way
// back): CreateUserPool and CreateUserPoolClient are not deduplicated by AWS (names are not unique), so a
// retry would make a second pool or client; CreateGroup's retry meets its own group. `up` and `down` still
// complete and each exists once, then not at all (lost-answers.test.ts does the same for the rest of the stack).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  CognitoIdentityProviderClient,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
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
