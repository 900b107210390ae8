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

export function probe(
  url: string,
  opts: { ca?: string[]; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<ProbeResult> {
  const u = new URL(url);
  const local = u.hostname.endsWith('.localhost');
  const tls = u.protocol === 'https:';
  const t0 = performance.now();
  const done = (status: number | null, error?: string): ProbeResult => ({
    url,
    status,
    latencyMs: Math.round(performance.now() - t0),
    answering: status !== null && status < 400,
    ...(error ? { error } : {}),
  });
  return new Promise((resolve) => {
    const options = {
      host: local ? '127.0.0.1' : u.hostname,
      port: u.port || (tls ? 443 : 80),
      path: `${u.pathname}${u.search}`,
      headers: { ...opts.headers, Host: u.host, 'User-Agent': 'projet1-status' },
      timeout: opts.timeoutMs ?? 5000,
      // The emulator's certificate does not name its *.localhost hosts: trust it for the probe only.
      ...(tls && opts.ca?.length ? { ca: opts.ca.map((f) => readFileSync(f, 'utf8')) } : {}),
      ...(tls && local ? { rejectUnauthorized: false } : {}),
    };
    const req = (tls ? httpsRequest : httpRequest)(options, (res) => {
      res.resume();
      res.on('end', () => resolve(done(res.statusCode ?? null)));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve(done(null, err.message)));
    req.end();
  });
}
