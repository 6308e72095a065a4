import { describe, expect, it } from 'vitest';
import { nestingExceeds } from './nesting.ts';

/** `levels` arrays, one inside the other, around `inner`. */
const nested = (levels: number, inner: unknown = 1): unknown => JSON.parse('['.repeat(levels) + JSON.stringify(inner) + ']'.repeat(levels));

describe('nestingExceeds', () => {
  it('counts a flat object or array as one level and scalars as none', () => {
    expect(nestingExceeds(7, 0)).toBe(false);
    expect(nestingExceeds('text', 0)).toBe(false);
    expect(nestingExceeds(null, 0)).toBe(false);
    expect(nestingExceeds({ a: 1, b: 'x' }, 1)).toBe(false);
    expect(nestingExceeds({ a: 1, b: 'x' }, 0)).toBe(true);
  });

  it('finds the deepest branch, in arrays and objects alike', () => {
    expect(nestingExceeds(nested(32), 32)).toBe(false);
    expect(nestingExceeds(nested(33), 32)).toBe(true);
    // The deep branch is the last sibling, inside an object.
    const value = { a: [1, 2], b: { c: nested(30, { d: { e: 1 } }) } };
    // 1 (value) + 1 (b) + 30 arrays + 1 (the innermost object) + 1 (d) = 34 levels
    expect(nestingExceeds(value, 34)).toBe(false);
    expect(nestingExceeds(value, 33)).toBe(true);
  });

  it('measures a 100,000-deep value without overflowing the stack', () => {
    expect(nestingExceeds(nested(100_000), 32)).toBe(true);
  });
});
