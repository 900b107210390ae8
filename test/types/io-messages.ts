// Compile-time checks of the message catalog (src/core/io-messages.ts): `npm run build` fails if an
// emit with the wrong level, data or code stops being an error, or a host stops reading a code's data
// with its type. Nothing here runs.
import type { IoHost, IoMessage } from '../../src/core/io.js';
import type { Plan } from '../../src/engine/types.js';

export function emits(io: IoHost, plan: Plan): void {
  io.notify({ level: 'info', code: 'P1_PLAN', message: 'ok', data: plan });
  io.notify({ level: 'warn', code: 'P1_SITE_EMPTY', message: 'ok' });
  // @ts-expect-error P1_PLAN carries the plan, not a number
  io.notify({ level: 'info', code: 'P1_PLAN', message: 'x', data: 42 });
  // @ts-expect-error P1_PLAN carries data: it cannot be left out
  io.notify({ level: 'info', code: 'P1_PLAN', message: 'x' });
  // @ts-expect-error P1_PLAN is an info message, not a warning
  io.notify({ level: 'warn', code: 'P1_PLAN', message: 'x', data: plan });
  // @ts-expect-error P1_SITE_EMPTY carries no data
  io.notify({ level: 'warn', code: 'P1_SITE_EMPTY', message: 'x', data: 'bucket' });
  // @ts-expect-error a code outside the catalog
  io.notify({ level: 'info', code: 'P1_NOT_DECLARED', message: 'x' });
}

export function reads(m: IoMessage): Plan['mode'] | string | undefined {
  if (m.code === 'P1_PLAN') return m.data.mode;
  if (m.code === 'P1_BACKUP') return m.data.arn;
  // @ts-expect-error only a code that carries data has it
  if (m.code === 'P1_SITE_EMPTY') return m.data.mode;
  return undefined;
}
