// What every tier needs to know about the stack, computed once in `buildStack`: names, tags, ARNs,
// the partition's DNS suffix and the regions the stack spans. Tiers read it instead of recomputing it.
import { type Arns, arns, dnsSuffix } from '../aws/arns.js';
import { FUNCTIONS, type FunctionSpec, type Route } from '../config/functions.js';
import { type ResourceNames, resourceNames, stackTags } from '../config/names.js';
import type { Config } from '../config/schema.js';
import { cloudfrontMetricsRegion, type StackEnv, stackRegions } from './stack-env.js';

/** A function of the app with the API route it serves. */
export interface RoutedFunction {
  fn: FunctionSpec;
  route: Route;
}

export interface StackContext {
  config: Config;
  env: StackEnv;
  names: ResourceNames;
  /** Tags every resource of the stack carries. */
  tags: Record<string, string>;
  arn: Arns;
  /** The partition's DNS suffix (amazonaws.com, amazonaws.com.cn in China). */
  dnsSuffix: string;
  /** Where CloudFront publishes its metrics (so our CloudFront alarms); undefined where CloudFront is not. */
  cloudfrontRegion: string | undefined;
  /** The API answers only through the distribution (api.edgeOnly; never where there is no CloudFront). */
  edgeOnly: boolean;
  /** Every region the stack has resources in: its own, then CloudFront's metrics region. */
  regions: string[];
  /** "project/environment", the suffix of each description. */
  label: string;
  /** The app's functions that serve an API route, in FUNCTIONS order. */
  routes: RoutedFunction[];
  /** A function's AWS name (its id when the names lack it). */
  functionName(id: string): string;
}

export function stackContext(config: Config, env: StackEnv): StackContext {
  const names = resourceNames(config, env.accountId);
  const cloudfrontRegion = cloudfrontMetricsRegion(env.partition);
  return {
    config,
    env,
    names,
    tags: stackTags(config),
    arn: arns(env),
    dnsSuffix: dnsSuffix(env.partition),
    cloudfrontRegion,
    // With API keys (api.keys), a key is what a direct call needs instead (api-keys-tier.ts).
    edgeOnly: (config.api.edgeOnly ?? !config.api.keys.enabled) && cloudfrontRegion !== undefined,
    regions: stackRegions(env),
    label: `${config.project}/${config.environment}`,
    routes: FUNCTIONS.flatMap((fn) => (fn.route ? [{ fn, route: fn.route }] : [])),
    functionName: (id) => names.functions[id]?.function ?? id,
  };
}

/**
 * The stack's context in another of its regions (regions.secondary): that region's ARNs and the
 * execution roles' names there (IAM is global: a role's name carries its region, so the two regions'
 * roles never collide). Everything else stays the stack's own: the same table, function, API and
 * parameter names in each region, and the stack's tags (with its home region), so ownership checks hold.
 */
export function regionContext(ctx: StackContext, region: string): StackContext {
  const env = { ...ctx.env, region };
  const there = resourceNames({ ...ctx.config, region }, ctx.env.accountId);
  return { ...ctx, env, arn: arns(env), names: { ...ctx.names, functions: there.functions } };
}
