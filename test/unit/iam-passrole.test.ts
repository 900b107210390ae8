// The fault proxy's PassRole check judges a policy as IAM does: the printed deploy policy passes the
// stack's roles to Lambda and API Gateway only; a condition for another service, a role outside the
// stack or an explicit Deny refuses; the calls that hand a role are recognised; the emulator's root
// key is let through without a look at the emulator.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AwsClients } from '../../runtime/aws/clients.js';
import { loadConfig } from '../../src/config/load.js';
import { permissionsPolicy } from '../../src/core/permissions.js';
import { identify } from '../helpers/aws-call.js';
import { accessKeyOf, mayPassRole, PASS_ROLE, passedToService } from '../helpers/aws-behaviour/iam-passrole.js';
import type { BehaviourContext, RawRequest } from '../helpers/aws-behaviour/types.js';

const ACCOUNT = '123456789012';
const config = loadConfig({}, {}, mkdtempSync(join(tmpdir(), 'projet1-passrole-'))).config;
const deploy = permissionsPolicy(config, { accountId: ACCOUNT, partition: 'aws' }, 'deploy');
const passRoles = deploy.Statement.filter((s) => s.Sid === 'PassRoles');
const FUNCTION_ROLE = `arn:aws:iam::${ACCOUNT}:role/projet1-serverless-development-api-euw3`;
const LOGGING_ROLE = `arn:aws:iam::${ACCOUNT}:role/projet1-apigw-logs-euw3`;
const LAMBDA = 'lambda.amazonaws.com';
const APIGW = 'apigateway.amazonaws.com';
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });

function signed(key: string, service: string, method: string, url: string, body: object): RawRequest {
  const authorization = `AWS4-HMAC-SHA256 Credential=${key}/20260101/eu-west-3/${service}/aws4_request, SignedHeaders=host, Signature=0`;
  return { method, url, headers: { authorization }, body: Buffer.from(JSON.stringify(body)) };
}

describe('the PassRole check', () => {
  it("allows the printed policy's roles to their services, and nothing else", () => {
    assert.equal(passRoles.length, 1);
    const printed = [doc(...passRoles)];
    assert.ok(mayPassRole(printed, FUNCTION_ROLE, LAMBDA));
    assert.ok(mayPassRole(printed, LOGGING_ROLE, APIGW));
    assert.ok(!mayPassRole(printed, FUNCTION_ROLE, 'ec2.amazonaws.com'), 'another service');
    assert.ok(!mayPassRole(printed, `arn:aws:iam::${ACCOUNT}:role/admin`, LAMBDA), 'a role outside the stack');
    assert.ok(!mayPassRole([], FUNCTION_ROLE, LAMBDA), 'no policy');
  });

  it('refuses a PassRole whose condition names only another service, and without the condition key', () => {
    const apiOnly = passRoles.map((s) => ({ ...s, Condition: { StringEquals: { 'iam:PassedToService': APIGW } } }));
    assert.ok(!mayPassRole([doc(...apiOnly)], FUNCTION_ROLE, LAMBDA));
    assert.ok(mayPassRole([doc(...apiOnly)], LOGGING_ROLE, APIGW));
    const otherKey = {
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-3' } },
    };
    assert.ok(!mayPassRole([doc(otherKey)], FUNCTION_ROLE, LAMBDA), 'a key the request does not carry');
  });

  it('matches StringLike and wildcards in Action and Resource; an explicit Deny wins', () => {
    const like = {
      Effect: 'Allow',
      Action: 'iam:Pass*',
      Resource: 'arn:aws:iam::*:role/projet1-*',
      Condition: { StringLike: { 'iam:PassedToService': 'lambda.*' } },
    };
    assert.ok(mayPassRole([doc(like)], FUNCTION_ROLE, LAMBDA));
    assert.ok(!mayPassRole([doc(like)], LOGGING_ROLE, APIGW));
    const all = { Effect: 'Allow', Action: '*', Resource: '*' };
    assert.ok(mayPassRole([doc(all)], FUNCTION_ROLE, LAMBDA));
    const deny = { Effect: 'Deny', Action: 'iam:PassRole', Resource: FUNCTION_ROLE };
    assert.ok(!mayPassRole([doc(all), doc(deny)], FUNCTION_ROLE, LAMBDA));
    const notLambda = {
      Effect: 'Deny',
      Action: 'iam:PassRole',
      Resource: '*',
      Condition: { StringNotEquals: { 'iam:PassedToService': LAMBDA } },
    };
    assert.ok(mayPassRole([doc(all, notLambda)], FUNCTION_ROLE, LAMBDA));
    assert.ok(!mayPassRole([doc(all, notLambda)], LOGGING_ROLE, APIGW));
  });

  it('recognises the calls that hand a role, and lets the root key through without reading the emulator', () => {
    const create = signed('AKIAUSER', 'lambda', 'POST', '/2015-03-31/functions', {
      FunctionName: 'f',
      Role: FUNCTION_ROLE,
    });
    const update = signed('AKIAUSER', 'lambda', 'PUT', '/2015-03-31/functions/f/configuration', {
      Role: FUNCTION_ROLE,
      MemorySize: 512,
    });
    const account = signed('AKIAUSER', 'apigateway', 'PATCH', '/account', {
      patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: LOGGING_ROLE }],
    });
    const code = signed('AKIAUSER', 'lambda', 'PUT', '/2015-03-31/functions/f/code', { ZipFile: 'UEsF' });
    const callOf = (r: RawRequest) => identify(r.method, r.url, r.headers, r.body);
    assert.deepEqual(
      [create, update, account, code].map((r) => {
        const c = callOf(r);
        return c && [c.operation, passedToService(c), c.roleArn];
      }),
      [
        ['CreateFunction', LAMBDA, FUNCTION_ROLE],
        ['UpdateFunctionConfiguration', LAMBDA, FUNCTION_ROLE],
        ['UpdateAccount', APIGW, LOGGING_ROLE],
        ['UpdateFunctionCode', undefined, undefined],
      ],
    );
    assert.equal(accessKeyOf(update), 'AKIAUSER');
    // An emulator nobody listens on: a look at it would fail the call; the root key needs none.
    const ctx: BehaviourContext = {
      now: Date.now(),
      scale: 1,
      emulator: new AwsClients({ region: 'eu-west-3', endpointUrl: 'http://127.0.0.1:9', profile: null }),
      count: () => undefined,
    };
    const root = signed('test', 'lambda', 'PUT', '/2015-03-31/functions/f/configuration', { Role: FUNCTION_ROLE });
    const call = callOf(root);
    assert.ok(call);
    assert.equal(PASS_ROLE.before?.(call, root, ctx), undefined);
  });
});
