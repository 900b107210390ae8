// `status`: each resource's state (the plan of `up`, read as ok / missing / drifted / foreign), the
// alarms, the lock, live probes of the API and the site, and the domain's certificate.
import type { Reporter } from '../engine/events.js';
import { computePlan, outputOf } from '../engine/plan.js';
import type { Change, Plan } from '../engine/types.js';
import { type DomainStatus, domainStatus } from './domain-status.js';
import { lockName, readLock, type LockInfo } from './lock.js';
import type { Session } from './session.js';
import { siteBucketEmpty } from './site-content.js';
import { stackOutputs } from './outputs.js';
import { type StackProbe, stackProbes } from './status-probes.js';
import { type RegionsStatus, regionsStatus } from './status-regions.js';

export type { RegionsStatus } from './status-regions.js';

export type ResourceState = 'ok' | 'missing' | 'drifted' | 'foreign';

export interface StatusRow {
  id: string;
  type: string;
  name: string;
  state: ResourceState;
  drift: Change['fields'];
  reason?: string;
}

function statusRows(p: Plan): StatusRow[] {
  const stateOf: Record<Change['action'], ResourceState> = {
    create: 'missing',
    update: 'drifted',
    'no-op': 'ok',
    conflict: 'foreign',
    // In a plan of `up`, a deletion is of what the configuration turned off: `up` removes it.
    delete: 'drifted',
  };
  return p.changes.map((c) => ({
    id: c.id,
    type: c.type,
    name: c.name,
    state: stateOf[c.action],
    drift: c.fields,
    ...(c.reason ? { reason: c.reason } : {}),
  }));
}

export interface AlarmStatus {
  name: string;
  state: string;
  reason: string;
}

export interface StatusReport {
  resources: StatusRow[];
  alarms: AlarmStatus[];
  /** E-mail subscriptions of the alarm topics, with whether they are confirmed. */
  notifications: string[];
  probes: StackProbe[];
  /** The run holding the stack lock, if any (a lock whose lease passed is stale). */
  lock: (LockInfo & { stale: boolean }) | null;
  /** The site bucket exists and is empty (the website answers 403 until `deploy-website`). */
  siteEmpty: boolean;
  /** The site's own domain (website.domain): absent without one. */
  domain?: DomainStatus;
  /** With regions.secondary: which region is primary (for writes), the replica's state, each region's API. */
  regions?: RegionsStatus;
  /** Every resource exists and matches, no alarm is in ALARM, the API and website answer, the site is published. */
  healthy: boolean;
}

export async function status(session: Session, reporter: Reporter): Promise<StatusReport> {
  const state = await computePlan(session.stack, 'apply', session.context(reporter), reporter);
  const resources = statusRows(state.plan);
  const { parts } = session.stack;
  const alarms = parts.alarms
    .filter((r) => state.outputs.has(r.id))
    .map((r) => ({
      name: r.name,
      state: outputOf(state, r, 'state') ?? '',
      reason: outputOf(state, r, 'reason') ?? '',
    }));
  const notifications = parts.topics.map((r) => outputOf(state, r, 'subscription') ?? '').filter((s) => s !== '');
  const out = stackOutputs(session, state);
  const [probes, held, siteEmpty, domain] = await Promise.all([
    stackProbes(session, out),
    readLock(session.aws, lockName(session.config), session.config.lock.leaseSeconds),
    siteBucketEmpty(session),
    domainStatus(session.context(reporter)('domain'), parts, state),
  ]);
  const lock = held ?? null;
  const regions: RegionsStatus | undefined = await regionsStatus(session, state, probes);
  const healthy =
    resources.every((r) => r.state === 'ok') &&
    alarms.every((a) => a.state !== 'ALARM') &&
    probes.every((p) => p.answering) &&
    !siteEmpty &&
    (domain === undefined || domain.certificateStatus === 'ISSUED');
  return {
    resources,
    alarms,
    notifications,
    probes,
    lock,
    siteEmpty,
    ...(domain ? { domain } : {}),
    ...(regions ? { regions } : {}),
    healthy,
  };
}
