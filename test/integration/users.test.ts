// Admin accounts (auth.users): `up` makes the user pool, its groups and the storefront's client as
// configured; `users add` invites (the emulator: the temporary password is printed), an account signs in
// with the SDK (the new-password challenge), and its token writes through the API by its group: an editor
// creates and updates but may not delete (403, nothing deleted), an admin deletes. Another pool's token
// or a tampered one is 401 and writes nothing; the machine token still works, and is refused once
// auth.machineToken is false. `users list/remove/reset-password`, bad input, drift, and `down`.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteGroupCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { call, deploy, type Deployed, tableSnapshot } from '../helpers/api.js';
import { projectDir, runCli } from '../helpers/cli.js';

const POOL = 'projet1-serverless-development-users';
const PRODUCT = { name: 'Desk lamp', category: 'home', price: 25, stock: 4 };
let stack: Deployed;
const emulator = useEmulator(async (h) => {
  stack = await deploy(h.endpoint, { auth: { users: true, mfa: 'optional', passwordMinLength: 10 } });
});
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: stack.dir });
const cognito = () => emulatorClients(emulator.get().endpoint).client(CognitoIdentityProviderClient);
const aws = () => emulatorClients(emulator.get().endpoint);

async function poolIds(name = POOL): Promise<{ poolId: string; clientId: string }> {
  const pools = (await cognito().send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? [];
  const poolId = pools.find((p) => p.Name === name)?.Id ?? '';
  const clients = await cognito().send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 60 }));
  return { poolId, clientId: clients.UserPoolClients?.[0]?.ClientId ?? '' };
}

/** Signs in as a new account would: the temporary password, then the NEW_PASSWORD_REQUIRED challenge. */
async function signIn(clientId: string, email: string, temporary: string): Promise<{ id: string; access: string }> {
  const first = await cognito().send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: temporary },
    }),
  );
  assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  const done = await cognito().send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: first.Session,
      ChallengeResponses: { USERNAME: email, NEW_PASSWORD: 'Chosen-Passw0rd-42' },
    }),
  );
  return { id: done.AuthenticationResult?.IdToken ?? '', access: done.AuthenticationResult?.AccessToken ?? '' };
}

async function addUser(email: string, group: string): Promise<string> {
  const made = await cli('users', 'add', email, '--group', group, '--json');
  assert.equal(made.code, 0, made.stderr);
  const doc = made.json<{ email: string; delivery: string; temporaryPassword: string }>();
  assert.equal(doc.delivery, 'printed');
  assert.ok(doc.temporaryPassword.length >= 10);
  return doc.temporaryPassword;
}

function setAuth(auth: Record<string, unknown>): void {
  const file = join(stack.dir, 'projet1.config.json');
  const config = JSON.parse(readFileSync(file, 'utf8'));
  config.auth = { ...config.auth, ...auth };
  writeFileSync(file, JSON.stringify(config));
}

describe('admin accounts (auth.users)', { timeout: 600_000 }, () => {
  let editor = { id: '', access: '' };
  let admin = { id: '', access: '' };

  it('up makes the pool, its groups and the storefront client with the configured settings', async () => {
    const { poolId, clientId } = await poolIds();
    const pool = (await cognito().send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool;
    assert.equal(pool?.MfaConfiguration, 'OPTIONAL');
    assert.equal(pool?.Policies?.PasswordPolicy?.MinimumLength, 10);
    assert.deepEqual(pool?.UsernameAttributes, ['email']);
    assert.equal(pool?.AdminCreateUserConfig?.AllowAdminCreateUserOnly, true);
    assert.deepEqual(
      pool?.AccountRecoverySetting?.RecoveryMechanisms?.map((m) => m.Name),
      ['verified_email'],
    );
    assert.equal(pool?.DeletionProtection, 'INACTIVE', 'off in development, as the table');
    assert.equal(pool?.UserPoolTags?.project, 'projet1-serverless');
    const groups = await cognito().send(new ListGroupsCommand({ UserPoolId: poolId }));
    assert.deepEqual(groups.Groups?.map((g) => g.GroupName).sort(), ['admins', 'editors']);
    const client = (await cognito().send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId })))
      .UserPoolClient;
    assert.equal(client?.ClientSecret, undefined);
    assert.deepEqual(client?.ExplicitAuthFlows?.sort(), ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH']);
    assert.equal(client?.PreventUserExistenceErrors, 'ENABLED');
    assert.equal(client?.EnableTokenRevocation, true);
    const again = await cli('up', '--json');
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(again.json<{ awsCalls: { mutatingOperations: string[] } }>().awsCalls.mutatingOperations, []);
  });

  it('an editor creates and updates, may not delete (403, the item stays); an admin deletes', async () => {
    const { clientId } = await poolIds();
    editor = await signIn(clientId, 'ed@example.com', await addUser('ed@example.com', 'editors'));
    admin = await signIn(clientId, 'ad@example.com', await addUser('ad@example.com', 'admins'));
    const made = await call(`${stack.url}/products`, 'POST', { token: editor.id, body: PRODUCT });
    assert.equal(made.status, 201, made.text);
    const id = String(made.body.product_id);
    const updated = await call(`${stack.url}/products/${id}`, 'PUT', {
      token: editor.access,
      body: { price: 30, version: made.body.version },
    });
    assert.equal(updated.status, 200, updated.text);
    const refused = await call(`${stack.url}/products/${id}`, 'DELETE', { token: editor.id });
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.body.error, 'forbidden');
    assert.equal((await call(`${stack.url}/products/${id}`, 'GET')).status, 200, 'still there');
    const deleted = await call(`${stack.url}/products/${id}`, 'DELETE', { token: admin.access });
    assert.ok(deleted.status === 200 || deleted.status === 204, deleted.text);
    assert.equal((await call(`${stack.url}/products/${id}`, 'GET')).status, 404);
  });

  it("another pool's token and a tampered token are 401 and write nothing", async () => {
    const other = await cognito().send(
      new CreateUserPoolCommand({ PoolName: 'someone-else', UsernameAttributes: ['email'] }),
    );
    const poolId = other.UserPool?.Id ?? '';
    const client = await cognito().send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'x',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    await cognito().send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'mallory@example.com',
        TemporaryPassword: 'Temp-Passw0rd-9',
        MessageAction: 'SUPPRESS',
      }),
    );
    const foreign = await signIn(client.UserPoolClient?.ClientId ?? '', 'mallory@example.com', 'Temp-Passw0rd-9');
    const [head, payload, signature] = admin.id.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, email: 'boss@example.com' })).toString('base64url');
    const before = await tableSnapshot(aws());
    for (const token of [foreign.id, foreign.access, `${head}.${forged}.${signature}`]) {
      const r = await call(`${stack.url}/products`, 'POST', { token, body: PRODUCT });
      assert.equal(r.status, 401, r.text);
      assert.equal(r.body.error, 'unauthorized');
    }
    assert.equal(await tableSnapshot(aws()), before);
  });

  it('users list, reset-password and remove; bad input is one line, exit 2, nothing written', async () => {
    const listed = await cli('users', 'list', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const users = listed.json<{ users: { email: string; groups: string[]; status: string }[] }>().users;
    assert.deepEqual(
      users.map((u) => [u.email, u.groups.join(','), u.status]),
      [
        ['ad@example.com', 'admins', 'CONFIRMED'],
        ['ed@example.com', 'editors', 'CONFIRMED'],
      ],
    );
    const reset = await cli('users', 'reset-password', 'ed@example.com', '--json');
    assert.equal(reset.code, 0, reset.stderr);
    const { clientId } = await poolIds();
    const again = await signIn(
      clientId,
      'ed@example.com',
      reset.json<{ temporaryPassword: string }>().temporaryPassword,
    );
    assert.ok(again.id);
    const bad: [string[], RegExp][] = [
      [['users', 'add', 'not-an-email'], /not an e-mail address/],
      [['users', 'add', 'x@example.com', '--group', 'owners'], /--group/],
      [['users', 'remove', 'nobody@example.com'], /No account nobody@example.com/],
      [['users', 'reset-password', 'nobody@example.com'], /No account nobody@example.com/],
      [['users', 'add', 'ad@example.com'], /already has an account/],
    ];
    for (const [args, message] of bad) {
      const r = await cli(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    const off = projectDir({ api: { edgeOnly: false } });
    const refused = await runCli(['users', 'list', '--endpoint-url', emulator.get().endpoint], { cwd: off });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /auth\.users is false/);
    assert.equal((await cli('users', 'list', '--json')).json<{ count: number }>().count, 2, 'nothing written');
    const removed = await cli('users', 'remove', 'ed@example.com');
    assert.equal(removed.code, 0, removed.stderr);
    const left = (await cli('users', 'list', '--json')).json<{ users: { email: string }[] }>().users;
    assert.deepEqual(
      left.map((u) => u.email),
      ['ad@example.com'],
    );
  });

  it('a group deleted by hand is planned and made again by up', async () => {
    const { poolId } = await poolIds();
    await cognito().send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'editors' }));
    const plan = await cli('plan', '--json');
    const changes = plan.json<{ changes: { id: string; action: string }[] }>().changes;
    assert.equal(changes.find((c) => c.id === 'user-group:editors')?.action, 'create');
    assert.equal((await cli('up', '--yes')).code, 0);
    const groups = await cognito().send(new ListGroupsCommand({ UserPoolId: poolId }));
    assert.deepEqual(groups.Groups?.map((g) => g.GroupName).sort(), ['admins', 'editors']);
  });

  it('the machine token still writes; with auth.machineToken false it is refused (401), accounts still write', async () => {
    const made = await call(`${stack.url}/products`, 'POST', { token: stack.token, body: PRODUCT });
    assert.equal(made.status, 201, made.text);
    setAuth({ machineToken: false });
    assert.equal((await cli('up', '--yes')).code, 0);
    const before = await tableSnapshot(aws());
    const refused = await call(`${stack.url}/products`, 'POST', { token: stack.token, body: PRODUCT });
    assert.equal(refused.status, 401, refused.text);
    assert.equal(await tableSnapshot(aws()), before);
    const byAdmin = await call(`${stack.url}/products/${String(made.body.product_id)}`, 'DELETE', { token: admin.id });
    assert.ok(byAdmin.status === 200 || byAdmin.status === 204, byAdmin.text);
  });

  it('down refuses a protected pool (nothing deleted), then removes the pool, its groups and client', async () => {
    setAuth({ deletionProtection: true });
    assert.equal((await cli('up', '--yes')).code, 0);
    const refused = await cli('down', '--yes');
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(refused.stderr, /deletion protection on; nothing was deleted/);
    assert.ok((await poolIds()).poolId, 'the pool is still there');
    assert.equal((await call(`${stack.url}/products`, 'GET')).status, 200, 'and so is the API');
    setAuth({ deletionProtection: false });
    assert.equal((await cli('up', '--yes')).code, 0);
    const down = await cli('down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    const pools = (await cognito().send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? [];
    assert.equal(
      pools.find((p) => p.Name === POOL),
      undefined,
    );
  });
});
