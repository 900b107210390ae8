// Shared plumbing of the commands: open a session, pick the reporter, print results.
import { callSummary } from '../core/stack-ops.js';
import { openCatalog, verifyTable, type Catalog } from '../core/catalog.js';
import { openSession, type Session } from '../core/session.js';
import { configFlags, type GlobalOptions } from './options.js';
import { renderCalls } from './render.js';
import { chooseReporter, type CliReporter } from './reporters.js';

export async function withSession<T>(opts: GlobalOptions, fn: (session: Session, reporter: CliReporter) => Promise<T>, needs: { code: boolean } = { code: true }): Promise<T> {
  const reporter = chooseReporter(opts);
  let session: Session | undefined;
  try {
    session = await openSession({ flags: configFlags(opts), withCode: needs.code });
    return await fn(session, reporter);
  } finally {
    reporter.close();
    if (session && opts.verbose && !opts.json) info(renderCalls(callSummary(session)));
    session?.aws.destroy();
  }
}

/** Catalog commands: config and clients only (no account lookup, no bundling). */
export async function withCatalog<T>(opts: GlobalOptions, fn: (catalog: Catalog, reporter: CliReporter) => Promise<T>): Promise<T> {
  const reporter = chooseReporter(opts);
  const catalog = openCatalog({ flags: configFlags(opts) });
  try {
    await verifyTable(catalog);
    return await fn(catalog, reporter);
  } finally {
    reporter.close();
    catalog.aws.destroy();
  }
}

/** A result: stdout. */
export function result(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** The single JSON document of --json mode. */
export function json(doc: unknown): void {
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

/** Anything that is not a result: stderr. */
export function info(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}
