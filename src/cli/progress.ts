// Renders engine events on stderr: on a terminal, one live line per task in flight
// (redrawn in place, never wider than the terminal) above the finished ones; in CI or a
// pipe, plain lines; with --json, nothing (the command prints one document at the end).
import type { createLogUpdate } from 'log-update';

/** log-update's factory: loaded only for a terminal (its Unicode tables cost ~17 ms to load). */
export type LiveUpdate = typeof createLogUpdate;
import type { EngineEvent, Reporter } from '../engine/events.js';
import type { ChangeAction } from '../engine/types.js';
import type { Colors } from './style.js';

export interface CliReporter extends Reporter {
  /** Writes a line that stays (above the live lines on a terminal). */
  line(text: string): void;
  /** Clears the live lines; call before asking a question or printing results. */
  close(): void;
}

const PAST: Record<ChangeAction, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  'no-op': 'unchanged',
  conflict: 'refused',
};
const ING: Record<ChangeAction, string> = {
  create: 'creating',
  update: 'updating',
  delete: 'deleting',
  'no-op': 'checking',
  conflict: 'refusing',
};
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
  return {
    event(e) {
      // A log gets what changes; reading the current state is announced by the plan or summary that follows.
      if (e.type === 'phase' && (e.total === 0 || e.phase === 'observe')) return;
      // Item counters ("seeding 7/60") are for a terminal's live line; a pipe or file gets the summary.
      if (e.type === 'progress') return;
      const line = describeEvent(e);
      if (line)
        stream.write(
          `${e.type === 'failed' ? '✗' : e.type === 'done' ? '✓' : e.type === 'phase' ? '»' : ' '} ${line}\n`,
        );
    },
    line: (text) => void stream.write(`${text}\n`),
    close: () => undefined,
  };
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Cuts a line to the terminal width so a redraw never wraps (a wrapped line cannot be erased). */
export function fit(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

export function taskReporter(stream: NodeJS.WriteStream, colors: Colors, liveUpdate: LiveUpdate): CliReporter {
  const live = liveUpdate(stream, { showCursor: false });
  const tasks = new Map<string, string>();
  let header = '';
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = (): void => {
    const width = Math.max(20, (stream.columns || 80) - 1);
    const spin = colors.cyan(FRAMES[frame % FRAMES.length] ?? '');
    const lines = [header ? `${spin} ${header}` : '', ...[...tasks.values()].map((t) => `  ${spin} ${t}`)].filter(
      Boolean,
    );
    live(lines.map((l) => fit(l, width + (l.length - stripped(l).length))).join('\n'));
  };
  const tick = (): void => {
    timer ??= setInterval(() => {
      frame++;
      draw();
    }, 80);
    timer.unref();
  };
  const persist = (text: string): void => {
    live.clear();
    stream.write(`${text}\n`);
    draw();
  };
  return {
    event(e) {
      const text = describeEvent(e);
      if (e.type === 'phase' || e.type === 'progress') header = text ?? '';
      else if (e.type === 'start' || e.type === 'note') tasks.set(e.id, text ?? e.name);
      else if (e.type === 'done' || e.type === 'failed' || e.type === 'skipped') {
        tasks.delete(e.id);
        const mark = e.type === 'done' ? colors.green('✓') : e.type === 'failed' ? colors.red('✗') : colors.yellow('-');
        persist(`${mark} ${text ?? e.name}`);
        return;
      } else return;
      tick();
      draw();
    },
    line: persist,
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      tasks.clear();
      header = '';
      live.clear();
    },
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point.
const stripped = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

export const quietReporter: CliReporter = { event: () => undefined, line: () => undefined, close: () => undefined };

/**
 * Live lines need a real terminal: not CI, not TERM=dumb, and a known width (a zero-column
 * pseudo-terminal, as some CI runners give, cannot be redrawn), so those get plain lines.
 */
export function isInteractive(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.CI && env.TERM !== 'dumb' && (stream.columns ?? 0) > 0;
}
