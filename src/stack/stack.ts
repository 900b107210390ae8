// The whole stack: each tier contributes its resources; the engine only sees the list.
import type { Config } from '../config/schema.js';
import { stackTags } from '../config/names.js';
import type { Stack } from '../engine/plan.js';
import { dataTier } from './data-tier.js';
import type { StackEnv } from './stack-env.js';

export function buildStack(config: Config, env: StackEnv): Stack {
  return { resources: [...dataTier(config, env)], tags: stackTags(config) };
}
