// One documented behaviour of real AWS that the emulator does not reproduce, played by the fault
// proxy at the HTTP level. Each names the AWS document (or the Terraform AWS provider's retry code)
// it comes from, so a test built on it tests AWS's contract, not a guess.
import type { AwsClients } from '../../../runtime/aws/clients.js';
import type { Call } from '../aws-call.js';
import type { Reply } from '../aws-reply.js';

/** The HTTP request as the proxy received it. */
export interface RawRequest {
  method: string;
  /** Path and query string. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface BehaviourContext {
  /** Milliseconds since the epoch, read once per call. */
  now: number;
  /**
   * AWS's documented durations multiplied by this: 1 plays them in real time (the bench),
   * tests use a small factor so a minute of CloudFront InProgress takes a fraction of a second.
   */
  scale: number;
  /** Clients aimed straight at the emulator (not through the proxy), to read what a call refers to. */
  emulator: AwsClients;
  /** Counts one injected behaviour under `kind` (shown in `FaultProxy.injected`). */
  count(kind: string): void;
}

export interface Behaviour {
  /** Short name, also the key it is counted under. */
  kind: string;
  /** The AWS document or provider code this reproduces. */
  source: string;
  /** An answer instead of forwarding the call, or undefined to let it through. */
  before?(call: Call, req: RawRequest, ctx: BehaviourContext): Promise<Reply | undefined> | Reply | undefined;
  /** Sees every successful answer (status < 300); may rewrite its body (a state AWS reports for a while). */
  after?(call: Call, req: RawRequest, body: string, ctx: BehaviourContext): string;
}

/** `ms` of AWS's time, scaled for this run. */
export const scaled = (ctx: BehaviourContext, ms: number): number => Math.round(ms * ctx.scale);
