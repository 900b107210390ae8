// Partners' API keys (api.keys): made, listed, rotated and removed by `projet1 api-keys`. Each key
// carries the stack's tags (so `down` finds and deletes it) and sits in one of the configured usage
// plans. Its value is returned once, by `add` and `rotate`, and never read again.
import {
  type ApiKey,
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetUsagePlanKeysCommand,
} from '@aws-sdk/client-api-gateway';
import { PLAN_NAME, SITE_PLAN } from '../config/api-keys-schema.js';
import { stackTags } from '../config/names.js';
import { unless } from '../aws/errors.js';
import { EXIT, UserError } from '../errors.js';
import type { Reporter } from '../engine/events.js';
import type { FoundResource } from '../engine/plan.js';
import { createOnce } from '../engine/retry.js';
import { apiSiteKey, stackKeys } from '../resources/api-site-key.js';
import { apiUsagePlan, stackPlans } from '../resources/api-usage-plan.js';
import { keyName, planName } from '../stack/api-keys-tier.js';
import { resourceNames } from '../config/names.js';
import type { Config } from '../config/schema.js';
import type { AwsClients } from '../../runtime/aws/clients.js';
import { type AwsAccess, UNKNOWN } from '../engine/types.js';
import type { Session } from './session.js';
import {
  copyOrUndo,
  deleteKeys,
  describe,
  inBothRegions,
  keysIn,
  planThere,
  secondaryAccess,
} from './api-keys-copy.js';

export interface KeyRow {
  name: string;
  plan: string | null;
  enabled: boolean;
  created: string | null;
}

export interface NewKey {
  name: string;
  plan: string;
  id: string;
  /** Shown once: API Gateway keeps it, projet1 never prints it again. */
  value: string;
}

const prefixOf = (config: Config) => resourceNames(config).prefix;

function requireEnabled(config: Config): void {
  if (!config.api.keys.enabled)
    throw new UserError('API keys are off for this stack (api.keys.enabled is false).', {
      exitCode: EXIT.usage,
      hint: 'Set "api": { "keys": { "enabled": true } } in projet1.config.json and run `projet1 up`.',
    });
}

/** The partner name given (the key's AWS name is the stack's prefix plus it). */
function checkName(name: string): void {
  if (!PLAN_NAME.test(name) || name === SITE_PLAN)
    throw new UserError(`"${name}" is not a usable key name.`, {
      exitCode: EXIT.usage,
      hint: `Use 1-31 lowercase letters, digits or dashes, starting with a letter (not "${SITE_PLAN}", the storefront's own key).`,
    });
}

/** The deployed plan of that name (configured in api.keys.plans), by id. */
async function planId(session: Session, plan: string): Promise<string> {
  const plans = Object.keys(session.config.api.keys.plans);
  if (!plans.includes(plan))
    throw new UserError(`No usage plan "${plan}" in api.keys.plans.`, {
      exitCode: EXIT.usage,
      hint: `Plans: ${plans.join(', ')} (--plan NAME), or add one to api.keys.plans and run \`projet1 up\`.`,
    });
  const wanted = planName(prefixOf(session.config), plan);
  const found = (await stackPlans(session.aws, stackTags(session.config))).find((p) => p.name === wanted);
  if (!found?.id)
    throw new UserError(`The usage plan ${wanted} does not exist yet.`, {
      exitCode: EXIT.notFound,
      hint: 'Run `projet1 up`: it creates the plans of api.keys.plans.',
    });
  return found.id;
}

/** The partners' keys (every stack key but the site's), newest first. */
async function partnerKeys(aws: AwsAccess, config: Config): Promise<ApiKey[]> {
  const site = keyName(prefixOf(config), SITE_PLAN);
  const keys = (await stackKeys(aws, stackTags(config))).filter((k) => k.name !== site);
  return keys.sort((a, b) => (b.createdDate?.getTime() ?? 0) - (a.createdDate?.getTime() ?? 0));
}

async function keysNamed(session: Session, name: string): Promise<ApiKey[]> {
  const full = keyName(prefixOf(session.config), name);
  const keys = (await partnerKeys(session.aws, session.config)).filter((k) => k.name === full);
  if (keys.length === 0)
    throw new UserError(`No API key "${name}" in this stack.`, {
      exitCode: EXIT.notFound,
      hint: 'See the keys with `projet1 api-keys list`.',
    });
  return keys;
}

/** Key id -> the configured plan it is in. */
async function planOfKeys(session: Session): Promise<Map<string, string>> {
  const prefix = prefixOf(session.config);
  const out = new Map<string, string>();
  const api = session.aws.client(APIGatewayClient);
  for (const p of await stackPlans(session.aws, stackTags(session.config))) {
    const plan = p.name?.startsWith(`${prefix}-`) ? p.name.slice(prefix.length + 1) : undefined;
    if (!p.id || !plan || plan === SITE_PLAN) continue;
    const keys = await api.send(new GetUsagePlanKeysCommand({ usagePlanId: p.id, limit: 500 }));
    for (const k of keys.items ?? []) if (k.id) out.set(k.id, plan);
  }
  return out;
}

/**
 * A new key in `planId`; deleted again if it cannot join the plan, so a failure leaves nothing. Key
 * names are not unique: a create whose answer was lost is found again (a key of that name not in
 * `replacing`) rather than made twice.
 */
async function makeKey(
  session: Session,
  reporter: Reporter,
  key: { name: string; plan: string; planId: string; replacing: ApiKey[] },
): Promise<NewKey> {
  const { name, plan } = key;
  const api = session.aws.client(APIGatewayClient);
  const once = session.aws.client(APIGatewayClient, { maxAttempts: 1 });
  const full = keyName(prefixOf(session.config), name);
  const old = new Set(key.replacing.map((k) => k.id));
  const command = new CreateApiKeyCommand({
    name: full,
    description: describe(name, plan),
    enabled: true,
    tags: stackTags(session.config),
  });
  const made = await createOnce(
    session.context(reporter)(`api-key:${name}`),
    'CreateApiKey',
    () => once.send(command),
    async () =>
      (await stackKeys(session.aws, stackTags(session.config), true)).find((k) => k.name === full && !old.has(k.id)),
  );
  if (!made.id || !made.value) throw new Error(`CreateApiKey answered without an id or a value for ${name}`);
  try {
    await api.send(new CreateUsagePlanKeyCommand({ usagePlanId: key.planId, keyId: made.id, keyType: 'API_KEY' }));
  } catch (err) {
    await unless(api.send(new DeleteApiKeyCommand({ apiKey: made.id })), 'NotFoundException');
    throw err;
  }
  return { name, plan, id: made.id, value: made.value };
}

export async function addKey(
  session: Session,
  reporter: Reporter,
  name: string,
  plan: string | undefined,
): Promise<NewKey> {
  requireEnabled(session.config);
  checkName(name);
  const chosen = plan ?? Object.keys(session.config.api.keys.plans)[0] ?? '';
  const id = await planId(session, chosen);
  const full = keyName(prefixOf(session.config), name);
  if ((await partnerKeys(session.aws, session.config)).some((k) => k.name === full))
    throw new UserError(`An API key "${name}" already exists in this stack.`, {
      exitCode: EXIT.conflict,
      hint: `Give it another name, or \`projet1 api-keys rotate ${name}\` for a new value.`,
    });
  const other = await planThere(session, chosen);
  const made = await makeKey(session, reporter, { name, plan: chosen, planId: id, replacing: [] });
  await copyOrUndo(session, reporter, made, other);
  return made;
}

export async function listKeys(session: Session): Promise<KeyRow[]> {
  requireEnabled(session.config);
  const prefix = prefixOf(session.config);
  const [keys, plans] = await Promise.all([partnerKeys(session.aws, session.config), planOfKeys(session)]);
  return keys
    .map((k) => ({
      name: (k.name ?? '').slice(prefix.length + 1),
      plan: (k.id && plans.get(k.id)) || null,
      enabled: k.enabled ?? false,
      created: k.createdDate?.toISOString() ?? null,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A new value for a partner: API Gateway cannot change a key's value, so a new key takes the old one's
 * place in its plan and the old key is deleted (a half-done earlier rotation's extra keys too).
 */
export async function rotateKey(session: Session, reporter: Reporter, name: string): Promise<NewKey> {
  requireEnabled(session.config);
  checkName(name);
  const old = await keysNamed(session, name);
  const plans = await planOfKeys(session);
  const plan = old.map((k) => (k.id ? plans.get(k.id) : undefined)).find((p) => p !== undefined);
  const chosen = plan ?? Object.keys(session.config.api.keys.plans)[0] ?? '';
  const id = await planId(session, chosen);
  const other = await planThere(session, chosen);
  // The second region's old copies, read before the new one joins them under the same name.
  const there = secondaryAccess(session);
  const oldThere = there ? await keysIn(there.aws, session.config, keyName(prefixOf(session.config), name)) : [];
  const made = await makeKey(session, reporter, { name, plan: chosen, planId: id, replacing: old });
  await copyOrUndo(session, reporter, made, other);
  await deleteKeys(session.aws, old);
  if (there) await deleteKeys(there.aws, oldThere);
  return made;
}

/**
 * Deletes the key in the stack's region first (where it is served now), then its copy in
 * regions.secondary; a copy left there (the region not answering, an earlier failure) is found and
 * deleted by running the command again.
 */
export async function removeKey(session: Session, name: string): Promise<{ name: string; removed: number }> {
  requireEnabled(session.config);
  checkName(name);
  const there = secondaryAccess(session);
  const full = keyName(prefixOf(session.config), name);
  const here = await keysIn(session.aws, session.config, full);
  if (here.length === 0 && !there) await keysNamed(session, name);
  await deleteKeys(session.aws, here);
  if (!there) return { name, removed: here.length };
  try {
    const copies = await keysIn(there.aws, session.config, full);
    if (here.length + copies.length === 0) await keysNamed(session, name);
    await deleteKeys(there.aws, copies);
    return { name, removed: here.length + copies.length };
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(
      `Removed API key "${name}" in ${session.config.region} (${here.length} key(s)), but not its copy in ${there.region}: ${err instanceof Error ? err.message : String(err)}.`,
      { exitCode: EXIT.failure, hint: `Run \`projet1 api-keys remove ${name}\` again once ${there.region} answers.` },
    );
  }
}

/**
 * The partners' keys as resources `down` deletes (`plan --destroy` shows them): they are the stack's,
 * made by a command rather than by the configuration, so only their tags find them.
 */
export async function partnerKeysToDelete(aws: AwsClients, config: Config): Promise<FoundResource[]> {
  const tags = stackTags(config);
  return inBothRegions(aws, config, async (here, region) =>
    (await partnerKeys(here, config)).flatMap((k) =>
      k.id && k.name
        ? [
            {
              id: `found:api-key:${k.id}`,
              name: k.name,
              holdsData: true,
              provisioner: apiSiteKey,
              desired: { name: k.name, description: '', region, partition: '', tags },
              dependsOn: [],
            },
          ]
        : [],
    ),
  );
}

/**
 * The stack's usage plans the configuration no longer names (a plan renamed or removed from
 * api.keys.plans): `up` deletes them, as the retired ones. Their keys stay, in no plan.
 */
export async function stalePlans(aws: AwsClients, config: Config): Promise<FoundResource[]> {
  // The configured ones are the stack's resources, on or retired (api-keys-tier.ts).
  const configured = new Set(
    [...Object.keys(config.api.keys.plans), SITE_PLAN].map((p) => planName(prefixOf(config), p)),
  );
  const tags = stackTags(config);
  return inBothRegions(aws, config, async (here, region) =>
    (await stackPlans(here, tags)).flatMap((p) =>
      p.id && p.name && !configured.has(p.name)
        ? [
            {
              id: `found:api-usage-plan:${p.id}`,
              name: p.name,
              holdsData: false,
              provisioner: apiUsagePlan,
              desired: {
                name: p.name,
                description: '',
                apiId: UNKNOWN,
                stageName: '',
                throttle: { rateLimit: 0, burstLimit: 0 },
                quota: null,
                keyIds: [],
                region,
                partition: '',
                tags,
              },
              dependsOn: [],
            },
          ]
        : [],
    ),
  );
}
