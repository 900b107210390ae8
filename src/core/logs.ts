// Reading the stack's CloudWatch Logs: the functions' and the API's access log, merged in
// time order, the JSON lines parsed; and following new events until told to stop.
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudWatchLogsClient, type FilteredLogEvent, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import { isAwsError } from '../aws/errors.js';
import { FUNCTIONS } from '../config/functions.js';
import { resourceNames } from '../config/names.js';
import { EXIT, UserError } from '../errors.js';
import type { Session } from './session.js';

export interface LogEvent {
  id: string;
  timestamp: number;
  /** The function id, or "api" for the access log. */
  source: string;
  message: string;
  /** The line as JSON when it is one (the handlers' request lines, the access log). */
  fields?: Record<string, unknown>;
}

export interface LogSource {
  source: string;
  group: string;
}

/** `15m`, `2h`, `1d`, `30s` ago, or an ISO date; the time as epoch milliseconds. */
export function parseSince(text: string, now = Date.now()): number {
  const rel = /^(\d+)\s*(s|m|h|d)$/.exec(text.trim());
  if (rel) return now - Number(rel[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[rel[2] as 's' | 'm' | 'h' | 'd'];
  const at = Date.parse(text);
  if (Number.isNaN(at)) {
    throw new UserError(`--since must be a duration such as 15m, 2h or 1d, or an ISO date, found "${text}".`, {
      exitCode: EXIT.usage,
    });
  }
  return at;
}

/** The log groups of the named sources: function ids, `api`, or `all` (the default). */
export function logSources(session: Session, wanted: string[]): LogSource[] {
  const names = resourceNames(session.config, session.env.accountId);
  const all: LogSource[] = [
    ...FUNCTIONS.map((fn) => ({ source: fn.id, group: names.functions[fn.id]?.logGroup ?? '' })),
    { source: 'api', group: names.apiAccessLogGroup },
  ];
  if (wanted.length === 0 || wanted.includes('all')) return all;
  const unknown = wanted.filter((w) => !all.some((s) => s.source === w));
  if (unknown.length > 0) {
    throw new UserError(`Unknown log source(s): ${unknown.join(', ')}.`, {
      exitCode: EXIT.usage,
      hint: `Use one or more of: ${all.map((s) => s.source).join(', ')}, or all.`,
    });
  }
  return all.filter((s) => wanted.includes(s.source));
}

function toEvent(source: string, e: FilteredLogEvent): LogEvent {
  const message = (e.message ?? '').replace(/\n$/, '');
  let fields: Record<string, unknown> | undefined;
  const start = message.indexOf('{');
  if (start >= 0 && message.endsWith('}')) {
    try {
      const parsed = JSON.parse(message.slice(start)) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) fields = parsed as Record<string, unknown>;
    } catch {
      /* not JSON: shown as it is */
    }
  }
  return {
    id: e.eventId ?? `${e.logStreamName}:${e.timestamp}:${message}`,
    timestamp: e.timestamp ?? 0,
    source,
    message,
    ...(fields ? { fields } : {}),
  };
}

/** Every event since `startTime` in the given groups, in time order. A group not created yet has none. */
export async function readLogs(
  session: Session,
  sources: LogSource[],
  opts: { startTime: number; filter?: string },
): Promise<LogEvent[]> {
  const logs = session.aws.client(CloudWatchLogsClient);
  const per = await Promise.all(
    sources.map(async (s) => {
      const out: LogEvent[] = [];
      const input = {
        logGroupName: s.group,
        startTime: opts.startTime,
        // A quoted term matches the text as it is (CloudWatch filter syntax).
        ...(opts.filter ? { filterPattern: `"${opts.filter.replaceAll('"', '\\"')}"` } : {}),
      };
      try {
        for await (const page of paginateFilterLogEvents({ client: logs }, input))
          out.push(...(page.events ?? []).map((e) => toEvent(s.source, e)));
      } catch (err) {
        if (!isAwsError(err, 'ResourceNotFoundException')) throw err;
      }
      return out;
    }),
  );
  // A stable sort: events of one instant stay in the order their stream has them.
  return per.flat().sort((a, b) => a.timestamp - b.timestamp);
}

/**
 * How far back each poll looks again. CloudWatch Logs makes an event searchable some seconds after
 * its timestamp (and a cold function's lines arrive after a warm one's newer lines): reading only
 * after the newest event seen would skip those for good.
 */
export const LATE_ARRIVAL_MS = 30_000;

/**
 * Follows: polls every `intervalMs` for events since the newest seen minus LATE_ARRIVAL_MS
 * (skipping those already shown), hands each new one to `emit`, until `signal` is aborted. What
 * bounds the lag: the interval plus the time CloudWatch Logs takes to make an event searchable.
 */
export async function followLogs(
  session: Session,
  sources: LogSource[],
  opts: { startTime: number; filter?: string; intervalMs: number; signal: AbortSignal; emit: (e: LogEvent) => void },
): Promise<void> {
  let newest = opts.startTime;
  const seen = new Map<string, number>();
  while (!opts.signal.aborted) {
    const since = Math.max(opts.startTime, newest - LATE_ARRIVAL_MS);
    const events = await readLogs(session, sources, {
      startTime: since,
      ...(opts.filter ? { filter: opts.filter } : {}),
    });
    for (const e of events) {
      if (seen.has(e.id)) continue;
      seen.set(e.id, e.timestamp);
      opts.emit(e);
      newest = Math.max(newest, e.timestamp);
    }
    // Forget ids older than the window: the next polls no longer return them.
    for (const [id, at] of seen) if (at < newest - LATE_ARRIVAL_MS) seen.delete(id);
    // The wait ends early when the signal is aborted.
    await sleep(opts.intervalMs, undefined, { signal: opts.signal }).catch(() => undefined);
  }
}
