// up, plan, status, outputs, down: thin renderings of the core's stack operations.
// (deploy-website is in website.ts: its MIME table and S3 object code are not loaded for these.)
import { deployedOutputs } from '../../core/outputs.js';
import { callSummary, down as coreDown, plan as corePlan, up as coreUp } from '../../core/stack-ops.js';
import { status as coreStatus } from '../../core/status.js';
import type { DomainStatus } from '../../core/domain-status.js';
import { siteEmptyMessage } from '../../core/site-content.js';
import { EXIT, UserError } from '../../errors.js';
import { planHasChanges } from '../../engine/types.js';
import { closestKeys, orderOutputs } from '../outputs-order.js';
import { siteBucketName, verdict } from '../verdict.js';
import { elapsed, renderHealth, renderKeyOutputs, renderOutputs, renderPlan, renderSummary } from '../render.js';
import type { PLAN, STATUS, UP } from '../options.js';
import type { Handler } from '../spec.js';

/** The domain's certificate, why it is pending, and the records it needs. */
function renderDomain(d: DomainStatus): string {
  const head = `Domain ${d.domain}: certificate ${d.certificateStatus === 'ISSUED' ? 'issued' : `pending (${d.certificateStatus})`}`;
  const where = d.zoneId ? `records in Route 53 zone ${d.zoneId}` : 'records to create at your DNS provider';
  return [head, ...(d.reason ? [`  why: ${d.reason}`] : []), `  ${where}:`, ...d.records.map((r) => `    ${r}`)].join(
    '\n',
  );
}

const changesOf = <C extends { action: string }>(changes: C[]): C[] => changes.filter((c) => c.action !== 'no-op');

export const up: Handler<'stack-code', typeof UP> = async ({ session, io, opts }) => {
  const res = await coreUp(session, io, { wait: opts.wait === true });
  io.info(renderSummary('Up', res.result, elapsed()));
  if (res.siteEmpty) io.notify({ level: 'warn', code: 'P1_SITE_EMPTY', message: siteEmptyMessage(session) });
  if (res.domain?.reason)
    io.notify({ level: 'warn', code: 'P1_DOMAIN_PENDING', message: renderDomain(res.domain), data: res.domain });
  io.result(
    {
      changes: changesOf(res.plan.changes),
      summary: res.result ?? null,
      outputs: res.outputs,
      siteEmpty: res.siteEmpty,
      ...(res.domain ? { domain: res.domain } : {}),
      awsCalls: callSummary(session),
    },
    renderKeyOutputs(res.outputs),
  );
  return EXIT.ok;
};

export const plan: Handler<'stack-code', typeof PLAN> = async ({ session, io, opts }) => {
  const p = await corePlan(session, opts.destroy ? 'destroy' : 'apply', io);
  const changed = planHasChanges(p);
  io.result(
    { mode: p.mode, hasChanges: changed, changes: p.changes, awsCalls: callSummary(session) },
    renderPlan(p, { colors: io.look.colors, width: io.outWidth }),
  );
  return opts.exitCode && changed ? EXIT.changes : EXIT.ok;
};

/** `status` exits 2 when anything needs attention, so scripts and monitors can use it. */
export const status: Handler<'stack-code', typeof STATUS> = async ({ session, io, opts }) => {
  const report = await coreStatus(session, io);
  const c = session.config;
  // The verdict first (stderr, printed before the details), then only what needs attention.
  io.info(`Stack ${c.project}/${c.environment} in ${c.region}${c.endpointUrl ? ` at ${c.endpointUrl}` : ''}`);
  io.info(verdict(report, siteBucketName(session)));
  if (report.domain) io.info(renderDomain(report.domain));
  io.result(
    { project: c.project, environment: c.environment, region: c.region, endpointUrl: c.endpointUrl, ...report },
    renderHealth(report, io.outWidth, opts.all === true),
  );
  return report.healthy ? EXIT.ok : EXIT.changes;
};

export const outputs: Handler<'stack'> = async ({ session, io, args }) => {
  const out = orderOutputs(await deployedOutputs(session, io));
  const [key] = args;
  if (key === undefined) {
    io.result({ outputs: out }, renderOutputs(out));
    return EXIT.ok;
  }
  const value = out[key];
  if (value === undefined) {
    const near = closestKeys(key, Object.keys(out));
    throw new UserError(`No output named "${key}".`, {
      exitCode: EXIT.usage,
      hint: near.length
        ? `Did you mean ${near.map((k) => `\`${k}\``).join(', ')}? \`projet1 outputs\` lists them all.`
        : '`projet1 outputs` lists them all.',
    });
  }
  io.result({ key, value, outputs: { [key]: value } }, value);
  return EXIT.ok;
};

export const down: Handler<'stack'> = async ({ session, io }) => {
  const res = await coreDown(session, io);
  const c = session.config;
  if (!res.result) io.info(`Nothing to delete: no resource of ${c.project}/${c.environment} exists in ${c.region}.`);
  else {
    io.info(renderSummary('Down', res.result, elapsed()));
    const foreign = res.plan.changes.filter((x) => x.action === 'conflict');
    if (foreign.length) io.info(`Left alone (not ours): ${foreign.map((x) => x.name).join(', ')}`);
  }
  io.result({
    changes: changesOf(res.plan.changes),
    summary: res.result ?? null,
    backupArn: res.backupArn ?? null,
    // What down leaves on purpose (shared with other stacks), as the text output says it.
    kept: res.plan.changes.filter((x) => x.action === 'no-op' && x.reason).map((x) => x.reason),
    awsCalls: callSummary(session),
  });
  return EXIT.ok;
};
