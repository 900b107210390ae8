// Faults the emulator never produces, injected below the SDK: a freshly created role
// that Lambda cannot assume yet, and a function busy with a previous update.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { AwsClients } from '../../runtime/aws/clients.js';
import type { ProvisionContext } from '../../src/engine/types.js';
import { apiUrl } from '../../src/resources/api-stage.js';
import { lambdaFunction, type FunctionDesired } from '../../src/resources/lambda-function.js';

type Reply = { status: number; body: object; type?: string };

function fakeLambda(script: (op: string, n: number) => Reply): {
  ctx: ProvisionContext;
  ops: string[];
  notes: string[];
  sleeps: number[];
} {
  const aws = new AwsClients(
    { region: 'eu-west-3', endpointUrl: 'http://127.0.0.1:9', profile: null },
    { credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) },
  );
  // The SDK itself does not retry these 4xx errors, so every retry seen is the provisioner's.
  const client = aws.client(LambdaClient);
  const ops: string[] = [];
  client.config.requestHandler = {
    handle: async (req: { method: string; path: string }) => {
      const op = `${req.method} ${req.path.replace(/\/functions\/[^/]+/, '/functions/X')}`;
      ops.push(op);
      const r = script(op, ops.filter((o) => o === op).length);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (r.type) headers['x-amzn-errortype'] = r.type;
      return {
        response: { statusCode: r.status, headers, body: Readable.from([Buffer.from(JSON.stringify(r.body))]) },
      };
    },
  } as unknown as typeof client.config.requestHandler;
  const notes: string[] = [];
  const sleeps: number[] = [];
  return {
    ctx: { aws, note: (m) => void notes.push(m), sleep: async (ms) => void sleeps.push(ms) },
    ops,
    notes,
    sleeps,
  };
}

const desired: FunctionDesired = {
  name: 'fn',
  arn: 'arn:aws:lambda:eu-west-3:1:function:fn',
  roleArn: 'arn:aws:iam::1:role/r',
  runtime: 'nodejs22.x',
  handler: 'index.handler',
  timeout: 30,
  memory: 256,
  environment: {},
  zip: Buffer.from('zip'),
  codeSha256: 'abc',
  description: 'd',
  tags: {},
};

describe('lambda-function retries', () => {
  it('retries CreateFunction while the new role is not assumable, then waits for Active', async () => {
    const f = fakeLambda((op, n) => {
      if (op === 'POST /2015-03-31/functions') {
        return n <= 2
          ? {
              status: 400,
              type: 'InvalidParameterValueException',
              body: { message: 'The role defined for the function cannot be assumed by Lambda.' },
            }
          : { status: 201, body: { FunctionName: 'fn', State: 'Pending' } };
      }
      // GetFunctionConfiguration: Pending at the first look, then Active.
      return {
        status: 200,
        body: { FunctionName: 'fn', State: n === 1 ? 'Pending' : 'Active', LastUpdateStatus: 'Successful' },
      };
    });
    await lambdaFunction.create(f.ctx, desired);
    assert.equal(f.ops.filter((o) => o === 'POST /2015-03-31/functions').length, 3);
    assert.deepEqual(f.sleeps.slice(0, 2), [1000, 2000], 'exponential backoff between attempts');
    assert.ok(f.notes.some((n) => /IAM propagation/.test(n)));
    assert.ok(f.ops.filter((o) => o.startsWith('GET')).length >= 2, 'polled until Active');
  });

  it('does not retry other errors', async () => {
    const f = fakeLambda(() => ({
      status: 400,
      type: 'InvalidParameterValueException',
      body: { message: 'Unsupported runtime' },
    }));
    await assert.rejects(lambdaFunction.create(f.ctx, desired), /Unsupported runtime/);
    assert.equal(f.ops.length, 1);
  });

  it('retries an update that conflicts with one in progress', async () => {
    const f = fakeLambda((op, n) => {
      if (op.startsWith('PUT'))
        return n === 1
          ? {
              status: 409,
              type: 'ResourceConflictException',
              body: { message: 'An update is in progress for resource' },
            }
          : { status: 200, body: {} };
      return { status: 200, body: { State: 'Active', LastUpdateStatus: 'Successful' } };
    });
    await lambdaFunction.update(f.ctx, desired, { codeSha256: 'old', settings: {}, tags: {} }, [
      { field: 'code', from: 'old', to: 'abc' },
    ]);
    assert.equal(f.ops.filter((o) => o.startsWith('PUT')).length, 2);
  });
});

describe('apiUrl', () => {
  it('uses the execute-api host on AWS and the path form on an emulator', () => {
    assert.equal(
      apiUrl({ endpointUrl: null, region: 'eu-west-3', stageName: 'development', partition: 'aws' }, 'abc123'),
      'https://abc123.execute-api.eu-west-3.amazonaws.com/development',
    );
    assert.equal(
      apiUrl(
        { endpointUrl: 'http://127.0.0.1:4566/', region: 'eu-west-3', stageName: 'dev', partition: 'aws' },
        'abc123',
      ),
      'http://127.0.0.1:4566/restapis/abc123/dev/_user_request_',
    );
  });
});
