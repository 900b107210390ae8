// One AWS call held on its way, at the point a test chooses (a slow or cut network between two
// steps of a run): the fault proxy's way to put another run's action exactly there. Not an AWS
// behaviour, so it is in no profile: a test builds the proxy with `only([gate.behaviour])`.
import type { Call } from './aws-call.js';
import type { Behaviour, RawRequest } from './aws-behaviour/types.js';
import type { FaultProfile } from './fault-proxy.js';

/** A proxy that only plays `behaviours`: no random faults, no delays. */
export const only = (behaviours: Behaviour[]): FaultProfile => ({
  seed: 1,
  randomFault: 0,
  slow: 0,
  iamPropagationMs: 0,
  lambdaUpdateMs: 0,
  cloudfrontMs: 0,
  readAfterCreateMs: 0,
  loseFirstAnswerOf: [],
  lostCreates: false,
  quotas: {},
  behaviours,
});

const bodyOf = (req: RawRequest): Record<string, unknown> => {
  try {
    return JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
};

export interface Gate {
  behaviour: Behaviour;
  /** Resolves when the chosen call reached the proxy (it is held there). */
  held: Promise<void>;
  /** Lets it through. */
  open(): void;
  /** Resolves once AWS answered it. */
  passed: Promise<void>;
}

/** Holds the first call `match` picks until `open()`: a network that delays one request. */
export function gate(match: (call: Call, body: Record<string, unknown>) => boolean): Gate {
  let arrived: () => void = () => undefined;
  let open: () => void = () => undefined;
  let answered: () => void = () => undefined;
  const held = new Promise<void>((r) => (arrived = r));
  const opened = new Promise<void>((r) => (open = r));
  const passed = new Promise<void>((r) => (answered = r));
  let chosen: RawRequest | undefined;
  const behaviour: Behaviour = {
    kind: 'held-call',
    source: 'not an AWS behaviour: one request delayed on the network, at the point a test chooses',
    async before(call, req) {
      if (chosen || !match(call, bodyOf(req))) return undefined;
      chosen = req;
      arrived();
      await opened;
      return undefined;
    },
    after(_call, req, body) {
      if (req === chosen) answered();
      return body;
    },
  };
  return { behaviour, held, open, passed };
}
