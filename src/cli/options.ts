// Options as commander parses them: the global ones (main.ts) with their mapping to config
// overrides, the value parsers, and each command's options (the registry shows them, the
// handler's `opts` type follows from them: `Handler<'catalog', typeof LIST>`).
import type { ConfigFlags } from '../config/load.js';
import { EXIT, UserError } from '../errors.js';
import { type OptionSpec, options } from './spec.js';

/** The global options, and those the runner reads for every command. */
export interface CommandOptions {
  config?: string;
  environment?: string;
  env?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  json?: boolean;
  events?: boolean;
  yes?: boolean;
  verbose?: boolean;
  /** Added to every command that `locks`. */
  forceUnlock?: boolean;
  /** A dry run (deploy-website's) takes no stack lock. */
  dryRun?: boolean;
}

export function configFlags(opts: CommandOptions): ConfigFlags {
  const flags: ConfigFlags = {};
  if (opts.config !== undefined) flags.config = opts.config;
  const environment = opts.environment ?? opts.env;
  if (environment !== undefined) flags.environment = environment;
  if (opts.region !== undefined) flags.region = opts.region;
  if (opts.profile !== undefined) flags.profile = opts.profile;
  if (opts.endpointUrl !== undefined) flags.endpointUrl = opts.endpointUrl;
  return flags;
}

/** An integer flag within [min, max]; absent gives `fallback`. Anything else is a usage error naming the flag. */
export function int(min: number, max: number, fallback: number): (raw: string | undefined, flag: string) => number;
export function int(min: number, max: number): (raw: string | undefined, flag: string) => number | undefined;
export function int(min: number, max: number, fallback?: number) {
  return (raw: string | undefined, flag: string): number | undefined => {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new UserError(`${flag} must be an integer from ${min} to ${max}, found "${raw}".`, {
        exitCode: EXIT.usage,
      });
    }
    return Number(raw);
  };
}

/** One of `values`; absent gives the first. */
export function oneOf<const V extends readonly [string, ...string[]]>(values: V) {
  return (raw: string | undefined, flag: string): V[number] => {
    const value = values.find((v) => v === (raw ?? values[0]));
    if (value !== undefined) return value;
    const listed = `${values.slice(0, -1).join(', ')} or ${values.at(-1) ?? ''}`;
    throw new UserError(`${flag} must be ${listed}, found "${raw ?? ''}".`, { exitCode: EXIT.usage });
  };
}

export const DEV = options([
  { flags: '--no-logs', description: "do not stream the functions' and the API's logs" },
  { flags: '--force', description: 'run against an environment marked as production' },
  {
    flags: '--poll',
    description: 'poll the folders instead of file events (network or container-mounted folders)',
  },
]);
export const PLAN = options([
  { flags: '--destroy', description: 'plan a teardown instead, in the order `down` deletes' },
  {
    flags: '--exit-code',
    description: 'exit 2 when the plan has changes, 0 when none (like terraform -detailed-exitcode)',
  },
]);
export const UP = options([
  {
    flags: '--wait',
    description: 'with website.domain: wait until ACM issues the certificate, then give the distribution the domain',
  },
]);
export const STATUS = options([
  { flags: '--all', description: 'every resource, alarm and probe, not only those needing attention' },
]);
export const DEPLOY_WEBSITE = options([
  {
    flags: '--dir <folder>',
    description: 'folder to publish (default: website.dir, else the storefront shipped with projet1)',
  },
  { flags: '--dry-run', description: 'list what would be uploaded, deleted and invalidated; change nothing' },
]);
export const LOGS = options([
  { flags: '--since <when>', description: 'start at this long ago (15m, 2h, 1d) or this ISO date (default 15m)' },
  { flags: '--filter <text>', description: 'only events containing this text' },
  {
    flags: '--follow',
    description: 'keep printing new events until Ctrl-C (with --json: one JSON object per line)',
  },
]);
export const RESTORE = options([
  { flags: '--backup <arn>', description: 'a backup ARN (`projet1 backups`; `down` prints the one it makes)' },
  { flags: '--time <when>', description: 'an ISO date, or how long ago (15m, 2h) within the point-in-time window' },
]);

export const FAILOVER = options([
  {
    flags: '--to <region>',
    description: "serve this region (its API takes the writes; regions.secondary's or the stack's)",
  },
  { flags: '--back', description: "serve the stack's own region again" },
  {
    flags: '--drill',
    description: 'rehearse the primary failing, measure RTO and RPO, put everything back (not production)',
  },
]);

export const PRODUCT_FIELDS = options([
  { flags: '--name <text>', description: 'product name' },
  { flags: '--category <text>', description: 'category (any text)' },
  { flags: '--price <number>', description: 'price, at most 2 decimals' },
  { flags: '--stock <integer>', description: 'units in stock' },
  { flags: '--description <text>', description: 'optional description ("" removes it on update)' },
  { flags: '--expires-at <epoch-seconds>', description: 'optional expiry (the TTL attribute)' },
]);
const concurrency = {
  flags: '--concurrency <n>',
  description: 'batches of 25 in flight (default 8)',
  parse: int(1, 64, 8),
} as const satisfies OptionSpec;

export const PRODUCTS_LIST = options([
  { flags: '--category <name>', description: 'only this category (uses the category-index GSI)' },
  { flags: '--limit <n>', description: 'products per page (1-1000, default 25)', parse: int(1, 1000, 25) },
  { flags: '--cursor <cursor>', description: 'continue after a previous page' },
  { flags: '--all', description: 'stream every page' },
]);
export const PRODUCTS_CREATE = options([
  ...PRODUCT_FIELDS,
  { flags: '--file <file>', description: 'a JSON object with the product fields' },
]);
export const PRODUCTS_UPDATE = options([
  ...PRODUCT_FIELDS,
  {
    flags: '--expected-version <n>',
    description: 'fail unless the product is still at this version (default: the version read just before)',
    parse: int(1, 1_000_000_000),
  },
]);
export const PRODUCTS_SEED = options([
  // No default here: --file refuses a --count or --seed that was given.
  { flags: '--count <n>', description: 'how many to generate (default 100)', parse: int(1, 1_000_000) },
  {
    flags: '--seed <n>',
    description: 'random seed: the same seed writes the same products',
    parse: int(1, 2 ** 31 - 1),
  },
  { flags: '--file <file>', description: 'seed from a .json array, .jsonl or .csv file instead' },
  concurrency,
]);
export const PRODUCTS_IMPORT = options([concurrency]);
export const PRODUCTS_HISTORY = options([
  // 10: what a product's history item keeps (HISTORY_KEEP, runtime/catalog/history.ts; not imported: options load with --help).
  { flags: '--limit <n>', description: 'changes to show, newest first (1-10, default 10)', parse: int(1, 10, 10) },
]);
export const PRODUCTS_EXPORT = options([
  { flags: '--format <format>', description: 'jsonl (default) or csv', parse: oneOf(['jsonl', 'csv']) },
  { flags: '--out <file>', description: 'write to this file instead of stdout (required with --json)' },
]);

export const EMULATOR_START = options([
  {
    flags: '--port <port>',
    description: 'port to listen on (default: the last one used if free, else a free one)',
    parse: int(1024, 65535),
  },
]);
export const PERMISSIONS = options([
  {
    flags: '--scope <scope>',
    description: 'deploy (default: up, down, deploy-website, restore…), operate or read',
  },
  {
    flags: '--account-id <id>',
    description: "the account to name in the ARNs (default: the current credentials')",
  },
  {
    flags: '--out-dir <dir>',
    description: 'write each policy to <dir>/<scope>[-<part>].json (mode 0600) and list the files on stdout',
  },
  { flags: '--force', description: 'with --out-dir, overwrite files that already exist' },
]);

export const USERS_ADD = options([
  {
    flags: '--group <group>',
    description: 'admins (may delete) or editors (create and update); none: the account may not write',
    parse: oneOf(['admins', 'editors']),
  },
]);

export const API_KEYS_ADD = options([
  { flags: '--plan <plan>', description: 'the usage plan (one of api.keys.plans; default: the first)' },
]);
