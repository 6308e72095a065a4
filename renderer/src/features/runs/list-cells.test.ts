import { describe, expect, it } from 'vitest';
import { parseTags, runMillis, tagsText } from './list-cells.ts';

describe('runs table cells', () => {
  it('reads tags as typed: comma-separated, trimmed, without empties or repeats', () => {
    expect(parseTags(' qnn, paper ,,qnn,  ')).toEqual(['qnn', 'paper']);
    expect(parseTags('   ')).toEqual([]);
    expect(parseTags(tagsText(['a b', 'c']))).toEqual(['a b', 'c']);
  });

  it('gives a finished run its duration and a running one the time since it started', () => {
    const now = Date.parse('2026-12-01T10:00:30Z');
    expect(runMillis({ status: 'succeeded', startedAt: '2026-12-01T09:00:00Z', durationMs: 1234 }, now)).toBe(1234);
    expect(runMillis({ status: 'running', startedAt: '2026-12-01T10:00:00Z', durationMs: null }, now)).toBe(30_000);
    expect(runMillis({ status: 'queued', startedAt: null, durationMs: null }, now)).toBeNull();
  });
});
