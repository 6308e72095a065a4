import { describe, expect, it } from 'vitest';
import { editRefusal, parseTags, runMillis, tagsText } from './list-cells.ts';

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

  it('says which tag the host refused (by its field) and what to do', () => {
    const tags = ['ok', 'x'.repeat(65)];
    expect(editRefusal({ code: 'VALIDATION', message: 'tags.1: too big', field: 'tags.1' }, tags)).toBe(
      'Tags.1: too big. Tag 2 has 65 characters; a tag has 1 to 64. Shorten it, then save.',
    );
    expect(editRefusal({ code: 'VALIDATION', message: 'Too many tags.', field: 'tags' }, tags)).toBe(
      'Too many tags. A run has at most 32 tags, each of 1 to 64 characters. Remove some, then save.',
    );
    expect(editRefusal({ code: 'VALIDATION', message: 'notes too long', field: 'notes' }, [])).toMatch(/at most 20,000 characters/);
  });
});
