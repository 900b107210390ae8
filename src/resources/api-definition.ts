// The REST API's definition as plain data: what `rest-api` reconciles and what the
// stage's deployment fingerprint is computed from.
import { createHash } from 'node:crypto';
import { CORS_ALLOW_HEADERS, CORS_ALLOW_METHODS } from '../../runtime/api/cors.js';
import { canonicalJson } from '../engine/canonical.js';

export interface MethodDef {
  authorization: 'NONE' | 'CUSTOM';
  integration: 'AWS_PROXY' | 'MOCK';
  /** Lambda invocation URI for AWS_PROXY. */
  uri?: string;
  /** For the CORS preflight mock: response header -> static value. */
  headers?: Record<string, string>;
  /** The caller must send an API key in one of the stage's usage plans (api.keys); absent when not. */
  apiKeyRequired?: true;
}

export interface AuthorizerDef {
  name: string;
  uri: string;
  identitySource: string;
  ttlSeconds: number;
}

export interface GatewayResponseDef {
  /** Absent: AWS's own status for each type it covers (see DEFAULT_4XX below). */
  status?: string;
  template: string;
  /** CORS: the origin allowed to read this error (api.corsOrigins); absent when CORS is off. */
  allowOrigin?: string;
}

export interface ApiDefinition {
  /** Key: "METHOD /path", e.g. "GET /products/{product_id}". */
  methods: Record<string, MethodDef>;
  authorizer: AuthorizerDef;
  gatewayResponses: Record<string, GatewayResponseDef>;
}

const errorTemplate = (code: string, message: string): string => JSON.stringify({ error: code, message });

/**
 * Errors API Gateway answers itself get the same JSON shape as the handlers'. An unknown
 * route is MISSING_AUTHENTICATION_TOKEN to API Gateway (a 403); users expect a 404.
 */
export function gatewayResponses(corsOrigin: string | undefined): Record<string, GatewayResponseDef> {
  const responses = errorResponses();
  if (corsOrigin === undefined) return responses;
  return Object.fromEntries(Object.entries(responses).map(([type, r]) => [type, { ...r, allowOrigin: corsOrigin }]));
}

function errorResponses(): Record<string, GatewayResponseDef> {
  return {
    UNAUTHORIZED: {
      status: '401',
      template: errorTemplate(
        'unauthorized',
        'Send the admin credential as "Authorization: Bearer <token>" (projet1 admin-token show).',
      ),
    },
    // A wrong token is an authentication failure (RFC 6750 invalid_token: 401). Through the distribution the
    // API never answers 403 (its 403s are for calls around it), so the distribution can map 403 (a missing key
    // in the private bucket) to error.html without rewriting any API answer.
    ACCESS_DENIED: {
      status: '401',
      template: errorTemplate(
        'invalid_token',
        'The admin credential is not valid (rotated?); see `projet1 admin-token show`.',
      ),
    },
    MISSING_AUTHENTICATION_TOKEN: {
      status: '404',
      template: errorTemplate(
        'not_found',
        'No such route. Routes: GET/POST /products, GET/PUT/DELETE /products/{product_id}.',
      ),
    },
    REQUEST_TOO_LARGE: {
      status: '413',
      template: errorTemplate('payload_too_large', 'The request body is too large.'),
    },
    THROTTLED: { status: '429', template: errorTemplate('throttled', 'Too many requests; retry with backoff.') },
    // The fallbacks set the body only. A status code here would become the status of every 4xx (or 5xx)
    // type not set above: a usage plan's 429, a WAF's 403, an unsupported media type's 415 would all
    // answer 400, an integration timeout's 504 would answer 502 (API Gateway developer guide, "Gateway
    // response types for API Gateway": "Changing the status code of this fallback gateway response
    // changes the status codes of all other 4XX responses to the new value").
    DEFAULT_4XX: { template: errorTemplate('bad_request', 'The request could not be processed.') },
    DEFAULT_5XX: { template: errorTemplate('internal_error', 'Something went wrong on our side. Try again later.') },
  };
}

export function corsPreflight(origin: string): MethodDef {
  return {
    authorization: 'NONE',
    integration: 'MOCK',
    headers: {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Methods': CORS_ALLOW_METHODS,
      'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
      'Access-Control-Max-Age': '600',
    },
  };
}

/** Fingerprint of a definition; the stage's deployment carries it in its description. */
export function definitionHash(def: ApiDefinition): string {
  return createHash('sha256').update(canonicalJson(def)).digest('hex').slice(0, 16);
}

export function splitKey(key: string): { method: string; path: string } {
  const [method = '', path = ''] = key.split(' ');
  return { method, path };
}
