// The API's admin credential: shown on request, rotated on request, never logged.
import { UserError } from '../errors.js';
import { resourceNames } from '../config/names.js';
import { newToken, readSecret, writeSecret } from '../resources/secret-parameter.js';
import type { Session } from './session.js';

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

export async function rotateAdminToken(
  session: Session,
): Promise<{ parameter: string; token: string; effectiveWithinSeconds: number }> {
  const { parameter } = await showAdminToken(session);
  const token = newToken();
  await writeSecret(session.aws, parameter, token, true);
  return { parameter, token, effectiveWithinSeconds: session.config.api.tokenCacheSeconds };
}
