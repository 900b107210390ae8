// Command options declared as data: the handler's `opts` type follows from the declaration (the
// `@ts-expect-error` lines fail the build if a misspelt or undeclared option compiled), and the
// values reach the handler parsed, with the same usage errors the handlers used to raise.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Option } from 'commander';
import type { CliHost } from '../../src/cli/host.js';
import { type PRODUCTS_EXPORT, PRODUCTS_LIST, PRODUCTS_SEED } from '../../src/cli/options.js';
import { COMMANDS } from '../../src/cli/registry.js';
import {
  type BaseContext,
  type CommandSpec,
  defineCommand,
  type Handler,
  type OptionKey,
  type OptionSpec,
  type OptionsOf,
  type options,
} from '../../src/cli/spec.js';
import { UserError } from '../../src/errors.js';

const keys: [OptionKey<'--expires-at <epoch-seconds>'>, OptionKey<'--no-logs'>, OptionKey<'-c, --config <file>'>] = [
  'expiresAt',
  'logs',
  'config',
];
const list: OptionsOf<typeof PRODUCTS_LIST> = { category: undefined, limit: 25, cursor: undefined, all: true };
// @ts-expect-error a misspelt option does not compile
list.limt;
const format: OptionsOf<typeof PRODUCTS_EXPORT>['format'] = 'csv';
// @ts-expect-error --format is parsed to one of its values
const badFormat: OptionsOf<typeof PRODUCTS_EXPORT>['format'] = 'xml';
const negated: OptionsOf<ReturnType<typeof options<[{ flags: '--no-logs'; description: '' }]>>> = { logs: false };

const io = {} as CliHost;
/** Runs `spec`'s handler as the runner does, with commander's raw values. */
async function optsSeenBy(spec: CommandSpec, raw: Record<string, unknown>): Promise<Record<string, unknown>> {
  let seen: Record<string, unknown> = {};
  const probe = defineCommand({
    ...spec,
    needs: 'none',
    load: async () => async (ctx: BaseContext) => {
      seen = { ...ctx.opts };
      return 0;
    },
  });
  const handler = await probe.load();
  await handler({ opts: raw, args: [], io });
  return seen;
}

const BY_NAME = new Map(
  COMMANDS.flatMap((e) =>
    'commands' in e ? e.commands.map((c) => [`${e.name} ${c.name}`, c] as const) : [[e.name, e] as const],
  ),
);
function command(name: string): CommandSpec {
  const found = BY_NAME.get(name);
  if (!found) throw new Error(`no command ${name}`);
  return found;
}

describe('command options', () => {
  it('type-checks keys and values from the declaration', () => {
    assert.deepEqual(keys, ['expiresAt', 'logs', 'config']);
    assert.equal(format, 'csv');
    assert.equal(badFormat, 'xml');
    assert.deepEqual(negated, { logs: false });
  });

  it('names each option as commander stores it', () => {
    // The handler's key (OptionKey, at compile time) must be commander's attribute name.
    const all = [...BY_NAME.values()].flatMap((c) => c.options ?? []);
    const camel = (o: OptionSpec) =>
      (/--(?:no-)?([\w-]+)/.exec(o.flags)?.[1] ?? '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    for (const o of all) assert.equal(new Option(o.flags).attributeName(), camel(o), o.flags);
  });

  it('gives the handler parsed values and defaults', async () => {
    assert.equal((await optsSeenBy(command('products list'), {})).limit, 25);
    assert.equal((await optsSeenBy(command('products list'), { limit: '40', json: true })).limit, 40);
    assert.equal((await optsSeenBy(command('products export'), {})).format, 'jsonl');
    assert.equal((await optsSeenBy(command('products import'), {})).concurrency, 8);
    const seed = await optsSeenBy(command('products seed'), { count: '5' });
    assert.deepEqual([seed.count, seed.seed, seed.concurrency], [5, undefined, 8]);
    assert.equal((await optsSeenBy(command('emulator start'), {})).port, undefined);
    // Options without a parser and global ones pass as commander gave them.
    assert.deepEqual(await optsSeenBy(command('dev'), { logs: false, json: true }), { logs: false, json: true });
  });

  it('refuses a bad value with the usage error naming the flag', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['products list', { limit: '0' }, '--limit must be an integer from 1 to 1000, found "0".'],
      ['products seed', { seed: '0' }, '--seed must be an integer from 1 to 2147483647, found "0".'],
      [
        'products update',
        { expectedVersion: 'x' },
        '--expected-version must be an integer from 1 to 1000000000, found "x".',
      ],
      ['products export', { format: 'xml' }, '--format must be jsonl or csv, found "xml".'],
      ['emulator start', { port: '80' }, '--port must be an integer from 1024 to 65535, found "80".'],
    ];
    for (const [name, raw, message] of cases) {
      await assert.rejects(optsSeenBy(command(name), raw), (err: unknown) => {
        assert.ok(err instanceof UserError);
        assert.equal(err.message, message);
        assert.equal(err.exitCode, 2);
        return true;
      });
    }
  });

  it('ties a handler to its declaration', () => {
    const seedHandler: Handler<'none', typeof PRODUCTS_SEED> = async ({ opts }) => opts.count ?? 0;
    defineCommand({ name: 'x', summary: '', needs: 'none', options: PRODUCTS_SEED, load: async () => seedHandler });
    // @ts-expect-error a handler reading options the command does not declare does not compile
    defineCommand({ name: 'x', summary: '', needs: 'none', options: PRODUCTS_LIST, load: async () => seedHandler });
  });
});
