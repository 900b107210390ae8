// Client factory, error classification and rate limiting. The fault-injection test
// stubs the HTTP handler because the emulator never throttles.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AwsClients } from '../../runtime/aws/clients.js';
import { cliCredentials, isLoopback, isRealCredentials } from '../../src/aws/credentials.js';
import { classifyAwsError, unless } from '../../src/aws/errors.js';
import { RateLimiter } from '../../runtime/aws/rate-limit.js';
import { AwsAccessError } from '../../src/errors.js';

const emulator = { region: 'eu-west-3', endpointUrl: 'http://127.0.0.1:9', profile: null };

describe('AwsClients', () => {
  it('caches one client per class and counts mutating calls', async () => {
    const aws = new AwsClients(emulator);
    assert.equal(aws.client(DynamoDBClient), aws.client(DynamoDBClient));
    aws.destroy();
  });

  it('falls back to the emulator convention test/test when an endpoint is set and no credentials are configured', async () => {
    const creds = await cliCredentials(emulator, {
      HOME: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/c',
      AWS_CONFIG_FILE: '/nonexistent/f',
    })();
    assert.deepEqual({ id: creds.accessKeyId, secret: creds.secretAccessKey }, { id: 'test', secret: 'test' });
  });

  it('uses the environment credentials when present, even with an endpoint', async () => {
    const creds = await cliCredentials(emulator, {
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
    })();
    assert.equal(creds.accessKeyId, 'AKIAEXAMPLE');
  });

  it('retries throttling with backoff, then succeeds (fault injected below the SDK)', async () => {
    const aws = new AwsClients(emulator, { credentials: cliCredentials(emulator, {}) });
    const client = aws.client(DynamoDBClient);
    let attempts = 0;
    const { Readable } = await import('node:stream');
    const reply = (status: number, body: object) => ({
      response: {
        statusCode: status,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: Readable.from([Buffer.from(JSON.stringify(body))]),
      },
    });
    client.config.requestHandler = {
      handle: async () => {
        attempts++;
        if (attempts < 3)
          return reply(400, {
            __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
            message: 'Rate exceeded',
          });
        return reply(200, { Table: { TableName: 'products-catalog', TableStatus: 'ACTIVE' } });
      },
    } as unknown as typeof client.config.requestHandler;
    const res = await client.send(new DescribeTableCommand({ TableName: 'products-catalog' }));
    assert.equal(res.Table?.TableStatus, 'ACTIVE');
    assert.equal(attempts, 3);
    assert.equal(aws.calls.filter((c) => c.operation === 'DescribeTable').length, 1, 'one logical call, retried below');
    aws.destroy();
  });
});

describe('error classification', () => {
  const target = { region: 'eu-west-3', endpointUrl: null, profile: null };
  const named = (name: string, message = name, status = 400) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

  it('turns an unreachable endpoint into one clear error', () => {
    const err = classifyAwsError(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
      emulator,
    );
    assert.ok(err instanceof AwsAccessError);
    assert.match(err.message, /Cannot reach the AWS endpoint http:\/\/127.0.0.1:9 \(ECONNREFUSED\)/);
  });
  it('recognises bad credentials, access denied and unknown regions', () => {
    assert.match(
      String((classifyAwsError(named('UnrecognizedClientException'), target) as Error).message),
      /rejected the credentials/,
    );
    assert.match(
      String((classifyAwsError(named('AccessDeniedException', 'not allowed', 403), target) as Error).message),
      /Access denied/,
    );
    assert.match(
      String(
        (
          classifyAwsError(
            Object.assign(new Error('getaddrinfo ENOTFOUND dynamodb.xx-east-9.amazonaws.com'), { code: 'ENOTFOUND' }),
            target,
          ) as Error
        ).message,
      ),
      /Cannot reach AWS in region/,
    );
  });
  it('passes other errors through unchanged', () => {
    const e = named('ValidationException');
    assert.equal(classifyAwsError(e, target), e);
  });
  it('unless() maps only the named errors to undefined', async () => {
    assert.equal(
      await unless(Promise.reject(named('ResourceNotFoundException')), 'ResourceNotFoundException'),
      undefined,
    );
    await assert.rejects(
      unless(Promise.reject(named('InternalServerError')), 'ResourceNotFoundException'),
      /InternalServerError/,
    );
  });
});

describe('RateLimiter', () => {
  it('spaces calls of a limited key and never delays the first or unlimited ones', async () => {
    let now = 1000;
    const waits: number[] = [];
    const limiter = new RateLimiter(
      { 'APIGateway.CreateDeployment': 5000 },
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );
    await limiter.wait('APIGateway.CreateDeployment');
    await limiter.wait('APIGateway.CreateDeployment');
    await limiter.wait('DynamoDB.PutItem');
    now += 10000;
    await limiter.wait('APIGateway.CreateDeployment');
    assert.deepEqual(waits, [5000]);
  });
});

describe('where credentials go', () => {
  it('tells loopback endpoints from the rest', () => {
    for (const url of [
      'http://127.0.0.1:4566',
      'http://127.8.9.10',
      'http://localhost:4566',
      'http://LOCALHOST',
      'http://[::1]:4566',
      'http://[::ffff:127.0.0.1]:1',
      'http://2130706433:4566',
    ])
      assert.equal(isLoopback(url), true, url);
    for (const url of [
      'http://10.0.0.1:4566',
      'http://192.168.1.2',
      'http://localhost.evil.example',
      'http://127.0.0.1.nip.io',
      'http://[::2]',
      'http://ministack:4566',
      'not a url',
    ])
      assert.equal(isLoopback(url), false, url);
    assert.equal(isRealCredentials({ accessKeyId: 'test', secretAccessKey: 'test' }), false);
    assert.equal(isRealCredentials({ accessKeyId: 'test', secretAccessKey: 'other' }), true);
    assert.equal(isRealCredentials({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'test' }), true);
  });

  it('sends no call to a service endpoint from AWS_ENDPOINT_URL_<SERVICE>: only the target decides', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://dynamodb.elsewhere.example:8000';
    const aws = new AwsClients(
      { region: 'eu-west-3', endpointUrl: null, profile: null },
      { credentials: async () => ({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' }) },
    );
    try {
      const client = aws.client(DynamoDBClient);
      // Stops each request just before it is sent, keeping where it was going.
      client.middlewareStack.add(
        () => async (args) => {
          throw Object.assign(new Error('stopped'), { host: (args.request as { hostname?: string }).hostname });
        },
        { step: 'finalizeRequest', name: 'stopBeforeSending', priority: 'low' },
      );
      await assert.rejects(client.send(new DescribeTableCommand({ TableName: 't' })), (err: { host?: string }) => {
        assert.equal(err.host, 'dynamodb.eu-west-3.amazonaws.com');
        return true;
      });
    } finally {
      aws.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
      else process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
    }
  });
});
