// `status`'s live probes: the API (one product) and the website's front page, as a viewer reaches
// them. When the API answers only through the site (api.edgeOnly), the API probe presents the origin
// secret CloudFront would send, so it tells whether the API itself answers.
import { ORIGIN_HEADER } from '../../runtime/api/edge-header.js';
import { readSecret } from '../resources/secret-parameter.js';
import { probe, type ProbeResult } from './probe.js';
import type { Session } from './session.js';

export type ProbeKind = 'api' | 'website';
/** `region`: with regions.secondary, the region of the API probed (each region's API is probed). */
export type StackProbe = ProbeResult & { kind: ProbeKind; region?: string };

async function edgeHeaders(session: Session): Promise<Record<string, string>> {
  const secret = session.stack.parts.originSecret;
  const value = secret ? await readSecret(session.aws, secret.desired.name) : undefined;
  const current = value?.split(/\s+/)[0];
  return current ? { [ORIGIN_HEADER]: current } : {};
}

export async function stackProbes(session: Session, out: Record<string, string>): Promise<StackProbe[]> {
  const ca = session.aws.target.caBundle ?? [];
  const products = (url: string | undefined) => (url ? `${url}/products?limit=1` : undefined);
  // With regions.secondary, each region's API (the secondary's checks the same origin secret, copied).
  const secondary = session.stack.parts.secondary;
  const secondaryUrl = secondary ? out[`${secondary.stage.id.replace(':', '.')}.url`] : undefined;
  const targets: [ProbeKind, string | undefined, string | undefined][] = [
    ['api', products(out.apiUrl), secondary ? session.env.region : undefined],
    ['website', out.websiteUrl ? `${out.websiteUrl}/` : undefined, undefined],
    ['api', products(secondaryUrl), secondary?.region],
  ];
  const edge = out.apiUrl || secondaryUrl ? await edgeHeaders(session) : {};
  return Promise.all(
    targets.flatMap(([kind, url, region]) =>
      url === undefined
        ? []
        : [
            probe(url, { ca, headers: kind === 'api' ? edge : {} }).then((r) => ({
              kind,
              ...r,
              ...(region ? { region } : {}),
            })),
          ],
    ),
  );
}
