// One HTTP call through the distribution, as a viewer makes it (the drill's reads and writes). Like
// probe.ts, `*.localhost` names (the emulator's host forms) are dialled on loopback with the name in Host.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpAnswer {
  status: number | null;
  body: string;
  error?: string;
}

export function httpCall(
  url: string,
  method: string,
  opts: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  const u = new URL(url);
  const local = u.hostname.endsWith('.localhost');
  const tls = u.protocol === 'https:';
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve) => {
    const req = (tls ? httpsRequest : httpRequest)(
      {
        host: local ? '127.0.0.1' : u.hostname,
        port: u.port || (tls ? 443 : 80),
        method,
        path: `${u.pathname}${u.search}`,
        headers: {
          ...opts.headers,
          Host: u.host,
          // The emulator's plain-HTTP host form stands for an HTTPS edge: say the viewer used HTTPS, as a
          // TLS-terminating edge does, or the distribution answers its redirect to HTTPS.
          ...(local && !tls ? { 'X-Forwarded-Proto': 'https' } : {}),
          'User-Agent': 'projet1-failover-drill',
          ...(payload
            ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) }
            : {}),
        },
        timeout: opts.timeoutMs ?? 10_000,
        ...(tls && local ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? null, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve({ status: null, body: '', error: err.message }));
    req.end(payload);
  });
}
