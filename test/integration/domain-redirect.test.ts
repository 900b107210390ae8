// website.redirectWww and the removal of website.domain on the emulator, through the real CLI and
// the fault proxy (only for its AWS behaviour that the Resource Groups Tagging API lists ACM
// certificates, which MiniStack's does not). The redirect is a CloudFront Function published to
// LIVE and associated with the default behaviour; MiniStack's data plane runs it, but routes a
// viewer by the distribution's own host only, so a www request cannot reach it: the redirect itself
// is the unit test's (cloudfront-function-code.test.ts); here the apex serves through it, and what
// the edge runs is the LIVE code (a hand-published change shows in the answers, and is repaired).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ACMClient, DescribeCertificateCommand, ListCertificatesCommand } from '@aws-sdk/client-acm';
import {
  CloudFrontClient,
  DescribeFunctionCommand,
  GetDistributionConfigCommand,
  GetFunctionCommand,
  PublishFunctionCommand,
  UpdateDistributionCommand,
  UpdateFunctionCommand,
} from '@aws-sdk/client-cloudfront';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import type { Change } from '../../src/engine/types.js';
import { redirectCode } from '../../src/resources/cloudfront-function-code.js';
import { awsLike } from '../helpers/aws-behaviour/index.js';
import { taggingListsCertificates } from '../helpers/aws-behaviour/tagging.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { viaCloudFront } from '../helpers/site.js';

const DOMAIN = 'shop.example.com';
const WWW = 'www.shop.example.com';
const FUNCTION = 'projet1-serverless-development-eu-west-3-www';
/** A record of the user's own, in the same zone: nothing projet1 does may touch it. */
const THEIRS: ResourceRecordSet = {
  Name: 'mail.example.com.',
  Type: 'CNAME',
  TTL: 300,
  ResourceRecords: [{ Value: 'mx.example.net' }],
};

/** Each write of the function has its first answer lost once (after it took effect): `up` and `down` still finish. */
const LOSE = [
  'cloudfront.CreateFunction',
  'cloudfront.UpdateFunction',
  'cloudfront.PublishFunction',
  'cloudfront.DeleteFunction',
];

let proxy: FaultProxy | undefined;
let zoneId = '';
const emulator = useEmulator(
  async (h) => {
    const r53 = emulatorClients(h.endpoint).client(Route53Client);
    const zone = await r53.send(
      new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: `t-${Date.now()}` }),
    );
    zoneId = (zone.HostedZone?.Id ?? '').replace('/hostedzone/', '');
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: THEIRS }] },
      }),
    );
    proxy = await startFaultProxy(
      h.endpoint,
      awsLike(0.01, { behaviours: [taggingListsCertificates], loseFirstAnswerOf: LOSE }),
    );
  },
  { ownProxy: true },
);
after(async () => {
  await proxy?.close();
});

const dir = projectDir({ website: { domain: DOMAIN, redirectWww: true } });
const configure = (website: Record<string, unknown>) =>
  writeFileSync(join(dir, 'projet1.config.json'), JSON.stringify({ website }, null, 2));
const cli = (...args: string[]) => {
  if (!proxy) throw new Error('no proxy');
  return runCli([...args, '--endpoint-url', proxy.url], { cwd: dir });
};
const aws = (region = 'eu-west-3') => emulatorClients(emulator.get().endpoint, region);
const cf = () => aws().client(CloudFrontClient);
const changed = (changes: Change[]) => changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.id}`);

async function outputs(): Promise<Record<string, string>> {
  return (await cli('outputs', '--json')).json<{ outputs: Record<string, string> }>().outputs;
}

async function distribution() {
  const res = await cf().send(new GetDistributionConfigCommand({ Id: (await outputs())['distribution.id'] ?? '' }));
  return { config: res.DistributionConfig, etag: res.ETag ?? '' };
}

const viewerRequestFunction = async () =>
  (await distribution()).config?.DefaultCacheBehavior?.FunctionAssociations?.Items?.find(
    (f) => f.EventType === 'viewer-request',
  )?.FunctionARN;

async function liveCode(): Promise<string> {
  const res = await cf().send(new GetFunctionCommand({ Name: FUNCTION, Stage: 'LIVE' }));
  return Buffer.from(res.FunctionCode ?? []).toString('utf8');
}

async function records(): Promise<string[]> {
  const res = await aws()
    .client(Route53Client)
    .send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
  return (res.ResourceRecordSets ?? []).map((s) => `${s.Name} ${s.Type}`).sort();
}

async function certificates() {
  const res = await aws('us-east-1').client(ACMClient).send(new ListCertificatesCommand({}));
  return res.CertificateSummaryList ?? [];
}

const site = async (path = '/') => viaCloudFront((await outputs()).websiteUrl ?? '', path);
const ONLY_THEIRS = ['example.com. NS', 'example.com. SOA', 'mail.example.com. CNAME'];

describe('website.redirectWww', () => {
  it('plan shows the function; up publishes it and runs it on the default behaviour', async () => {
    const plan = await cli('plan', '--json');
    assert.ok(changed(plan.json<{ changes: Change[] }>().changes).includes('create www-redirect'));
    const up = await cli('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    const fn = await cf().send(new DescribeFunctionCommand({ Name: FUNCTION, Stage: 'LIVE' }));
    assert.equal(fn.FunctionSummary?.FunctionConfig?.Runtime, 'cloudfront-js-2.0');
    assert.equal(await liveCode(), redirectCode(DOMAIN), 'LIVE runs the redirect');
    assert.equal(await viewerRequestFunction(), fn.FunctionSummary?.FunctionMetadata?.FunctionARN);
    assert.equal((await cli('plan', '--exit-code')).code, 0, 'a second plan changes nothing');
  });

  it('puts www.<domain> on the certificate, the distribution and the records', async () => {
    const [cert] = (await certificates()).filter((c) => c.DomainName === DOMAIN);
    const detail = await aws('us-east-1')
      .client(ACMClient)
      .send(new DescribeCertificateCommand({ CertificateArn: cert?.CertificateArn }));
    assert.deepEqual([...(detail.Certificate?.SubjectAlternativeNames ?? [])].sort(), [DOMAIN, WWW]);
    assert.deepEqual([...((await distribution()).config?.Aliases?.Items ?? [])].sort(), [DOMAIN, WWW]);
    const sets = await records();
    for (const type of ['A', 'AAAA']) assert.ok(sets.includes(`${WWW}. ${type}`), `${type} ${WWW}`);
  });

  it('the apex still serves the site through the function', async () => {
    assert.equal((await cli('deploy-website')).code, 0);
    const reply = await site('/index.html');
    assert.equal(reply.status, 200);
    assert.match(reply.text, /<html/i);
  });

  it('repairs code changed and published by hand: the edge runs ours again', async () => {
    const dev = await cf().send(new GetFunctionCommand({ Name: FUNCTION, Stage: 'DEVELOPMENT' }));
    const teapot = 'function handler(event) { return { statusCode: 418, statusDescription: "Teapot" }; }';
    await cf().send(
      new UpdateFunctionCommand({
        Name: FUNCTION,
        IfMatch: dev.ETag,
        FunctionConfig: { Comment: 'by hand', Runtime: 'cloudfront-js-2.0' },
        FunctionCode: Buffer.from(teapot),
      }),
    );
    // AWS names UpdateFunction's ETag header "ETtag" (the SDK reads that): read the new version's instead.
    const fresh = await cf().send(new GetFunctionCommand({ Name: FUNCTION, Stage: 'DEVELOPMENT' }));
    await cf().send(new PublishFunctionCommand({ Name: FUNCTION, IfMatch: fresh.ETag }));
    assert.equal((await site('/index.html')).status, 418, 'the emulator runs the LIVE code');
    const plan = await cli('plan', '--json');
    assert.deepEqual(changed(plan.json<{ changes: Change[] }>().changes), ['update www-redirect']);
    assert.equal((await cli('up', '--yes')).code, 0);
    assert.equal(await liveCode(), redirectCode(DOMAIN));
    assert.equal((await site('/index.html')).status, 200);
  });

  it('repairs the association removed by hand', async () => {
    const { config, etag } = await distribution();
    assert.ok(config?.DefaultCacheBehavior);
    config.DefaultCacheBehavior.FunctionAssociations = { Quantity: 0, Items: [] };
    const id = (await outputs())['distribution.id'];
    await cf().send(new UpdateDistributionCommand({ Id: id, IfMatch: etag, DistributionConfig: config }));
    assert.equal(await viewerRequestFunction(), undefined);
    const plan = await cli('plan', '--json');
    const changes = plan.json<{ changes: Change[] }>().changes;
    assert.deepEqual(
      changed(changes),
      ['update distribution'],
      JSON.stringify(changes.filter((c) => c.action !== 'no-op')),
    );
    assert.equal((await cli('up', '--yes')).code, 0);
    assert.match((await viewerRequestFunction()) ?? '', /:function\//);
  });

  it('turned off, the distribution lets go of the function and it is deleted', async () => {
    // www stays a name of the site (an alternate): the certificate's names do not change.
    configure({ domain: DOMAIN, alternateDomains: [WWW], redirectWww: false });
    const up = await cli('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    assert.equal(await viewerRequestFunction(), undefined);
    await assert.rejects(cf().send(new DescribeFunctionCommand({ Name: FUNCTION, Stage: 'DEVELOPMENT' })), {
      name: 'NoSuchFunctionExists',
    });
    assert.equal((await cli('plan', '--exit-code')).code, 0);
  });
});

describe('website.domain set back to null', () => {
  it('up removes the certificate and its records once the distribution has dropped them, and nothing else', async () => {
    configure({ domain: null });
    const plan = await cli('plan', '--json');
    const planned = changed(plan.json<{ changes: Change[] }>().changes);
    assert.ok(planned.includes('update distribution'), planned.join(', '));
    assert.ok(
      planned.some((c) => c.startsWith('delete found:certificate:')),
      planned.join(', '),
    );
    const up = await cli('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(await records(), ONLY_THEIRS);
    assert.deepEqual(
      (await certificates()).filter((c) => c.DomainName === DOMAIN),
      [],
    );
    const { config } = await distribution();
    assert.equal(config?.Aliases?.Quantity ?? 0, 0);
    assert.equal(config?.ViewerCertificate?.CloudFrontDefaultCertificate, true);
    assert.equal((await cli('plan', '--exit-code')).code, 0, 'nothing left to do');
  });

  it('down removes them too when the domain was taken out of the configuration before it', async () => {
    configure({ domain: DOMAIN, redirectWww: true });
    assert.equal((await cli('up', '--yes')).code, 0);
    assert.ok((await records()).includes(`${WWW}. A`));
    configure({ domain: null });
    const down = await cli('down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await records(), ONLY_THEIRS);
    assert.deepEqual(
      (await certificates()).filter((c) => c.DomainName === DOMAIN),
      [],
    );
    await assert.rejects(cf().send(new DescribeFunctionCommand({ Name: FUNCTION, Stage: 'DEVELOPMENT' })), {
      name: 'NoSuchFunctionExists',
    });
    assert.deepEqual(
      LOSE.filter((op) => !proxy?.lostOnce.has(op)),
      [],
      'every write of the function had its answer lost once',
    );
  });
});
