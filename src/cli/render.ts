// Text renderings of plans, status rows and outputs. Pure functions of data.
import { describeLock } from '../core/lock-info.js';
import type { AwsCallSummary } from '../core/stack-ops.js';
import type { StatusReport, StatusRow } from '../core/status.js';
import type { ApplyResult } from '../engine/apply.js';
import type { Change, FieldChange, Plan } from '../engine/types.js';
import type { Colors } from './style.js';
import { table } from './table.js';

const SYMBOL: Record<Change['action'], string> = { create: '+', update: '~', delete: '-', 'no-op': ' ', conflict: '!' };

function show(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value);
  return text.length > 70 ? `${text.slice(0, 67)}...` : text;
}

export function renderFields(fields: FieldChange[]): string {
  return fields.map((f) => `${f.field}: ${show(f.from)} → ${show(f.to)}`).join('; ');
}

/** How a plan is drawn: colours (or none) and the width to fit. */
export interface Look {
  colors: Colors;
  width: number;
}

const PLAIN: Look = {
  colors: { red: String, green: String, yellow: String, cyan: String, bold: String, dim: String },
  width: Number.POSITIVE_INFINITY,
};

/** What `up` does not delete (a table or bucket found by the stack's tags): one line each, with the way out. */
function leftBehind(plan: Plan): string {
  const kept = plan.changes.filter((c) => c.action === 'no-op' && c.foundByTag);
  return kept.map((c) => `\nLeft behind: ${c.type} ${c.name}: ${c.reason ?? ''}.`).join('');
}

export function renderPlan(plan: Plan, look: Look = PLAIN): string {
  const kept = plan.changes.filter((c) => c.action === 'no-op' && c.foundByTag).length;
  const changes = plan.changes.filter((c) => c.action !== 'no-op');
  const unchanged = plan.changes.length - changes.length - kept;
  if (changes.length === 0)
    return `No changes. ${plan.changes.length - kept} resource(s) ${plan.mode === 'apply' ? 'match the configuration' : 'to delete: none exist'}.${leftBehind(plan)}`;
  const paint: Record<Change['action'], (s: string) => string> = {
    create: look.colors.green,
    update: look.colors.yellow,
    delete: look.colors.red,
    conflict: look.colors.red,
    'no-op': String,
  };
  const body = table(
    [
      ['', 'ACTION', 'TYPE', 'NAME', 'DETAILS'],
      ...changes.map((c) => [SYMBOL[c.action], c.action, c.type, c.name, c.reason ?? renderFields(c.fields)]),
    ],
    look.width,
  );
  // Colour after layout, so escape codes never count towards a column's width.
  const lines = body
    .split('\n')
    .map((line, i) => (i === 0 ? look.colors.bold(line) : paint[changes[i - 1]?.action ?? 'no-op'](line)));
  const count = (a: Change['action']) => plan.changes.filter((c) => c.action === a).length;
  const summary =
    plan.mode === 'apply'
      ? `Plan: ${count('create')} to create, ${count('update')} to update, ${count('delete') ? `${count('delete')} to delete (turned off or no longer in the configuration), ` : ''}${unchanged} unchanged${count('conflict') ? `, ${count('conflict')} conflict(s)` : ''}.`
      : `Plan: ${count('delete')} to delete${count('conflict') ? `, ${count('conflict')} conflict(s) (left alone)` : ''}.`;
  return `${lines.join('\n')}\n\n${summary}${leftBehind(plan)}`;
}

export function renderStatus(rows: StatusRow[], width = Number.POSITIVE_INFINITY): string {
  const body = rows.map((r) => [r.type, r.name, r.state, r.reason ?? renderFields(r.drift)]);
  return table([['TYPE', 'NAME', 'STATE', 'DETAILS'], ...body], width);
}

/**
 * What `status` prints on stdout: only what needs attention (resources not ok, alarms in ALARM,
 * endpoints not answering), with counts for the rest; `all` prints every row, as before.
 */
export function renderHealth(r: StatusReport, width = Number.POSITIVE_INFINITY, all = false): string {
  const parts: string[] = [];
  const rows = all ? r.resources : r.resources.filter((x) => x.state !== 'ok');
  const ok = r.resources.length - r.resources.filter((x) => x.state !== 'ok').length;
  if (rows.length > 0) parts.push(renderStatus(rows, width));
  if (!all || rows.length === 0) parts.push(`Resources: ${ok} of ${r.resources.length} ok.`);
  const shown = r.alarms.filter((a) => (all ? a.state !== 'OK' : a.state === 'ALARM'));
  if (shown.length > 0)
    parts.push(table([['ALARM', 'STATE', 'REASON'], ...shown.map((a) => [a.name, a.state, a.reason])], width));
  parts.push(
    `Alarms: ${countStates(r.alarms.filter((a) => !shown.includes(a)).map((a) => a.state)) || 'none'}${shown.length ? ' (others)' : ''}.`,
  );
  if (r.regions) {
    const apis = r.regions.apis.map((a) => `${a.region} ${a.status ?? 'no answer'}`).join(', ');
    parts.push(
      `Regions: ${r.regions.primary} is primary (writes); replica in ${r.regions.secondary}: ${r.regions.replicaStatus}${apis ? `; APIs: ${apis}` : ''}.`,
    );
  }
  if (r.lock) parts.push(`Lock: ${r.lock.stale ? 'stale (free to take over), was ' : ''}${describeLock(r.lock)}`);
  if (r.notifications.length > 0) parts.push(`Notifications: ${r.notifications.join(', ')}`);
  const probes = all ? r.probes : r.probes.filter((p) => !p.answering);
  if (probes.length > 0) {
    const cells = probes.map((p) => [
      p.url,
      p.status === null ? `no answer (${p.error ?? '?'})` : String(p.status),
      `${p.latencyMs} ms`,
    ]);
    parts.push(table([['PROBE', 'STATUS', 'LATENCY'], ...cells], width));
  }
  const fine = r.probes.filter((p) => p.answering && !probes.includes(p));
  if (fine.length > 0)
    parts.push(`Answering: ${fine.map((p) => `${p.url} ${p.status} in ${p.latencyMs} ms`).join(', ')}.`);
  return parts.join('\n\n');
}

export function renderOutputs(outputs: Record<string, string>): string {
  const width = Math.max(...Object.keys(outputs).map((k) => k.length));
  return Object.entries(outputs)
    .map(([k, v]) => `${k.padEnd(width)} = ${v}`)
    .join('\n');
}

/** Time since the process started: what the user waited, start-up included. */
export const elapsed = (): number => performance.now();

/** One line for a whole run; `ms` counts from the process start, not just the apply. */
export function renderSummary(verb: string, result: ApplyResult | undefined, ms: number): string {
  const took = `${(ms / 1000).toFixed(1)}s`;
  if (!result) return `${verb}: nothing to change (${took}).`;
  const c = result.counts;
  if (c.created + c.updated + c.deleted === 0)
    return `${verb}: no changes, ${c.unchanged} resource(s) match the configuration (${took}).`;
  return `${verb} complete: ${c.created} created, ${c.updated} updated, ${c.deleted} deleted, ${c.unchanged} unchanged in ${took}.`;
}

/** The few outputs a person uses after `up`; `projet1 outputs` has them all. */
export function renderKeyOutputs(outputs: Record<string, string>): string {
  // Edge-only (a secret origin header exists): the API a person calls is the site's; its own URL answers 403.
  const edgeOnly = outputs['secret.origin-secret.parameter'] !== undefined && outputs.websiteUrl !== undefined;
  const rows: [string, string | undefined][] = [
    ['Website', outputs.websiteUrl],
    ['API', edgeOnly ? `${outputs.websiteUrl}/products` : outputs.apiUrl],
    ['Table', outputs['table.name']],
    ['Admin token', outputs.apiUrl ? 'projet1 admin-token show' : undefined],
  ];
  const shown = rows.filter((r): r is [string, string] => r[1] !== undefined);
  const width = Math.max(...shown.map(([k]) => k.length));
  return [...shown.map(([k, v]) => `${k.padEnd(width)}  ${v}`), '(all outputs: projet1 outputs)'].join('\n');
}

export function renderCalls(calls: AwsCallSummary): string {
  const retried = calls.retries ? `; ${calls.retries} retried` : '';
  return `AWS calls: ${calls.total} (${calls.mutating} mutating${calls.mutating ? `: ${calls.mutatingOperations.join(', ')}` : ''}${retried})`;
}

/** "27 INSUFFICIENT_DATA, 3 OK": how many of each state, most frequent first. */
function countStates(states: string[]): string {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
}
