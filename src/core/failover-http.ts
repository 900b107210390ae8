// One HTTP call through the distribution, as a viewer makes it (the drill's reads and writes), on
// probe.ts's viewer request.
import { type ViewerAnswer, viewerRequest } from './probe.js';

export type HttpAnswer = ViewerAnswer;

export function httpCall(
  url: string,
  method: string,
  opts: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  const u = new URL(url);
  const plainLocal = u.hostname.endsWith('.localhost') && u.protocol !== 'https:';
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return viewerRequest(url, {
    method,
    body: payload,
    headers: {
      ...opts.headers,
      // The emulator's plain-HTTP host form stands for an HTTPS edge: say the viewer used HTTPS, as a
      // TLS-terminating edge does, or the distribution answers its redirect to HTTPS.
      ...(plainLocal ? { 'X-Forwarded-Proto': 'https' } : {}),
      'User-Agent': 'projet1-failover-drill',
      ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}),
    },
    timeoutMs: opts.timeoutMs ?? 10_000,
  });
}
