// `projet1 dev`: the stack up once, then every save goes live. Handler and shared-code changes
// rebuild incrementally and update only the functions whose bundle changed, each planned and applied
// through the engine as `up` does (no drift); website changes publish the changed files; a config
// change re-plans and applies (asking before anything risky, as `up` does). Reports through the I/O host.
import { basename, dirname } from 'node:path';
import { devBuilder, type DevBuilder } from '../build/dev-builder.js';
import { FUNCTIONS } from '../config/functions.js';
import type { Reporter } from '../engine/events.js';
import { EXIT, UserError } from '../errors.js';
import { PACKAGE_ROOT } from '../paths.js';
import { applyFunction, functionResource } from './dev-apply.js';
import { type DirWatcher, POLL_MS, watchDir } from './file-watch.js';
import type { IoHost } from './io.js';
import { isProduction } from './production.js';
import { openSession, type Session, type SessionOptions } from './session.js';
import { up } from './stack-ops.js';
import { deployWebsite, websiteDir } from './website.js';

export { isProduction } from './production.js';

export interface DevOptions {
  /** Run against a production environment anyway. */
  force: boolean;
  /** Poll the folders instead of using the OS's file events. */
  poll?: boolean;
  /** How to reopen the session after a config change (the same flags the command got). */
  reopen: SessionOptions;
}

export interface FunctionUpdate {
  id: string;
  /** From the first file event to the update being complete. */
  ms: number;
  detectMs: number;
  buildMs: number;
  updateMs: number;
}

const quiet: Reporter = { event: () => undefined };
const SETTLE_MS = 25;

/** Refuses production unless forced; warns that a real AWS stack changes on every save. */
export function checkDevTarget(session: Session, io: IoHost, force: boolean): void {
  const c = session.config;
  if (isProduction(c) && !force) {
    throw new UserError(
      `${c.project}/${c.environment} is a production environment: \`projet1 dev\` refuses to hot-update it.`,
      {
        exitCode: EXIT.conflict,
        hint: 'Deploy with `projet1 up`. To update it on every save anyway, run `projet1 dev --force`.',
      },
    );
  }
  if (!c.endpointUrl) {
    io.notify({
      level: 'warn',
      code: 'P1_DEV_LIVE',
      message: `dev updates the live stack ${c.project}/${c.environment} in account ${session.env.accountId}, ${c.region}, on every save.`,
    });
  }
}

export class DevLoop {
  private builder: DevBuilder | undefined;
  private watchers: DirWatcher[] = [];
  private warnedPolling = false;
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  /** Every function update made, for the summary and the tests. */
  readonly updates: FunctionUpdate[] = [];
  /** Website publishes and config changes applied after the start, for the summary. */
  readonly counts = { website: 0, config: 0 };
  private readonly first: Session;

  constructor(
    private session: Session,
    private readonly io: IoHost,
    private readonly opts: DevOptions,
  ) {
    this.first = session;
  }

  /** `up`, then the first build, then watching. */
  async start(): Promise<void> {
    checkDevTarget(this.session, this.io, this.opts.force);
    const site = websiteDir(this.session, undefined);
    this.say('P1_DEV_START', `First \`up\` (the stack as configured), then publishing ${site}, then watching…`);
    const first = await up(this.session, this.io);
    const n = first.result.counts;
    this.say(
      'P1_DEV_UP',
      n.created + n.updated + n.deleted === 0
        ? `up: no changes, ${n.unchanged} resource(s) match the configuration.`
        : `up: ${n.created} created, ${n.updated} updated, ${n.deleted} deleted.`,
    );
    // The site as it is in the working copy, so later saves publish only what changed.
    const published = await deployWebsite(this.session, quietIo(this.io), { dir: site, dryRun: false });
    this.say(
      'P1_DEV_PUBLISHED',
      `website: ${published.uploaded.length} file(s) uploaded, ${published.deleted.length} deleted, ${published.unchanged} unchanged (${published.websiteUrl}).`,
    );
    this.builder = await devBuilder(
      PACKAGE_ROOT,
      FUNCTIONS.map((f) => f.id),
    );
    await this.builder.build();
    const config = this.session.loaded.file;
    const dirs = new Set([...this.builder.sourceDirs(), site]);
    for (const dir of dirs) this.watch(dir, dir === site);
    if (config) this.watch(dirname(config), false, basename(config));
    this.io.notify({
      level: 'info',
      code: 'P1_DEV_WATCHING',
      message: `Watching handlers, their shared code, ${site}${config ? ` and ${basename(config)}` : ''}${this.opts.poll ? ` (polling every ${POLL_MS} ms)` : ''} (Ctrl-C to stop)…`,
    });
  }

  private watch(dir: string, recursive: boolean, only?: string): void {
    const w = watchDir(
      dir,
      { recursive, only, poll: this.opts.poll },
      (file) => {
        if (!this.pending.has(file)) this.pending.set(file, performance.now());
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.flush(), SETTLE_MS);
      },
      (_dir, reason) => {
        if (this.warnedPolling) return;
        this.warnedPolling = true;
        this.io.notify({
          level: 'warn',
          code: 'P1_DEV_POLLING',
          message: `File events are unavailable: ${reason}. Polling every ${POLL_MS} ms instead.`,
        });
      },
    );
    // A folder that does not exist (no website dir) is simply not watched.
    if (w) this.watchers.push(w);
  }

  /** Handles saved files one batch at a time, in order. */
  private flush(): void {
    const batch = this.pending;
    this.pending = new Map();
    this.running = this.running.then(() => this.handle(batch)).catch((err: unknown) => this.report(err));
  }

  private say(code: 'P1_DEV_START' | 'P1_DEV_UP' | 'P1_DEV_PUBLISHED', message: string): void {
    this.io.notify({ level: 'info', code, message });
  }

  private report(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    // dev keeps watching: a save is enough, whatever the error's own hint says about running again.
    const next = 'Still watching: fix it and save; nothing was changed by this save.';
    const buildFailed = message.startsWith('Bundling the Lambda handlers failed');
    const hint = buildFailed
      ? `\nThe deployed code is unchanged. ${next}`
      : `${err instanceof UserError && err.hint ? `\n${err.hint}` : ''}\n${next}`;
    this.io.notify({ level: 'error', code: 'P1_DEV_FAILED', message: `${message}${hint}` });
  }

  private async handle(batch: Map<string, number>): Promise<void> {
    if (this.io.signal.aborted || !this.builder || batch.size === 0) return;
    const first = Math.min(...batch.values());
    const files = [...batch.keys()];
    const config = this.session.loaded.file;
    const site = websiteDir(this.session, undefined);
    if (config && files.includes(config)) await this.configChanged();
    if (files.some((f) => f.startsWith(`${site}/`) || f === site)) await this.websiteChanged(first);
    const code = files.filter((f) => this.builder?.reaches(f) || f.endsWith('.ts'));
    if (code.length > 0) await this.codeChanged(first, code);
  }

  private async codeChanged(firstEvent: number, files: string[]): Promise<void> {
    if (!this.builder) return;
    const detected = performance.now();
    const build = await this.builder.build(files);
    if (build.changed.length === 0) return;
    await Promise.all(
      build.changed.map(async (id) => {
        const t0 = performance.now();
        const resource = functionResource(this.session, id);
        const pkg = build.packages.get(id);
        if (!resource || !pkg) return;
        const desired = { ...resource.desired, zip: pkg.zip, codeSha256: pkg.sha256 };
        if (!(await applyFunction(this.session, { ...resource, desired }, quiet, this.io.signal))) return;
        const u: FunctionUpdate = {
          id,
          ms: performance.now() - firstEvent,
          detectMs: detected - firstEvent,
          buildMs: build.ms,
          updateMs: performance.now() - t0,
        };
        this.updates.push(u);
        this.io.notify({
          level: 'info',
          code: 'P1_DEV_FUNCTION',
          message: `${resource.name} live ${Math.round(u.ms)} ms after save (detect ${Math.round(u.detectMs)}, build ${Math.round(u.buildMs)}, update ${Math.round(u.updateMs)})`,
          data: u,
        });
      }),
    );
  }

  private async websiteChanged(firstEvent: number): Promise<void> {
    const r = await deployWebsite(this.session, quietIo(this.io), {
      dir: websiteDir(this.session, undefined),
      dryRun: false,
    });
    if (r.uploaded.length + r.deleted.length === 0) return;
    this.counts.website++;
    const what = [...r.uploaded.map((k) => `+${k}`), ...r.deleted.map((k) => `-${k}`)].join(' ');
    this.io.notify({
      level: 'info',
      code: 'P1_DEV_WEBSITE',
      message: `website ${what} live ${Math.round(performance.now() - firstEvent)} ms after save${r.invalidated.length ? ` (invalidated ${r.invalidated.join(' ')})` : ''}`,
      data: r,
    });
  }

  private async configChanged(): Promise<void> {
    const next = await openSession(this.opts.reopen);
    const [a, b] = [this.session.config, next.config];
    if (
      a.project !== b.project ||
      a.environment !== b.environment ||
      a.region !== b.region ||
      a.endpointUrl !== b.endpointUrl
    ) {
      next.aws.destroy();
      throw new UserError('The config now names another stack: restart `projet1 dev` to work on it.');
    }
    const result = await up(next, this.io);
    // The first session belongs to the command (it closes it); later ones are closed on stop.
    if (this.session !== this.first) this.session.aws.destroy();
    this.session = next;
    const n = result.result.counts;
    this.counts.config++;
    this.io.notify({
      level: 'info',
      code: 'P1_DEV_CONFIG',
      message: `config applied: ${n.created} created, ${n.updated} updated, ${n.deleted} deleted`,
    });
  }

  /** Stops watching and lets the update in flight finish. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    for (const w of this.watchers) w.close();
    this.watchers = [];
    await this.running;
    await this.builder?.dispose();
    if (this.session !== this.first) this.session.aws.destroy();
  }

  get current(): Session {
    return this.session;
  }
}

/** The host with its progress events muted: dev prints one line per change. */
function quietIo(io: IoHost): IoHost {
  return {
    event: () => undefined,
    notify: (m) => (m.level === 'warn' || m.level === 'error' ? io.notify(m) : undefined),
    requestConfirmation: (r) => io.requestConfirmation(r),
    signal: io.signal,
  };
}
