// Renders engine events: an ora spinner on a terminal, plain lines in CI or pipes,
// nothing with --json (the command prints one document at the end). All on stderr.
import ora, { type Ora } from 'ora';
import type { EngineEvent, Reporter } from '../engine/events.js';
import type { ChangeAction } from '../engine/types.js';

export interface CliReporter extends Reporter {
  /** Stops any spinner; call before printing results. */
  close(): void;
}

const PAST: Record<ChangeAction, string> = { create: 'created', update: 'updated', delete: 'deleted', 'no-op': 'unchanged', conflict: 'refused' };
const ING: Record<ChangeAction, string> = { create: 'creating', update: 'updating', delete: 'deleting', 'no-op': 'checking', conflict: 'refusing' };
const PHASE = { observe: 'Reading current state', apply: 'Applying changes', destroy: 'Deleting resources' } as const;

export function describeEvent(e: EngineEvent): string | undefined {
  switch (e.type) {
    case 'phase':
      return `${PHASE[e.phase]} (${e.total} resource${e.total === 1 ? '' : 's'})`;
    case 'start':
      return `${ING[e.action]} ${e.name}`;
    case 'note':
      return `${e.name}: ${e.message}`;
    case 'done':
      return `${PAST[e.action]} ${e.name} (${(e.ms / 1000).toFixed(1)}s)`;
    case 'failed':
      return `failed ${ING[e.action]} ${e.name}: ${e.message}`;
    case 'skipped':
      return `skipped ${e.name} (${e.reason})`;
    case 'progress':
      return `${e.label} ${e.done.toLocaleString('en-US')}${e.total ? `/${e.total.toLocaleString('en-US')} (${Math.floor((100 * e.done) / e.total)}%)` : ''} · ${Math.round(e.perSecond).toLocaleString('en-US')} items/s`;
    case 'observed':
      return undefined;
  }
}

export function plainReporter(stream: NodeJS.WritableStream = process.stderr): CliReporter {
  let lastProgress = 0;
  return {
    event(e) {
      if (e.type === 'phase' && e.total === 0) return;
      // Progress in a log: a line every 2 seconds, and the last one.
      if (e.type === 'progress') {
        if (Date.now() - lastProgress < 2000 && e.done !== e.total) return;
        lastProgress = Date.now();
      }
      const line = describeEvent(e);
      if (line) stream.write(`${e.type === 'failed' ? '✗' : e.type === 'done' ? '✓' : e.type === 'phase' ? '»' : ' '} ${line}\n`);
    },
    close: () => undefined,
  };
}

export function spinnerReporter(stream: NodeJS.WriteStream = process.stderr): CliReporter {
  const running = new Map<string, string>();
  let spinner: Ora | undefined;
  let phase = '';
  const refresh = (): void => {
    const text = running.size > 0 ? `${[...running.values()].join(', ')}` : phase;
    if (!spinner) spinner = ora({ text, stream, discardStdin: false }).start();
    else spinner.text = text;
  };
  const persist = (symbol: 'succeed' | 'fail' | 'info' | 'warn', text: string): void => {
    if (!spinner) spinner = ora({ stream, discardStdin: false });
    spinner[symbol](text);
    spinner = undefined;
    refresh();
  };
  return {
    event(e) {
      const line = describeEvent(e);
      if (e.type === 'phase') {
        phase = `${line ?? ''}…`;
        refresh();
      } else if (e.type === 'progress') {
        phase = line ?? '';
        refresh();
      } else if (e.type === 'start') {
        running.set(e.id, line ?? e.name);
        refresh();
      } else if (e.type === 'note') {
        running.set(e.id, line ?? e.name);
        refresh();
      } else if (e.type === 'done' || e.type === 'failed' || e.type === 'skipped') {
        running.delete(e.id);
        persist(e.type === 'done' ? 'succeed' : e.type === 'failed' ? 'fail' : 'warn', line ?? e.name);
      }
    },
    close() {
      spinner?.stop();
      spinner = undefined;
    },
  };
}

export const quietReporter: CliReporter = { event: () => undefined, close: () => undefined };

/**
 * Spinners need a real terminal: not CI, not TERM=dumb, and a known width. A zero-column
 * pseudo-terminal (some CI runners, `docker -t` without a size) sends ora into an endless
 * loop (it divides by the width), so those get plain lines.
 */
export function isInteractive(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.CI && env.TERM !== 'dumb' && (stream.columns ?? 0) > 0;
}

/** Picks the renderer: JSON mode is silent, a terminal gets spinners, anything else plain lines. */
export function chooseReporter(opts: { json?: boolean }): CliReporter {
  if (opts.json) return quietReporter;
  return isInteractive(process.stderr, process.env) ? spinnerReporter() : plainReporter();
}
