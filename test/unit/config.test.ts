import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, type ConfigFlags } from '../../src/config/load.js';
import { regionCode, resourceNames, stackTags } from '../../src/config/names.js';
import { ConfigError, type ConfigIssue } from '../../src/errors.js';

function dirWith(content: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'projet1-config-'));
  if (content !== undefined) writeFileSync(join(dir, 'projet1.config.json'), content);
  return dir;
}

function issuesOf(content: string, flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = {}): ConfigIssue[] {
  try {
    loadConfig(flags, env, dirWith(content));
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.exitCode, 2);
    return err.issues;
  }
  assert.fail('expected the configuration to be rejected');
}

describe('loadConfig', () => {
  it('runs on the seed defaults without a file', () => {
    const { config, file } = loadConfig({}, {}, dirWith(undefined));
    assert.equal(file, undefined);
    assert.equal(config.project, 'projet1-serverless');
    assert.equal(config.environment, 'development');
    assert.equal(config.region, 'eu-west-3');
    assert.deepEqual(config.table, {
      name: 'products-catalog',
      billingMode: 'PAY_PER_REQUEST',
      readCapacity: 100,
      writeCapacity: 100,
      categoryIndex: 'category-index',
      pointInTimeRecovery: true,
      ttlAttribute: 'expires_at',
      deletionProtection: null,
    });
    assert.deepEqual(config.lambda, { runtime: 'nodejs22.x', timeoutSeconds: 30, memoryMb: 256 });
    // The API: no CORS (the site shares its origin), only through the site where CloudFront is.
    assert.deepEqual([config.api.corsOrigins, config.api.edgeOnly], [[], null]);
  });

  it('applies precedence: flags > environment > file > defaults', () => {
    const dir = dirWith(JSON.stringify({ region: 'us-east-1', environment: 'staging', project: 'shop' }));
    const fileOnly = loadConfig({}, {}, dir);
    assert.equal(fileOnly.config.region, 'us-east-1');
    const withEnv = loadConfig(
      {},
      { AWS_REGION: 'eu-central-1', TF_VAR_environment: 'qa', TF_VAR_project_name: 'store' },
      dir,
    );
    assert.equal(withEnv.config.region, 'eu-central-1');
    assert.equal(withEnv.config.environment, 'qa');
    assert.equal(withEnv.config.project, 'store');
    assert.equal(withEnv.sources.region, 'environment variable AWS_REGION');
    const withFlags = loadConfig(
      { region: 'ap-south-1', environment: 'prod' },
      { AWS_REGION: 'eu-central-1', TF_VAR_environment: 'qa' },
      dir,
    );
    assert.equal(withFlags.config.region, 'ap-south-1');
    assert.equal(withFlags.config.environment, 'prod');
    assert.equal(withFlags.sources.region, 'flag --region');
  });

  it('prefers TF_VAR_aws_region over AWS_REGION over AWS_DEFAULT_REGION', () => {
    const dir = dirWith(undefined);
    assert.equal(loadConfig({}, { AWS_DEFAULT_REGION: 'us-west-2' }, dir).config.region, 'us-west-2');
    assert.equal(
      loadConfig({}, { AWS_DEFAULT_REGION: 'us-west-2', AWS_REGION: 'us-west-1' }, dir).config.region,
      'us-west-1',
    );
    assert.equal(
      loadConfig({}, { AWS_REGION: 'us-west-1', TF_VAR_aws_region: 'eu-north-1' }, dir).config.region,
      'eu-north-1',
    );
  });

  it('takes the endpoint from AWS_ENDPOINT_URL or --endpoint-url', () => {
    const dir = dirWith(undefined);
    assert.equal(
      loadConfig({}, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }, dir).config.endpointUrl,
      'http://127.0.0.1:4566',
    );
    assert.equal(
      loadConfig({ endpointUrl: 'http://localhost:1' }, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }, dir).config
        .endpointUrl,
      'http://localhost:1',
    );
  });

  it('reports every problem at once, each with its path', () => {
    const issues = issuesOf(
      JSON.stringify({
        project: 'Bad Name',
        regoin: 'eu-west-3',
        table: { readCapacity: 0, writeCapacity: 'many', billingMode: 'FREE', pointInTimeRecovery: 'yes', extra: 1 },
        lambda: { memoryMb: 64, timeoutSeconds: 1.5 },
        logs: { retentionDays: 10 },
      }),
    );
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    assert.deepEqual(Object.keys(byPath).sort(), [
      'lambda.memoryMb',
      'lambda.timeoutSeconds',
      'logs.retentionDays',
      'project',
      'regoin',
      'table.billingMode',
      'table.extra',
      'table.pointInTimeRecovery',
      'table.readCapacity',
      'table.writeCapacity',
    ]);
    assert.match(byPath.regoin ?? '', /unknown key/);
    assert.match(byPath['table.readCapacity'] ?? '', /from 1 to 40000, found 0/);
    assert.match(byPath['table.writeCapacity'] ?? '', /expected an integer, found "many"/);
    assert.match(byPath['table.billingMode'] ?? '', /one of PROVISIONED, PAY_PER_REQUEST/);
    assert.match(byPath['lambda.timeoutSeconds'] ?? '', /expected an integer, found number 1.5/);
    assert.match(byPath['logs.retentionDays'] ?? '', /one of 1, 3, 5, 7, 14/);
  });

  it('names the flag or variable a bad value came from', () => {
    const issues = issuesOf('{}', { region: 'mars-1' }, {});
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.path, 'region');
    assert.equal(issues[0]?.source, 'flag --region');
    const fromEnv = issuesOf('{}', {}, { TF_VAR_environment: 'Prod!' });
    assert.equal(fromEnv[0]?.source, 'environment variable TF_VAR_environment');
  });

  it('gives line and column for malformed JSON', () => {
    const issues = issuesOf('{\n  "project": "x",\n  "region": eu-west-3\n}');
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.path, '(file)');
    assert.match(issues[0]?.message ?? '', /malformed JSON at line 3, column 13/);
  });

  it('rejects a file nested 20,000 levels deep as a config error, not a stack overflow', () => {
    const deep = `{"project": "deep", "x": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const issues = issuesOf(deep);
    assert.equal(issues[0]?.path, '(file)');
    assert.match(issues[0]?.message ?? '', /nested more than 100 levels deep at line 1, column 125/);
    // Brackets inside strings and comments are not nesting.
    assert.doesNotThrow(() => loadConfig({}, {}, dirWith(`// ${'{'.repeat(500)}\n{"profile": "${'['.repeat(500)}"}`)));
  });

  it('rejects a top level that is not an object', () => {
    assert.match(issuesOf('[1, 2]')[0]?.message ?? '', /expected an object, found an array/);
  });

  it('rejects a missing --config file but not a missing default file', () => {
    const dir = dirWith(undefined);
    assert.throws(
      () => loadConfig({ config: 'nope.json' }, {}, dir),
      (e: unknown) => e instanceof ConfigError && /file not found/.test(e.message),
    );
    assert.doesNotThrow(() => loadConfig({}, {}, dir));
  });

  it('runs cross-field checks after the shape is valid', () => {
    const issues = issuesOf(JSON.stringify({ table: { ttlAttribute: 'product_id' } }));
    assert.equal(issues[0]?.path, 'table.ttlAttribute');
    assert.match(issues[0]?.message ?? '', /key attribute/);
  });

  it('refuses turning the machine token off without accounts (no one could write)', () => {
    const off = issuesOf(JSON.stringify({ auth: { machineToken: false } }));
    assert.deepEqual(
      off.map((i) => i.path),
      ['auth.machineToken'],
    );
    assert.match(off[0]?.message ?? '', /needs auth\.users: true/);
    const { config } = loadConfig({}, {}, dirWith(JSON.stringify({ auth: { machineToken: false, users: true } })));
    assert.equal(config.auth.machineToken, false);
  });

  it('accepts nullable settings and on-demand billing', () => {
    const { config } = loadConfig(
      {},
      {},
      dirWith(JSON.stringify({ table: { ttlAttribute: null, billingMode: 'PAY_PER_REQUEST' }, endpointUrl: null })),
    );
    assert.equal(config.table.ttlAttribute, null);
    assert.equal(config.table.billingMode, 'PAY_PER_REQUEST');
  });
});

describe('resource names and tags', () => {
  it('derive deterministically from project and environment', () => {
    const { config } = loadConfig(
      {},
      {},
      dirWith(JSON.stringify({ environment: 'prod', table: { name: 'catalog-{environment}' } })),
    );
    const names = resourceNames(config);
    assert.equal(names.table, 'catalog-prod');
    assert.equal(names.functions['get-products']?.function, 'projet1-serverless-prod-get-products');
    assert.equal(names.functions['get-products']?.role, 'projet1-serverless-prod-get-products-euw3');
    assert.equal(names.functions['get-products']?.logGroup, '/aws/lambda/projet1-serverless-prod-get-products');
    assert.deepEqual(stackTags(config), {
      project: 'projet1-serverless',
      environment: 'prod',
      region: 'eu-west-3',
      'managed-by': 'projet1',
    });
  });

  it('give global names a short region code, unique per region', () => {
    const codes = [
      'eu-west-3',
      'us-east-1',
      'ap-southeast-1',
      'ap-southeast-2',
      'us-gov-west-1',
      'me-central-1',
      'ca-west-1',
    ].map(regionCode);
    assert.deepEqual(codes, ['euw3', 'use1', 'apse1', 'apse2', 'usgw1', 'mec1', 'caw1']);
  });

  it('keep every role name within the IAM limit of 64 characters at the longest allowed names', () => {
    const { config } = loadConfig(
      { environment: 'abcdefghijkl', region: 'ap-southeast-5' },
      { TF_VAR_project_name: 'abcdefghijklmnopqrstuvwx' },
      dirWith(undefined),
    );
    for (const n of Object.values(resourceNames(config).functions))
      assert.ok(n.role.length <= 64 && n.function.length <= 64, n.role);
  });
});

describe('malformed JSON locations', () => {
  const cases: [string, string, RegExp][] = [
    ['trailing comma', '{\n  "a": 1,\n}', /line 3, column 1: trailing comma/],
    ['missing colon', '{ "a" 1 }', /line 1, column 7: expected ":"/],
    ['unquoted key', '{\n a: 1 }', /line 2, column 2: unexpected character, found "a"/],
    ['unterminated string', '{ "a": "x', /unterminated string/],
    ['empty file', '', /line 1, column 1: unexpected end of file/],
    ['garbage after the document', '{} 1', /line 1, column 4: expected the end of the text, found "1"/],
    ['comments are allowed in the config file', '{ // note\n "a": }', /line 2, column 7: expected a value/],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => assert.match(issuesOf(text)[0]?.message ?? '', expected));
  }
});
