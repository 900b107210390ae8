// Only "the region does not answer" lets `failover --to` go on without the stack's region: a refusal
// (AccessDenied, a held lock, bad credentials) still stops it, and no other command is let through.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyAwsError } from '../../src/aws/errors.js';
import { doesNotAnswer, lockUnlessDown, outageTarget } from '../../src/core/failover-outage.js';
import { type IoMessage, silentIo } from '../../src/core/io.js';
import { EXIT, UserError } from '../../src/errors.js';

const sdkError = (name: string, status?: number, code?: string) =>
  Object.assign(new Error(name), { name, ...(code ? { code } : {}), $metadata: { httpStatusCode: status } });
const target = { region: 'eu-west-3', endpointUrl: null, profile: null };

describe('failover without the stack region', () => {
  it('a 5xx, a reset, a refused connection or a timeout does not answer, even classified', () => {
    for (const err of [
      sdkError('ServiceUnavailable', 503),
      sdkError('InternalFailure', 500),
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      Object.assign(new Error('connect ECONNREFUSED 1.2.3.4:443'), { code: 'ECONNREFUSED' }),
      sdkError('TimeoutError'),
    ]) {
      assert.ok(doesNotAnswer(err), err.message);
      assert.ok(doesNotAnswer(classifyAwsError(err, target)), `classified ${err.message}`);
    }
  });

  it('a refusal answers: AccessDenied, throttling, bad credentials, a held lock', () => {
    for (const err of [
      sdkError('AccessDeniedException', 400),
      sdkError('AccessDenied', 403),
      sdkError('ThrottlingException', 400),
      sdkError('ExpiredToken', 403),
      new UserError('The stack outage/development in eu-west-3 is locked: …', { exitCode: EXIT.conflict }),
    ]) {
      assert.ok(!doesNotAnswer(err), err.message);
      assert.ok(!doesNotAnswer(classifyAwsError(err, target)), `classified ${err.message}`);
    }
  });

  it('only failover --to names a region to turn to', () => {
    assert.equal(outageTarget('failover', { to: 'eu-central-1' }), 'eu-central-1');
    assert.equal(outageTarget('failover', { back: true }), undefined);
    assert.equal(outageTarget('failover', { drill: true }), undefined);
    assert.equal(outageTarget('up', { to: 'eu-central-1' }), undefined);
  });

  it('the lock: skipped with a warning only when its region does not answer and the run fails over elsewhere', async () => {
    const seen: IoMessage[] = [];
    const io = { ...silentIo, notify: (m: IoMessage) => seen.push(m) };
    const session = { env: { accountId: '1', partition: 'aws', region: 'eu-west-3' } };
    const down = () => Promise.reject(sdkError('ServiceUnavailable', 503));
    assert.equal(await lockUnlessDown(down, 'eu-central-1', session, io), undefined);
    assert.match(seen[0]?.message ?? '', /without it\. Safe: every other command/);
    await assert.rejects(lockUnlessDown(down, undefined, session, io), /ServiceUnavailable/);
    await assert.rejects(lockUnlessDown(down, 'eu-west-3', session, io), /ServiceUnavailable/);
    const held = () => Promise.reject(new UserError('locked', { exitCode: EXIT.conflict }));
    await assert.rejects(lockUnlessDown(held, 'eu-central-1', session, io), /locked/);
  });
});
