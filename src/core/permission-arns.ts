// The stack's resources as a policy names them: the same names and ARN formats the stack uses,
// with wildcards where a resource's name holds what AWS assigns or a run's time.
import { arns } from '../aws/arns.js';
import { cdnLogNames, regionCode, resourceNames, webAclName } from '../config/names.js';
import type { Config } from '../config/schema.js';
import { CERTIFICATE_REGION } from '../resources/acm-certificate.js';
import { siteBucketNameIn } from '../stack/site-buckets.js';
import { cloudfrontMetricsRegion } from '../stack/stack-env.js';

export interface PolicyTarget {
  accountId: string;
  partition: string;
}

export type PolicyArns = ReturnType<typeof resources>;

/** The stack's resources as policy ARNs. */
export function resources(
  config: Pick<Config, 'project' | 'environment' | 'region' | 'table' | 'website'> & Partial<Pick<Config, 'regions'>>,
  target: PolicyTarget,
) {
  const { accountId, partition } = target;
  const names = resourceNames(config, accountId);
  const arn = arns({ accountId, partition, region: config.region });
  const cfRegion = cloudfrontMetricsRegion(partition);
  // regions.secondary holds the functions, roles, log groups, parameters, API and alarms too
  // (src/stack/secondary-tier.ts): the same names there, the roles' with that region's code.
  const secondary = config.regions?.secondary ?? undefined;
  const there = secondary ? arns({ accountId, partition, region: secondary }) : undefined;
  // One ARN stays a string (the statement as before), two become a list.
  const both = (own: string, other: (a: typeof arn) => string): string | string[] =>
    there ? [own, other(there)] : own;
  // Alarms and notification topics also live where CloudFront's metrics are (us-east-1 in `aws`).
  const regions = [...new Set([config.region, ...(cfRegion ? [cfRegion] : []), ...(secondary ? [secondary] : [])])];
  const table = arn.table(names.table);
  const rc = regionCode(config.region);
  const roleArns = (a: typeof arn, code: string) => [
    a.role(`${names.prefix}-*-${code}`),
    a.role(`projet1-apigw-logs-${code}`),
  ];
  const logGroupArns = (a: typeof arn) => [
    a.logGroup(`/aws/lambda/${names.prefix}-*`),
    a.logGroup(`${names.apiAccessLogGroup}*`),
  ];
  const apiArns = (a: typeof arn) => ['/restapis*', '/account', '/tags/*'].map(a.apigateway);
  // With regions.secondary, the site's copy there (site-buckets.ts).
  const buckets = [
    names.siteBucket,
    names.logBucket,
    ...(secondary ? [siteBucketNameIn(config, accountId, secondary)] : []),
  ].map(arn.bucket);
  return {
    // `table/NAME/*`: its index and its backups (a backup keeps the table's name in its ARN); a restore
    // goes through the temporary table `NAME-restore-<time>`.
    table: [table, `${table}/*`, `${table}-restore-*`],
    /** The table's replica in another region (regions.secondary). */
    tableIn: (region: string) => arn.table(names.table, region),
    /** The service-linked role DynamoDB replicates global tables with. */
    replicationRole: arn.replicationRole(),
    // The functions' roles and the account's shared API Gateway logging role (names.ts, apigateway-account.ts).
    roles: [...roleArns(arn, rc), ...(secondary && there ? roleArns(there, regionCode(secondary)) : [])],
    functions: both(arn.function(`${names.prefix}-*`), (a) => a.function(`${names.prefix}-*`)),
    // Most Logs actions name a group `…:log-group:NAME:*`, its tagging ones without `:*`: a trailing * covers both.
    logGroups: [...logGroupArns(arn), ...(there ? logGroupArns(there) : [])],
    parameters: both(arn.parameter(`/${config.project}/${config.environment}/*`), (a) =>
      a.parameter(`/${config.project}/${config.environment}/*`),
    ),
    buckets: [...buckets, ...buckets.map((b) => `${b}/*`)],
    monitoring: [
      ...regions.map((r) => arn.alarm(`${names.prefix}-*`, r)),
      arn.dashboard(`${names.prefix}-${config.region}`),
    ],
    topics: regions.map((r) => arn.topic(`${names.prefix}-${config.region}-alarms`, r)),
    apigateway: [...apiArns(arn), ...(there ? apiArns(there) : [])],
    // api.keys: usage plans and keys (ids assigned at creation, so any of the region's).
    apiKeys: [arn, ...(there ? [there] : [])].flatMap((a) => ['/usageplans*', '/apikeys*'].map(a.apigateway)),
    // auth.users: the user pool (its id is assigned at creation, with the region as its prefix).
    userPools: arn.userPool(`${config.region}_*`),
    distributions: arn.cloudfront('distribution/*'),
    // Every CloudFront resource of the account: each action below names one type only (OACs and
    // response-headers policies take no tags, and ids are assigned at creation).
    cloudfront: arn.cloudfront('*'),
    // The web ACL (its id is assigned at creation) and the managed rule groups CreateWebACL names.
    waf: cfRegion
      ? [arn.wafGlobal(`webacl/${webAclName(config)}/*`, cfRegion), arn.wafGlobal('managedruleset/*/*', cfRegion)]
      : [],
    // CloudFront's access-log delivery (website.accessLogs): its source and destination by name, its
    // delivery (whose id is assigned at creation), all in CloudFront's log region.
    cdnLogs: cfRegion
      ? [
          arn.logDelivery(`delivery-source:${cdnLogNames(config).source}`, cfRegion),
          arn.logDelivery(`delivery-destination:${cdnLogNames(config).destination}`, cfRegion),
          arn.logDelivery('delivery:*', cfRegion),
        ]
      : [],
    // The site's own domain (website.domain): its certificate where CloudFront reads them, its zone.
    certificates: arn.certificate('*', CERTIFICATE_REGION),
    hostedZones: arn.hostedZone(config.website.hostedZoneId ?? '*'),
    tags: (key: 'ResourceTag' | 'RequestTag') => ({
      [`aws:${key}/project`]: config.project,
      [`aws:${key}/environment`]: config.environment,
    }),
  };
}
