// The site's own domain while ACM has not issued its certificate, through the fault proxy's AWS
// behaviours (MiniStack issues at once): the validation records come some seconds after the
// request, and the certificate stays PENDING_VALIDATION while ACM cannot read them publicly. `up`
// does not wait: it writes the validation records, leaves the distribution on its own domain, and
// says why; `status` names the cause it can see (the zone's name servers are not the domain's in
// public DNS); once the certificate is issued, the next `up` gives the distribution its names.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { CloudFrontClient, GetDistributionConfigCommand } from '@aws-sdk/client-cloudfront';
import {
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import type { DomainStatus } from '../../src/core/domain-status.js';
import { acmPendingValidation, acmValidationRecordsLater } from '../helpers/aws-behaviour/acm.js';
import { awsLike } from '../helpers/aws-behaviour/index.js';
import { BIN, cleanEnv, projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';

const DOMAIN = 'shop.example.org';
const unvalidated = { on: true };
let proxy: FaultProxy | undefined;
let zoneId = '';
const emulator = useEmulator(
  async (h) => {
    const zone = await emulatorClients(h.endpoint)
      .client(Route53Client)
      .send(new CreateHostedZoneCommand({ Name: 'example.org', CallerReference: `t-${Date.now()}` }));
    zoneId = (zone.HostedZone?.Id ?? '').replace('/hostedzone/', '');
    proxy = await startFaultProxy(
      h.endpoint,
      // Records 5 s after the request: 0.2 puts them a second later, so `up` must wait for them.
      // CloudFront's minutes of InProgress are not what this file tests: at 0.02 (3.6 s) instead of 36 s a change.
      awsLike(0.2, {
        behaviours: [acmValidationRecordsLater, acmPendingValidation(unvalidated)],
        cloudfrontMs: Math.round(180_000 * 0.02),
      }),
    );
  },
  { ownProxy: true },
);
after(async () => {
  await proxy?.close();
});

const dir = projectDir({ website: { domain: DOMAIN } });
/** Public DNS as tests fake it: the domain delegated to name servers that are not the zone's. */
const env = cleanEnv({ PROJET1_TEST_PUBLIC_NS: JSON.stringify({ 'example.org': ['ns1.registrar-parking.net'] }) });
const via = (...args: string[]) => {
  if (!proxy) throw new Error('no proxy');
  return runCli([...args, '--endpoint-url', proxy.url], { cwd: dir, env });
};
const direct = () => emulatorClients(emulator.get().endpoint);

async function records(): Promise<ResourceRecordSet[]> {
  const res = await direct()
    .client(Route53Client)
    .send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
  return res.ResourceRecordSets ?? [];
}

async function viewer() {
  const out = (await via('outputs', '--json')).json<{ outputs: Record<string, string> }>().outputs;
  const res = await direct()
    .client(CloudFrontClient)
    .send(new GetDistributionConfigCommand({ Id: out['distribution.id'] ?? '' }));
  return res.DistributionConfig;
}

describe('website.domain while the certificate is pending validation', () => {
  it('up succeeds without blocking, writes the validation record and says why the domain waits', async () => {
    const up = await via('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    assert.ok((proxy?.injected.get('acm-validation-records-later') ?? 0) > 0, 'the records came late');
    const cnames = (await records()).filter((s) => s.Type === 'CNAME' && s.Name?.startsWith('_'));
    assert.equal(cnames.length, 1, 'the validation record is written by the first up');
    assert.match(up.stderr, /Domain shop\.example\.org: certificate pending \(PENDING_VALIDATION\)/);
    assert.match(up.stderr, new RegExp(`${cnames[0]?.Name?.replace(/\.$/, '')} CNAME`));
    const config = await viewer();
    assert.equal(config?.Aliases?.Quantity ?? 0, 0, 'no aliases before the certificate is issued');
    assert.equal(config?.ViewerCertificate?.CloudFrontDefaultCertificate, true);
    assert.equal(
      (await records()).filter((s) => s.Type === 'A' || s.Type === 'AAAA').length,
      0,
      'no alias record to a distribution that does not answer on the name yet',
    );
  });

  it('status says the certificate is pending, why (the name servers), and the records', async () => {
    const status = await via('status', '--json');
    assert.equal(status.code, 2, 'needs attention');
    const { domain } = status.json<{ domain: DomainStatus }>();
    assert.equal(domain.certificateStatus, 'PENDING_VALIDATION');
    assert.equal(domain.zoneId, zoneId);
    assert.match(
      domain.reason ?? '',
      /example\.org's name servers in public DNS \(ns1\.registrar-parking\.net\) are not the zone's/,
    );
    assert.ok(domain.records.some((r) => / CNAME _?[a-z0-9]/.test(r)));
  });

  it('once ACM issues it, the next up gives the distribution the domain', async () => {
    unvalidated.on = false;
    const up = await via('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    const config = await viewer();
    assert.deepEqual(config?.Aliases?.Items, [DOMAIN]);
    assert.equal(config?.ViewerCertificate?.MinimumProtocolVersion, 'TLSv1.2_2021');
    assert.equal((await records()).filter((s) => s.Type === 'A' || s.Type === 'AAAA').length, 2);
    const down = await via('down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual((await records()).map((s) => s.Type).sort(), ['NS', 'SOA']);
  });

  it('up --wait waits until ACM issues the certificate, then gives the distribution the domain', async () => {
    unvalidated.on = true;
    if (!proxy) throw new Error('no proxy');
    const child = spawn(process.execPath, [BIN, 'up', '--yes', '--wait', '--endpoint-url', proxy.url], {
      cwd: dir,
      env,
    });
    let stderr = '';
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    // Issued only once `up` says it waits for it: the wait, not the first pass, must give the domain.
    const waiting = new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('waiting for ACM to issue the certificate')) resolve();
      }),
    );
    await Promise.race([waiting, exited]);
    assert.match(stderr, /waiting for ACM to issue the certificate/, 'up --wait says what it waits for');
    assert.equal((await viewer())?.Aliases?.Quantity ?? 0, 0, 'not before the certificate is issued');
    unvalidated.on = false;
    assert.equal(await exited, 0, stderr);
    assert.deepEqual((await viewer())?.Aliases?.Items, [DOMAIN]);
    assert.equal((await records()).filter((s) => s.Type === 'A' || s.Type === 'AAAA').length, 2);
  });
});
