// A deployed stack on the emulator and an HTTP client for its API.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ORIGIN_HEADER } from '../../runtime/api/edge-header.js';
import type { AwsClients } from '../../runtime/aws/clients.js';
import { projectDir, runCli } from './cli.js';

export interface Deployed {
  dir: string;
  url: string;
  token: string;
  endpoint: string;
}

/**
 * `up` a stack from `config`. The tests that use it call the API on its own URL, so the API answers
 * directly (api.edgeOnly false) unless `config.api.edgeOnly` says otherwise: edge-only.test.ts tests the
 * default (direct calls refused), the storefront test runs with it.
 */
export async function deploy(endpoint: string, config: Record<string, unknown> = {}): Promise<Deployed> {
  const api = (config.api ?? {}) as Record<string, unknown>;
  const dir = projectDir({ ...config, api: { edgeOnly: false, ...api } });
  const up = await runCli(['up', '--yes', '--json', '--endpoint-url', endpoint], { cwd: dir });
  if (up.code !== 0) throw new Error(`up failed: ${up.stdout}\n${up.stderr}`);
  const url = up.json<{ outputs: Record<string, string> }>().outputs.apiUrl;
  if (!url) throw new Error('up printed no apiUrl');
  const token = (await runCli(['admin-token', 'show', '--endpoint-url', endpoint], { cwd: dir })).stdout.trim();
  return { dir, url, token, endpoint };
}

/**
 * The header CloudFront sends the API of an edge-only stack (api.edgeOnly, the default), read from SSM as
 * `status` reads it: tests that call the API's own URL of such a stack present it, as the distribution does.
 */
export async function originHeader(
  aws: AwsClients,
  project = 'projet1-serverless',
  environment = 'development',
): Promise<Record<string, string>> {
  const got = await aws
    .client(SSMClient)
    .send(new GetParameterCommand({ Name: `/${project}/${environment}/origin-secret`, WithDecryption: true }));
  return { [ORIGIN_HEADER]: got.Parameter?.Value?.split(' ')[0] ?? '' };
}

export interface HttpReply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

export async function call(
  url: string,
  method: string,
  opts: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<HttpReply> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* leave empty; tests assert on status */
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Every item of the table, sorted: compared before and after a request to prove nothing was written. */
export async function tableSnapshot(aws: AwsClients, table = 'products-catalog'): Promise<string> {
  const doc = DynamoDBDocumentClient.from(aws.client(DynamoDBClient));
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return JSON.stringify(items.sort((a, b) => String(a.product_id).localeCompare(String(b.product_id))));
}
