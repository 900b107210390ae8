// Loads the configuration in stages: read the file, parse JSON (with line/column),
// layer environment and flags on top, validate the whole (every problem at once),
// then cross-field checks. Precedence: flags > environment > file > the AWS profile's region > defaults.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { configSchema, type Config } from './schema.js';
import { toConfigIssues } from './fields.js';
import { parseJsonText } from './json-text.js';
import { resourceNames } from './names.js';
import type { SharedConfig } from './shared-config.js';

export const DEFAULT_CONFIG_FILE = 'projet1.config.json';

/** Global CLI options that override configuration keys. */
export interface ConfigFlags {
  config?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  environment?: string;
}

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file read, or undefined when running on defaults. */
  file: string | undefined;
  /**
   * Where each overridden key came from, e.g. { region: 'flag --region' }; the region's source is
   * always there (the config file, a profile of the shared config file, or the built-in default).
   */
  sources: Record<string, string>;
}

// Environment variables, most specific first: the seed's TF_VAR_* before the AWS conventions.
const ENV_OVERRIDES: { key: keyof Config; vars: string[] }[] = [
  { key: 'project', vars: ['TF_VAR_project_name'] },
  { key: 'environment', vars: ['TF_VAR_environment'] },
  { key: 'region', vars: ['TF_VAR_aws_region', 'AWS_REGION', 'AWS_DEFAULT_REGION'] },
  { key: 'profile', vars: ['AWS_PROFILE'] },
  { key: 'endpointUrl', vars: ['AWS_ENDPOINT_URL'] },
];

const FLAG_OVERRIDES: { key: keyof Config; flag: keyof ConfigFlags; name: string }[] = [
  { key: 'environment', flag: 'environment', name: '--environment' },
  { key: 'region', flag: 'region', name: '--region' },
  { key: 'profile', flag: 'profile', name: '--profile' },
  { key: 'endpointUrl', flag: 'endpointUrl', name: '--endpoint-url' },
];

/**
 * The region's order: --region, TF_VAR_aws_region, AWS_REGION, AWS_DEFAULT_REGION, the config file's
 * `region`, the selected profile's `region` in `shared` (the AWS shared config file), then eu-west-3.
 */
export function loadConfig(
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
  shared?: SharedConfig,
): LoadedConfig {
  const explicit = flags.config !== undefined;
  const file = resolve(cwd, flags.config ?? DEFAULT_CONFIG_FILE);
  const label = explicit ? file : DEFAULT_CONFIG_FILE;

  // Stage 1: read. A missing default file means "run on defaults"; a missing --config is an error.
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (explicit || code !== 'ENOENT') {
      const why =
        code === 'ENOENT'
          ? 'file not found'
          : code === 'EISDIR'
            ? 'is a directory'
            : `cannot be read (${code ?? String(err)})`;
      throw new ConfigError(label, [{ path: '(file)', message: `${file}: ${why}` }]);
    }
  }

  // Stage 2: parse.
  const raw = text === undefined ? {} : parseJson(text, label);

  // Stage 3: overrides, remembering their source so messages point at the right place.
  const sources: Record<string, string> = {};
  let regionFrom = 'built-in default';
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const target = raw as Record<string, unknown>;
    if (target.region !== undefined) regionFrom = `config file ${label}`;
    for (const { key, vars } of ENV_OVERRIDES) {
      const hit = vars.find((v) => env[v] !== undefined && env[v] !== '');
      if (hit) {
        target[key] = env[hit];
        sources[key] = `environment variable ${hit}`;
      }
    }
    for (const { key, flag, name } of FLAG_OVERRIDES) {
      const value = flags[flag];
      if (value !== undefined) {
        target[key] = value;
        sources[key] = `flag ${name}`;
      }
    }
    if (target.region === undefined && shared) {
      const profile = typeof target.profile === 'string' && target.profile ? target.profile : 'default';
      const region = shared.profiles[profile]?.region;
      if (region) {
        target.region = region;
        sources.region = `profile "${profile}" in ${shared.file}`;
      }
    }
  }

  // Stage 4: shape, types and ranges, all problems at once.
  const parsed = configSchema.safeParse(raw);
  const issues: ConfigIssue[] = parsed.success ? [] : toConfigIssues(parsed.error);
  const config = parsed.data as Config;
  for (const issue of issues) {
    const top = issue.path.split(/[.[]/)[0] ?? '';
    if (sources[top]) issue.source = sources[top];
  }
  // Stage 5: cross-field rules, only meaningful on a well-typed config.
  if (issues.length === 0) issues.push(...crossFieldIssues(config));
  if (issues.length > 0) throw new ConfigError(label, issues);
  sources.region ??= regionFrom;
  return { config, file: text === undefined ? undefined : file, sources };
}

function crossFieldIssues(config: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  // Any account id has 12 digits: the names are checked as they will be.
  const names = resourceNames(config, '000000000000');
  if (names.table.length > 255)
    issues.push({ path: 'table.name', message: `expands to ${names.table.length} characters, the limit is 255` });
  if (config.table.ttlAttribute !== null && ['product_id', 'category'].includes(config.table.ttlAttribute)) {
    issues.push({
      path: 'table.ttlAttribute',
      message: `"${config.table.ttlAttribute}" is a key attribute and cannot hold an expiry time`,
    });
  }
  for (const [key, name] of [
    ['website.bucketName', names.siteBucket],
    ['website.logBucketName', names.logBucket],
  ] as const) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) || name.includes('..')) {
      issues.push({ path: key, message: `expands to "${name}", not a valid bucket name (3-63 of a-z 0-9 . -)` });
    }
  }
  if (names.siteBucket === names.logBucket) {
    issues.push({ path: 'website.logBucketName', message: 'must differ from website.bucketName' });
  }
  const ttl = config.website;
  if (!(ttl.minTtlSeconds <= ttl.defaultTtlSeconds && ttl.defaultTtlSeconds <= ttl.maxTtlSeconds)) {
    issues.push({ path: 'website.defaultTtlSeconds', message: 'TTLs must satisfy min ≤ default ≤ max' });
  }
  if (config.alarms.periodSeconds % 60 !== 0) {
    issues.push({
      path: 'alarms.periodSeconds',
      message: `must be a multiple of 60, found ${config.alarms.periodSeconds}`,
    });
  }
  if (config.api.corsOrigins.length > 1) {
    issues.push({
      path: 'api.corsOrigins',
      message: 'give "*" or exactly one origin (the CORS preflight answers with a single static origin)',
    });
  }
  // Partners call the API's own URL with their key: the distribution sends the site's key in their place.
  if (config.api.keys.enabled && config.api.edgeOnly === true) {
    issues.push({
      path: 'api.edgeOnly',
      message:
        "cannot be true with api.keys.enabled: partners call the API URL with their key (CloudFront replaces a viewer's x-api-key with the site's); leave it null or set false",
    });
  }
  // Without accounts the machine token is the only way to write: turning it off would lock everyone out.
  if (!config.auth.machineToken && !config.auth.users) {
    issues.push({
      path: 'auth.machineToken',
      message:
        'false needs auth.users: true (the accounts are then the only way to write); set auth.users or remove it',
    });
  }
  return issues;
}

/** The config file's JSON (comments allowed), or a ConfigError naming line and column. */
function parseJson(text: string, label: string): unknown {
  const parsed = parseJsonText(text, { comments: true });
  if (!parsed.ok) throw new ConfigError(label, [{ path: '(file)', message: parsed.problem }]);
  return parsed.value;
}
