// Request/response plumbing for the Lambda proxy handlers: body checks (size, content
// type, JSON), CORS on every response, and one JSON error shape. A handler throws
// HttpError or a repository error; nothing internal ever reaches the client.
import { CORS_ALLOW_HEADERS, CORS_ALLOW_METHODS } from './cors.js';
import { requireEdge } from './edge.js';
import { AlreadyExists, BadCursor, NotFound, VersionConflict } from '../catalog/repository.js';
import type { FieldProblem } from '../catalog/product.js';

export interface ApiEvent {
  httpMethod: string;
  path?: string;
  headers?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  pathParameters?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  /** The route template, e.g. "/products/{product_id}". */
  resource?: string;
  /** `authorizer`: what the write routes' authorizer returned as its context (`actor`: who is writing). */
  requestContext?: { requestId?: string; authorizer?: Record<string, unknown> | null };
}

/** The one log line of a request: what happened, never the credential, a token or the body. */
export interface RequestLog {
  level: 'info' | 'warn' | 'error';
  requestId: string | undefined;
  route: string;
  status: number;
  latencyMs: number;
  productId?: string;
  /** Who wrote (write routes): the authorizer's `actor`. */
  actor?: string;
  error?: string;
  message?: string;
}

/** One JSON line per request on stderr: CloudWatch keeps it, and the Lambda runtime stops waiting for output. */
export function logRequest(line: RequestLog): void {
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

export interface ApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface ErrorBody {
  error: string;
  message: string;
  details?: FieldProblem[] | Record<string, unknown>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorBody['details'],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Largest accepted body. Products are small; anything bigger is a mistake or abuse. */
export const MAX_BODY_BYTES = 16 * 1024;

export class Request {
  constructor(readonly event: ApiEvent) {}

  header(name: string): string | undefined {
    const wanted = name.toLowerCase();
    for (const [k, v] of Object.entries(this.event.headers ?? {}))
      if (k.toLowerCase() === wanted) return v ?? undefined;
    return undefined;
  }

  query(name: string): string | undefined {
    return this.event.queryStringParameters?.[name] ?? undefined;
  }

  param(name: string): string | undefined {
    return this.event.pathParameters?.[name] ?? undefined;
  }

  /** Who the authorizer says is calling (`context.actor`); undefined on the public routes. */
  actor(): string | undefined {
    const actor = this.event.requestContext?.authorizer?.actor;
    return typeof actor === 'string' && actor !== '' ? actor : undefined;
  }

  /** The body as parsed JSON, after the checks every write needs. */
  json(): unknown {
    const raw = this.event.body ?? '';
    const text = this.event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES)
      throw new HttpError(413, 'payload_too_large', `The request body must be at most ${MAX_BODY_BYTES} bytes.`);
    const type = (this.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json')
      throw new HttpError(
        415,
        'unsupported_media_type',
        'Send the body as JSON with "Content-Type: application/json".',
      );
    if (text.trim() === '') throw new HttpError(400, 'empty_body', 'The request body is empty; send a JSON object.');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new HttpError(400, 'malformed_json', 'The request body is not valid JSON.');
    }
  }
}

export function corsHeaders(origin: string | undefined, allowed: readonly string[]): Record<string, string> {
  const base = {
    'Access-Control-Allow-Methods': CORS_ALLOW_METHODS,
    'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
    'Access-Control-Expose-Headers': 'ETag',
  };
  if (allowed.length === 0) return {};
  if (allowed.includes('*')) return { ...base, 'Access-Control-Allow-Origin': '*' };
  if (origin && allowed.includes(origin)) return { ...base, 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  return { Vary: 'Origin' };
}

export function allowedOrigins(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

function toError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof NotFound) return new HttpError(404, 'not_found', `Product ${err.id} does not exist.`);
  if (err instanceof VersionConflict)
    return new HttpError(
      409,
      'version_conflict',
      `Product ${err.id} changed since you read it (now version ${err.current}); read it again and retry.`,
      { currentVersion: err.current },
    );
  if (err instanceof AlreadyExists) return new HttpError(409, 'already_exists', `Product ${err.id} already exists.`);
  if (err instanceof BadCursor)
    return new HttpError(400, 'invalid_cursor', 'The cursor is not one this API returned; start again without it.');
  return new HttpError(500, 'internal_error', 'Something went wrong on our side. Try again later.');
}

/** Wraps a route: every outcome becomes a JSON response with CORS headers. */
export function apiHandler(route: (req: Request) => Promise<Reply>): (event: ApiEvent) => Promise<ApiResult> {
  const origins = allowedOrigins();
  return async (event) => {
    const started = performance.now();
    const req = new Request(event);
    const cors = corsHeaders(req.header('origin'), origins);
    const base = {
      requestId: event.requestContext?.requestId,
      route: `${event.httpMethod} ${event.resource ?? event.path ?? ''}`,
      ...(event.pathParameters?.product_id ? { productId: event.pathParameters.product_id } : {}),
      ...(req.actor() ? { actor: req.actor() } : {}),
    };
    const latencyMs = (): number => Math.round((performance.now() - started) * 10) / 10;
    try {
      await requireEdge(req);
      const reply = await route(req);
      logRequest({ level: 'info', ...base, status: reply.status, latencyMs: latencyMs() });
      return {
        statusCode: reply.status,
        headers: { 'Content-Type': 'application/json', ...cors, ...reply.headers },
        body: JSON.stringify(reply.body),
      };
    } catch (err) {
      const http = toError(err);
      // The client gets a generic message for a fault; the log keeps what happened (never the request body).
      const fault =
        http.status >= 500
          ? {
              error: err instanceof Error ? err.name : 'unknown',
              message: err instanceof Error ? err.message : String(err),
            }
          : { error: http.code };
      logRequest({
        level: http.status >= 500 ? 'error' : 'warn',
        ...base,
        status: http.status,
        latencyMs: latencyMs(),
        ...fault,
      });
      const body: ErrorBody = {
        error: http.code,
        message: http.message,
        ...(http.details ? { details: http.details } : {}),
      };
      return {
        statusCode: http.status,
        headers: { 'Content-Type': 'application/json', ...cors },
        body: JSON.stringify(body),
      };
    }
  };
}

export function validationError(problems: FieldProblem[]): HttpError {
  return new HttpError(
    400,
    'validation_error',
    `Invalid product: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`,
    problems,
  );
}
