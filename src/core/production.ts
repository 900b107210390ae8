// Whether an environment serves real users: `dev` and `failover --drill` refuse one (apart from dev.ts,
// so a command that needs only this does not load the dev loop's builder).
import type { Config } from '../config/schema.js';

export const isProduction = (c: Pick<Config, 'production' | 'environment'>): boolean =>
  c.production ?? /^prod(uction)?$/.test(c.environment);
