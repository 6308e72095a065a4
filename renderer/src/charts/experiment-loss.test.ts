import { describe, expect, it } from 'vitest';
import { EXPERIMENT_METRICS, type SeriesPoint } from '../../../electron/contract/runs.ts';
import { buildExperimentLossOption, experimentLossLines } from './experiment-loss.ts';
import { chartTheme } from './theme.ts';

const theme = chartTheme(() => '#123456');
const pts = (...values: number[]): SeriesPoint[] => values.map((v, k) => [k + 1, v]);

describe('experiment loss chart', () => {
  it('finds the loss series by their names, by method then seed, and ignores every other series', () => {
    const series = {
      [EXPERIMENT_METRICS.loss('qnn-mice', 10)]: { points: pts(3) },
      [EXPERIMENT_METRICS.loss('deep-mice', 2)]: { points: pts(1, 2) },
      [EXPERIMENT_METRICS.loss('qnn-mice', 2)]: { points: pts(5, 4) },
      [EXPERIMENT_METRICS.modelStart('qnn-mice', 2)]: { points: pts(1) },
      nrmse: { points: pts(0.5) },
      'loss/odd': { points: pts(9) },
    };
    expect(experimentLossLines(series).map((l) => [l.method, l.seed, l.points.length])).toEqual([
      ['deep-mice', 2, 2],
      ['qnn-mice', 2, 2],
      ['qnn-mice', 10, 1],
    ]);
  });

  it('draws one named line per (method, seed) with its points as they are', () => {
    const lines = [
      { method: 'qnn-mice', seed: 1, points: pts(0.9, 0.7) },
      {
        method: 'qnn-mice',
        seed: 2,
        points: [
          [1, 0.8],
          [2, null],
        ] as SeriesPoint[],
      },
    ];
    const option = buildExperimentLossOption(lines, theme);
    const series = option.series as { name: string; data: unknown[] }[];
    expect(series.map((s) => s.name)).toEqual(['qnn-mice, seed 1', 'qnn-mice, seed 2']);
    expect(series[0].data).toEqual([
      [1, 0.9],
      [2, 0.7],
    ]);
    expect(series[1].data).toEqual([
      [1, 0.8],
      [2, null],
    ]);
  });
});
