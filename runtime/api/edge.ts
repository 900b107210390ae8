// The API answers only what comes through the site's CloudFront distribution (api.edgeOnly): CloudFront
// adds a secret header to every request it sends the API origin, and a request without it (a direct call
// to the execute-api URL) is refused here, before any route runs. A check in the handlers rather than a
// Lambda authorizer on every route: an authorizer would cost a second invocation per public read, or,
// cached, answer a missing header with 401 rather than 403.
import { SecretCache } from '../aws/secret-cache.js';
import { HttpError, type Request } from './http.js';
import { OPEN, ORIGIN_HEADER } from './edge-header.js';
import { lambdaClients } from './lambda-clients.js';

let cache: SecretCache | undefined;

/** Throws 403 when the stack is edge-only and the request did not come through the distribution. */
export async function requireEdge(req: Request, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const parameter = env.ORIGIN_SECRET_PARAMETER;
  if (!parameter) return;
  cache ??= new SecretCache(lambdaClients, parameter, Number(env.TOKEN_CACHE_SECONDS ?? '30') * 1000, OPEN);
  const given = req.header(ORIGIN_HEADER);
  // No header at all is judged too: while the secret is not enforced yet (OPEN), anything passes.
  if (await cache.matches(given ?? '')) return;
  throw new HttpError(
    403,
    'forbidden',
    "This API answers only through the site's address (its CloudFront distribution): call <websiteUrl>/products.",
  );
}
