// One zod issue in words: `must be <= 1; got 1.3` (the rule, then the offending value).
import type { z } from 'zod';
import { showValue } from '../errors.ts';

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

export function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const value = valueAt(data, issue.path);
  const got = `; got ${showValue(value)}`;
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'array'
        ? `must have at most ${String(issue.maximum)} entries${got}`
        : `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}${got}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `must have at least ${String(issue.minimum)} entries${got}`
        : `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}${got}`;
    case 'invalid_type':
      return value === undefined
        ? `is missing (expected ${issue.expected})`
        : `must be ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}${got}`;
    case 'invalid_value':
      return `must be ${issue.values.map((v) => showValue(v)).join(' or ')}${got}`;
    case 'unrecognized_keys':
      return `is not an option (unknown: ${issue.keys.join(', ')})`;
    default:
      return `${issue.message}${got}`;
  }
}
