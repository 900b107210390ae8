// A live probe of a URL, as a viewer reaches it: status code and latency. `*.localhost` names
// (the emulator's host forms) are dialled on loopback with the name in Host, as a browser does.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';

export interface ProbeResult {
  url: string;
  status: number | null;
  latencyMs: number;
  /** 2xx or 3xx (a redirect to HTTPS is the distribution doing its job). */
  answering: boolean;
  error?: string;
}

/** What a viewer's request got: the status and body, or the network error (status null). */
export interface ViewerAnswer {
  status: number | null;
  body: string;
  error?: string;
}

/**
 * One request as a viewer makes it, the one HTTP client of `status` and the failover drill: `*.localhost`
 * names are dialled on loopback with the name in Host; `ca` adds trusted certificates for TLS.
 */
export function viewerRequest(
  url: string,
  opts: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs: number; ca?: string[] },
): Promise<ViewerAnswer> {
  const u = new URL(url);
  const local = u.hostname.endsWith('.localhost');
  const tls = u.protocol === 'https:';
  return new Promise((resolve) => {
    const options = {
      host: local ? '127.0.0.1' : u.hostname,
      port: u.port || (tls ? 443 : 80),
      method: opts.method ?? 'GET',
      path: `${u.pathname}${u.search}`,
      headers: { ...opts.headers, Host: u.host },
      timeout: opts.timeoutMs,
      // The emulator's certificate does not name its *.localhost hosts: trust it for the request only.
      ...(tls && opts.ca?.length ? { ca: opts.ca.map((f) => readFileSync(f, 'utf8')) } : {}),
      ...(tls && local ? { rejectUnauthorized: false } : {}),
    };
    const req = (tls ? httpsRequest : httpRequest)(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? null, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve({ status: null, body: '', error: err.message }));
    req.end(opts.body);
  });
}

export async function probe(
  url: string,
  opts: { ca?: string[]; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<ProbeResult> {
  const t0 = performance.now();
  const answer = await viewerRequest(url, {
    headers: { ...opts.headers, 'User-Agent': 'projet1-status' },
    timeoutMs: opts.timeoutMs ?? 5000,
    ca: opts.ca,
  });
  return {
    url,
    status: answer.status,
    latencyMs: Math.round(performance.now() - t0),
    answering: answer.status !== null && answer.status < 400,
    ...(answer.error ? { error: answer.error } : {}),
  };
}
