// The API's admin credential: shown on request, rotated on request, never logged.
import { UserError } from '../errors.js';
import { resourceNames } from '../config/names.js';
import type { Reporter } from '../engine/events.js';
import { sendOriginSecret } from '../resources/cloudfront-distribution.js';
import { newToken, readSecret, writeSecret } from '../resources/secret-parameter.js';
import { OPEN } from '../../runtime/api/edge-header.js';
import { clientsIn } from '../engine/region.js';
import type { AwsAccess } from '../engine/types.js';
import type { Session } from './session.js';

/** Where the stack's parameters live: its region, and regions.secondary's copies (the same values). */
function parameterRegions(session: Session): AwsAccess[] {
  const secondary = session.stack.parts.secondary;
  return [session.aws, ...(secondary ? [clientsIn(session.aws, secondary.region)] : [])];
}

/** The same value in every region of the stack: the secondary's API checks what the primary's does. */
async function writeEverywhere(session: Session, name: string, value: string): Promise<void> {
  for (const aws of parameterRegions(session)) await writeSecret(aws, name, value, true);
}

export async function showAdminToken(session: Session): Promise<{ parameter: string; token: string }> {
  const parameter = resourceNames(session.config).adminTokenParameter;
  const token = await readSecret(session.aws, parameter);
  if (!token)
    throw new UserError(`No admin token exists yet (SSM parameter ${parameter}).`, {
      exitCode: 3,
      hint: 'Run `projet1 up` first; it generates one.',
    });
  return { parameter, token };
}

export interface Rotated {
  parameter: string;
  token: string;
  effectiveWithinSeconds: number;
  /** The origin secret's parameter, when it was rotated too (api.edgeOnly). */
  originSecret?: string;
}

export async function rotateAdminToken(session: Session, reporter: Reporter): Promise<Rotated> {
  const { parameter } = await showAdminToken(session);
  const token = newToken();
  await writeEverywhere(session, parameter, token);
  const originSecret = await rotateOriginSecret(session, reporter);
  return {
    parameter,
    token,
    effectiveWithinSeconds: session.config.api.tokenCacheSeconds,
    ...(originSecret ? { originSecret } : {}),
  };
}

/**
 * A new origin secret (api.edgeOnly), sent by the distribution from now on. The previous one stays
 * accepted after it (the parameter holds "new previous") while CloudFront's edges take the new header,
 * minutes on AWS; the next rotation drops it. Undefined when the stack has none.
 */
async function rotateOriginSecret(session: Session, reporter: Reporter): Promise<string | undefined> {
  const secret = session.stack.parts.originSecret;
  if (!secret) return undefined;
  const name = secret.desired.name;
  const values = (await readSecret(session.aws, name))?.split(/\s+/) ?? [];
  const [previous] = values;
  if (!previous) return undefined;
  const next = newToken();
  // Not enforced yet (no distribution so far): it stays so; the distribution's creation enforces it.
  await writeEverywhere(session, name, [next, previous, ...(values.includes(OPEN) ? [OPEN] : [])].join(' '));
  const ctx = session.context(reporter)(session.stack.parts.distribution.id);
  await sendOriginSecret(ctx, session.stack.parts.distribution.desired.comment, next);
  return name;
}
