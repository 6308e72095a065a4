// The imputers an experiment can compare, with the options a form shows for each: read from the one imputer registry
// (core/impute/registry.ts: each method's zod options schema, as JSON Schema), so names, types, ranges and defaults are
// the registry's own. Pure.
import { z } from 'zod';
import { describeImputers, imputerEntry } from '../../../../core/impute/registry.ts';

export interface MethodOptionField {
  key: string;
  /** 'json' for arrays and objects (typed as JSON text). */
  type: 'integer' | 'number' | 'boolean' | 'string' | 'enum' | 'json';
  default: unknown;
  enum?: string[];
  minimum?: number;
  maximum?: number;
}

export interface MethodInfo {
  name: string;
  summary: string;
  fields: MethodOptionField[];
}

interface JsonProperty {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

/** A limit worth showing (JSON Schema writes "no limit" as the largest safe integer). */
const shown = (v: number | undefined) => (v !== undefined && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined);

function field(key: string, p: JsonProperty): MethodOptionField {
  const base = { key, default: p.default, minimum: shown(p.minimum ?? p.exclusiveMinimum), maximum: shown(p.maximum) };
  if (Array.isArray(p.enum)) return { ...base, type: 'enum', enum: p.enum.map(String) };
  if (p.type === 'integer' || p.type === 'number' || p.type === 'boolean' || p.type === 'string') return { ...base, type: p.type };
  return { ...base, type: 'json' };
}

let cache: MethodInfo[] | null = null;

export function methodOptionFields(): MethodInfo[] {
  cache ??= describeImputers().map((m) => {
    const schema = z.toJSONSchema(imputerEntry(m.name).options, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonProperty> };
    return { name: m.name, summary: m.summary, fields: Object.entries(schema.properties ?? {}).map(([k, p]) => field(k, p)) };
  });
  return cache;
}

/** The value an untouched option has (its default; false for an optional boolean). */
export function defaultOptionValue(f: MethodOptionField): unknown {
  return f.default ?? (f.type === 'boolean' ? false : undefined);
}

/** QNN methods are drawn apart from classical ones (the paper's comparison). */
export { isQuantumImputer as isQuantumMethod } from '../../../../core/impute/registry.ts';
