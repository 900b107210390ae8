// `projet1 logs [source…] [--since] [--filter] [--follow]`: the functions' and the API's logs,
// merged in time order; request lines shown as level, route, status and latency.
import { followLogs, type LogEvent, type LogSource, logSources, parseSince, readLogs } from '../../core/logs.js';
import type { Session } from '../../core/session.js';
import type { CliHost } from '../host.js';
import type { Colors } from '../style.js';
import type { LOGS } from '../options.js';
import type { Handler } from '../spec.js';

/**
 * Lines that say nothing the others do not: START and END frame every invocation, and the
 * runtime's echo of the authorizer's 401 ("Error: Unauthorized") follows its decision line.
 */
const isFrame = (e: LogEvent): boolean =>
  /^(START|END) RequestId:/.test(e.message) ||
  (e.source === 'authorizer' && /^(Error: )?Unauthorized$/.test(e.message));
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export const EMULATOR_ACCESS_LOGS =
  "No API access log lines: the local emulator (MiniStack) does not write API Gateway stage access logs (AWS does). Each request still leaves one line in its function's log (`projet1 logs`).";

export function renderEvent(e: LogEvent, c: Colors): string {
  const time = new Date(e.timestamp).toISOString().slice(11, 23);
  const f = e.fields;
  const source = pad(e.source, 17);
  if (f && typeof f.route === 'string') {
    const level = String(f.level ?? (Number(f.status) >= 500 ? 'error' : 'info')).toUpperCase();
    const paint = level === 'ERROR' ? c.red : level === 'WARN' ? c.yellow : c.dim;
    const status = f.status !== undefined ? ` ${String(f.status)}` : '';
    const latency = f.latencyMs !== undefined ? ` ${String(f.latencyMs)}ms` : '';
    const product = f.productId ? ` product=${String(f.productId)}` : '';
    const decision = f.decision ? ` ${String(f.decision)}${f.reason ? ` (${String(f.reason)})` : ''}` : '';
    const error = f.error ? ` ${String(f.error)}${f.message ? `: ${String(f.message)}` : ''}` : '';
    return `${c.dim(time)} ${source} ${paint(pad(level, 5))} ${f.route}${status}${latency}${product}${decision}${error}${f.requestId ? c.dim(` [${String(f.requestId)}]`) : ''}`;
  }
  if (f && e.source === 'api') {
    // The stage's access log line.
    return `${c.dim(time)} ${source} ${c.dim('ACCESS')} ${String(f.method ?? '')} ${String(f.path ?? '')} ${String(f.status ?? '')} ${String(f.latencyMs ?? '')}ms${f.requestId ? c.dim(` [${String(f.requestId)}]`) : ''}`;
  }
  // START / END / REPORT lines, timeouts, stack traces: as they are.
  const failed = /Task timed out|Runtime\.|Error|error/.test(e.message) && !/^(START|END|REPORT) /.test(e.message);
  return `${c.dim(time)} ${source} ${failed ? c.red(e.message) : c.dim(e.message)}`;
}

/** Prints new events as they arrive until `stopped`, one line each: text, or JSON Lines with --json. */
export function streamLogs(
  session: Session,
  io: CliHost,
  sources: LogSource[],
  opts: { startTime: number; filter?: string; signal: AbortSignal },
): Promise<void> {
  return followLogs(session, sources, {
    ...opts,
    intervalMs: 1000,
    emit: (e) => {
      if (!isFrame(e)) void io.out(`${io.json ? JSON.stringify(e) : renderEvent(e, io.look.colors)}\n`);
    },
  });
}

export const logs: Handler<'stack', typeof LOGS> = async ({ session, io, opts, args }) => {
  const sources = logSources(session, args);
  const startTime = parseSince(opts.since ?? '15m');
  const filter = opts.filter;
  const colors = io.look.colors;
  if (!opts.follow) {
    // START and END frame every invocation and say nothing; REPORT (duration, memory) stays.
    const events = (await readLogs(session, sources, { startTime, ...(filter ? { filter } : {}) })).filter(
      (e) => !isFrame(e),
    );
    io.result({ events }, events.map((e) => renderEvent(e, colors)).join('\n') || undefined);
    if (events.length === 0) io.info(`No log events since ${new Date(startTime).toISOString()}.`);
    // MiniStack keeps a stage's access log settings but never writes the access log.
    const api = sources.some((s) => s.source === 'api') && !events.some((e) => e.source === 'api');
    if (api && session.config.endpointUrl) io.info(EMULATOR_ACCESS_LOGS);
    return 0;
  }
  // Following ends on Ctrl-C (or SIGTERM), quietly, with exit 0.
  io.stopMode = 'quiet';
  io.info(`Following ${sources.map((s) => s.source).join(', ')} (Ctrl-C to stop)…`);
  await streamLogs(session, io, sources, { startTime, ...(filter ? { filter } : {}), signal: io.signal });
  return 0;
};
