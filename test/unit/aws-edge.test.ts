// A refused call is told apart from a cause shared by every call: CloudFront's account verification
// is named as such, and the graph goes on past a failure of its own but not past a shared one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccessDeniedError, classifyAwsError } from '../../src/aws/errors.js';
import { runGraph } from '../../src/engine/graph.js';
import { AwsAccessError } from '../../src/errors.js';

const target = { region: 'eu-west-3', endpointUrl: null, profile: null };
const refused = (message: string) =>
  Object.assign(new Error(message), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });

describe('access refusals', () => {
  it("names CloudFront's account verification and its fix, not a missing permission", () => {
    const err = classifyAwsError(
      refused(
        'Your account must be verified before you can add new CloudFront resources. To verify your account, please contact AWS Support (https://console.aws.amazon.com/support/home#/) and include this error message.',
      ),
      target,
    );
    assert.ok(err instanceof AccessDeniedError);
    assert.match(err.message, /not yet verified for CloudFront/);
    assert.match(err.hint ?? '', /Contact AWS Support/);
    assert.doesNotMatch(err.hint ?? '', /lack a permission/);
  });

  it('keeps a plain 403 a missing permission', () => {
    const err = classifyAwsError(refused('User: x is not authorized to perform: s3:PutBucketTagging'), target);
    assert.ok(err instanceof AccessDeniedError);
    assert.match(err.hint ?? '', /lack a permission/);
  });
});

describe('runGraph keepGoing', () => {
  const nodes = (ran: string[], fail: string) =>
    ['a', 'b', 'c'].map((id) => ({
      id,
      dependsOn: id === 'c' ? ['a'] : [],
      group: 'g',
      run: async () => {
        if (id === fail) throw new AwsAccessError(`${id} failed`);
        ran.push(id);
      },
    }));

  it('goes on with what does not depend on the failure, and skips what does', async () => {
    const ran: string[] = [];
    const out = await runGraph(nodes(ran, 'a'), { concurrency: 1, keepGoing: () => true });
    assert.deepEqual(ran, ['b']);
    assert.equal(out.get('a')?.status, 'failed');
    assert.equal(out.get('c')?.status, 'skipped');
  });

  it('stops new work when the failure would fail the rest too', async () => {
    const ran: string[] = [];
    const out = await runGraph(nodes(ran, 'a'), { concurrency: 1, keepGoing: () => false });
    assert.deepEqual(ran, []);
    assert.equal(out.get('b')?.status, 'skipped');
  });
});
