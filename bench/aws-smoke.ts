// Smoke test on real AWS (npm run test:aws): deploys a uniquely named environment with the built CLI,
// checks the API and the website over its CloudFront domain, seeds and lists, rotates the admin token,
// backs up and restores, then `down`: always, on a failure and on Ctrl-C / SIGTERM too. Prints each
// step's time and a rough cost. Without PROJET1_AWS_SMOKE=1 it only says how to run it. Never in CI.
import { ORIGIN_HEADER } from '../runtime/api/edge-header.js';
import { readSecret } from '../src/resources/secret-parameter.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateBackupCommand, DeleteBackupCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AwsClients, type AwsTarget } from '../runtime/aws/clients.js';
import { cliCredentials } from '../src/aws/credentials.js';
import { costReport, type LambdaUsage, lambdaUsage } from './aws-smoke-cost.js';
import { Interrupted, Runner } from './aws-smoke-kit.js';

const USAGE = `Smoke test on real AWS: deploys a throw-away environment (smoke<random>), checks the API, the
website over CloudFront, seeding, token rotation, backup and restore, then deletes everything.

  PROJET1_AWS_SMOKE=1 AWS_PROFILE=<profile> npm run test:aws
  PROJET1_AWS_SMOKE=1 npm run test:aws -- --profile <profile> [--region eu-west-3]
  PROJET1_AWS_SMOKE=1 npm run test:aws -- --endpoint-url http://127.0.0.1:<port>   (an emulator)

It takes 10-30 minutes (a new CloudFront distribution deploys, then is disabled and deleted) and costs
well under one US cent (printed at the end); it cleans up on failure and on Ctrl-C too.
Nothing was done: PROJET1_AWS_SMOKE=1 is not set.
`;
const SEEDED = 25;
const MINUTE = 60_000;

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const parse = <T>(text: string): T => JSON.parse(text) as T;

interface Stack {
  apiUrl: string;
  /** The origin secret's SSM parameter (api.edgeOnly, the default); '' when the API answers directly. */
  originSecret: string;
  websiteUrl: string;
  table: string;
  functionLogGroups: string[];
  alarms: number;
}

async function stackOf(r: Runner, environment: string): Promise<Stack> {
  const out = parse<{ outputs: Record<string, string> }>((await r.must(['outputs', '--json'])).stdout).outputs;
  const names = Object.entries(out).filter(([k]) => /^function\.[^.]+\.name$/.test(k));
  return {
    apiUrl: out.apiUrl ?? '',
    originSecret: out['secret.origin-secret.parameter'] ?? '',
    websiteUrl: out.websiteUrl ?? '',
    table: out['table.name'] ?? `products-${environment}`,
    functionLogGroups: names.map(([, v]) => `/aws/lambda/${v}`),
    alarms: new Set(Object.keys(out).flatMap((k) => (k.startsWith('alarm.') ? [k.split('.')[1]] : []))).size,
  };
}

const listAll = async (r: Runner): Promise<{ product_id: string }[]> =>
  parse<{ items: { product_id: string }[] }>((await r.must(['products', 'list', '--all', '--json'])).stdout).items;

/** The checks, in the order a user meets them. */
/** Items written and read, roughly, for the cost estimate. */
interface Items {
  written: number;
  read: number;
}

async function exercise(
  r: Runner,
  s: Stack,
  aws: AwsClients,
  env: string,
  backups: string[],
  items: Items,
): Promise<void> {
  const onEmulator = new URL(s.apiUrl).hostname === '127.0.0.1' || s.websiteUrl.includes('.localhost');
  if (s.originSecret) {
    // Edge-only: the API's own URL refuses what does not come through the distribution, once it sends the secret.
    const secret = await readSecret(aws, s.originSecret);
    r.edge = { [ORIGIN_HEADER]: secret?.split(' ')[0] ?? '' };
  }
  await r.step('API: GET /products answers 200', () =>
    r.until('the API', 2 * MINUTE, async () =>
      (await r.api(`${s.apiUrl}/products`)).status === 200 ? true : undefined,
    ),
  );
  if (s.originSecret)
    await r.step('API: its own URL refuses a call without the origin secret (403)', async () => {
      const res = await fetch(`${s.apiUrl}/products`, { signal: AbortSignal.timeout(30_000) });
      if (res.status !== 403) throw new Error(`a direct call answered ${res.status}, not 403`);
    });
  await r.step('deploy-website', () => r.must(['deploy-website', '--verbose']));
  await r.step('website answers over CloudFront (a new distribution takes minutes)', async () => {
    await r.until(
      s.websiteUrl,
      onEmulator ? MINUTE : 25 * MINUTE,
      async () => {
        const page = await r.site(s.websiteUrl, '/');
        if (page.status === 200 && /<html/i.test(page.text)) return true;
        throw new Error(`HTTP ${page.status}`);
      },
      onEmulator ? 1000 : 10_000,
    );
    const api = await r.site(s.websiteUrl, '/products?limit=1');
    if (api.status !== 200) throw new Error(`the API through CloudFront answered ${api.status}`);
  });
  await r.step(`seed ${SEEDED} products and list them`, async () => {
    await r.must(['products', 'seed', '--count', String(SEEDED), '--seed', '42', '--yes', '--verbose']);
    const listed = await listAll(r);
    items.written += SEEDED;
    items.read += 2 * SEEDED;
    const page = await r.api(`${s.apiUrl}/products?limit=100`);
    const count = (page.json as { count?: number }).count;
    if (listed.length !== SEEDED || count !== SEEDED)
      throw new Error(`expected ${SEEDED} products, the CLI lists ${listed.length} and the API ${count ?? '?'}`);
  });
  await r.step('rotate the admin token: the new one is accepted, the old one refused', async () => {
    const old = (await r.must(['admin-token', 'show'])).stdout.trim();
    const fresh = (await r.must(['admin-token', 'rotate', '--verbose'])).stdout.trim();
    const made = await r.api(`${s.apiUrl}/products`, 'POST', fresh, {
      name: 'Smoke',
      category: 'smoke',
      price: 1,
      stock: 1,
    });
    if (made.status !== 201) throw new Error(`a write with the new token answered ${made.status}`);
    items.written++;
    // A delete of an id that does not exist: 404 once authorised, 401/403 when the token is refused.
    await r.until('the old token refused', 2 * MINUTE, async () => {
      const res = await r.api(`${s.apiUrl}/products/smoke-none`, 'DELETE', old);
      return res.status === 401 || res.status === 403 ? true : undefined;
    });
  });
  await r.step('back up (CreateBackup), list it with `backups`, delete 3 products, restore --backup', async () => {
    const before = await listAll(r);
    const ddb = aws.client(DynamoDBClient);
    const made = await ddb.send(new CreateBackupCommand({ TableName: s.table, BackupName: `${env}-smoke` }));
    const arn = made.BackupDetails?.BackupArn ?? '';
    backups.push(arn);
    await r.until('the backup to be AVAILABLE', 10 * MINUTE, async () => {
      const list = parse<{ backups: { arn: string; status: string }[] }>((await r.must(['backups', '--json'])).stdout);
      return list.backups.find((b) => b.arn === arn)?.status === 'AVAILABLE' ? true : undefined;
    });
    const token = (await r.must(['admin-token', 'show'])).stdout.trim();
    const gone = before.slice(0, 3).map((p) => p.product_id);
    for (const id of gone) {
      const res = await r.api(`${s.apiUrl}/products/${encodeURIComponent(id)}`, 'DELETE', token);
      if (res.status !== 200) throw new Error(`DELETE ${id} answered ${res.status}`);
    }
    await r.must(['restore', '--backup', arn, '--yes', '--verbose']);
    const after = new Set((await listAll(r)).map((p) => p.product_id));
    // Three deletes; the restore reads the temporary table and rewrites every item; three listings.
    items.written += 3 + before.length;
    items.read += 4 * before.length;
    if (after.size !== before.length || gone.some((id) => !after.has(id)))
      throw new Error(`after the restore: ${after.size} products, expected ${before.length} with ${gone.join(', ')}`);
  });
}

/** `down`, again with --force-unlock when an interrupted run still holds the lock, then the backups. */
async function cleanUp(r: Runner, aws: AwsClients, backups: string[]): Promise<boolean> {
  return r.step('clean up: down --yes, then delete the backups', async () => {
    let down = await r.cli(['down', '--yes', '--verbose']);
    if (down.code !== 0)
      down = await r.cli(['down', '--yes', '--verbose', ...(/lock/i.test(down.stderr) ? ['--force-unlock'] : [])]);
    const made = /Backed up \S+ before deleting it: (\S+)/.exec(down.stderr)?.[1];
    if (made) backups.push(made);
    for (const arn of backups.filter(Boolean)) {
      await aws
        .client(DynamoDBClient)
        .send(new DeleteBackupCommand({ BackupArn: arn }))
        .catch((err: unknown) => log(`  could not delete backup ${arn}: ${String(err)}`));
    }
    if (down.code !== 0)
      throw new Error(`down exited ${down.code}:\n    ${down.stderr.trim().split('\n').slice(-6).join('\n    ')}`);
    const left = await r.cli(['outputs']);
    if (left.code !== 3) throw new Error('`outputs` still finds a deployed stack after down');
    return true;
  });
}

interface Options {
  profile?: string | undefined;
  region?: string | undefined;
  'endpoint-url'?: string | undefined;
}

/** A fresh folder holding the smoke environment's config, and the global options every command gets. */
function prepare(values: Options) {
  const endpoint = values['endpoint-url'];
  const profile = values.profile ?? process.env.AWS_PROFILE;
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'eu-west-3';
  const environment = `smoke${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'projet1-smoke-'));
  const config = {
    environment,
    table: { name: 'products-{environment}', deletionProtection: false, billingMode: 'PAY_PER_REQUEST' },
  };
  writeFileSync(join(dir, 'projet1.config.json'), JSON.stringify(config, null, 2));
  // --region on every command: a flag wins over AWS_REGION, so the CLI and this script agree.
  const globals = [
    '--region',
    region,
    ...(values.profile ? ['--profile', values.profile] : []),
    ...(endpoint ? ['--endpoint-url', endpoint] : []),
  ];
  const target: AwsTarget = { region, endpointUrl: endpoint ?? null, profile: profile ?? null };
  const aws = new AwsClients(target, { credentials: cliCredentials(target) });
  const manual = `cd ${dir} && projet1 down --yes ${globals.join(' ')}`;
  return { environment, dir, globals, aws, manual, where: endpoint ?? region };
}

interface Outcome {
  failure: unknown;
  clean: boolean;
  lambda: LambdaUsage | undefined;
  alarms: number;
  items: Items;
}

/** The run, then the clean-up whatever happened. */
async function run(r: Runner, aws: AwsClients, environment: string, started: number): Promise<Outcome> {
  const backups: string[] = [];
  const items: Items = { written: 0, read: 0 };
  let failure: unknown;
  let stack: Stack | undefined;
  try {
    await r.step('up (cold)', () => r.must(['up', '--yes', '--verbose']));
    stack = await stackOf(r, environment);
    await exercise(r, stack, aws, environment, backups, items);
  } catch (err) {
    failure = err;
  }
  // Before `down` deletes the log groups, whatever stopped the run: what ran is billed all the same.
  const lambda = stack ? await lambdaUsage(aws, stack.functionLogGroups, started) : undefined;
  r.cleaningUp();
  let clean = false;
  try {
    // From up's first call on, a half-made stack needs the clean-up too.
    clean = await cleanUp(r, aws, backups);
  } catch (err) {
    log(String(err));
  }
  return { failure, clean, lambda, alarms: stack?.alarms ?? 0, items };
}

function summary(r: Runner, o: Outcome, wallMs: number): void {
  log('\nSteps:');
  for (const s of r.steps) log(`  ${s.ok ? '✓' : '✗'} ${s.name.padEnd(72)} ${(s.ms / 1000).toFixed(1)}s`);
  log(`  total ${(wallMs / 1000).toFixed(1)}s\n`);
  const lines = costReport({
    lambda: o.lambda && o.lambda.invocations > 0 ? o.lambda : undefined,
    apiRequests: r.requests.api,
    siteRequests: r.requests.site,
    awsCalls: r.requests.aws,
    itemsWritten: o.items.written,
    itemsRead: o.items.read,
    alarms: o.alarms,
    wallMs,
  });
  for (const line of lines) log(line);
}

async function main(): Promise<number> {
  // This process's own SDK clients (backups, logs) would warn about Node 20 as the CLI is told not to.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', short: 'p' },
      region: { type: 'string', short: 'r' },
      'endpoint-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (process.env.PROJET1_AWS_SMOKE !== '1' || values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values['endpoint-url'] && !values.profile && !process.env.AWS_PROFILE) {
    log('A profile is needed on real AWS: set AWS_PROFILE or pass --profile <name> (after `--` with npm run).');
    return 2;
  }
  const { environment, dir, globals, aws, manual, where } = prepare(values);
  const r = new Runner(dir, globals, log);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () =>
      r.onSignal(signal, () => {
        log(`Clean-up abandoned: environment ${environment} may be left. Remove it with: ${manual}`);
        process.exit(130);
      }),
    );
  }
  log(`Smoke test: environment ${environment} in ${where} (${dir}); everything is deleted at the end.`);
  const started = Date.now();
  const o = await run(r, aws, environment, started);
  summary(r, o, Date.now() - started);
  if (o.clean) rmSync(dir, { recursive: true, force: true });
  else log(`\nCLEAN-UP FAILED: environment ${environment} may be left. Remove it with: ${manual}`);
  if (o.failure instanceof Interrupted) {
    log(`\nInterrupted (${o.failure.message}); ${o.clean ? 'everything was cleaned up' : 'see above'}.`);
    return 130;
  }
  if (o.failure) {
    log(`\nSMOKE TEST FAILED: ${o.failure instanceof Error ? o.failure.message : String(o.failure)}`);
    return 1;
  }
  log(o.clean ? '\nSmoke test passed; nothing is left.' : '\nThe checks passed but the clean-up did not.');
  return o.clean ? 0 : 1;
}

// Exit at once: the SDK's kept-alive connections must not hold the process open.
process.exit(await main());
