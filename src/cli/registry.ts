// Every command of the CLI, as data. Adding a command: a spec here, a handler in
// commands/, a test in test/integration, a row in README's command table.
import { defineCommand, type CommandSpec, type GroupSpec, type OptionSpec } from './spec.js';

const productFields: OptionSpec[] = [
  { flags: '--name <text>', description: 'product name' },
  { flags: '--category <text>', description: 'category (any text)' },
  { flags: '--price <number>', description: 'price, at most 2 decimals' },
  { flags: '--stock <integer>', description: 'units in stock' },
  { flags: '--description <text>', description: 'optional description ("" removes it on update)' },
  { flags: '--expires-at <epoch-seconds>', description: 'optional expiry (the TTL attribute)' },
];
const concurrency: OptionSpec = { flags: '--concurrency <n>', description: 'batches of 25 in flight (default 8)' };

export const COMMANDS: (CommandSpec | GroupSpec)[] = [
  defineCommand({
    name: 'up',
    summary: 'create or update every resource so AWS matches the configuration',
    needs: 'stack-code',
    interruptible: true,
    locks: true,
    load: async () => (await import('./commands/stack.js')).up,
  }),
  defineCommand({
    name: 'dev',
    summary: 'up, then put every saved change live: handlers, website, config; logs stream alongside',
    options: [
      { flags: '--no-logs', description: "do not stream the functions' and the API's logs" },
      { flags: '--force', description: 'run against an environment marked as production' },
      {
        flags: '--poll',
        description: 'poll the folders instead of file events (network or container-mounted folders)',
      },
    ],
    needs: 'stack-code',
    interruptible: true,
    locks: true,
    load: async () => (await import('./commands/dev.js')).dev,
  }),
  defineCommand({
    name: 'plan',
    summary: 'show what `up` (or `down` with --destroy) would change, without changing anything',
    options: [
      { flags: '--destroy', description: 'plan a teardown instead, in the order `down` deletes' },
      {
        flags: '--exit-code',
        description: 'exit 2 when the plan has changes, 0 when none (like terraform -detailed-exitcode)',
      },
    ],
    needs: 'stack-code',
    load: async () => (await import('./commands/stack.js')).plan,
  }),
  defineCommand({
    name: 'status',
    summary: 'say whether the stack is healthy, then what needs attention (every row with --all)',
    options: [{ flags: '--all', description: 'every resource, alarm and probe, not only those needing attention' }],
    needs: 'stack-code',
    load: async () => (await import('./commands/stack.js')).status,
  }),
  defineCommand({
    name: 'outputs',
    args: '[key]',
    summary: 'print names, ARNs and URLs of the deployed stack (URLs first), or the value of one key',
    needs: 'stack',
    load: async () => (await import('./commands/stack.js')).outputs,
  }),
  defineCommand({
    name: 'down',
    summary: 'delete every resource of the stack, in reverse dependency order',
    needs: 'stack',
    interruptible: true,
    locks: true,
    load: async () => (await import('./commands/stack.js')).down,
  }),
  defineCommand({
    name: 'deploy-website',
    summary: 'publish the website folder to the site bucket and invalidate what changed',
    options: [
      {
        flags: '--dir <folder>',
        description: 'folder to publish (default: website.dir, else the storefront shipped with projet1)',
      },
      { flags: '--dry-run', description: 'list what would be uploaded, deleted and invalidated; change nothing' },
    ],
    needs: 'stack',
    locks: true,
    load: async () => (await import('./commands/website.js')).deployWebsite,
  }),
  defineCommand({
    name: 'logs',
    args: '[sources...]',
    summary: "show the functions' and the API's logs, merged in time order (sources: function ids, api, all)",
    options: [
      { flags: '--since <when>', description: 'start at this long ago (15m, 2h, 1d) or this ISO date (default 15m)' },
      { flags: '--filter <text>', description: 'only events containing this text' },
      {
        flags: '--follow',
        description: 'keep printing new events until Ctrl-C (with --json: one JSON object per line)',
      },
    ],
    needs: 'stack',
    load: async () => (await import('./commands/logs.js')).logs,
  }),
  defineCommand({
    name: 'backups',
    summary: "list the catalog table's backups and its point-in-time window",
    needs: 'stack',
    load: async () => (await import('./commands/restore.js')).backups,
  }),
  defineCommand({
    name: 'restore',
    summary: 'put the catalog back as it was: from a backup, or at a point in time',
    options: [
      { flags: '--backup <arn>', description: 'a backup ARN (`projet1 backups`; `down` prints the one it makes)' },
      { flags: '--time <when>', description: 'an ISO date, or how long ago (15m, 2h) within the point-in-time window' },
    ],
    needs: 'stack',
    interruptible: false,
    locks: true,
    load: async () => (await import('./commands/restore.js')).restore,
  }),
  {
    name: 'admin-token',
    summary: 'the API admin credential (Authorization: Bearer <token>)',
    commands: [
      defineCommand({
        name: 'show',
        summary: 'print the admin token (stdout only)',
        needs: 'stack',
        load: async () => (await import('./commands/admin-token.js')).show,
      }),
      defineCommand({
        name: 'rotate',
        summary: 'replace the admin token and print the new one',
        needs: 'stack',
        load: async () => (await import('./commands/admin-token.js')).rotate,
      }),
    ],
  },
  {
    name: 'products',
    summary: 'list, read and change catalog products directly in DynamoDB',
    commands: [
      defineCommand({
        name: 'list',
        summary: 'list products: a table on a terminal, JSON with --json',
        options: [
          { flags: '--category <name>', description: 'only this category (uses the category-index GSI)' },
          { flags: '--limit <n>', description: 'products per page (1-1000, default 25)' },
          { flags: '--cursor <cursor>', description: 'continue after a previous page' },
          { flags: '--all', description: 'stream every page' },
        ],
        needs: 'catalog',
        load: async () => (await import('./commands/products-read.js')).list,
      }),
      defineCommand({
        name: 'get',
        args: '<product_id>',
        summary: 'show one product',
        needs: 'catalog',
        load: async () => (await import('./commands/products-read.js')).get,
      }),
      defineCommand({
        name: 'create',
        summary: 'create a product from flags or --file product.json',
        options: [...productFields, { flags: '--file <file>', description: 'a JSON object with the product fields' }],
        needs: 'catalog',
        load: async () => (await import('./commands/products-write.js')).create,
      }),
      defineCommand({
        name: 'update',
        args: '<product_id>',
        summary: 'change the given fields of a product',
        options: [
          ...productFields,
          {
            flags: '--expected-version <n>',
            description: 'fail unless the product is still at this version (default: the version read just before)',
          },
        ],
        needs: 'catalog',
        load: async () => (await import('./commands/products-write.js')).update,
      }),
      defineCommand({
        name: 'delete',
        args: '<product_id>',
        summary: 'delete a product',
        needs: 'catalog',
        load: async () => (await import('./commands/products-write.js')).remove,
      }),
      defineCommand({
        name: 'seed',
        summary: 'write realistic generated products (or the products of --file)',
        options: [
          { flags: '--count <n>', description: 'how many to generate (default 100)' },
          { flags: '--seed <n>', description: 'random seed: the same seed writes the same products' },
          { flags: '--file <file>', description: 'seed from a .json array, .jsonl or .csv file instead' },
          concurrency,
        ],
        needs: 'catalog',
        interruptible: true,
        load: async () => (await import('./commands/products-bulk.js')).seed,
      }),
      defineCommand({
        name: 'import',
        args: '<file>',
        summary: 'restore products from a .jsonl, .csv or .json file (all or nothing)',
        options: [concurrency],
        needs: 'catalog',
        interruptible: true,
        load: async () => (await import('./commands/products-bulk.js')).importFile,
      }),
      defineCommand({
        name: 'export',
        summary: 'write every product as JSON Lines or CSV',
        options: [
          { flags: '--format <format>', description: 'jsonl (default) or csv' },
          { flags: '--out <file>', description: 'write to this file instead of stdout (required with --json)' },
        ],
        needs: 'catalog',
        load: async () => (await import('./commands/products-read.js')).exportFile,
      }),
    ],
  },
  {
    name: 'emulator',
    summary: 'the local MiniStack emulator: install, start, stop, status',
    commands: [
      defineCommand({
        name: 'install',
        summary: 'install the pinned MiniStack (a Python virtualenv)',
        needs: 'none',
        load: async () => (await import('./commands/emulator.js')).install,
      }),
      defineCommand({
        name: 'start',
        summary: 'start MiniStack on 127.0.0.1 and print its endpoint',
        options: [
          {
            flags: '--port <port>',
            description: 'port to listen on (default: the last one used if free, else a free one)',
          },
        ],
        needs: 'none',
        load: async () => (await import('./commands/emulator.js')).start,
      }),
      defineCommand({
        name: 'stop',
        summary: 'stop the emulator started by `emulator start`',
        needs: 'none',
        load: async () => (await import('./commands/emulator.js')).stop,
      }),
      defineCommand({
        name: 'status',
        summary: 'print the running emulator endpoint (exit 3 when none)',
        needs: 'none',
        load: async () => (await import('./commands/emulator.js')).status,
      }),
    ],
  },
  defineCommand({
    name: 'doctor',
    summary: 'check what a first deploy needs: identity, region, endpoint, bucket names, logging role, quotas, Node',
    needs: 'config',
    load: async () => (await import('./commands/doctor.js')).doctor,
  }),
  defineCommand({
    name: 'permissions',
    summary: 'print the IAM policy (JSON) a caller needs, scoped to this stack: deploy, operate or read',
    options: [
      {
        flags: '--scope <scope>',
        description: 'deploy (default: up, down, deploy-website, restore…), operate or read',
      },
      {
        flags: '--account-id <id>',
        description: "the account to name in the ARNs (default: the current credentials')",
      },
    ],
    needs: 'config',
    load: async () => (await import('./commands/permissions.js')).permissions,
  }),
  defineCommand({
    name: 'config',
    summary: 'print the resolved configuration and where each override came from',
    needs: 'config',
    load: async () => (await import('./commands/config.js')).config,
  }),
];
