// One zod issue in words, `must be <= 1; got 1.3` (the rule, then the offending value), for every place that
// validates user data with zod and names the field (device profiles, imputer options, saved models).
import type { z } from 'zod';
import { InvalidInputError, showValue } from './errors.ts';

/** The value at a path of parsed data (undefined when the path leaves it). */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

const NUMERIC = new Set(['number', 'int', 'bigint']);
const article = (word: string) => (word === 'int' ? 'an integer' : /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);
const unit = (origin: string) => (origin === 'string' ? 'characters' : origin === 'array' ? 'entries' : 'items');

export function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const value = valueAt(data, issue.path);
  const got = `; got ${showValue(value)}`;
  switch (issue.code) {
    case 'too_big':
      if (NUMERIC.has(issue.origin)) return `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}${got}`;
      return `must have at most ${String(issue.maximum)} ${unit(issue.origin)}${got}`;
    case 'too_small':
      if (NUMERIC.has(issue.origin)) return `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}${got}`;
      return `must have at least ${String(issue.minimum)} ${unit(issue.origin)}${got}`;
    case 'invalid_type':
      if (value === undefined) return `is missing (expected ${article(issue.expected)})`;
      return `must be ${article(issue.expected)}${got}`;
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? showValue(issue.values[0]) : `one of ${issue.values.map(showValue).join(', ')}`}${got}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (Array.isArray(options) && options.length > 0) return `must be one of ${options.map(showValue).join(', ')}${got}`;
      return `${issue.message}${got}`;
    }
    case 'unrecognized_keys':
      return `is not an option (unknown: ${issue.keys.join(', ')})`;
    default:
      return `${issue.message}${got}`;
  }
}

/**
 * Parses `data` with `schema`, or throws VALIDATION naming the first field at fault (`field` + its path) with
 * the rule and the value given, e.g. `train config "epochs" must be <= 10000; got 20000.`
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, data: unknown, what: string, field?: string): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path.map(String).join('.');
  const named = [field, path].filter(Boolean).join('.');
  throw new InvalidInputError(`${what} "${path || '(root)'}" ${describeIssue(issue, data)}.`, {
    ...(named ? { field: named } : {}),
    value: valueAt(data, issue.path),
  });
}
