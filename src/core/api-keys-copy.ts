// Partners' keys in regions.secondary: the same key (same name, same value, same plan) in the second
// region's API, so a partner keeps one key across `projet1 failover`. API keys are regional; CreateApiKey
// accepts a `value`. `api-keys add|rotate` make the copy right after the primary's key, `remove` and
// `rotate` delete both. A key exists in both regions or in neither: a copy that cannot be made undoes
// the primary's key (see addKey), since its value is shown only once and nothing copies it later.
import {
  type ApiKey,
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { unless } from '../aws/errors.js';
import { resourceNames, stackTags } from '../config/names.js';
import type { Config } from '../config/schema.js';
import type { Reporter } from '../engine/events.js';
import type { FoundResource } from '../engine/plan.js';
import { clientsIn } from '../engine/region.js';
import { createOnce } from '../engine/retry.js';
import type { AwsAccess } from '../engine/types.js';
import { EXIT, UserError } from '../errors.js';
import { stackKeys } from '../resources/api-site-key.js';
import { stackPlans } from '../resources/api-usage-plan.js';
import { keyName, planName } from '../stack/api-keys-tier.js';
import type { Session } from './session.js';

export const describe = (name: string, plan: string) => `projet1 partner key "${name}" (${plan} plan)`;

/** The second region's clients (regions.secondary), with its name; undefined without one. */
export function secondaryAccess(session: Session): { region: string; aws: AwsAccess } | undefined {
  const region = session.config.regions.secondary;
  return region === null ? undefined : { region, aws: clientsIn(session.aws, region) };
}

/** The deployed plan of that AWS name in `aws`'s region, by id; undefined when there is none yet. */
export async function planIdIn(aws: AwsAccess, config: Config, name: string): Promise<string | undefined> {
  return (await stackPlans(aws, stackTags(config))).find((p) => p.name === name)?.id;
}

/** The stack's keys of that AWS name in `aws`'s region (names are not unique: an interrupted rotate leaves two). */
export async function keysIn(aws: AwsAccess, config: Config, name: string): Promise<ApiKey[]> {
  return (await stackKeys(aws, stackTags(config))).filter((k) => k.name === name);
}

export async function deleteKeys(aws: AwsAccess, keys: ApiKey[]): Promise<void> {
  const api = aws.client(APIGatewayClient);
  for (const k of keys)
    if (k.id) await unless(api.send(new DeleteApiKeyCommand({ apiKey: k.id })), 'NotFoundException');
}

/**
 * The primary's new key copied to the second region, in the plan of the same name there: its id.
 * Deleted again if it cannot join the plan, so a failure leaves no copy.
 */
export async function copyKey(
  session: Session,
  reporter: Reporter,
  there: { region: string; aws: AwsAccess },
  key: { name: string; fullName: string; description: string; value: string; planId: string },
): Promise<string> {
  const api = there.aws.client(APIGatewayClient);
  const once = there.aws.client(APIGatewayClient, { maxAttempts: 1 });
  const tags = stackTags(session.config);
  const command = new CreateApiKeyCommand({
    name: key.fullName,
    description: key.description,
    enabled: true,
    value: key.value,
    tags,
  });
  const ctx = { ...session.context(reporter)(`secondary:api-key:${key.name}`), aws: there.aws };
  const made = await createOnce(
    ctx,
    'CreateApiKey',
    async () => (await once.send(command)).id,
    async () =>
      (await stackKeys(there.aws, tags, true)).find((k) => k.name === key.fullName && k.value === key.value)?.id,
  );
  if (!made) throw new Error(`CreateApiKey answered without an id for ${key.name} in ${there.region}`);
  try {
    await api.send(new CreateUsagePlanKeyCommand({ usagePlanId: key.planId, keyId: made, keyType: 'API_KEY' }));
  } catch (err) {
    await unless(api.send(new DeleteApiKeyCommand({ apiKey: made })), 'NotFoundException');
    throw err;
  }
  return made;
}

/** The plan of that name in regions.secondary, by id (before anything is made); undefined without one. */
export async function planThere(session: Session, plan: string): Promise<string | undefined> {
  const there = secondaryAccess(session);
  if (!there) return undefined;
  const wanted = planName(resourceNames(session.config).prefix, plan);
  const id = await planIdIn(there.aws, session.config, wanted);
  if (!id) throw noPlanThere(wanted, there.region);
  return id;
}

/**
 * The new key `made` copied to regions.secondary (same value, plan `planId` there); if that fails, the
 * primary's new key is deleted again and the error says so: a key works in both regions or in neither.
 */
export async function copyOrUndo(
  session: Session,
  reporter: Reporter,
  made: { name: string; plan: string; id: string; value: string },
  planId: string | undefined,
): Promise<void> {
  const there = secondaryAccess(session);
  if (!there || planId === undefined) return;
  const full = keyName(resourceNames(session.config).prefix, made.name);
  try {
    await copyKey(session, reporter, there, {
      name: made.name,
      fullName: full,
      description: describe(made.name, made.plan),
      value: made.value,
      planId,
    });
  } catch (err) {
    await deleteKeys(session.aws, [{ id: made.id }]);
    throw copyFailed(made.name, there.region, session.config.region, err);
  }
}

/**
 * `find` run in the stack's region and in regions.secondary (`down` deletes partners' keys there too,
 * `up` the plans no longer configured), each found resource marked with its region.
 */
export async function inBothRegions(
  aws: AwsAccess,
  config: Config,
  find: (aws: AwsAccess, region: string) => Promise<FoundResource[]>,
): Promise<FoundResource[]> {
  const other = config.regions.secondary;
  const here = await find(aws, config.region);
  if (other === null) return here;
  const there = await find(clientsIn(aws, other), other);
  return [...here, ...there.map((r) => ({ ...r, region: other }))];
}

/** The second region's plan was not made yet (`up` makes it): nothing is made. */
export function noPlanThere(plan: string, region: string): UserError {
  return new UserError(`The usage plan ${plan} does not exist in ${region} yet.`, {
    exitCode: EXIT.notFound,
    hint: `Run \`projet1 up\`: it makes the plans in both regions (regions.secondary). Nothing was changed.`,
  });
}

/** What a copy's failure leaves: the primary's key undone, so the partner holds no half-working key. */
export function copyFailed(name: string, region: string, home: string, err: unknown): UserError {
  const why = err instanceof Error ? err.message : String(err);
  return new UserError(
    `Could not make the API key "${name}" in ${region} (${why}); the one just made in ${home} was deleted again: nothing changed.`,
    {
      exitCode: EXIT.failure,
      hint: `A partner keeps one key across a failover, so projet1 makes a key in both regions or in neither. Run the command again once ${region} answers.`,
    },
  );
}
