// The site's own domain on the emulator (website.domain), through the real CLI: the certificate in
// us-east-1 whatever the stack's region, its validation records and the alias records in the
// account's zone, the distribution's names, certificate and TLS policy, a deleted record repaired
// by the next `up`, the API still answering under the distribution, and a `down` that removes what
// it made and nothing else in the zone. MiniStack issues certificates at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACMClient, DescribeCertificateCommand, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { CloudFrontClient, GetDistributionConfigCommand } from '@aws-sdk/client-cloudfront';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import type { Change } from '../../src/engine/types.js';
import { CLOUDFRONT_ZONE_ID } from '../../src/resources/route53-record.js';
import { call, deploy, type Deployed } from '../helpers/api.js';
import { runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { viaCloudFront } from '../helpers/site.js';

const DOMAIN = 'shop.example.com';
const WWW = 'www.shop.example.com';
/** A record of the user's own, in the same zone: `down` must leave it. */
const THEIRS: ResourceRecordSet = {
  Name: 'mail.example.com.',
  Type: 'CNAME',
  TTL: 300,
  ResourceRecords: [{ Value: 'mx.example.net' }],
};

let stack: Deployed;
let zoneId = '';
const emulator = useEmulator(async (h) => {
  const r53 = emulatorClients(h.endpoint).client(Route53Client);
  const zone = await r53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: `t-${Date.now()}` }));
  zoneId = (zone.HostedZone?.Id ?? '').replace('/hostedzone/', '');
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: THEIRS }] },
    }),
  );
  // Edge-only as by default: the API must keep answering through the distribution once it has the domain.
  stack = await deploy(h.endpoint, { website: { domain: DOMAIN, alternateDomains: [WWW] }, api: { edgeOnly: null } });
});
const aws = (region = 'eu-west-3') => emulatorClients(emulator.get().endpoint, region);
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: stack.dir });
const changed = (changes: Change[]) => changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.id}`);

async function records(): Promise<ResourceRecordSet[]> {
  const res = await aws()
    .client(Route53Client)
    .send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
  return res.ResourceRecordSets ?? [];
}
const named = (sets: ResourceRecordSet[], name: string, type: string) =>
  sets.find((s) => s.Name === `${name}.` && s.Type === type);

async function certificates(region: string) {
  const res = await aws(region).client(ACMClient).send(new ListCertificatesCommand({}));
  return (res.CertificateSummaryList ?? []).filter((c) => c.DomainName === DOMAIN);
}

async function distributionConfig() {
  const outputs = (await cli('outputs', '--json')).json<{ outputs: Record<string, string> }>().outputs;
  const id = outputs['distribution.id'] ?? '';
  const res = await aws()
    .client(CloudFrontClient)
    .send(new GetDistributionConfigCommand({ Id: id }));
  return { config: res.DistributionConfig, domainName: outputs['distribution.domainName'] ?? '' };
}

describe('website.domain', () => {
  it('requests the certificate in us-east-1, not in the stack region, for every name', async () => {
    const [cert, ...more] = await certificates('us-east-1');
    assert.ok(cert, 'a certificate for the domain in us-east-1');
    assert.equal(more.length, 0, 'one certificate');
    assert.equal(cert.Status, 'ISSUED');
    const detail = await aws('us-east-1')
      .client(ACMClient)
      .send(new DescribeCertificateCommand({ CertificateArn: cert.CertificateArn }));
    assert.deepEqual([...(detail.Certificate?.SubjectAlternativeNames ?? [])].sort(), [DOMAIN, WWW].sort());
    assert.deepEqual(await certificates('eu-west-3'), [], 'none in the stack region');
  });

  it('gives the distribution the names, the certificate and TLSv1.2_2021', async () => {
    const { config } = await distributionConfig();
    const [cert] = await certificates('us-east-1');
    assert.deepEqual([...(config?.Aliases?.Items ?? [])].sort(), [DOMAIN, WWW].sort());
    assert.equal(config?.ViewerCertificate?.ACMCertificateArn, cert?.CertificateArn);
    assert.equal(config?.ViewerCertificate?.MinimumProtocolVersion, 'TLSv1.2_2021');
    assert.equal(config?.ViewerCertificate?.SSLSupportMethod, 'sni-only');
  });

  it('the API still answers through the distribution under the domain, and only there', async () => {
    // MiniStack routes its CloudFront by the distribution's own host, never by an alias: the same distribution.
    const out = (await cli('outputs', '--json')).json<{ outputs: Record<string, string> }>().outputs;
    const { config } = await distributionConfig();
    assert.deepEqual([...(config?.Aliases?.Items ?? [])].sort(), [DOMAIN, WWW].sort(), 'the domain is on');
    const api = await viaCloudFront(out.websiteUrl ?? '', '/products?limit=1');
    assert.equal(api.status, 200, api.text);
    assert.ok(Array.isArray((JSON.parse(api.text) as { items: unknown }).items));
    assert.equal((await call(`${stack.url}/products`, 'GET')).status, 403, 'not around the distribution');
  });

  it('writes the validation CNAMEs and alias A/AAAA records to the distribution', async () => {
    const sets = await records();
    const { domainName } = await distributionConfig();
    for (const name of [DOMAIN, WWW])
      for (const type of ['A', 'AAAA']) {
        const set = named(sets, name, type);
        assert.equal(set?.AliasTarget?.HostedZoneId, CLOUDFRONT_ZONE_ID, `${type} ${name}`);
        assert.equal(set?.AliasTarget?.DNSName?.replace(/\.$/, ''), domainName, `${type} ${name}`);
      }
    const cnames = sets.filter((s) => s.Type === 'CNAME' && s.Name?.startsWith('_'));
    assert.equal(cnames.length, 2, 'one validation record per name');
    assert.equal((await cli('plan', '--exit-code')).code, 0, 'a second plan changes nothing');
  });

  it('repairs a deleted record with the next up', async () => {
    const a = named(await records(), DOMAIN, 'A');
    assert.ok(a);
    await aws()
      .client(Route53Client)
      .send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: { Changes: [{ Action: 'DELETE', ResourceRecordSet: a }] },
        }),
      );
    const plan = await cli('plan', '--json');
    assert.deepEqual(changed(plan.json<{ changes: Change[] }>().changes), [`create dns-record:${DOMAIN}:A`]);
    assert.equal((await cli('up', '--yes')).code, 0);
    assert.ok(named(await records(), DOMAIN, 'A'), 'written again');
    assert.equal((await cli('plan', '--exit-code')).code, 0, 'repaired');
  });

  it('down removes its records and certificate and leaves the rest of the zone', async () => {
    const down = await cli('down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    const left = await records();
    assert.deepEqual(left.map((s) => `${s.Name} ${s.Type}`).sort(), [
      'example.com. NS',
      'example.com. SOA',
      'mail.example.com. CNAME',
    ]);
    assert.deepEqual(await certificates('us-east-1'), []);
    const zone = await aws()
      .client(Route53Client)
      .send(new GetHostedZoneCommand({ Id: zoneId }));
    assert.ok(zone.HostedZone, 'the zone stays');
  });
});
