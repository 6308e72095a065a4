import { describe, expect, it } from 'vitest';
import { formatBytes, formatInt, formatNumber, formatPercent } from './format.ts';

describe('format', () => {
  it('groups integers', () => {
    expect(formatInt(1033)).toBe('1,033');
  });
  it('keeps about 4 significant digits', () => {
    expect(formatNumber(3.14159)).toBe('3.142');
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(1718.04)).toBe('1,718');
    expect(formatNumber(13862.44)).toBe('13,862.4');
    expect(formatNumber(12)).toBe('12');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(2e7)).toBe('2.00e+7');
  });
  it('formats shares', () => {
    expect(formatPercent(1033, 8360)).toBe('12.4%');
    expect(formatPercent(1, 10000)).toBe('<0.1%');
    expect(formatPercent(0, 0)).toBe('0%');
  });
  it('formats sizes', () => {
    expect(formatBytes(2048)).toBe('2.0 KB');
  });
});
