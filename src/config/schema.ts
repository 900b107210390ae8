// The configuration schema. Defaults reproduce the user's design document (the seed).
import * as z from 'zod/mini';
import { apiKeysSchema } from './api-keys-schema.js';
import { authSchema } from './auth-schema.js';
import { flag, integer, nullableFlag, nullableText, section, text, textList } from './fields.js';

// Values CloudWatch Logs accepts for retentionInDays.
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** A lower-case DNS name of two labels or more (what ACM and CloudFront take as an alternate domain). */
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
// Bucket names are global across all of AWS: {accountId} (12 digits) and the region make a name unique to
// one account and region, so no two users of projet1 ask for the same one. The defaults use the short
// region code (euw3) so that the longest project and environment names still fit S3's 63 characters.
const BUCKET_TEMPLATE = /^([a-z0-9.-]|\{project\}|\{environment\}|\{region\}|\{regionCode\}|\{accountId\}){3,63}$/;
const BUCKET_EXPECT =
  '3-63 lowercase letters, digits, dots or dashes (placeholders {project}, {environment}, {region}, {regionCode}, {accountId})';

export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}$/;

export const configSchema = section(
  {
    $schema: z.optional(z.string()),
    project: text({
      default: 'projet1-serverless',
      pattern: /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/,
      expect: '3-24 lowercase letters, digits or dashes, starting with a letter',
      doc: 'Project name; prefixes every resource name and is the `project` tag.',
    }),
    environment: text({
      default: 'development',
      pattern: /^[a-z][a-z0-9-]{0,10}[a-z0-9]$/,
      expect: '2-12 lowercase letters, digits or dashes, starting with a letter',
      doc: 'Environment name (development, staging, prod...); part of every resource name and the API stage name.',
    }),
    region: text({
      default: 'eu-west-3',
      pattern: REGION_PATTERN,
      expect: 'an AWS region such as eu-west-3',
      doc: 'AWS region.',
    }),
    endpointUrl: nullableText({
      default: null,
      pattern: /^https?:\/\/[^\s/]+(:\d+)?\/?$/,
      expect: 'an http(s) URL such as http://127.0.0.1:4566',
      doc: 'Send every AWS call to this endpoint (LocalStack, MiniStack). null means real AWS.',
    }),
    profile: nullableText({
      default: null,
      doc: 'Named profile from ~/.aws/config; null uses the standard credential chain.',
    }),
    production: nullableFlag({
      default: null,
      doc: 'This environment serves real users: `projet1 dev` refuses it unless --force. null means true for an environment named prod or production.',
    }),
    table: section(
      {
        name: text({
          default: 'products-catalog',
          pattern: /^([a-zA-Z0-9_.-]|\{project\}|\{environment\}){3,200}$/,
          expect: '3-255 characters of letters, digits, _ . - (placeholders {project} and {environment} allowed)',
          doc: 'Table name. May use {project} and {environment}, e.g. "products-catalog-{environment}".',
        }),
        billingMode: text({
          default: 'PAY_PER_REQUEST',
          oneOf: ['PROVISIONED', 'PAY_PER_REQUEST'],
          doc: 'PAY_PER_REQUEST (on-demand: nothing to pay when idle, no ceiling for visitors to exhaust) or PROVISIONED (the capacity below).',
        }),
        readCapacity: integer({
          default: 100,
          min: 1,
          max: 40000,
          doc: 'Read capacity units (table and index), PROVISIONED only.',
        }),
        writeCapacity: integer({
          default: 100,
          min: 1,
          max: 40000,
          doc: 'Write capacity units (table and index), PROVISIONED only.',
        }),
        categoryIndex: text({
          default: 'category-index',
          pattern: /^[a-zA-Z0-9_.-]{3,255}$/,
          expect: '3-255 letters, digits, _ . -',
          doc: 'Name of the global secondary index on `category` (projection ALL).',
        }),
        pointInTimeRecovery: flag({ default: true, doc: 'Point-in-time recovery (continuous backups).' }),
        deletionProtection: nullableFlag({
          default: null,
          doc: 'DynamoDB deletion protection; null means on, except in the "development" environment.',
        }),
        ttlAttribute: nullableText({
          default: 'expires_at',
          pattern: /^[a-zA-Z0-9_.-]{1,255}$/,
          expect: 'an attribute name',
          doc: 'Attribute holding the expiry time (epoch seconds); null disables TTL.',
        }),
      },
      'DynamoDB products table',
    ),
    regions: section(
      {
        secondary: nullableText({
          default: null,
          pattern: REGION_PATTERN,
          expect: 'an AWS region such as eu-central-1, other than `region`',
          doc: "A second region holding a replica of the table (a DynamoDB global table): its data survives the first region's outage. null: none.",
        }),
      },
      'Regions beyond `region` (the primary)',
    ),
    lambda: section(
      {
        runtime: text({
          default: 'nodejs22.x',
          oneOf: ['nodejs20.x', 'nodejs22.x', 'nodejs24.x'],
          doc: 'Node.js runtime of the five handlers.',
        }),
        timeoutSeconds: integer({ default: 30, min: 1, max: 900, doc: 'Function timeout in seconds.' }),
        memoryMb: integer({ default: 256, min: 128, max: 10240, doc: 'Function memory in MB.' }),
      },
      'Lambda functions',
    ),
    api: section(
      {
        corsOrigins: textList({
          default: [],
          minItems: 0,
          pattern: /^(\*|https?:\/\/[^\s/,]+)$/,
          expect: '"*" or an origin such as https://shop.example.com',
          doc: 'Origins other sites may call the API from (CORS): none by default, since the site and the API share one origin; ["*"] or exactly one origin (the OPTIONS preflight is a static mock).',
        }),
        edgeOnly: nullableFlag({
          default: null,
          doc: "Answer only requests that come through the site's CloudFront distribution (a secret origin header); direct calls to the execute-api URL get 403. null means on wherever CloudFront serves the site.",
        }),
        throttleRateLimit: integer({
          default: 100,
          min: 1,
          max: 10000,
          doc: 'Stage default steady-state requests per second.',
        }),
        throttleBurstLimit: integer({ default: 200, min: 1, max: 5000, doc: 'Stage default burst.' }),
        listRateLimit: integer({
          default: 50,
          min: 1,
          max: 10000,
          doc: 'Requests per second of the public product list (GET /products), whose reads cost the table the most.',
        }),
        listBurstLimit: integer({ default: 100, min: 1, max: 5000, doc: 'Burst of the public product list.' }),
        tokenCacheSeconds: integer({
          default: 30,
          min: 0,
          max: 3600,
          doc: 'How long the authorizer caches the admin token; a new token is read as soon as it is presented.',
        }),
        keys: apiKeysSchema,
      },
      'API Gateway REST API',
    ),
    auth: authSchema,
    aws: section(
      {
        connectTimeoutSeconds: integer({
          default: 5,
          min: 1,
          max: 120,
          doc: 'Time to connect to AWS (or the endpoint) before a call fails.',
        }),
        requestTimeoutSeconds: integer({
          default: 30,
          min: 1,
          max: 900,
          doc: 'Time one AWS request may take (retries come on top, 6 attempts at most); long operations use waiters.',
        }),
      },
      'Bounds on every AWS call',
    ),
    lock: section(
      {
        leaseSeconds: integer({
          default: 120,
          min: 3,
          max: 3600,
          doc: 'Lease of the stack lock: renewed while a run goes on; a killed run frees the stack after this long.',
        }),
      },
      'The lock that keeps two runs from changing the stack at once',
    ),
    website: section(
      {
        bucketName: text({
          default: '{project}-{environment}-site-{accountId}-{regionCode}',
          pattern: BUCKET_TEMPLATE,
          expect: BUCKET_EXPECT,
          doc: 'Site bucket name, global across all of AWS: the account id and region code (euw3) make the default unique. The design document\'s exact name is "{environment}-state-lock-{project}".',
        }),
        logBucketName: text({
          default: '{project}-{environment}-logs-{accountId}-{regionCode}',
          pattern: BUCKET_TEMPLATE,
          expect: BUCKET_EXPECT,
          doc: "Bucket receiving the site bucket's server access logs (under logs/).",
        }),
        publicRead: flag({
          default: false,
          doc: "The design document's variant: objects publicly readable (the public access block is relaxed just enough).",
        }),
        logRetentionDays: integer({ default: 90, min: 1, max: 3650, doc: 'Days before access logs expire.' }),
        accessLogs: flag({
          default: true,
          doc: "CloudFront's access logs into the log bucket under cdn/ (standard logging v2, through CloudWatch Logs delivery in us-east-1; JSON). false removes the delivery.",
        }),
        noncurrentVersionDays: integer({
          default: 30,
          min: 1,
          max: 3650,
          doc: 'Days before replaced site files expire.',
        }),
        priceClass: text({
          default: 'PriceClass_100',
          oneOf: ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'],
          doc: 'CloudFront price class (edge locations used).',
        }),
        corsOrigins: textList({
          default: ['*'],
          minItems: 1,
          pattern: /^(\*|https?:\/\/[^\s/,]+)$/,
          expect: '"*" or an origin such as https://shop.example.com',
          doc: 'Origins allowed to read the site bucket with CORS.',
        }),
        minTtlSeconds: integer({ default: 0, min: 0, max: 31536000, doc: 'CloudFront minimum TTL.' }),
        defaultTtlSeconds: integer({ default: 3600, min: 0, max: 31536000, doc: 'CloudFront default TTL.' }),
        maxTtlSeconds: integer({ default: 86400, min: 0, max: 31536000, doc: 'CloudFront maximum TTL.' }),
        dir: nullableText({
          default: null,
          doc: 'Folder that deploy-website publishes; null means the storefront shipped with projet1.',
        }),
        domain: nullableText({
          default: null,
          pattern: DOMAIN,
          expect: 'a domain name such as shop.example.com',
          doc: 'Your own domain for the site (and its API): an ACM certificate in us-east-1, DNS-validated, then the distribution answers on it. null serves only the CloudFront domain.',
        }),
        alternateDomains: textList({
          default: [],
          minItems: 0,
          pattern: DOMAIN,
          expect: 'a domain name such as www.shop.example.com',
          doc: 'More names on the same certificate and distribution (with website.domain).',
        }),
        redirectWww: flag({
          default: false,
          doc: 'With website.domain: www.<domain> answers 301 to https://<domain> (same path and query), by a CloudFront Function; for a domain www.<apex>, the apex redirects to it. The other name joins the certificate and the records.',
        }),
        hostedZoneId: nullableText({
          default: null,
          pattern: /^Z[A-Z0-9]{1,31}$/,
          expect: 'a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ',
          doc: "The Route 53 zone holding website.domain; null finds this account's zone by name (none: projet1 prints the records to create).",
        }),
      },
      'Static website: S3 buckets and the CloudFront distribution',
    ),
    headers: section(
      {
        enabled: flag({
          default: true,
          doc: 'Security headers on every answer of the distribution (a CloudFront response-headers policy): HSTS, nosniff, X-Frame-Options DENY, Referrer-Policy, a Content-Security-Policy.',
        }),
        hstsIncludeSubdomains: flag({
          default: false,
          doc: 'HSTS for every subdomain of the site too; only when all of them serve HTTPS.',
        }),
        csp: nullableText({
          default: null,
          doc: "Content-Security-Policy replacing the storefront's (one line); null keeps the storefront's, which allows the site's own origin only.",
        }),
      },
      'Security headers the CDN adds to every answer',
    ),
    waf: section(
      {
        enabled: flag({
          default: false,
          doc: "A WAFv2 web ACL on the distribution (in us-east-1): AWS's managed common rule set and IP reputation list, a rate limit per IP. Billed per ACL, rule and request.",
        }),
        ratePerIp: integer({
          default: 2000,
          min: 10,
          max: 2000000000,
          doc: 'Requests one IP address may make in 5 minutes before the WAF blocks it for a while.',
        }),
        blockCountries: textList({
          default: [],
          minItems: 0,
          pattern: /^[A-Z]{2}$/,
          expect: 'a two-letter country code such as FR',
          doc: 'Countries (ISO 3166 codes) the WAF blocks; not with allowCountries.',
        }),
        allowCountries: textList({
          default: [],
          minItems: 0,
          pattern: /^[A-Z]{2}$/,
          expect: 'a two-letter country code such as FR',
          doc: 'The only countries the WAF lets in (empty: all); not with blockCountries.',
        }),
      },
      'Web application firewall in front of the CDN (optional)',
    ),
    alarms: section(
      {
        enabled: flag({ default: true, doc: 'Create the CloudWatch alarms and the dashboard.' }),
        periodSeconds: integer({ default: 300, min: 60, max: 86400, doc: 'Period of every alarm (a multiple of 60).' }),
        evaluationPeriods: integer({
          default: 1,
          min: 1,
          max: 100,
          doc: 'Periods over the threshold before an alarm fires.',
        }),
        treatMissingData: text({
          default: 'notBreaching',
          oneOf: ['notBreaching', 'missing', 'ignore', 'breaching'],
          doc: 'How an alarm treats periods without data (no traffic is not an error by default).',
        }),
        lambdaErrors: integer({ default: 1, min: 1, max: 100000, doc: 'Errors of one function in a period.' }),
        lambdaErrorRatePercent: integer({
          default: 5,
          min: 1,
          max: 100,
          doc: 'Errors / invocations of one function, in %.',
        }),
        lambdaThrottles: integer({
          default: 1,
          min: 1,
          max: 100000,
          doc: 'Throttled invocations of one function in a period.',
        }),
        dynamodbThrottles: integer({
          default: 1,
          min: 1,
          max: 100000,
          doc: 'Throttled requests or throttle events in a period.',
        }),
        api5xxRatePercent: integer({ default: 1, min: 1, max: 100, doc: 'Share of API requests answered 5XX, in %.' }),
        apiLatencyP99Ms: integer({ default: 3000, min: 10, max: 60000, doc: 'p99 of the API latency, in ms.' }),
        cloudfront4xxRatePercent: integer({ default: 15, min: 1, max: 100, doc: 'CloudFront 4xx error rate, in %.' }),
        cloudfront5xxRatePercent: integer({ default: 1, min: 1, max: 100, doc: 'CloudFront 5xx error rate, in %.' }),
        wafBlockedRequests: integer({
          default: 100,
          min: 1,
          max: 100000000,
          doc: 'Requests the WAF blocked in a period (with `waf.enabled`).',
        }),
        notifyEmail: nullableText({
          default: null,
          pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
          expect: 'an e-mail address',
          doc: 'Where alarms and recoveries are sent (an SNS topic with an e-mail subscription); null sends nothing.',
        }),
      },
      'CloudWatch alarms, notifications and dashboard',
    ),
    logs: section(
      {
        retentionDays: integer({
          default: 14,
          min: 1,
          max: 3653,
          oneOf: RETENTION_DAYS,
          doc: 'Retention of every log group, in days (a value CloudWatch accepts).',
        }),
      },
      'CloudWatch Logs',
    ),
  },
  'projet1 deployment settings',
);

export type Config = z.output<typeof configSchema>;
