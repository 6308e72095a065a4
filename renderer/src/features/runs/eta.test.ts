import { describe, expect, it } from 'vitest';
import { addSample, estimateTimes, MAX_SAMPLES, recentRate, type ProgressSample } from './eta.ts';

describe('remaining time of a run', () => {
  it('takes the slope of the recent progress: 10% every 2 s leaves 8 s for the last 40%', () => {
    const t0 = 1_000_000;
    const samples: ProgressSample[] = [0.3, 0.4, 0.5, 0.6].map((f, k) => ({ at: t0 + 2000 * k, fraction: f }));
    // Started long before at another pace: the recent slope decides, not the mean since the start.
    const e = estimateTimes(samples, t0 - 100_000, 0.6, t0 + 6000);
    expect(e.elapsedMs).toBe(106_000);
    expect(e.remainingMs).toBeCloseTo(8000, 6);
    expect(recentRate(samples, t0 + 6000)).toBeCloseTo(0.1 / 2000, 12);
  });

  it('falls back to the mean rate since the start with too few recent samples', () => {
    // 25% in 30 s: 90 s to go.
    const e = estimateTimes([{ at: 30_000, fraction: 0.25 }], 0, 0.25, 30_000);
    expect(e).toEqual({ elapsedMs: 30_000, remainingMs: 90_000 });
    // Samples older than the window count as too few.
    const old: ProgressSample[] = [0.1, 0.2, 0.3].map((f, k) => ({ at: k * 1000, fraction: f }));
    expect(recentRate(old, 200_000)).toBeNull();
  });

  it('says nothing before any progress, and zero once done', () => {
    expect(estimateTimes([], 0, null, 5000)).toEqual({ elapsedMs: 5000, remainingMs: null });
    expect(estimateTimes([], 0, 0, 5000).remainingMs).toBeNull();
    expect(estimateTimes([], 0, 1, 5000).remainingMs).toBe(0);
  });

  it('keeps samples bounded, skips repeats and starts over when progress goes back (a resume)', () => {
    let s: ProgressSample[] = [];
    for (let k = 0; k < MAX_SAMPLES + 10; k++) s = addSample(s, { at: k, fraction: k / 1000 });
    expect(s).toHaveLength(MAX_SAMPLES);
    expect(s[0].at).toBe(10);
    expect(addSample(s, { at: 10_000, fraction: s.at(-1)!.fraction })).toHaveLength(MAX_SAMPLES);
    expect(addSample(s, { at: 10_000, fraction: 0.001 })).toEqual([{ at: 10_000, fraction: 0.001 }]);
  });
});
