// Text renderings of plans, status rows and outputs. Pure functions of data.
import type { AwsCallSummary, StatusRow } from '../core/stack-ops.js';
import type { ApplyResult } from '../engine/apply.js';
import type { Change, FieldChange, Plan } from '../engine/types.js';

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

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

export function renderPlan(plan: Plan): string {
  const changes = plan.changes.filter((c) => c.action !== 'no-op');
  const unchanged = plan.changes.length - changes.length;
  if (changes.length === 0) return `No changes. ${plan.changes.length} resource(s) ${plan.mode === 'apply' ? 'match the configuration' : 'to delete: none exist'}.`;
  const rows = [['', 'ACTION', 'TYPE', 'NAME', 'DETAILS'], ...changes.map((c) => [SYMBOL[c.action], c.action, c.type, c.name, c.reason ?? renderFields(c.fields)])];
  const count = (a: Change['action']) => plan.changes.filter((c) => c.action === a).length;
  const summary =
    plan.mode === 'apply'
      ? `Plan: ${count('create')} to create, ${count('update')} to update, ${unchanged} unchanged${count('conflict') ? `, ${count('conflict')} conflict(s)` : ''}.`
      : `Plan: ${count('delete')} to delete${count('conflict') ? `, ${count('conflict')} conflict(s) (left alone)` : ''}.`;
  return `${table(rows)}\n\n${summary}`;
}

export function renderStatus(rows: StatusRow[]): string {
  const body = rows.map((r) => [r.type, r.name, r.state, r.reason ?? renderFields(r.drift)]);
  return table([['TYPE', 'NAME', 'STATE', 'DETAILS'], ...body]);
}

export function renderOutputs(outputs: Record<string, string>): string {
  const width = Math.max(...Object.keys(outputs).map((k) => k.length));
  return Object.entries(outputs)
    .map(([k, v]) => `${k.padEnd(width)} = ${v}`)
    .join('\n');
}

export function renderSummary(verb: string, result: ApplyResult): string {
  const c = result.counts;
  return `${verb} complete: ${c.created} created, ${c.updated} updated, ${c.deleted} deleted, ${c.unchanged} unchanged in ${(result.ms / 1000).toFixed(1)}s.`;
}

export function renderCalls(calls: AwsCallSummary): string {
  return `AWS calls: ${calls.total} (${calls.mutating} mutating${calls.mutating ? `: ${calls.mutatingOperations.join(', ')}` : ''})`;
}
