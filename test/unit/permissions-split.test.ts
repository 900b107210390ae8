// The scope's policy cut into managed policies: each within IAM's 6,144 characters whatever the
// configuration, together granting exactly the scope's statements, the same cut for the same input,
// and `deploy` always the same three policies (by family) so CI attaches the same names.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import {
  familyOf,
  type NamedPolicy,
  type PolicyDocument,
  type PolicyStatement,
  type PolicyTarget,
  permissionsPolicies,
  permissionsPolicy,
  SCOPES,
  type StackConfig,
} from '../../src/core/permissions.js';
import { packStatements, policyCharacters, splitStatement } from '../../src/core/policy-packing.js';

const example = loadConfig({}, {}, mkdtempSync(join(tmpdir(), 'projet1-split-'))).config;
const aws: PolicyTarget = { accountId: '123456789012', partition: 'aws' };
const withDomain: StackConfig = { ...example, website: { ...example.website, domain: 'shop.example.com' } };
const withAll: StackConfig = { ...withDomain, waf: { ...example.waf, enabled: true } };
/** Every optional grant on, and the longest names the schema takes (project 24, environment 12, table 200). */
const longest: StackConfig = {
  ...withAll,
  project: `p${'x'.repeat(22)}z`,
  environment: `e${'y'.repeat(10)}z`,
  region: 'ap-southeast-2',
  table: { ...example.table, name: `{project}-{environment}-${'t'.repeat(150)}` },
  website: { ...withAll.website, domain: `${'d'.repeat(60)}.example.com`, hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
};
const china: StackConfig = { ...withAll, region: 'cn-north-1' };
const CONFIGS: [string, StackConfig, PolicyTarget][] = [
  ['example', example, aws],
  ['domain', withDomain, aws],
  ['all', withAll, aws],
  ['longest', longest, aws],
  ['aws-cn', china, { accountId: '123456789012', partition: 'aws-cn' }],
];

/** IAM's count: the document's characters without white space (IAM and AWS STS quotas). */
const iamCharacters = (doc: PolicyDocument): number => JSON.stringify(doc, null, 2).replace(/\s/g, '').length;

/** What a set of statements allows: each (action, resource, condition) it grants. */
function grantsOf(statements: PolicyStatement[]): string[] {
  return statements
    .flatMap((s) =>
      s.Action.flatMap((a) => [s.Resource].flat().map((r) => JSON.stringify([s.Effect, a, r, s.Condition ?? null]))),
    )
    .sort();
}

const statementsOf = (policies: NamedPolicy[]): PolicyStatement[] => policies.flatMap((p) => p.document.Statement);

describe('projet1 permissions: cut into managed policies', () => {
  it('every document is within 6,144 characters (IAM count) for every scope, with every optional feature on', () => {
    for (const [label, config, target] of CONFIGS)
      for (const scope of SCOPES)
        for (const p of permissionsPolicies(config, target, scope)) {
          assert.ok(iamCharacters(p.document) <= 6144, `${label} ${p.name}: ${iamCharacters(p.document)}`);
          assert.ok(p.characters >= iamCharacters(p.document), `${label} ${p.name}: reported under IAM's count`);
          const sids = p.document.Statement.map((s) => s.Sid);
          assert.equal(new Set(sids).size, sids.length, `${label} ${p.name}: a Sid twice`);
          assert.match(p.name, /^[\w+=,.@-]{1,128}$/, 'an IAM policy name');
        }
  });

  it('together they grant exactly the scope: nothing lost, nothing added', () => {
    for (const [label, config, target] of CONFIGS)
      for (const scope of SCOPES) {
        const whole = permissionsPolicy(config, target, scope).Statement;
        assert.deepEqual(grantsOf(statementsOf(permissionsPolicies(config, target, scope))), grantsOf(whole), label);
      }
  });

  it('deploy is always data, compute and edge; read and operate one policy; the same input gives the same output', () => {
    for (const [label, config, target] of CONFIGS) {
      const names = (scope: (typeof SCOPES)[number]) => permissionsPolicies(config, target, scope).map((p) => p.file);
      assert.deepEqual(names('deploy'), ['deploy-data.json', 'deploy-compute.json', 'deploy-edge.json'], label);
      assert.deepEqual(names('read'), ['read.json'], label);
      assert.deepEqual(names('operate'), ['operate.json'], label);
      assert.deepEqual(permissionsPolicies(config, target, 'deploy'), permissionsPolicies(config, target, 'deploy'));
    }
    assert.deepEqual(
      permissionsPolicies(example, aws, 'deploy').map((p) => p.name),
      ['data', 'compute', 'edge'].map((f) => `projet1-projet1-serverless-development-euw3-deploy-${f}`),
    );
  });

  it('the WAF and a domain change only the edge policy', () => {
    const before = permissionsPolicies(example, aws, 'deploy');
    for (const config of [withDomain, withAll]) {
      const after = permissionsPolicies(config, aws, 'deploy');
      assert.deepEqual(after.slice(0, 2), before.slice(0, 2));
      assert.notDeepEqual(after[2], before[2]);
    }
  });
  it('a statement with a new Sid goes with the service of its first action (edge when unknown)', () => {
    const statement = (Sid: string, action: string): PolicyStatement => ({
      Sid,
      Effect: 'Allow',
      Action: [action],
      Resource: '*',
    });
    assert.equal(familyOf(statement('NewLogs', 'logs:CreateDelivery')), 'compute');
    assert.equal(familyOf(statement('Backups', 'dynamodb:DeleteBackup')), 'data');
    assert.equal(familyOf(statement('Other', 'kms:Decrypt')), 'edge');
    assert.equal(familyOf(statement('Table', 'kms:Decrypt')), 'data');
  });
});

describe('cutting statements', () => {
  const actions = Array.from({ length: 400 }, (_, i) => `service:Action${String(i).padStart(3, '0')}`);
  const big: PolicyStatement = { Sid: 'Big', Effect: 'Allow', Action: actions, Resource: 'arn:aws:s3:::b' };

  it('a statement over the limit is cut along its longer list, in order, with the same meaning', () => {
    const parts = splitStatement(big, 6144);
    assert.ok(parts.length > 1);
    assert.deepEqual(
      parts.map((p) => p.Sid),
      parts.map((_, i) => `BigPart${i + 1}`),
    );
    for (const p of parts) assert.ok(policyCharacters({ Version: '2012-10-17', Statement: [p] }) <= 6144);
    assert.deepEqual(
      parts.flatMap((p) => p.Action),
      actions,
    );
    const resources = actions.map((a) => `arn:aws:s3:::${a.replace(':', '-').toLowerCase()}`);
    const wide: PolicyStatement = { Sid: 'Wide', Effect: 'Allow', Action: ['s3:GetObject'], Resource: resources };
    const cut = splitStatement(wide, 6144);
    assert.deepEqual(grantsOf(cut), grantsOf([wide]));
    assert.ok(cut.every((p) => p.Action.length === 1 && p.Resource.length < resources.length));
  });

  it('packs statements in their order, starting a new document only when the next does not fit', () => {
    const small = (sid: string): PolicyStatement => ({
      Sid: sid,
      Effect: 'Allow',
      Action: actions.slice(0, 40),
      Resource: '*',
    });
    const docs = packStatements(['A', 'B', 'C', 'D', 'E'].map(small), 2500);
    assert.deepEqual(
      docs.map((d) => d.Statement.map((s) => s.Sid)),
      [['A', 'B'], ['C', 'D'], ['E']],
    );
    assert.ok(docs.every((d) => policyCharacters(d) <= 2500));
    assert.throws(() => splitStatement({ ...big, Action: ['x:Y'], Resource: 'z'.repeat(200) }, 100), /cannot be split/);
  });
});
