// Handler figures: bundle sizes, module init time (a fresh process per bundle), and
// per-request overhead (parse, validate, marshal, respond) with DynamoDB answered
// instantly by an in-memory HTTP handler, so the network call itself is excluded.
// Run: npm run bench:handlers
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { bundleHandlers } from '../src/build/bundle.js';
import { FUNCTIONS } from '../src/config/functions.js';
import { PACKAGE_ROOT } from '../src/paths.js';

const N = Number(process.env.BENCH_REQUESTS ?? 20000);
const percentile = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;
const round = (x: number): number => Math.round(x * 1000) / 1000;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

async function sizesAndInit(): Promise<Record<string, { bundleKB: number; zipKB: number; initMsMedian: number }>> {
  const packages = await bundleHandlers(
    PACKAGE_ROOT,
    FUNCTIONS.map((f) => f.id),
  );
  const dir = mkdtempSync(join(tmpdir(), 'projet1-init-'));
  const out: Record<string, { bundleKB: number; zipKB: number; initMsMedian: number }> = {};
  for (const p of packages.values()) {
    const unzip = spawnSync(
      'node',
      [
        '-e',
        `const z=require('zlib'),f=require('fs');const b=f.readFileSync(0);const n=b.readUInt16LE(26);const s=b.readUInt32LE(18);f.writeFileSync(${JSON.stringify(join(dir, `${p.id}.js`))}, z.inflateRawSync(b.subarray(30+n,30+n+s)))`,
      ],
      { input: p.zip },
    );
    if (unzip.status !== 0) throw new Error(unzip.stderr.toString());
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = spawnSync(
        process.execPath,
        [
          '-e',
          `const t=performance.now();require(${JSON.stringify(join(dir, `${p.id}.js`))});process.stdout.write(String(performance.now()-t))`,
        ],
        { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'eu-west-3' } },
      );
      runs.push(Number(r.stdout));
    }
    out[p.id] = {
      bundleKB: Math.round(p.bundleBytes / 1024),
      zipKB: Math.round(p.zip.length / 1024),
      initMsMedian: round(percentile(runs, 50)),
    };
  }
  return out;
}

const ITEM = {
  product_id: { S: 'b7f6c7a2-1a8e-4a57-9d7e-3f0b8f2d1c11' },
  name: { S: 'Lamp' },
  category: { S: 'home' },
  price: { N: '19.99' },
  stock: { N: '3' },
  created_at: { S: '2026-01-01T00:00:00.000Z' },
  updated_at: { S: '2026-01-01T00:00:00.000Z' },
  version: { N: '1' },
};

async function overhead(): Promise<
  Record<string, { p50Us: number; p99Us: number; excludingDynamoDbCall: { p50Us: number; p99Us: number } }>
> {
  process.env.TABLE_NAME = 'products-catalog';
  process.env.AWS_REGION = 'eu-west-3';
  process.env.AWS_ACCESS_KEY_ID = 'bench';
  process.env.AWS_SECRET_ACCESS_KEY = 'bench';
  const { lambdaClients } = await import('../runtime/api/lambda-clients.js');
  const { apiHandler } = await import('../runtime/api/http.js');
  const routes = await import('../runtime/api/routes.js');
  const client = lambdaClients().client(DynamoDBClient);
  // Time spent inside the awaited DynamoDB call (the document client's send: marshalling,
  // signing, the in-memory round trip) is measured so it can be taken out.
  const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
  let inSend = 0;
  const send = DynamoDBDocumentClient.prototype.send;
  DynamoDBDocumentClient.prototype.send = async function timed(this: unknown, ...args: unknown[]) {
    const t = process.hrtime.bigint();
    try {
      return await (send as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    } finally {
      inSend += Number(process.hrtime.bigint() - t) / 1000;
    }
  } as typeof send;
  const answers: Record<string, object> = {
    GetItem: { Item: ITEM },
    PutItem: {},
    Scan: { Items: Array.from({ length: 20 }, () => ITEM), Count: 20 },
    Query: { Items: Array.from({ length: 20 }, () => ITEM), Count: 20 },
  };
  client.config.requestHandler = {
    handle: async (req: { headers: Record<string, string> }) => {
      const op = (req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      const body = Buffer.from(JSON.stringify(answers[op] ?? {}));
      return {
        response: {
          statusCode: 200,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: Readable.from([body]),
        },
      };
    },
  } as unknown as typeof client.config.requestHandler;

  const cases: Record<string, [ReturnType<typeof apiHandler>, Record<string, unknown>]> = {
    'get-products': [apiHandler(routes.getProducts), { httpMethod: 'GET', queryStringParameters: { limit: '20' } }],
    'get-products?category': [
      apiHandler(routes.getProducts),
      { httpMethod: 'GET', queryStringParameters: { category: 'home' } },
    ],
    'get-product-by-id': [
      apiHandler(routes.getProductById),
      { httpMethod: 'GET', pathParameters: { product_id: 'b7f6c7a2-1a8e-4a57-9d7e-3f0b8f2d1c11' } },
    ],
    'create-product': [
      apiHandler(routes.createProduct),
      {
        httpMethod: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Lamp', category: 'home', price: 19.99, stock: 3, description: 'warm' }),
      },
    ],
    'create-product (invalid)': [
      apiHandler(routes.createProduct),
      { httpMethod: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":5}' },
    ],
  };
  const out: Record<string, { p50Us: number; p99Us: number; excludingDynamoDbCall: { p50Us: number; p99Us: number } }> =
    {};
  for (const [name, [handler, event]] of Object.entries(cases)) {
    for (let i = 0; i < 2000; i++) await handler(event as never); // warm up (JIT)
    const samples: number[] = [];
    const own: number[] = [];
    for (let i = 0; i < N; i++) {
      inSend = 0;
      const t = process.hrtime.bigint();
      await handler(event as never);
      const total = Number(process.hrtime.bigint() - t) / 1000;
      samples.push(total);
      own.push(total - inSend);
    }
    out[name] = {
      p50Us: Math.round(percentile(samples, 50)),
      p99Us: Math.round(percentile(samples, 99)),
      excludingDynamoDbCall: { p50Us: Math.round(percentile(own, 50)), p99Us: Math.round(percentile(own, 99)) },
    };
  }
  return out;
}

const bundles = await sizesAndInit();
const perRequest = await overhead();
process.stdout.write(`${JSON.stringify({ node: process.version, requests: N, bundles, perRequest }, null, 2)}\n`);
