// The smoke test's plumbing: the CLI as a child process (in its own process group, so that a
// Ctrl-C reaches it only through us and never interrupts the clean-up), timed steps, HTTP checks
// that count their requests, and the signals that turn into "stop, then clean up".
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from '../test/helpers/cli.js';
import { viaCloudFront } from '../test/helpers/site.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export class Interrupted extends Error {
  constructor(signal: string) {
    super(`interrupted by ${signal}`);
    this.name = 'Interrupted';
  }
}

export interface Step {
  name: string;
  ms: number;
  ok: boolean;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

export class Runner {
  readonly steps: Step[] = [];
  /** AWS calls the CLI made (its --verbose count), HTTP requests to the API and through CloudFront. */
  readonly requests = { aws: 0, api: 0, site: 0 };
  signal: string | undefined;
  private child: ChildProcess | undefined;
  private cleaning = false;
  private signals = 0;

  constructor(
    private readonly cwd: string,
    /** Global options for every command: --profile, --region, --endpoint-url. */
    private readonly globals: string[],
    private readonly log: (line: string) => void,
  ) {}

  /** First signal: stop the command running (as a Ctrl-C would), then clean up. A third abandons the clean-up. */
  onSignal(signal: string, abandon: () => void): void {
    this.signals++;
    this.signal ??= signal;
    if (this.cleaning) {
      if (this.signals >= 3) abandon();
      else this.log(`${signal}: cleaning up first (resources would be left otherwise); send it twice more to abandon.`);
      return;
    }
    if (this.signals === 1) {
      this.log(`${signal}: stopping the step in progress, then cleaning up.`);
      this.child?.kill('SIGINT');
    }
  }

  /** From now on signals no longer stop the command running (the clean-up's `down`). */
  cleaningUp(): void {
    this.cleaning = true;
  }

  /** `projet1 <args>` with the global options; --verbose adds the AWS call count to `requests.aws`. */
  cli(args: string[]): Promise<CliRun> {
    if (this.signal && !this.cleaning) return Promise.reject(new Interrupted(this.signal));
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args, ...this.globals], {
        cwd: this.cwd,
        env: { ...process.env, CI: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      this.child = child;
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        this.child = undefined;
        const calls = /AWS calls: (\d+)/.exec(stderr);
        if (calls?.[1]) this.requests.aws += Number(calls[1]);
        resolve({ code: code ?? 1, stdout, stderr });
      });
    });
  }

  /** Like `cli`, but a non-zero exit fails the step with the command's own last lines. */
  async must(args: string[]): Promise<CliRun> {
    const r = await this.cli(args);
    if (r.code !== 0) {
      if (this.signal && !this.cleaning) throw new Interrupted(this.signal);
      const tail = r.stderr.trim().split('\n').slice(-6).join('\n    ');
      throw new Error(`projet1 ${args.join(' ')} exited ${r.code}:\n    ${tail}`);
    }
    return r;
  }

  async step<T>(name: string, run: () => Promise<T>): Promise<T> {
    if (this.signal && !this.cleaning) throw new Interrupted(this.signal);
    const t0 = performance.now();
    this.log(`» ${name}`);
    try {
      const out = await run();
      this.steps.push({ name, ms: performance.now() - t0, ok: true });
      this.log(`✓ ${name} (${seconds(performance.now() - t0)})`);
      return out;
    } catch (err) {
      this.steps.push({ name, ms: performance.now() - t0, ok: false });
      this.log(`✗ ${name} (${seconds(performance.now() - t0)})`);
      throw err;
    }
  }

  /** What CloudFront sends the API (api.edgeOnly): the smoke calls the API's own URL as the distribution does. */
  edge: Record<string, string> = {};

  /** An API request (counted), with the admin token when given. */
  async api(url: string, method = 'GET', token?: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    this.requests.api++;
    const res = await fetch(url, {
      method,
      headers: {
        ...this.edge,
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json };
  }

  /**
   * A page of the website (counted). The emulator's CloudFront answers on <label>.cloudfront.localhost,
   * which fetch() does not resolve: dial loopback and name the distribution, as the tests do.
   */
  async site(websiteUrl: string, path: string): Promise<{ status: number; text: string }> {
    this.requests.site++;
    const url = new URL(path, websiteUrl);
    if (url.hostname.endsWith('.localhost')) return viaCloudFront(websiteUrl, path);
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    return { status: res.status, text: await res.text() };
  }

  /** Polls `check` until it returns a value, at most `limitMs`, printing `progress()` every 15 s. */
  async until<T>(what: string, limitMs: number, check: () => Promise<T | undefined>, every = 2000): Promise<T> {
    const t0 = Date.now();
    let said = t0;
    let last = '';
    for (;;) {
      if (this.signal && !this.cleaning) throw new Interrupted(this.signal);
      try {
        const got = await check();
        if (got !== undefined) return got;
        last = 'not yet';
      } catch (err) {
        last = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      }
      if (Date.now() - t0 > limitMs) throw new Error(`${what}: no answer after ${seconds(limitMs)} (last: ${last})`);
      if (Date.now() - said >= 15_000) {
        said = Date.now();
        this.log(`  … ${what}: ${seconds(Date.now() - t0)} so far (${last})`);
      }
      await new Promise((r) => setTimeout(r, every));
    }
  }
}
