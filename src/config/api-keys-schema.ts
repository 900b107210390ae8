// api.keys: partner API keys and their usage plans. The names follow Serverless Framework's
// `apiGateway.usagePlan` and CDK's `addUsagePlan` (throttle: { rateLimit, burstLimit }, quota: { limit, period }),
// so a user coming from either recognises them.
import * as z from 'zod/mini';
import { flag, integer, section, text } from './fields.js';

/** A plan's name: a key of `api.keys.plans` and the suffix of its AWS name. */
export const PLAN_NAME = /^[a-z][a-z0-9-]{0,30}$/;
/** The plan the stack's own "site" key is in (the distribution's); not a partner plan name. */
export const SITE_PLAN = 'site';

const quota = z.nullable(
  section(
    {
      limit: integer({ default: 10000, min: 1, max: 1_000_000_000, doc: 'Requests per period and key.' }),
      period: text({ default: 'DAY', oneOf: ['DAY', 'WEEK', 'MONTH'], doc: 'DAY, WEEK or MONTH.' }),
    },
    'quota',
  ),
);

const plan = section(
  {
    throttle: section(
      {
        rateLimit: integer({ default: 10, min: 1, max: 10000, doc: 'Steady requests per second per key.' }),
        burstLimit: integer({ default: 20, min: 1, max: 5000, doc: 'Burst per key.' }),
      },
      'throttle',
    ),
    quota: z._default(quota, null),
  },
  'usage plan',
);

const plans = z
  .record(
    z.string().check(
      z.regex(PLAN_NAME, {
        error: 'expected a plan name: lowercase letters, digits or dashes, starting with a letter',
      }),
      z.refine((n: string) => n !== SITE_PLAN, { error: `"${SITE_PLAN}" is the storefront's own plan` }),
    ),
    plan,
  )
  .check(z.refine((p: Record<string, unknown>) => Object.keys(p).length > 0, { error: 'expected at least one plan' }));

export const apiKeysSchema = section(
  {
    enabled: flag({
      default: false,
      doc: 'Require an API key (x-api-key) on the routes below; partners get keys with `projet1 api-keys add`.',
    }),
    routes: text({
      default: 'read',
      oneOf: ['read', 'all'],
      doc: 'read: GET /products and GET /products/{product_id}; all: every route (writes still need the admin token).',
    }),
    plans: z._default(plans, {
      basic: { throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 10000, period: 'DAY' } },
    }),
  },
  'API keys and usage plans',
);
