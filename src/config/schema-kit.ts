// A tiny declarative schema: one description gives the defaults, the validator and
// (through Infer) the TypeScript type, so there is no second copy to keep in sync.
import type { ConfigIssue } from '../errors.js';

export interface StringSpec {
  kind: 'string';
  default: string | null;
  nullable?: boolean;
  pattern?: RegExp;
  /** Human wording of the pattern, shown when a value does not match. */
  expect?: string;
  oneOf?: readonly string[];
  doc: string;
}
export interface IntegerSpec {
  kind: 'integer';
  default: number;
  min: number;
  max: number;
  oneOf?: readonly number[];
  doc: string;
}
export interface BooleanSpec {
  kind: 'boolean';
  default: boolean;
  doc: string;
}
export interface StringListSpec {
  kind: 'string-list';
  default: readonly string[];
  minItems?: number;
  pattern?: RegExp;
  expect?: string;
  doc: string;
}
export interface ObjectSpec {
  kind: 'object';
  fields: Record<string, FieldSpec>;
  doc: string;
}
export type FieldSpec = StringSpec | IntegerSpec | BooleanSpec | StringListSpec | ObjectSpec;

export type Infer<S extends FieldSpec> = S extends ObjectSpec
  ? { [K in keyof S['fields']]: Infer<S['fields'][K]> }
  : S extends StringSpec
    ? S extends { nullable: true }
      ? string | null
      : string
    : S extends IntegerSpec
      ? number
      : S extends BooleanSpec
        ? boolean
        : S extends StringListSpec
          ? string[]
          : never;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/**
 * Validates `value` against `spec`, filling defaults for absent keys.
 * Every problem is pushed to `issues` (nothing stops at the first one).
 */
export function validate(spec: FieldSpec, value: unknown, path: string, issues: ConfigIssue[]): unknown {
  const at = (message: string): void => {
    issues.push({ path: path || '(root)', message });
  };
  if (value === undefined) return defaults(spec);
  switch (spec.kind) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        at(`expected an object, found ${describe(value)}`);
        return defaults(spec);
      }
      const out: Record<string, unknown> = {};
      const input = value as Record<string, unknown>;
      for (const key of Object.keys(input)) {
        if (key === '$schema') continue;
        if (!(key in spec.fields)) {
          const known = Object.keys(spec.fields).join(', ');
          issues.push({ path: join(path, key), message: `unknown key (expected one of: ${known})` });
        }
      }
      for (const [key, child] of Object.entries(spec.fields)) {
        out[key] = validate(child, input[key], join(path, key), issues);
      }
      return out;
    }
    case 'string': {
      if (value === null && spec.nullable) return null;
      if (typeof value !== 'string') {
        at(`expected ${spec.nullable ? 'a string or null' : 'a string'}, found ${describe(value)}`);
        return spec.default;
      }
      if (spec.oneOf && !spec.oneOf.includes(value))
        at(`expected one of ${spec.oneOf.join(', ')}, found ${describe(value)}`);
      else if (spec.pattern && !spec.pattern.test(value))
        at(`expected ${spec.expect ?? `to match ${String(spec.pattern)}`}, found ${describe(value)}`);
      return value;
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        at(`expected an integer, found ${describe(value)}`);
        return spec.default;
      }
      if (spec.oneOf && !spec.oneOf.includes(value)) at(`expected one of ${spec.oneOf.join(', ')}, found ${value}`);
      else if (value < spec.min || value > spec.max)
        at(`expected an integer from ${spec.min} to ${spec.max}, found ${value}`);
      return value;
    }
    case 'boolean': {
      if (typeof value !== 'boolean') at(`expected true or false, found ${describe(value)}`);
      return typeof value === 'boolean' ? value : spec.default;
    }
    case 'string-list': {
      if (!Array.isArray(value)) {
        at(`expected an array of strings, found ${describe(value)}`);
        return [...spec.default];
      }
      if (spec.minItems !== undefined && value.length < spec.minItems) at(`expected at least ${spec.minItems} item(s)`);
      value.forEach((item, i) => {
        const p = `${path}[${i}]`;
        if (typeof item !== 'string') issues.push({ path: p, message: `expected a string, found ${describe(item)}` });
        else if (spec.pattern && !spec.pattern.test(item))
          issues.push({ path: p, message: `expected ${spec.expect ?? String(spec.pattern)}, found ${describe(item)}` });
      });
      return value;
    }
  }
}

export function defaults(spec: FieldSpec): unknown {
  switch (spec.kind) {
    case 'object':
      return Object.fromEntries(Object.entries(spec.fields).map(([k, v]) => [k, defaults(v)]));
    case 'string-list':
      return [...spec.default];
    default:
      return spec.default;
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Walks the schema to list every key with its doc and default (README reference, `config --schema`). */
export function listKeys(spec: FieldSpec, path = ''): { path: string; doc: string; default: unknown }[] {
  if (spec.kind !== 'object') return [{ path, doc: spec.doc, default: defaults(spec) }];
  return Object.entries(spec.fields).flatMap(([k, child]) => listKeys(child, join(path, k)));
}
