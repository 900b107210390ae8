// A secret kept in an SSM SecureString (the admin token, the origin secret), as a function checks
// what a request presents against it. The value is cached for a while; a presented value that does
// not match may be a freshly rotated one, so the parameter is read again, but only once per distinct
// value (until the secret changes) and at most 5 times a second, so a flood of bad values costs SSM little.
import { createHash, timingSafeEqual } from 'node:crypto';
import { GetParameterCommand, type GetParameterCommandOutput, SSMClient } from '@aws-sdk/client-ssm';
import type { AwsClients } from './clients.js';

const MAX_FORCED_READS_PER_SECOND = 5;
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** A throttling answer, a server fault or no answer at all (the SDK's own retries spent). */
function unavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const meta: unknown = '$metadata' in err ? err.$metadata : undefined;
  const status =
    typeof meta === 'object' && meta !== null && 'httpStatusCode' in meta && typeof meta.httpStatusCode === 'number'
      ? meta.httpStatusCode
      : undefined;
  // No HTTP status: the request never got an answer (network, timeout).
  if (status === undefined) return !('$fault' in err);
  return status === 429 || status >= 500 || /Throttl/.test(err.name);
}

export class SecretCache {
  private cached: { digests: Buffer[]; key: string; at: number } | undefined;
  /** The parameter holds the open value: nothing is enforced. */
  private open = false;
  private readonly rejected = new Set<string>();
  private readonly forcedReads: number[] = [];

  constructor(
    private readonly clients: () => AwsClients,
    private readonly parameter: string,
    private readonly ttlMs: number,
    /** A value that, among the parameter's, means "accept anything" (not enforced yet); none by default. */
    private readonly openValue?: string,
  ) {}

  /** Whether `given` is the secret, or one of its whitespace-separated values (current, then previous). */
  async matches(given: string): Promise<boolean> {
    const d = digest(given);
    if (this.anyEqual(d, await this.current(false)) || this.open) return true;
    return this.mayReread(d) && (this.anyEqual(d, await this.current(true)) || this.open);
  }

  private anyEqual(d: Buffer, digests: Buffer[]): boolean {
    // Every value is compared (no early exit), each in constant time.
    return digests.reduce((hit, e) => timingSafeEqual(d, e) || hit, false);
  }

  private mayReread(d: Buffer): boolean {
    const key = d.toString('base64');
    const now = Date.now();
    while (this.forcedReads.length > 0 && now - (this.forcedReads[0] ?? 0) >= 1000) this.forcedReads.shift();
    if (this.rejected.has(key) || this.forcedReads.length >= MAX_FORCED_READS_PER_SECOND) return false;
    this.forcedReads.push(now);
    if (this.rejected.size >= 1000) this.rejected.clear();
    this.rejected.add(key);
    return true;
  }

  private async current(force: boolean): Promise<Buffer[]> {
    if (!force && this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.digests;
    let res: GetParameterCommandOutput;
    try {
      res = await this.clients()
        .client(SSMClient)
        .send(new GetParameterCommand({ Name: this.parameter, WithDecryption: true }));
    } catch (err) {
      // SSM throttled (a flood of wrong values forces re-reads; GetParameter's default quota is 40 a second per
      // account) or failing: the value read last still holds, rather than failing every request meanwhile. Never
      // for a refusal (access taken away, parameter deleted): that must stop the secret from working.
      if (this.cached && unavailable(err)) return this.cached.digests;
      throw err;
    }
    const all = (res.Parameter?.Value ?? '').split(/\s+/).filter(Boolean);
    this.open = this.openValue !== undefined && all.includes(this.openValue);
    const values = all.filter((v) => v !== this.openValue);
    if (values.length === 0) throw new Error(`parameter ${this.parameter} is empty`);
    const digests = values.map(digest);
    const key = digests.map((x) => x.toString('base64')).join(' ');
    // A new secret: values refused before may be judged again.
    if (this.cached && this.cached.key !== key) this.rejected.clear();
    this.cached = { digests, key, at: Date.now() };
    return digests;
  }
}
