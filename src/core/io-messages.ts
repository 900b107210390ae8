// The catalog of the IoHost's message codes (after the CDK toolkit's `IO` registry): each code's
// level, meaning and data type are declared here, once. `IoMessage` is derived from it, so an
// emit with the wrong level or data does not compile, and a host that tests `m.code` reads
// `m.data` with its type. `--json --events` streams these codes (README "Events").
import type { AwsRetry } from '../../runtime/aws/clients.js';
import type { EngineEvent } from '../engine/events.js';
import type { Change, Plan } from '../engine/types.js';
import type { FunctionUpdate } from './dev.js';
import type { DomainStatus } from './domain-status.js';
import type { DeployResult } from './website.js';

export type IoLevel = 'error' | 'warn' | 'info' | 'debug';

/** One code's declaration. `data` is never set: it only carries the data's type to `IoMessage`. */
export interface MessageSpec<L extends IoLevel, D> {
  readonly level: L;
  readonly description: string;
  readonly data?: D;
}

// No type argument: the message carries no data (an emit that passes some does not compile).
const spec =
  <L extends IoLevel>(level: L) =>
  <D = undefined>(description: string): MessageSpec<L, NoInfer<D>> => ({ level, description });
const error = spec('error');
const warn = spec('warn');
const info = spec('info');
const debug = spec('debug');

/** A confirmation request's data: the changes asked for, and the command that shows them. */
export interface Approval {
  changes: Change[];
  review: string;
}

type Of<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

export const IO = {
  // Stack operations
  P1_PLAN: info<Plan>('up, down: the plan about to be applied, before any change'),
  P1_KEPT: info<Change>('down: a resource teardown leaves on purpose, and why (the change)'),
  P1_BACKUP: info<{ arn: string }>('down: the on-demand backup of a non-empty table, taken before deleting it'),
  P1_DOMAIN_PENDING: warn<DomainStatus>(
    "up: the site's certificate is not issued yet (the distribution keeps its own domain): why, and the DNS records",
  ),
  P1_SITE_EMPTY: warn('up: the site bucket holds nothing; the website answers 403 until deploy-website'),
  // Stack lock
  P1_LOCK_BROKEN: warn('a stale lock (or one broken by --force-unlock) was taken over'),
  P1_LOCK_LOST: warn('the stack lock was lost during the run; the run stops'),
  P1_LOCK_RENEW: debug('one renewal of the lock lease failed (the next one may pass)'),
  P1_REGION_DOWN: warn(
    "failover --to: the stack's region did not answer (STS, the lock): asked elsewhere, or went on without the lock",
  ),
  P1_LOCK_KEPT: warn('the lock could not be released; it is free when its lease ends'),
  // Catalog and AWS calls
  P1_IMPORT_NEW_IDS: warn('products import: rows without product_id become new products'),
  P1_RETRY: debug<AwsRetry>('--verbose: the SDK retries an AWS call'),
  P1_EMULATOR_OLD_CERT: warn("emulator start: the running emulator's certificate does not name the website"),
  // dev
  P1_DEV_LIVE: warn('dev: the stack it updates on every save is on AWS, not the emulator'),
  P1_DEV_START: info('dev: starting (up, publish, then watch)'),
  P1_DEV_UP: info("dev: the first up's counts"),
  P1_DEV_PUBLISHED: info('dev: the first website publish'),
  P1_DEV_WATCHING: info('dev: watching the files (Ctrl-C to stop)'),
  P1_DEV_POLLING: warn('dev: file events unavailable, polling instead'),
  P1_DEV_FAILED: error('dev: a save could not be applied; still watching'),
  P1_DEV_FUNCTION: info<FunctionUpdate>('dev: a function runs the saved code (with timings)'),
  P1_DEV_WEBSITE: info<DeployResult>('dev: saved website files are published'),
  P1_DEV_CONFIG: info('dev: the saved configuration is applied'),
  // The engine's progress events (EngineEvent), as --events streams them: the event is the data.
  P1_PHASE: info<Of<'phase'>>('a phase starts: reading current state, applying, deleting'),
  P1_RESOURCE_OBSERVED: debug<Of<'observed'>>("a resource's current state was read"),
  P1_RESOURCE_START: info<Of<'start'>>('a change to a resource starts'),
  P1_RESOURCE_NOTE: info<Of<'note'>>('a change in progress says what it waits for'),
  P1_RESOURCE_DONE: info<Of<'done'>>('a change to a resource is done'),
  P1_RESOURCE_FAILED: error<Of<'failed'>>('a change to a resource failed'),
  P1_RESOURCE_SKIPPED: warn<Of<'skipped'>>('a change was not made (its dependency failed, or a stop)'),
  P1_PROGRESS: info<Of<'progress'>>('items done so far in a bulk operation (seed, import, upload, restore)'),
  // Confirmation requests (IoHost.requestConfirmation), as --events streams them before the answer
  P1_APPROVE: info<Approval>('up, down: deletions or permission changes need approval (--yes)'),
  P1_RESTORE: info<Approval>('products restore: replacing the catalog needs approval (--yes)'),
  // The run's end, as --events streams it
  P1_ERROR: error<Record<string, unknown>>("the run failed: the same object as the JSON document's `error`"),
} satisfies Record<`P1_${string}`, MessageSpec<IoLevel, unknown>>;

export type IoCode = keyof typeof IO;
type LevelOf<C extends IoCode> = (typeof IO)[C]['level'];
/** The data a code carries (`never`: none). */
export type DataOf<C extends IoCode> = Exclude<(typeof IO)[C]['data'], undefined>;

/** A message of one code: its level and data are the catalog's (no data: `data` must be absent). */
export type IoMessage<C extends IoCode = IoCode> = {
  [K in C]: { level: LevelOf<K>; code: K; message: string } & ([DataOf<K>] extends [never]
    ? { data?: undefined }
    : { data: DataOf<K> });
}[C];

/** Engine event type → its code in the catalog. */
export const ENGINE_EVENT_CODE = {
  phase: 'P1_PHASE',
  observed: 'P1_RESOURCE_OBSERVED',
  start: 'P1_RESOURCE_START',
  note: 'P1_RESOURCE_NOTE',
  done: 'P1_RESOURCE_DONE',
  failed: 'P1_RESOURCE_FAILED',
  skipped: 'P1_RESOURCE_SKIPPED',
  progress: 'P1_PROGRESS',
} as const satisfies Record<EngineEvent['type'], IoCode>;

/** The codes of confirmation requests (the CDK's `confirm` makers). */
export type ConfirmCode = 'P1_APPROVE' | 'P1_RESTORE';
