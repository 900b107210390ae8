// `projet1 products ...`: the operator's catalog commands (DynamoDB directly, no API Gateway).
import type { Command } from 'commander';
import type { Action, Define } from './main.js';

const pick = (file: () => Promise<Record<string, Action>>, name: string) => async () => ({ default: (await file())[name] as Action });
const read = () => import('./commands/products-read.js') as Promise<Record<string, Action>>;
const write = () => import('./commands/products-write.js') as Promise<Record<string, Action>>;
const bulk = () => import('./commands/products-bulk.js') as Promise<Record<string, Action>>;

const fields = (cmd: Command): Command =>
  cmd
    .option('--name <text>', 'product name')
    .option('--category <text>', 'category (any text)')
    .option('--price <number>', 'price, at most 2 decimals')
    .option('--stock <integer>', 'units in stock')
    .option('--description <text>', 'optional description')
    .option('--expires-at <epoch-seconds>', 'optional expiry (the TTL attribute)');

export function registerProducts(program: Command, define: Define): void {
  const products = program
    .command('products')
    .description('list, read and change catalog products directly in DynamoDB')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  define(products, 'list', 'list products: a table on a terminal, JSON with --json', pick(read, 'list'))
    .option('--category <name>', 'only this category (uses the category-index GSI)')
    .option('--limit <n>', 'products per page (1-1000, default 25)')
    .option('--cursor <cursor>', 'continue after a previous page')
    .option('--all', 'stream every page');
  define(products, 'get <product_id>', 'show one product', pick(read, 'get'));
  fields(define(products, 'create', 'create a product from flags or --file product.json', pick(write, 'create'))).option('--file <file>', 'a JSON object with the product fields');
  fields(define(products, 'update <product_id>', 'change the given fields of a product', pick(write, 'update'))).option(
    '--expected-version <n>',
    'fail unless the product is still at this version (default: the version read just before)',
  );
  define(products, 'delete <product_id>', 'delete a product', pick(write, 'remove'));
  define(products, 'seed', 'write realistic generated products (or the products of --file)', pick(bulk, 'seed'))
    .option('--count <n>', 'how many to generate (default 100)')
    .option('--seed <n>', 'random seed: the same seed writes the same products')
    .option('--file <file>', 'seed from a .json array, .jsonl or .csv file instead')
    .option('--concurrency <n>', 'batches of 25 in flight (default 8)');
  define(products, 'import <file>', 'restore products from a .jsonl, .csv or .json file (all or nothing)', pick(bulk, 'importFile')).option('--concurrency <n>', 'batches of 25 in flight (default 8)');
  define(products, 'export', 'write every product as JSON Lines or CSV', pick(read, 'exportFile'))
    .option('--format <format>', 'jsonl (default) or csv')
    .option('--out <file>', 'write to this file instead of stdout');
}
