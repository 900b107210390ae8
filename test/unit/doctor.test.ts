// The region's order (the AWS profile's region through the SDK's own loader), CloudFront's metrics
// region per partition, and the pure parts of `projet1 doctor`.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openConfig } from '../../src/core/session.js';
import { servesEveryStage } from '../../src/core/doctor-apigw.js';
import { nodeCheck } from '../../src/core/doctor-checks.js';
import { buildStack } from '../../src/stack/stack.js';
import { cloudfrontMetricsRegion } from '../../src/stack/stack-env.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

/** A project folder (with `config` as projet1.config.json when given) and an AWS shared config file. */
function setup(config?: Record<string, unknown>): { cwd: string; awsConfig: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'projet1-region-'));
  if (config) writeFileSync(join(cwd, 'projet1.config.json'), JSON.stringify(config));
  const awsConfig = join(cwd, 'aws-config');
  writeFileSync(
    awsConfig,
    [
      '[default]',
      'region = us-west-2',
      '',
      '[profile work]',
      'region = ap-south-1',
      '',
      '[profile bare]',
      'output = json',
    ].join('\n'),
  );
  return { cwd, awsConfig };
}

const region = async (env: NodeJS.ProcessEnv, config?: Record<string, unknown>, flag?: string) => {
  const { cwd, awsConfig } = setup(config);
  const loaded = await openConfig({
    flags: flag ? { region: flag } : {},
    env: { AWS_CONFIG_FILE: awsConfig, ...env },
    cwd,
  });
  return { region: loaded.config.region, source: loaded.sources.region ?? '', awsConfig };
};

describe('the region', () => {
  it("is the selected profile's region in the shared config file (AWS_CONFIG_FILE) when nothing else sets it", async () => {
    const work = await region({ AWS_PROFILE: 'work' });
    assert.equal(work.region, 'ap-south-1');
    assert.equal(work.source, `profile "work" in ${work.awsConfig}`);
    const byConfigKey = await region({}, { profile: 'work' });
    assert.equal(byConfigKey.region, 'ap-south-1', 'the config file\'s "profile" selects it too');
    const byDefault = await region({});
    assert.equal(byDefault.region, 'us-west-2', '[default] without a profile');
    assert.equal(byDefault.source, `profile "default" in ${byDefault.awsConfig}`);
  });

  it('comes from --region, then TF_VAR_aws_region, AWS_REGION, AWS_DEFAULT_REGION, the config file, the profile, eu-west-3', async () => {
    const all = { TF_VAR_aws_region: 'eu-north-1', AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'ca-central-1' };
    const file = { region: 'sa-east-1' };
    assert.deepEqual(
      await region({ ...all, AWS_PROFILE: 'work' }, file, 'ap-northeast-1').then((r) => [r.region, r.source]),
      ['ap-northeast-1', 'flag --region'],
    );
    assert.equal((await region({ ...all, AWS_PROFILE: 'work' }, file)).region, 'eu-north-1');
    assert.equal(
      (await region({ AWS_DEFAULT_REGION: 'ca-central-1', AWS_PROFILE: 'work' }, file)).region,
      'ca-central-1',
    );
    const fromFile = await region({ AWS_PROFILE: 'work' }, file);
    assert.deepEqual([fromFile.region, fromFile.source], ['sa-east-1', 'config file projet1.config.json']);
    const bare = await region({ AWS_PROFILE: 'bare' });
    assert.deepEqual([bare.region, bare.source], ['eu-west-3', 'built-in default'], 'a profile without a region');
    const none = await openConfig({ flags: {}, env: { AWS_CONFIG_FILE: '/nonexistent/aws-config' }, cwd: setup().cwd });
    assert.deepEqual([none.config.region, none.sources.region], ['eu-west-3', 'built-in default']);
  });

  it("is read with the SDK's own loader, a production dependency", () => {
    const source = readFileSync(join(PACKAGE_ROOT, 'src', 'config', 'shared-config.ts'), 'utf8');
    assert.match(source, /import \{ loadSharedConfigFiles \} from '@smithy\/core\/config'/);
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    assert.ok(pkg.dependencies['@smithy/core']);
  });
});

describe("CloudFront's metrics region", () => {
  const config = async () => (await openConfig({ flags: {}, env: {}, cwd: setup().cwd })).config;
  const alarmRegions = async (partition: string, region: string) =>
    buildStack(await config(), { accountId: '000000000000', partition, region })
      .resources.filter((r) => r.id.startsWith('alarm:cloudfront'))
      .map((r) => {
        const d: unknown = r.desired;
        return typeof d === 'object' && d !== null && 'region' in d ? d.region : undefined;
      });

  it('follows the partition: us-east-1, cn-northwest-1 in China, none in GovCloud (no CloudFront)', async () => {
    assert.equal(cloudfrontMetricsRegion('aws'), 'us-east-1');
    assert.equal(cloudfrontMetricsRegion('aws-cn'), 'cn-northwest-1');
    assert.equal(cloudfrontMetricsRegion('aws-us-gov'), undefined);
    assert.deepEqual(await alarmRegions('aws', 'eu-west-3'), ['us-east-1', 'us-east-1']);
    assert.deepEqual(await alarmRegions('aws-cn', 'cn-north-1'), ['cn-northwest-1', 'cn-northwest-1']);
    assert.deepEqual(await alarmRegions('aws-us-gov', 'us-gov-west-1'), []);
  });
});

describe('doctor', () => {
  const P = ['aws', 'eu-west-3', '123456789012'] as const;
  const allow = (Action: string | string[], Resource: string | string[]) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action, Resource }],
  });
  const logs = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];

  it('a logging role serves every stage only when it may write any log group of the region', () => {
    assert.ok(servesEveryStage([allow(logs, '*')], ...P));
    assert.ok(servesEveryStage([allow('logs:*', 'arn:aws:logs:eu-west-3:123456789012:*')], ...P));
    assert.ok(servesEveryStage([allow(['logs:create*', 'logs:PutLogEvents'], 'arn:aws:logs:*:*:*')], ...P));
    assert.ok(
      !servesEveryStage(
        [allow(logs, 'arn:aws:logs:eu-west-3:123456789012:log-group:/aws/apigateway/x-access:*')],
        ...P,
      ),
    );
    assert.ok(
      !servesEveryStage([allow(['logs:CreateLogStream', 'logs:PutLogEvents'], '*')], ...P),
      'CreateLogGroup missing',
    );
    assert.ok(!servesEveryStage([allow(logs, 'arn:aws:logs:us-east-1:123456789012:*')], ...P), 'another region');
  });

  it('Node: 22 ok, 20 a warning, older a failure', () => {
    assert.equal(nodeCheck('22.11.0').status, 'ok');
    assert.equal(nodeCheck('24.1.0').status, 'ok');
    assert.equal(nodeCheck('20.19.0').status, 'warn');
    assert.equal(nodeCheck('18.20.0').status, 'fail');
  });
});
