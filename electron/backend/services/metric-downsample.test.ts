import { describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../../contract/runs.ts';
import { downsampleSeries } from './metric-downsample.ts';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * LTTB as Steinarsson's thesis (2013) states it, written out independently: the first and last point, and from each
 * of threshold - 2 equal buckets of the rest the point making the largest triangle with the point chosen before and
 * the average of the next bucket.
 */
function referenceLttb(data: [number, number][], threshold: number): [number, number][] {
  const every = (data.length - 2) / (threshold - 2);
  const out = [data[0]];
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, data.length);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) [avgX, avgY] = [avgX + data[j][0], avgY + data[j][1]];
    [avgX, avgY] = [avgX / (nextEnd - nextStart), avgY / (nextEnd - nextStart)];
    let best = -1;
    let bestArea = -1;
    for (let j = Math.floor(i * every) + 1; j < Math.floor((i + 1) * every) + 1; j++) {
      const area = Math.abs((data[a][0] - avgX) * (data[j][1] - data[a][1]) - (data[a][0] - data[j][0]) * (avgY - data[a][1]));
      if (area > bestArea) [best, bestArea] = [j, area];
    }
    out.push(data[best]);
    a = best;
  }
  out.push(data[data.length - 1]);
  return out;
}

const isIn = (points: readonly SeriesPoint[]) => {
  const keys = new Set(points.map((p) => `${p[0]}:${p[1]}`));
  return (p: SeriesPoint) => keys.has(`${p[0]}:${p[1]}`);
};

/** Consecutive values of `out` never enclose a null of `input`: no line is drawn across a gap. */
function bridgedGaps(input: readonly SeriesPoint[], out: readonly SeriesPoint[]): [number, number][] {
  const nulls = input.filter((p) => p[1] === null).map((p) => p[0]);
  const bridged: [number, number][] = [];
  for (let i = 1; i < out.length; i++) {
    const [a, b] = [out[i - 1], out[i]];
    if (a[1] !== null && b[1] !== null && nulls.some((s) => s > a[0] && s < b[0])) bridged.push([a[0], b[0]]);
  }
  return bridged;
}

describe('downsampleSeries', () => {
  const rand = mulberry32(3);
  const walk: SeriesPoint[] = [];
  for (let step = 0, y = 0; step < 10_000; step++) walk.push([step * 3, (y += rand() - 0.5)]);

  it('returns a series that fits as it is', () => {
    expect(downsampleSeries(walk.slice(0, 100), 100)).toEqual(walk.slice(0, 100));
    expect(downsampleSeries([], 10)).toEqual([]);
  });

  it('picks the points LTTB picks, with the first and last, and at most maxPoints', () => {
    // 900 points into 49 and 901 into 9 are sizes whose buckets downsample 1.4 miscounts in floating point (it then
    // returned the last but one point in place of the last).
    for (const [length, maxPoints] of [
      [10_000, 10],
      [10_000, 333],
      [10_000, 2000],
      [900, 49],
      [901, 9],
    ]) {
      const data = walk.slice(0, length);
      const out = downsampleSeries(data, maxPoints);
      expect(out).toHaveLength(maxPoints);
      expect(out).toEqual(referenceLttb(data as [number, number][], maxPoints));
      expect(out[0]).toEqual(data[0]);
      expect(out.at(-1)).toEqual(data.at(-1));
    }
  });

  it('keeps nulls out of the buckets: a null marks each gap, each stretch keeps its ends, no value is invented', () => {
    // Three stretches of values; gaps of 1, 40 and (at the end) 5 nulls.
    const series: SeriesPoint[] = walk.slice(0, 3_000).map((p, i) => ((i >= 1_000 && i < 1_040) || i === 2_000 || i >= 2_995 ? [p[0], null] : p));
    const out = downsampleSeries(series, 500);
    expect(out.length).toBeLessThanOrEqual(500);
    expect(out.every(isIn(series))).toBe(true);
    expect(out.filter((p) => p[1] === null).map((p) => p[0])).toEqual([3_000, 6_000, 8_985]);
    for (const end of [0, 999, 1_040, 1_999, 2_001, 2_994]) expect(out).toContainEqual(series[end]);
    expect(bridgedGaps(series, out)).toEqual([]);
    // 497 points for values once the 3 gaps have theirs: each stretch its 2 ends and a share of the other 491 by its
    // length beyond its ends (1000, 960 and 994 values): 2 + floor(491 * 998 / 2948) = 168, 161 and 167.
    const inStretch = (lo: number, hi: number) => out.filter((p) => p[1] !== null && p[0] >= lo * 3 && p[0] <= hi * 3).length;
    expect([inStretch(0, 999), inStretch(1_040, 1_999), inStretch(2_001, 2_994)]).toEqual([168, 161, 167]);
  });

  it('gives each stretch at least its two ends when the budget is tight', () => {
    // 10 stretches of 100 values between single nulls: 9 gap markers and 2 x 10 ends fill 29 points exactly.
    const series: SeriesPoint[] = walk.slice(0, 1_009).map((p, i) => (i % 101 === 100 ? [p[0], null] : p));
    const out = downsampleSeries(series, 29);
    const ends = series.filter((p, i) => p[1] !== null && (i === 0 || i === series.length - 1 || series[i - 1][1] === null || series[i + 1][1] === null));
    expect(out).toEqual(series.filter((p) => p[1] === null || ends.includes(p)));
  });

  it('shows a series with more gaps than points as a scatter that bridges no gap', () => {
    const series: SeriesPoint[] = walk.slice(0, 1_000).map((p, i) => (i % 3 === 1 ? [p[0], null] : p));
    const out = downsampleSeries(series, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out.length).toBeGreaterThan(60);
    expect(out.every(isIn(series))).toBe(true);
    expect(bridgedGaps(series, out)).toEqual([]);
    expect(out.some((p, i) => i > 0 && p[1] === null && out[i - 1][1] === null)).toBe(false);
  });
});
