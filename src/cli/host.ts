// The CLI's I/O host: renders engine events and messages on stderr, asks for confirmation
// on a terminal, and is the one result sink: text on stdout, or with --json exactly one
// JSON document, `{"ok": true, ...}` or `{"ok": false, "error": {...}}`, for every outcome
// (with --events too, then one JSON event per line on stderr: event-stream.ts).
import { createInterface } from 'node:readline/promises';
import { type ConfirmRequest, EXIT_INTERRUPTED, type IoHost, type IoMessage } from '../core/io.js';
import type { EngineEvent } from '../engine/events.js';
import type { Change } from '../engine/types.js';
import { EXIT, UserError } from '../errors.js';
import {
  type CliReporter,
  isInteractive,
  type LiveUpdate,
  plainReporter,
  quietReporter,
  taskReporter,
} from './progress.js';
import { type EventStream, eventStream } from './event-stream.js';
import { errorDocument, errorText } from './render-error.js';
import { isStopSignal, type StopMode } from './signals.js';
import { renderFields, renderPlan, type Look } from './render.js';
import { colors, useColor } from './style.js';

export interface HostOptions {
  command: string;
  json: boolean;
  verbose: boolean;
  yes: boolean;
  /** --events: with --json, every message and engine event as NDJSON on stderr. */
  events?: boolean;
  env?: NodeJS.ProcessEnv;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Live progress lines on a terminal; without it, one plain line per event. */
  liveUpdate?: LiveUpdate;
  /** What a stop signal does to this run (see `StopMode`); `announce` unless given. */
  stopMode?: StopMode;
}

export class CliHost implements IoHost {
  readonly json: boolean;
  readonly verbose: boolean;
  /** How text on stderr looks: colours and the terminal width. */
  readonly look: Look;
  /** The width stdout tables fit (unbounded in a pipe). */
  readonly outWidth: number;
  private readonly o: Required<Omit<HostOptions, 'env' | 'liveUpdate' | 'stopMode' | 'events'>> & {
    env: NodeJS.ProcessEnv;
  };
  private readonly progress: CliReporter;
  private readonly events: EventStream | undefined;
  /** The run's one stop: aborted by a stop signal or a lost stack lock; the core honours `signal`. */
  private readonly stop = new AbortController();
  stopMode: StopMode;
  private answered = false;
  /** The question being asked, if any: a stop request cancels it. */
  private asking: AbortController | undefined;

  constructor(options: HostOptions) {
    const env = options.env ?? process.env;
    refuseEventsWithoutJson(options);
    this.o = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, ...options, env };
    this.json = options.json;
    this.verbose = options.verbose;
    this.stopMode = options.stopMode ?? 'announce';
    const stderr = this.o.stderr;
    this.look = {
      colors: colors(useColor(stderr, env)),
      width: stderr.isTTY ? Math.max(40, stderr.columns || 80) : Number.POSITIVE_INFINITY,
    };
    this.outWidth = this.o.stdout.isTTY ? Math.max(40, this.o.stdout.columns || 80) : Number.POSITIVE_INFINITY;
    if (this.json) this.progress = quietReporter;
    else if (isInteractive(stderr, env) && options.liveUpdate)
      this.progress = taskReporter(stderr, this.look.colors, options.liveUpdate);
    else this.progress = plainReporter(stderr);
    this.events = options.events ? eventStream(stderr) : undefined;
  }

  get signal(): AbortSignal {
    return this.stop.signal;
  }

  get interrupted(): boolean {
    return this.stop.signal.aborted;
  }

  /**
   * Ctrl-C or SIGTERM (`reason`: the signal's name), or a lost stack lock (`reason`: its error): aborts
   * the run's signal; the core stops starting new work and reports what was done.
   */
  interrupt(reason?: unknown): void {
    this.stop.abort(reason);
    if (this.stopMode === 'quiet' || (this.stopMode === 'end' && isStopSignal(reason))) return;
    // Waiting for an answer, nothing is in flight: the question ends the run.
    if (this.asking) {
      this.asking.abort();
      return;
    }
    this.info('Stopping: no new work starts; waiting for the calls in flight (Ctrl-C again to quit at once)…');
  }

  event(e: EngineEvent): void {
    this.events?.event(e);
    this.progress.event(e);
  }

  notify(m: IoMessage): void {
    this.events?.message(m);
    if (this.json || (m.level === 'debug' && !this.verbose)) return;
    if (m.code === 'P1_PLAN') {
      this.info(renderPlan(m.data, this.look));
      return;
    }
    const prefix =
      m.level === 'warn'
        ? this.look.colors.yellow('Warning: ')
        : m.level === 'error'
          ? this.look.colors.red('Error: ')
          : '';
    this.info(`${prefix}${m.message}`);
  }

  async requestConfirmation(req: ConfirmRequest): Promise<boolean> {
    this.events?.message({
      level: 'info',
      code: req.code,
      message: req.question,
      data: { changes: req.changes, review: req.review },
    });
    if (this.o.yes) return true;
    if (this.json || !this.o.stdin.isTTY || !this.o.stderr.isTTY) {
      throw new UserError(
        `Confirmation needed and this session cannot ask (no terminal):${approvalText(req, '--yes')}`,
        {
          exitCode: EXIT.usage,
          hint: `Pass --yes to approve, after reviewing \`${req.review}\`.`,
        },
      );
    }
    this.progress.close();
    this.info(`${this.look.colors.bold('These changes need your approval:')}${approvalText(req)}`);
    const rl = createInterface({ input: this.o.stdin, output: this.o.stderr });
    this.asking = new AbortController();
    try {
      const answer = await rl.question(`${req.question} Type "yes" to confirm: `, { signal: this.asking.signal });
      this.answered = true;
      return answer.trim().toLowerCase() === 'yes';
    } catch (err) {
      // Ctrl-C at the question (readline aborts it), or a stop signal while it waits (interrupt()).
      if ((err as Error).name !== 'AbortError') throw err;
      this.answered = true;
      throw new UserError('Cancelled at the question; nothing was changed.', { exitCode: EXIT_INTERRUPTED });
    } finally {
      this.asking = undefined;
      rl.close();
    }
  }

  /** A result: one JSON document (merged into the envelope) or text on stdout. */
  result(doc: Record<string, unknown>, text?: string): void {
    this.progress.close();
    if (this.json) this.write(this.o.stdout, JSON.stringify({ ok: true, command: this.o.command, ...doc }, null, 2));
    else if (text !== undefined) this.write(this.o.stdout, text);
  }

  /** Raw result output that is streamed (listings, exports); the caller keeps --json well-formed. */
  async out(text: string): Promise<void> {
    const stream = this.o.stdout;
    if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }

  /** Anything that is not a result: stderr (never with --json, which keeps both streams clean for programs). */
  info(text: string): void {
    if (this.json) return;
    this.progress.line(text.replace(/\n$/, ''));
  }

  error(err: unknown): number {
    this.progress.close();
    const code = err instanceof UserError ? err.exitCode : EXIT.failure;
    if (this.json) {
      const doc = errorDocument(err);
      this.events?.error(doc);
      this.write(this.o.stdout, JSON.stringify({ ok: false, command: this.o.command, error: doc }, null, 2));
    } else this.write(this.o.stderr, errorText(err, this.verbose, this.look.colors));
    return code;
  }

  close(): void {
    this.progress.close();
    // readline leaves stdin flowing after a question; let the process exit.
    if (this.answered) this.o.stdin.pause();
  }

  private write(stream: NodeJS.WriteStream, text: string): void {
    stream.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}

/**
 * What a confirmation asks for, short: the plan above already shows every delete, so deletions are
 * counted ("59 deletions need --yes"); the other reasons (permissions granted or changed, a catalog
 * replaced) are listed, one per line, since the plan does not show them. `need`: what is needed ("--yes").
 */
export function approvalText(req: ConfirmRequest, need?: string): string {
  const shown = (c: Change): boolean => c.action === 'delete' && req.plan.changes.includes(c);
  const deletions = req.changes.filter(shown).length;
  const others = req.changes
    .filter((c) => !shown(c))
    .map(
      (c) =>
        `  ${c.action} ${c.type} ${c.name}: ${c.approval ?? ''}${c.fields.length ? ` [${renderFields(c.fields)}]` : ''}`,
    );
  const counted = `${deletions} deletion${deletions === 1 ? '' : 's'}`;
  if (others.length === 0) return need ? ` ${counted} need${deletions === 1 ? 's' : ''} ${need}.` : ` ${counted}.`;
  return `\n${others.join('\n')}${deletions ? `\n  and ${counted} (in the plan above)` : ''}`;
}

/**
 * --events without --json is refused rather than read as --json: an option never changes what
 * another stream carries unasked (stdout would turn into JSON, or stderr would mix JSON lines into
 * text for people), as `products export` refuses --json without --out instead of guessing. The AWS
 * tools keep the machine format opt-in the same way (`aws --output json`, `cdk --json`).
 */
function refuseEventsWithoutJson(options: Pick<HostOptions, 'json' | 'events'>): void {
  if (options.events && !options.json)
    throw new UserError('--events needs --json: it streams JSON events on stderr next to the JSON result.', {
      exitCode: EXIT.usage,
      hint: 'Add --json (stdout: one JSON document; stderr: one JSON event per line), or drop --events.',
    });
}
