// The whole stack: each tier contributes its resources; the engine only sees the list.
import type { Config } from '../config/schema.js';
import { stackTags } from '../config/names.js';
import type { Stack } from '../engine/plan.js';
import type { HandlerPackage } from '../build/bundle.js';
import { apiTier } from './api-tier.js';
import { dataTier } from './data-tier.js';
import { monitoringTier, retiredMonitoring } from './monitoring-tier.js';
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
