// The whole stack: each tier contributes its resources; the engine only sees the list.
import type { Config } from '../config/schema.js';
import { stackTags } from '../config/names.js';
import type { AwsClients } from '../aws/clients.js';
import { everyResource, type Stack } from '../engine/plan.js';
import type { HandlerPackage } from '../build/bundle.js';
import { apiTier } from './api-tier.js';
import { dataTier } from './data-tier.js';
import { monitoringTier, retiredMonitoring } from './monitoring-tier.js';
import { foundByTag, TaggingUnavailable } from './tagged.js';
import type { Reporter } from '../engine/events.js';
import { webTier } from './web-tier.js';
import type { StackEnv } from './stack-env.js';

/** `packages`: the bundled handlers; teardown passes none (it needs no code). */
export function buildStack(config: Config, env: StackEnv, packages?: Map<string, HandlerPackage>): Stack {
  return {
    resources: [
      ...dataTier(config, env),
      ...apiTier(config, env, packages),
      ...webTier(config, env),
      ...monitoringTier(config, env),
    ],
    retired: retiredMonitoring(config, env),
    tags: stackTags(config),
  };
}

/**
 * The stack plus what its tags find under names its configuration no longer gives (`plan`, `up`,
 * `down`): a `down` then leaves nothing this stack tagged, whatever the settings say now.
 */
export async function withFoundByTag(
  stack: Stack,
  aws: AwsClients,
  config: Config,
  env: StackEnv,
  reporter: Reporter,
): Promise<Stack> {
  try {
    return { ...stack, found: await foundByTag(aws, config, env, everyResource(stack)) };
  } catch (err) {
    if (!(err instanceof TaggingUnavailable)) throw err;
    reporter.event({ type: 'note', id: 'found-by-tag', name: 'tag lookup', message: err.message });
    return stack;
  }
}
