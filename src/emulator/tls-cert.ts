// The certificate the user's TLS emulator serves. MiniStack's own self-signed one names
// localhost and 127.0.0.1 only, so `curl --cacert` failed on the website URL projet1 prints
// (https://<id>.cloudfront.localhost:<port>). We issue one for every name the stack prints and
// hand it to MiniStack (MINISTACK_SSL_CERT + MINISTACK_SSL_KEY), with openssl as MiniStack does.
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { privateDir, privateFile } from '../paths.js';

/** The names a client may dial: the endpoint, the website's distributions, Lambda containers (MiniStack's own). */
export const CERT_DNS_NAMES = ['localhost', '*.cloudfront.localhost', 'host.docker.internal', 'ministack'];
export const CERT_IP_ADDRESSES = ['127.0.0.1', '0:0:0:0:0:0:0:1'];

export interface TlsMaterial {
  cert: string;
  key: string;
}

/** Whether the PEM at `certPath` names every DNS name and address we serve under, and is not expired. */
export function certificateCovers(certPath: string): boolean {
  try {
    const x509 = new X509Certificate(readFileSync(certPath));
    const san = x509.subjectAltName ?? '';
    const stillValid = Date.parse(x509.validTo) > Date.now() + 24 * 3600 * 1000;
    // Node prints an IPv6 SAN compressed ("::1"): compare the addresses through the certificate's own check.
    const ips = ['127.0.0.1', '::1'].every((ip) => x509.checkIP(ip) !== undefined);
    return stillValid && ips && CERT_DNS_NAMES.every((name) => san.split(', ').includes(`DNS:${name}`));
  } catch {
    return false;
  }
}

/**
 * The certificate and key under `dir` (ministack-tls/server.crt, .key), made or remade when a
 * name is missing, it is expired or it is unreadable. Written to temporary names and renamed, so
 * a run interrupted half-way leaves no key without its certificate.
 */
export function ensureCertificate(dir: string): TlsMaterial {
  const tlsDir = join(dir, 'ministack-tls');
  const cert = join(tlsDir, 'server.crt');
  const key = join(tlsDir, 'server.key');
  // `dir` is the state folder: it also holds the emulator's saved data (the local admin token).
  privateDir(dir);
  privateDir(tlsDir);
  if (existsSync(key) && certificateCovers(cert)) return { cert, key: privateFile(key) };
  const tmpCert = `${cert}.${process.pid}.tmp`;
  const tmpKey = `${key}.${process.pid}.tmp`;
  const san = [...CERT_DNS_NAMES.map((n) => `DNS:${n}`), ...CERT_IP_ADDRESSES.map((ip) => `IP:${ip}`)].join(',');
  const args = [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    tmpKey,
    '-out',
    tmpCert,
    '-days',
    '825',
    '-subj',
    '/CN=projet1-local-emulator/O=projet1',
    // A leaf, not a CA: rustls-based clients refuse a CA certificate served as the server's own.
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-addext',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    '-addext',
    'extendedKeyUsage=serverAuth',
    '-addext',
    `subjectAltName=${san}`,
  ];
  const run = spawnSync('openssl', args, { encoding: 'utf8' });
  if (run.status !== 0) {
    rmSync(tmpCert, { force: true });
    rmSync(tmpKey, { force: true });
    throw new UserError(
      `Could not make the emulator's TLS certificate: openssl ${run.error ? 'was not found' : `failed: ${run.stderr.trim().split('\n')[0]}`}.`,
      { hint: 'Install openssl (MiniStack needs it for HTTPS too), then start the emulator again.' },
    );
  }
  chmodSync(tmpKey, 0o600);
  renameSync(tmpKey, key);
  renameSync(tmpCert, cert);
  return { cert, key };
}
