// Options as commander parses them (global ones and every command's), their mapping to
// config overrides, and the integer-flag check.
import type { ConfigFlags } from '../config/load.js';
import { EXIT, UserError } from '../errors.js';

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
  destroy?: boolean;
  dir?: string;
  dryRun?: boolean;
  since?: string;
  filter?: string;
  follow?: boolean;
  backup?: string;
  time?: string;
  exitCode?: boolean;
  forceUnlock?: boolean;
  force?: boolean;
  /** dev: poll instead of file events */
  poll?: boolean;
  /** false with --no-logs */
  logs?: boolean;
  port?: string;
  // products
  category?: string;
  limit?: string;
  cursor?: string;
  all?: boolean;
  name?: string;
  price?: string;
  stock?: string;
  description?: string;
  expiresAt?: string;
  file?: string;
  expectedVersion?: string;
  count?: string;
  seed?: string;
  concurrency?: string;
  format?: string;
  out?: string;
  // permissions
  scope?: string;
  accountId?: string;
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
export function intOption(raw: string | undefined, flag: string, min: number, max: number, fallback: number): number;
export function intOption(raw: string | undefined, flag: string, min: number, max: number): number | undefined;
export function intOption(
  raw: string | undefined,
  flag: string,
  min: number,
  max: number,
  fallback?: number,
): number | undefined {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UserError(`${flag} must be an integer from ${min} to ${max}, found "${raw}".`, { exitCode: EXIT.usage });
  }
  return Number(raw);
}
