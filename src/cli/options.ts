// Global options as commander parses them, and their mapping to config overrides.
import type { ConfigFlags } from '../config/load.js';

export interface GlobalOptions {
  config?: string;
  environment?: string;
  env?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  json?: boolean;
  yes?: boolean;
  verbose?: boolean;
  destroy?: boolean;
  exitCode?: boolean;
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
}

export function configFlags(opts: GlobalOptions): ConfigFlags {
  const flags: ConfigFlags = {};
  if (opts.config !== undefined) flags.config = opts.config;
  const environment = opts.environment ?? opts.env;
  if (environment !== undefined) flags.environment = environment;
  if (opts.region !== undefined) flags.region = opts.region;
  if (opts.profile !== undefined) flags.profile = opts.profile;
  if (opts.endpointUrl !== undefined) flags.endpointUrl = opts.endpointUrl;
  return flags;
}
