// Least privilege, proved on the emulator with IAM enforced (AUTH=true) for the functions' own
// calls: every route works with its role as provisioned, and each role stripped of any one of its
// actions, or with any one of its resources taken away or pointed elsewhere, makes its route fail
// while the other routes keep working. The cases are generated from the policies `up` deployed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GetRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { FUNCTIONS } from '../../src/config/functions.js';
import { resourceNames } from '../../src/config/names.js';
import type { PolicyDocument } from '../../src/resources/iam-role.js';
import { call, deploy, type Deployed, type HttpReply } from '../helpers/api.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';

let stack: Deployed | undefined;
const emulator = useEmulator(async (handle) => {
  // The authorizer reads the token on every request, so a stripped permission shows at once.
  stack = await deploy(handle.endpoint, { project: 'leastpriv', api: { tokenCacheSeconds: 0 } });
});
const iam = () => emulatorClients(emulator.get().endpoint).client(IAMClient);
const names = resourceNames({
  project: 'leastpriv',
  environment: 'development',
  region: 'eu-west-3',
  table: { name: 'products-catalog', categoryIndex: 'category-index' } as never,
  website: { bucketName: 'x', logBucketName: 'y' } as never,
});
const roleOf = (fn: string) => names.functions[fn]?.role ?? '';

type Probe = () => Promise<HttpReply>;

/** One request per permission a function needs, built on a product that exists. */
function probes(s: Deployed) {
  const product = async (): Promise<string> => {
    const res = await call(`${s.url}/products`, 'POST', {
      body: { name: 'Probe', category: 'books', price: 1, stock: 1 },
      token: s.token,
    });
    assert.equal(res.status, 201, res.text);
    return String(res.body.product_id);
  };
  const write = { token: s.token };
  return {
    scan: () => call(`${s.url}/products?limit=5`, 'GET'),
    query: () => call(`${s.url}/products?category=books&limit=5`, 'GET'),
    get: async () => call(`${s.url}/products/${await product()}`, 'GET'),
    create: () =>
      call(`${s.url}/products`, 'POST', { ...write, body: { name: 'N', category: 'c', price: 1, stock: 1 } }),
    update: async () =>
      call(`${s.url}/products/${await product()}`, 'PUT', { ...write, body: { stock: 7, version: 1 } }),
    delete: async () => call(`${s.url}/products/${await product()}`, 'DELETE', write),
  } satisfies Record<string, Probe>;
}
type ProbeName = keyof ReturnType<typeof probes>;

/** The request each write function serves: every action it holds (its product's and its history's) serves it. */
const WRITES: Record<string, ProbeName> = {
  'create-product': 'create',
  'update-product': 'update',
  'delete-product': 'delete',
};

/** Which request needs this function's statement `action` on `resource`. */
function probeFor(fn: string, action: string, resource: string): ProbeName {
  if (fn === 'authorizer') return 'create';
  const write = WRITES[fn];
  if (write) return write;
  if (action === 'dynamodb:Query' || resource.endsWith('/index/*')) return 'query';
  const byAction: Record<string, ProbeName> = {
    'dynamodb:Scan': 'scan',
    'dynamodb:GetItem': 'get',
    'dynamodb:PutItem': 'create',
    'dynamodb:UpdateItem': 'update',
    'dynamodb:DeleteItem': 'delete',
  };
  return byAction[action] ?? 'scan';
}

interface Case {
  fn: string;
  what: string;
  policy: PolicyDocument;
  probe: ProbeName;
}

const asList = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);

/** Every way to take one grant away, except the log statements (their absence does not fail a request). */
function cases(fn: string, doc: PolicyDocument): Case[] {
  const out: Case[] = [];
  doc.Statement.forEach((st, i) => {
    if (st.Sid === 'OwnLogGroup') return;
    const actions = asList(st.Action);
    const resources = asList(st.Resource);
    const edit = (change: Partial<typeof st>): PolicyDocument => ({
      ...doc,
      Statement: doc.Statement.map((s, j) => (j === i ? { ...s, ...change } : s)),
    });
    for (const action of actions) {
      const rest = actions.filter((a) => a !== action);
      out.push({
        fn,
        what: `without ${action}`,
        policy: rest.length ? edit({ Action: rest }) : { ...doc, Statement: doc.Statement.filter((_, j) => j !== i) },
        probe: probeFor(fn, action, resources[0] ?? ''),
      });
    }
    for (const resource of resources) {
      const elsewhere = resource.replace(/(table|parameter)\/[^/]+/, '$1/someone-elses');
      const rest = resources.filter((r) => r !== resource);
      out.push({
        fn,
        what: `with ${resource} pointed at ${elsewhere}`,
        policy: edit({ Resource: [...rest, elsewhere] }),
        probe: probeFor(fn, actions.length === 1 ? (actions[0] ?? '') : 'dynamodb:Scan', resource),
      });
    }
  });
  return out;
}

const ok = (r: HttpReply) => r.status >= 200 && r.status < 300;

describe('least privilege, enforced by the emulator', () => {
  it('every route works with its role as provisioned', async () => {
    if (!stack) throw new Error('not deployed');
    const p = probes(stack);
    for (const [name, probe] of Object.entries(p)) {
      const res = await probe();
      assert.ok(ok(res), `${name}: ${res.status} ${res.text}`);
    }
  });

  it('each role without any one of its grants fails its route, and only its route', async (t) => {
    if (!stack) throw new Error('not deployed');
    const p = probes(stack);
    const all: Case[] = [];
    const deployed = new Map<string, string>();
    for (const fn of FUNCTIONS) {
      const res = await iam().send(
        new GetRolePolicyCommand({ RoleName: roleOf(fn.id), PolicyName: 'least-privilege' }),
      );
      const text = decodeURIComponent(res.PolicyDocument ?? '');
      deployed.set(fn.id, text);
      all.push(...cases(fn.id, JSON.parse(text) as PolicyDocument));
    }
    assert.ok(all.length >= 14, `${all.length} cases`);
    const failures: string[] = [];
    for (const c of all) {
      const put = (doc: string) =>
        iam().send(
          new PutRolePolicyCommand({ RoleName: roleOf(c.fn), PolicyName: 'least-privilege', PolicyDocument: doc }),
        );
      await put(JSON.stringify(c.policy));
      try {
        const res = await p[c.probe]();
        t.diagnostic(`${c.fn} ${c.what}: ${c.probe} → ${res.status}`);
        if (ok(res)) failures.push(`${c.fn} ${c.what}: ${c.probe} still answered ${res.status}`);
        else if (res.status < 500 && c.fn !== 'authorizer')
          failures.push(`${c.fn} ${c.what}: ${c.probe} answered ${res.status} instead of failing as a fault`);
        // Another function's route is untouched (the one that reads a product by id, or the list for it).
        const control = c.probe === 'scan' || c.probe === 'query' ? 'create' : 'scan';
        if (c.fn !== 'authorizer' && !ok(await p[control]())) failures.push(`${c.fn} ${c.what}: ${control} broke too`);
      } finally {
        await put(deployed.get(c.fn) ?? '');
      }
      const again = await p[c.probe]();
      if (!ok(again)) failures.push(`${c.fn} ${c.what}: ${c.probe} did not recover (${again.status})`);
    }
    assert.deepEqual(failures, [], `${failures.length} of ${all.length} cases`);
  });
});
