import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatFidelity, formatInt, formatNumber, formatPercent, formatUSD } from './format.ts';

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

describe('planning formats', () => {
  it('formatDuration', () => {
    expect(formatDuration(0.000135)).toBe('135 µs');
    expect(formatDuration(0.0006)).toBe('600 µs');
    expect(formatDuration(0.25)).toBe('250 ms');
    expect(formatDuration(12.34)).toBe('12.3 s');
    expect(formatDuration(600)).toBe('10 min');
    expect(formatDuration(3 * 3600 + 20 * 60)).toBe('3 h 20 min');
    expect(formatDuration(5 * 86400 + 3 * 3600)).toBe('5 d 3 h');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(2 * 86400)).toBe('2 d');
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
  it('formatUSD', () => {
    expect(formatUSD(1234.5)).toBe('$1,234.50');
    expect(formatUSD(0)).toBe('$0.00');
    expect(formatUSD(0.00022)).toBe('$0.00022');
    expect(formatUSD(0.00098)).toBe('$0.00098');
    expect(formatUSD(1)).toBe('$1.00');
    expect(formatUSD(undefined)).toBe('—');
  });
  it('formatFidelity', () => {
    expect(formatFidelity(0.996)).toBe('99.6%');
    expect(formatFidelity(0.9995)).toBe('99.95%');
    expect(formatFidelity(0.9961)).toBe('99.61%');
    expect(formatFidelity(1)).toBe('100%');
  });
});
