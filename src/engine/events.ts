// The core reports what it does through these events; it never prints. `--json --events` streams each
// one to programs as is (its `data`, under a code of src/core/io-messages.ts): a field renamed here
// changes that public stream too (README "Events").
import type { ChangeAction } from './types.js';

export type EngineEvent =
  | { type: 'phase'; phase: 'observe' | 'apply' | 'destroy'; total: number }
  | { type: 'observed'; id: string; name: string }
  | { type: 'start'; id: string; name: string; action: ChangeAction }
  | { type: 'note'; id: string; name: string; message: string }
  | { type: 'done'; id: string; name: string; action: ChangeAction; ms: number }
  | { type: 'failed'; id: string; name: string; action: ChangeAction; message: string }
  | { type: 'skipped'; id: string; name: string; action: ChangeAction; reason: string }
  | { type: 'progress'; id: string; label: string; done: number; total: number | undefined; perSecond: number };

export interface Reporter {
  event(e: EngineEvent): void;
}

export const silentReporter: Reporter = { event: () => undefined };
