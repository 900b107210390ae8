// `--json --events`: what a run does, as it happens, for programs that follow it: one JSON
// object per line (NDJSON) on stderr, each with the same keys in the same order,
//   {"time": ISO 8601, "level": "error"|"warn"|"info"|"debug", "code": "P1_…", "message": text, "data": value|null}
// for every IoHost message, every engine event and the run's failure, at every level (a program
// filters by level or code). Codes and data types: src/core/io-messages.ts. stdout keeps its one
// JSON document, written after the last event.
import { ENGINE_EVENT_CODE, IO, type IoCode, type IoLevel, type IoMessage } from '../core/io-messages.js';
import type { EngineEvent } from '../engine/events.js';
import { describeEvent } from './progress.js';

export interface EventLine {
  time: string;
  level: IoLevel;
  code: IoCode;
  message: string;
  data: unknown;
}

export interface EventStream {
  message(m: IoMessage): void;
  event(e: EngineEvent): void;
  /** The run failed: `doc` is the `error` of stdout's document. */
  error(doc: Record<string, unknown>): void;
}

export function eventStream(stream: NodeJS.WritableStream, now: () => Date = () => new Date()): EventStream {
  const write = (line: Omit<EventLine, 'time'>): void => {
    const event: EventLine = { time: now().toISOString(), ...line };
    stream.write(`${JSON.stringify(event)}\n`);
  };
  return {
    message: (m) => write({ level: m.level, code: m.code, message: m.message, data: m.data ?? null }),
    event(e) {
      const code = ENGINE_EVENT_CODE[e.type];
      // `observed` has no line of its own in the text output; a program still gets one per resource read.
      const message = describeEvent(e) ?? (e.type === 'observed' ? `read ${e.name}` : e.type);
      write({ level: IO[code].level, code, message, data: e });
    },
    error: (doc) => write({ level: 'error', code: 'P1_ERROR', message: String(doc.message), data: doc }),
  };
}
