// ARNs found by the stack's tags → the types projet1 deletes by name (src/stack/tagged.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArn } from '../../src/stack/tagged.js';

describe('parseArn', () => {
  it('names a table, a bucket, a function and a role (with a path)', () => {
    const cases: [string, string, string][] = [
      ['arn:aws:dynamodb:eu-west-3:123456789012:table/old-catalog', 'dynamodb-table', 'old-catalog'],
      ['arn:aws:s3:::old-site-123456789012', 's3-bucket', 'old-site-123456789012'],
      ['arn:aws:lambda:eu-west-3:123456789012:function:p-dev-old', 'lambda-function', 'p-dev-old'],
      ['arn:aws-cn:iam::123456789012:role/team/p-dev-old-euw3', 'iam-role', 'p-dev-old-euw3'],
    ];
    for (const [arn, type, name] of cases) assert.deepEqual(parseArn(arn), { type, name, arn });
  });

  it('leaves what it cannot delete by name: a table index or backup, an object, an alarm, a distribution', () => {
    for (const arn of [
      'arn:aws:dynamodb:eu-west-3:123456789012:table/t/index/category-index',
      'arn:aws:dynamodb:eu-west-3:123456789012:table/t/backup/01234',
      'arn:aws:s3:::bucket/key',
      'arn:aws:lambda:eu-west-3:123456789012:function:f:1',
      'arn:aws:cloudwatch:eu-west-3:123456789012:alarm:a',
      'arn:aws:cloudfront::123456789012:distribution/E123',
      'arn:aws:iam::123456789012:policy/p',
      'not-an-arn',
    ])
      assert.equal(parseArn(arn), undefined, arn);
  });
});
