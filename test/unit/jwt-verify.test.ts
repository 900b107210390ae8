// The account-token verifier of the authorizer (runtime/api/jwt-verify.ts) on tokens made here: the
// emulator signs only tokens valid for minutes (auth.accessTokenMinutes is 5 at least), so an expired one
// cannot be had from it in a test; a key pair made in the test, its JWKS served by a local HTTP server
// at a URL other than the issuer's (as the emulator serves its own), and tokens signed with it.
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { methodsOf, policy } from '../../runtime/api/jwt-policy.js';
import { looksLikeJwt, poolVerifier, type TokenVerifier } from '../../runtime/api/jwt-verify.js';

const POOL = 'eu-west-3_TestPool1';
const CLIENT = 'storefrontclient123';
const ISSUER = `https://cognito-idp.eu-west-3.amazonaws.com/${POOL}`;
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

function token(claims: Record<string, unknown>, key: KeyObject = keys.privateKey): string {
  const input = `${b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);
const idClaims = (more: Record<string, unknown> = {}) => ({
  sub: 'u-1',
  iss: ISSUER,
  aud: CLIENT,
  token_use: 'id',
  email: 'ed@example.com',
  'cognito:groups': ['editors'],
  iat: now() - 10,
  exp: now() + 600,
  ...more,
});

let server: Server;
let verify: TokenVerifier;
let fetched = 0;

before(async () => {
  const jwk = { ...keys.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((_req, res) => {
    fetched++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  verify = poolVerifier({
    userPoolId: POOL,
    clientId: CLIENT,
    jwksUrl: `http://127.0.0.1:${port}/${POOL}/.well-known/jwks.json`,
  });
});
after(() => server.close());

describe('account tokens (auth.users)', () => {
  it("accepts the pool's ID and access tokens, with the e-mail and groups; the JWKS is fetched once", async () => {
    const id = await verify(token(idClaims()));
    assert.deepEqual(id, { sub: 'u-1', email: 'ed@example.com', groups: ['editors'] });
    const { aud: _, email: __, ...rest } = idClaims();
    const access = await verify(token({ ...rest, token_use: 'access', client_id: CLIENT }));
    assert.deepEqual(access, { sub: 'u-1', email: undefined, groups: ['editors'] });
    assert.equal(fetched, 1);
  });

  it('refuses an expired token, another pool, another client, a refresh-like use, a tampered or foreign signature', async () => {
    const good = token(idClaims()).split('.');
    const bad: [string, string, RegExp][] = [
      ['expired', token(idClaims({ iat: now() - 7200, exp: now() - 3600 })), /expired/i],
      [
        'another pool',
        token(idClaims({ iss: 'https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_Other' })),
        /issuer/i,
      ],
      ['another client', token(idClaims({ aud: 'someoneelse' })), /audience|client/i],
      ['token_use', token(idClaims({ token_use: 'refresh' })), /token use/i],
      ['foreign key', token(idClaims(), other.privateKey), /signature/i],
      ['tampered', `${good[0]}.${b64({ ...idClaims(), 'cognito:groups': ['admins'] })}.${good[2]}`, /signature/i],
    ];
    for (const [what, t, why] of bad) await assert.rejects(verify(t), why, what);
  });

  it('tells a JWT from the machine token', () => {
    assert.equal(looksLikeJwt(token(idClaims())), true);
    assert.equal(looksLikeJwt('p1_abcdefghijklmnopqrstuvwxyz0123456789-_ABCDEFG'), false);
  });
});

describe("the authorizer's policy", () => {
  const arn = 'arn:aws:execute-api:eu-west-3:123456789012:abc123/development/DELETE/products/42';
  it('is the same for every route of the stage (a cached answer reused elsewhere stays right)', () => {
    const onDelete = policy(arn, methodsOf(['editors']), 'u-1', 'ed@example.com');
    const onPost = policy(
      arn.replace('DELETE/products/42', 'POST/products'),
      methodsOf(['editors']),
      'u-1',
      'ed@example.com',
    );
    assert.deepEqual(onDelete, onPost);
    assert.deepEqual(onDelete.policyDocument.Statement[0]?.Resource, [
      'arn:aws:execute-api:eu-west-3:123456789012:abc123/development/POST/*',
      'arn:aws:execute-api:eu-west-3:123456789012:abc123/development/PUT/*',
    ]);
    assert.deepEqual(onDelete.context, { actor: 'ed@example.com' });
  });

  it('admins may do everything; no known group, nothing', () => {
    assert.deepEqual(methodsOf(['editors', 'admins']), ['*']);
    assert.deepEqual(methodsOf(['visitors']), []);
    assert.equal(policy(arn, [], 'u-2', 'x@example.com').policyDocument.Statement[0]?.Effect, 'Deny');
  });
});
