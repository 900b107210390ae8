// `projet1 failover --to <region> | --back | --drill`.
import { type DrillResult, drill } from '../../core/failover-drill.js';
import { failover as switchRegion, type FailoverResult, stackRegionsOf } from '../../core/failover.js';
import { describeReplication } from '../../core/failover-checks.js';
import { EXIT, UserError } from '../../errors.js';
import type { FAILOVER } from '../options.js';
import type { Handler } from '../spec.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function switchedText(r: FailoverResult, onAws: boolean): string {
  if (!r.changed) return `${r.to} is served already: nothing to change (${describeReplication(r.replication)}).`;
  return [
    `Failed over from ${r.from} to ${r.to} in ${seconds(r.ms)}: the distribution ${r.distributionId} sends the API's calls (reads and writes) to ${r.to} and reads the site from its bucket first.`,
    `Checked before: ${describeReplication(r.replication)}.`,
    onAws
      ? "CloudFront's edges take the change within minutes (not waited for); `projet1 status` shows the region served."
      : 'The emulator applies it at once.',
  ].join('\n');
}

function drillText(d: DrillResult): string {
  const rows = d.targets.map((t) => `  ${t.scenario} (${t.strategy}): target RTO ${t.rto}, RPO ${t.rpo}`);
  return [
    `Drill: ${d.throttled.length} functions of ${d.primary} throttled to zero (reads through the distribution then answered ${d.failingStatus}), then failed over to ${d.secondary} (${seconds(d.failoverMs)}).`,
    `  reads through the distribution again after ${seconds(d.readsMs)}, writes after ${seconds(d.writesMs)}`,
    `  RTO measured: ${seconds(d.rtoMs)} (from the failure, noticed at once; add the time it takes someone to notice)`,
    `  RPO measured: ${d.rpo} (${d.acknowledged} writes acknowledged before the failure, ${d.missing.length} missing in ${d.secondary})`,
    'Design targets:',
    ...rows,
    `Put back: concurrency removed from ${d.primary}'s functions, ${d.primary} served again, the drill's products deleted.`,
  ].join('\n');
}

export const failover: Handler<'stack', typeof FAILOVER> = async ({ session, io, opts }) => {
  const given = [opts.to !== undefined, opts.back === true, opts.drill === true].filter(Boolean).length;
  if (given !== 1)
    throw new UserError('Give exactly one of --to <region>, --back or --drill.', {
      exitCode: EXIT.usage,
      hint: '`projet1 status` shows which region is served now.',
    });
  if (opts.drill) {
    const d = await drill(session, io);
    io.result({ ...d }, drillText(d));
    return 0;
  }
  const to = opts.to ?? stackRegionsOf(session).primary;
  const r = await switchRegion(session, io, to);
  io.result({ ...r }, switchedText(r, session.config.endpointUrl === null));
  return 0;
};
