// The website as a viewer reaches it through the emulator's CloudFront: the distribution's
// host form on the emulator's port, over "HTTPS" (X-Forwarded-Proto, as a TLS-terminating
// edge sets it; plain HTTP gets CloudFront's redirect).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export const VIEWER_HTTPS = { 'X-Forwarded-Proto': 'https' } as const;

export interface SiteReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * fetch() cannot set Host and does not resolve *.localhost: dial loopback and name the distribution.
 * An https:// website (the user's TLS emulator) is reached over TLS without checking the certificate
 * (the contract test checks it, with curl and with Node, on the URL `outputs` prints).
 */
export function viaCloudFront(
  websiteUrl: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; https?: boolean } = {},
): Promise<SiteReply> {
  const url = new URL(path, websiteUrl);
  const tls = url.protocol === 'https:';
  // Over real TLS the edge knows the viewer uses HTTPS; over plain HTTP, say so as a TLS-terminating edge would.
  const viewer = opts.https === false || tls ? {} : VIEWER_HTTPS;
  const headers: Record<string, string> = { Host: url.host, ...viewer, ...opts.headers };
  const request = tls ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: opts.method ?? 'GET',
        headers,
        ...(tls ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
