// CloudFront's access logs in the stack, per partition and setting: the delivery source, destination
// and delivery where CloudFront keeps its log sources (us-east-1; cn-northwest-1 in China), none in
// GovCloud (no CloudFront); retired, not dropped, with `website.accessLogs: false`; the log bucket's
// statement only when they are on; their grants only when they are on.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { permissionsPolicy } from '../../src/core/permissions.js';
import { buildStack } from '../../src/stack/stack.js';

const base = loadConfig({}, {}, mkdtempSync(join(tmpdir(), 'projet1-cdnlogs-'))).config;
const off: Config = { ...base, website: { ...base.website, accessLogs: false } };
const IDS = ['cdn-log-source', 'cdn-log-destination', 'cdn-log-delivery'];
const stackIn = (partition: string, region: string, config = base) =>
  buildStack(config, { accountId: '123456789012', partition, region });
const regionOf = (desired: unknown): unknown =>
  typeof desired === 'object' && desired !== null && 'region' in desired ? desired.region : undefined;
const logStatements = (stack: ReturnType<typeof stackIn>) => {
  const policy = stack.resources.find((r) => r.id === 'bucket-policy:logs')?.desired;
  const doc = typeof policy === 'object' && policy !== null && 'policy' in policy ? policy.policy : undefined;
  const statements = typeof doc === 'object' && doc !== null && 'Statement' in doc ? doc.Statement : [];
  return (Array.isArray(statements) ? statements : []).map((s: { Sid?: string }) => s.Sid);
};

describe('cdn logs in the stack', () => {
  it('on by default: the three in us-east-1 whatever the stack region, the delivery after the bucket policy', () => {
    const stack = stackIn('aws', 'eu-west-3');
    const parts = IDS.map((id) => stack.resources.find((r) => r.id === id));
    assert.deepEqual(
      parts.map((r) => regionOf(r?.desired)),
      ['us-east-1', 'us-east-1', 'us-east-1'],
    );
    assert.deepEqual(parts[0]?.dependsOn, ['distribution']);
    assert.deepEqual(parts[2]?.dependsOn, ['cdn-log-source', 'cdn-log-destination', 'bucket-policy:logs']);
    assert.ok(logStatements(stack).includes('CloudFrontAccessLogs'));
  });

  it("in China, CloudFront's region there; in GovCloud, none and no bucket statement", () => {
    const cn = stackIn('aws-cn', 'cn-north-1');
    assert.equal(regionOf(cn.resources.find((r) => r.id === 'cdn-log-source')?.desired), 'cn-northwest-1');
    const gov = stackIn('aws-us-gov', 'us-gov-west-1');
    const all = [...gov.resources, ...(gov.retired ?? [])].map((r) => r.id);
    assert.deepEqual(
      all.filter((id) => id.startsWith('cdn-log')),
      [],
    );
    assert.ok(!logStatements(gov).includes('CloudFrontAccessLogs'));
  });

  it('website.accessLogs false: the three retired (deleted if found), no bucket statement, no grants but the lists', () => {
    const stack = stackIn('aws', 'eu-west-3', off);
    assert.deepEqual(
      stack.resources.filter((r) => r.id.startsWith('cdn-log')),
      [],
    );
    assert.deepEqual(
      (stack.retired ?? []).map((r) => r.id).filter((id) => id.startsWith('cdn-log')),
      IDS,
    );
    assert.ok(!logStatements(stack).includes('CloudFrontAccessLogs'));
    const actions = (config: Config) =>
      permissionsPolicy(config, { accountId: '123456789012', partition: 'aws' }, 'deploy').Statement.flatMap(
        (s) => s.Action,
      );
    const delivery = (a: string) => /Deliver|AllowVendedLog/.test(a);
    assert.deepEqual(actions(off).filter(delivery).sort(), [
      'logs:DescribeDeliveries',
      'logs:DescribeDeliveryDestinations',
      'logs:DescribeDeliverySources',
    ]);
    assert.ok(actions(base).includes('logs:CreateDelivery'));
    assert.ok(actions(base).includes('cloudfront:AllowVendedLogDeliveryForResource'));
  });
});
