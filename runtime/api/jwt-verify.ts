// Verifies a Cognito ID or access token of the stack's pool (auth.users) with AWS's aws-jwt-verify:
// signature against the pool's JWKS, issuer, expiry, token use, and the audience (ID token) or client_id
// (access token) of the storefront's client. One verifier per warm container: its JWKS cache is too.
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

export interface AccountClaims {
  sub: string;
  email: string | undefined;
  groups: string[];
}

/**
 * Reads the JWKS at one URL, whatever the issuer would imply. An emulator serves the keys under its own
 * endpoint while its tokens name AWS's issuer; on AWS the two are the same. Node's fetch rather than the
 * library's fetcher, which speaks HTTPS only (an emulator may be plain HTTP).
 */
class PinnedFetcher implements Fetcher {
  constructor(private readonly url: string) {}
  async fetch(): Promise<ArrayBuffer> {
    const res = await fetch(this.url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`JWKS ${this.url} answered ${res.status}`);
    return res.arrayBuffer();
  }
}

export interface PoolSettings {
  userPoolId: string;
  clientId: string;
  jwksUrl: string;
}

export type TokenVerifier = (token: string) => Promise<AccountClaims>;

export function poolVerifier(pool: PoolSettings): TokenVerifier {
  const verifier = CognitoJwtVerifier.create(
    // tokenUse null: an ID token (checked against `aud`) or an access token (against `client_id`).
    { userPoolId: pool.userPoolId, clientId: pool.clientId, tokenUse: null },
    { jwksCache: new SimpleJwksCache({ fetcher: new PinnedFetcher(pool.jwksUrl) }) },
  );
  return async (token) => {
    const payload = await verifier.verify(token);
    const groups = payload['cognito:groups'];
    const email = payload.email;
    return {
      sub: payload.sub,
      email: typeof email === 'string' ? email : undefined,
      groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
    };
  };
}

/** A JWT's shape (three base64url parts); the machine token (`p1_…`) never has it. */
export const looksLikeJwt = (token: string): boolean => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
