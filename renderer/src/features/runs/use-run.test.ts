import { expect, it } from 'vitest';
import type { MetricSeries } from '../../../../electron/contract/runs.ts';
import { appendSeries, mergeDetail } from './use-run.ts';

const series = (points: [number, number | null][], downsampled = false): MetricSeries => ({ name: 'loss', points, total: points.length, downsampled });

it('appends only the steps after those held, and takes a downsampled answer whole', () => {
  const held = series([
    [1, 0.5],
    [2, 0.4],
  ]);
  expect(
    appendSeries(
      held,
      series([
        [2, 0.4],
        [3, 0.3],
      ]),
    ),
  ).toEqual(
    series([
      [1, 0.5],
      [2, 0.4],
      [3, 0.3],
    ]),
  );
  const whole = series([[1, 0.5]], true);
  expect(appendSeries(held, whole)).toBe(whole);
  expect(appendSeries(undefined, held)).toBe(held);
});

it('puts a zoomed range read at full resolution in place of the downsampled points within it', () => {
  const base: [number, number][] = [
    [0, 1],
    [50, 0.5],
    [100, 0.2],
    [150, 0.1],
  ];
  const detail: [number, number][] = [
    [40, 0.6],
    [45, 0.55],
    [60, 0.45],
    [100, 0.2],
  ];
  expect(mergeDetail(base, detail, 40, 100)).toEqual([[0, 1], ...detail, [150, 0.1]]);
});
