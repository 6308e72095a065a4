import { expect, it } from 'vitest';
import type { MetricSeries } from '../../../../electron/contract/runs.ts';
import { appendSeries, CHART_POINTS, mergeDetail, readSeries } from './use-run.ts';

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

it('reads only the new steps of a small series, and the whole series again once they come back downsampled', async () => {
  const reads: (number | undefined)[] = [];
  const small = { loss: series([[1, 0.5]]) };
  const next = await readSeries(small, async (from) => {
    reads.push(from);
    return [series([[2, 0.4]])];
  });
  expect(reads).toEqual([2]);
  expect(next!.loss.points).toEqual([
    [1, 0.5],
    [2, 0.4],
  ]);
  // Thousands of steps since the last read: the answer for them is downsampled, so the whole series is read.
  reads.length = 0;
  const tail = series([[5000, 0.1]], true);
  const whole = { ...series([[1, 0.5]], true), total: 5000 };
  const after = await readSeries(small, async (from) => {
    reads.push(from);
    return from === undefined ? [whole] : [tail];
  });
  expect(reads).toEqual([2, undefined]);
  expect(after).toEqual({ loss: whole });
  // A series already downsampled (or as large as a chart's points) is always read whole; a failed read gives null.
  reads.length = 0;
  await readSeries({ loss: { ...series([[1, 1]]), total: CHART_POINTS } }, async (from) => (reads.push(from), []));
  expect(reads).toEqual([undefined]);
  expect(await readSeries(small, async () => null)).toBeNull();
});
