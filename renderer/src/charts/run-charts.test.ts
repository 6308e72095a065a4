// The run page's option builders (loss, seeds, convergence): what each draws, checked on the option, and that ECharts
// renders each to SVG in Node as the report does.
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { init, use, type EChartsCoreOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../../../electron/contract/runs.ts';
import { buildConvergenceOption, convergenceHeight, traceColumns, type Trace } from './convergence.ts';
import { buildLossOption, buildStepChartOption, phaseBoundaries, trailingMean, windowSteps } from './loss.ts';
import { buildSeedProgressOption, buildSeedValuesOption, seedProgress, type SeedValue } from './seeds.ts';
import { chartTheme, rootVariables } from './theme.ts';

const css = rootVariables(readFileSync(new URL('../styles.css', import.meta.url), 'utf8'));
const theme = chartTheme((v) => css.get(v));

use([LineChart, ScatterChart, BarChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, MarkLineComponent, TitleComponent, SVGRenderer]);
function renderSvg(option: EChartsCoreOption, height = 300): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width: 600, height });
  chart.setOption(option);
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

type Series = { name: string; data: unknown[]; markLine?: { data: { name: string; xAxis: number }[] }; xAxisIndex?: number };

describe('loss chart', () => {
  it('marks each layer after the first and the fine-tune, in step order', () => {
    const layers: SeriesPoint[] = [
      [1, 1],
      [9, 2],
      [17, 3],
    ];
    expect(phaseBoundaries(layers, [[25, 3]])).toEqual([
      { step: 9, label: 'layer 2' },
      { step: 17, label: 'layer 3' },
      { step: 25, label: 'fine-tune' },
    ]);
    expect(phaseBoundaries([], [])).toEqual([]);
  });

  it('draws the loss per step with the boundaries as vertical lines, and zooms on the screen only', () => {
    const points: SeriesPoint[] = Array.from({ length: 32 }, (_, k) => [k + 1, 1 / (k + 1)]);
    const option = buildLossOption(points, [{ step: 17, label: 'layer 2' }], theme);
    const series = option.series as Series[];
    // 32 points: a trend over a fiftieth of them would average one point, so there is none.
    expect(series).toHaveLength(1);
    expect(series[0].data).toEqual(points);
    expect(series[0].markLine!.data).toEqual([{ name: 'layer 2', xAxis: 17 }]);
    expect((option.dataZoom as unknown[]).length).toBe(2);
    expect((option.yAxis as { type: string }).type).toBe('value');
    expect(buildLossOption(points, [], theme, false).dataZoom).toEqual([]);
    const svg = renderSvg(option);
    expect(svg).toContain('layer 2');
  });

  it('adds the trend of a long series: the trailing mean over a fiftieth of its points, gaps skipped', () => {
    expect(
      trailingMean(
        [
          [1, 2],
          [2, 4],
          [3, null],
          [4, 6],
          [5, null],
          [6, null],
        ],
        2,
      ),
    ).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 6],
      [5, 6],
      [6, null],
    ]);
    const points: SeriesPoint[] = Array.from({ length: 200 }, (_, k) => [k, k % 2]);
    const series = buildLossOption(points, [], theme).series as Series[];
    expect(series.map((s) => s.name)).toEqual(['loss', 'trend']);
    // A window of 4 over 0, 1, 0, 1...: 0.5 once full.
    expect(series[1].data.slice(0, 5)).toEqual([
      [0, 0],
      [1, 0.5],
      [2, 1 / 3],
      [3, 0.5],
      [4, 0.5],
    ]);
  });

  it('keeps a zoomed window when the option is rebuilt, and says which steps it covers', () => {
    const points: SeriesPoint[] = Array.from({ length: 100 }, (_, k) => [k + 1, 1]);
    const zooms = buildLossOption(points, [], theme, { start: 20, end: 30 }).dataZoom as { start?: number; end?: number }[];
    expect(zooms.map((z) => [z.start, z.end])).toEqual([
      [20, 30],
      [20, 30],
    ]);
    // Steps 1..1001: 20% to 30% of the 1,000-step span is steps 201 to 301.
    expect(windowSteps({ start: 20, end: 30 }, 1, 1001)).toEqual({ fromStep: 201, toStep: 301 });
    expect(windowSteps({ start: 0, end: 100 }, 5, 9)).toEqual({ fromStep: 5, toStep: 9 });
    expect(windowSteps({ start: 33.3, end: 66.6 }, 0, 10)).toEqual({ fromStep: 3, toStep: 7 });
  });

  it('uses a log axis when the loss spans more than two decades, where a gap stays a gap', () => {
    const points: SeriesPoint[] = [
      [1, 1],
      [2, null],
      [3, 0.001],
    ];
    const option = buildLossOption(points, [], theme);
    expect((option.yAxis as { type: string }).type).toBe('log');
    expect((option.series as Series[])[0].data).toEqual([
      [1, 1],
      [2, null],
      [3, 0.001],
    ]);
    // A non-positive value cannot sit on a log axis: it becomes a gap rather than breaking the chart.
    const forced = buildStepChartOption({ lines: [{ name: 'x', points: [[1, 0]] }] }, theme, { yName: 'x', log: true });
    expect((forced.series as Series[])[0].data).toEqual([[1, null]]);
  });
});

describe('seed charts', () => {
  const values: SeedValue[] = [
    { group: 'mean', seed: 2, value: 0.7 },
    { group: 'mean', seed: 1, value: 0.72 },
    { group: 'qnn-mice', seed: 1, value: 0.8 },
    { group: 'qnn-mice', seed: 2, value: null },
  ];

  it('plots one dot per (method, seed): a series per seed, methods on the x axis, gaps left out', () => {
    const option = buildSeedValuesOption(values, 'auc', theme);
    expect((option.xAxis as { data: string[] }).data).toEqual(['mean', 'qnn-mice']);
    const series = option.series as Series[];
    expect(series.map((s) => s.name)).toEqual(['seed 1', 'seed 2']);
    expect(series[0].data).toEqual([
      ['mean', 0.72],
      ['qnn-mice', 0.8],
    ]);
    expect(series[1].data).toEqual([['mean', 0.7]]);
    expect(renderSvg(option)).toContain('qnn-mice');
  });

  it('places each seed of a sequential experiment from the overall fraction', () => {
    // 3 seeds, 50% overall: seed 0 done (recorded), seed 1 half way (1.5 - 1), seed 2 not started.
    expect(seedProgress([10, 11, 12], new Set([10]), 0.5, true)).toEqual([
      { seed: 10, fraction: 1, state: 'done' },
      { seed: 11, fraction: 0.5, state: 'running' },
      { seed: 12, fraction: 0, state: 'waiting' },
    ]);
    // Stopped: nothing is running; a seed without results is waiting at the fraction it reached.
    expect(seedProgress([1, 2], new Set(), 0.25, false)).toEqual([
      { seed: 1, fraction: 0.5, state: 'waiting' },
      { seed: 2, fraction: 0, state: 'waiting' },
    ]);
    expect(seedProgress([1], new Set(), null, true)[0]).toEqual({ seed: 1, fraction: 0, state: 'waiting' });
  });

  it('draws per-seed progress bars in percent', () => {
    const option = buildSeedProgressOption(seedProgress([1, 2], new Set([1]), 0.75, true), theme);
    expect((option.yAxis as { data: string[] }).data).toEqual(['seed 1', 'seed 2']);
    expect(((option.series as Series[])[0].data as { value: number }[]).map((d) => d.value)).toEqual([100, 50]);
    expect(renderSvg(option, 120)).toContain('done');
  });
});

describe('convergence chart', () => {
  const trace = (label: string, shift: number): Trace => ({
    label,
    points: [1, 2, 3].flatMap((cycle) => [
      { cycle, column: 'bili', mean: 1 + shift / cycle, sd: 0.5 },
      { cycle, column: 'chol', mean: cycle === 2 ? null : 300 + shift, sd: 20 },
    ]),
  });

  it('draws one panel per imputed column with a line per trace, each on its own axes', () => {
    const traces = [trace('mice, seed 1', 1), trace('mice, seed 2', 2)];
    expect(traceColumns(traces)).toEqual(['bili', 'chol']);
    const option = buildConvergenceOption(traces, theme);
    expect((option.grid as unknown[]).length).toBe(2);
    const series = option.series as Series[];
    expect(series.map((s) => [s.name, s.xAxisIndex])).toEqual([
      ['mice, seed 1', 0],
      ['mice, seed 2', 0],
      ['mice, seed 1', 1],
      ['mice, seed 2', 1],
    ]);
    expect(series[1].data).toEqual([
      [1, 3],
      [2, 2],
      [3, 1 + 2 / 3],
    ]);
    // A cycle whose mean could not be computed is a gap.
    expect(series[2].data).toEqual([
      [1, 301],
      [2, null],
      [3, 301],
    ]);
    expect(renderSvg(option, convergenceHeight(2))).toContain('chol');
  });

  it('caps the panels at twelve columns', () => {
    const many: Trace = { label: 't', points: Array.from({ length: 20 }, (_, k) => ({ cycle: 1, column: `c${k}`, mean: k, sd: 0 })) };
    expect((buildConvergenceOption([many], theme).grid as unknown[]).length).toBe(12);
    expect(convergenceHeight(20)).toBe(convergenceHeight(12));
  });
});
