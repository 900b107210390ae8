// Every resource name derives from project + environment (the seed's names by default),
// so resources are found again by name: no state file.
import type { Config } from './schema.js';
import { FUNCTIONS } from './functions.js';

export interface FunctionNames {
  function: string;
  role: string;
  logGroup: string;
}

export interface ResourceNames {
  prefix: string;
  table: string;
  categoryIndex: string;
  functions: Record<string, FunctionNames>;
  apiAccessLogGroup: string;
  api: string;
  stage: string;
  adminTokenParameter: string;
  /** The value CloudFront sends the API so that the API answers only through the site (api.edgeOnly). */
  originSecretParameter: string;
  siteBucket: string;
  logBucket: string;
  /** CloudFront names are global to the account: the region is part of them. */
  oac: string;
  headersPolicy: string;
  distributionComment: string;
}

/** Stands for the account id in names computed before any AWS call (`projet1 config`); always 12 characters. */
export const ACCOUNT_PLACEHOLDER = '{accountId}';

/** `accountId` fills the `{accountId}` placeholder; without it (no AWS call made yet) the placeholder stays. */
export function resourceNames(
  config: Pick<Config, 'project' | 'environment' | 'table' | 'region' | 'website'>,
  accountId: string = ACCOUNT_PLACEHOLDER,
): ResourceNames {
  const prefix = `${config.project}-${config.environment}`;
  const expand = (template: string): string =>
    template
      .replaceAll('{project}', config.project)
      .replaceAll('{environment}', config.environment)
      .replaceAll('{regionCode}', regionCode(config.region))
      .replaceAll('{region}', config.region)
      .replaceAll('{accountId}', accountId);
  const functions: Record<string, FunctionNames> = {};
  for (const fn of FUNCTIONS) {
    const name = `${prefix}-${fn.id}`;
    // IAM is global: the region is in the role's name, so two regions of a stack never share (or delete) a role.
    functions[fn.id] = {
      function: name,
      role: `${name}-${regionCode(config.region)}`,
      logGroup: `/aws/lambda/${name}`,
    };
  }
  return {
    prefix,
    table: expand(config.table.name),
    categoryIndex: config.table.categoryIndex,
    functions,
    apiAccessLogGroup: `/aws/apigateway/${prefix}-access`,
    api: `${prefix}-api`,
    stage: config.environment,
    adminTokenParameter: `/${config.project}/${config.environment}/admin-token`,
    originSecretParameter: `/${config.project}/${config.environment}/origin-secret`,
    siteBucket: expand(config.website.bucketName),
    logBucket: expand(config.website.logBucketName),
    oac: `${prefix}-${config.region}-site`,
    headersPolicy: `${prefix}-${config.region}-headers`,
    distributionComment: `projet1 ${config.project}/${config.environment} ${config.region}`,
  };
}

/** The WAF's web ACL (unique per account in CloudFront's scope: the region is part of it). */
export const webAclName = (config: Pick<Config, 'project' | 'environment' | 'region'>): string =>
  `${config.project}-${config.environment}-${config.region}-waf`;

/**
 * CloudFront's access-log delivery source and destination: in us-east-1 whatever the stack's region, where
 * names are unique per account and region, so the stack's region code is part of them (60 characters at most).
 */
export const cdnLogNames = (config: Pick<Config, 'project' | 'environment' | 'region'>) => {
  const base = `${config.project}-${config.environment}-${regionCode(config.region)}-cdn`;
  return { source: `${base}-source`, destination: `${base}-logs` };
};

const COMPASS: Record<string, string> = {
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
  gov: 'g',
};

/** A short, unique form of a region for global names within their length limits: eu-west-3 → euw3, ap-southeast-1 → apse1. */
export function regionCode(region: string): string {
  const parts = region.split('-');
  const number = parts.at(-1) ?? '';
  const middle = parts.slice(1, -1).map((p) => COMPASS[p] ?? p.slice(0, 2));
  return `${parts[0] ?? ''}${middle.join('')}${number}`;
}

export const MANAGED_BY = 'projet1';

/** Tags put on every resource that supports them; also how ownership is checked. */
export function stackTags(config: Pick<Config, 'project' | 'environment' | 'region'>): Record<string, string> {
  return { project: config.project, environment: config.environment, region: config.region, 'managed-by': MANAGED_BY };
}
