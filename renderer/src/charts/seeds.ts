// Pure builders for an experiment's seeds: one value per (group, seed) as a dot plot (e.g. AUC per seed of each
// method: the spread across seeds is what the paper compares), and how far each seed of a running experiment is.
import type { BarSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { formatNumber } from '../lib/format.ts';
import { CHART_FONT, TOOLTIP_CLASS, type ChartTheme } from './theme.ts';

export type SeedValuesOption = ComposeOption<ScatterSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption>;
export type SeedProgressOption = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;

/** One value of one seed in one group (a method, or a run). A null value (not computable) is left out of the plot. */
export interface SeedValue {
  group: string;
  seed: number;
  value: number | null;
}

/** The groups in first-seen order, and the seeds sorted. */
export function seedAxes(values: readonly SeedValue[]): { groups: string[]; seeds: number[] } {
  const groups = [...new Set(values.map((v) => v.group))];
  const seeds = [...new Set(values.map((v) => v.seed))].sort((a, b) => a - b);
  return { groups, seeds };
}

/** Dots per (group, seed): x the group, y the value, one series (and legend entry) per seed. */
export function buildSeedValuesOption(values: readonly SeedValue[], metric: string, theme: ChartTheme): SeedValuesOption {
  const { groups, seeds } = seedAxes(values);
  return {
    animation: false,
    textStyle: { ...CHART_FONT, color: theme.text },
    legend: { top: 0, type: 'scroll', textStyle: { color: theme.text }, show: seeds.length > 1 },
    grid: { left: 8, right: 16, top: seeds.length > 1 ? 30 : 16, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: {
      className: TOOLTIP_CLASS,
      trigger: 'item',
      formatter: (p) => {
        const item = p as unknown as { seriesName: string; value: [string, number] };
        return `${item.value[0]}, ${item.seriesName}: ${metric} ${formatNumber(item.value[1])}`;
      },
    },
    xAxis: { type: 'category', data: groups, axisLine: { lineStyle: { color: theme.grid } }, axisTick: { show: false }, axisLabel: { color: theme.axis } },
    yAxis: {
      type: 'value',
      name: metric,
      scale: true,
      nameTextStyle: { color: theme.axis },
      axisLabel: { color: theme.axis },
      splitLine: { lineStyle: { color: theme.grid } },
    },
    series: seeds.map((seed) => ({
      type: 'scatter',
      name: `seed ${seed}`,
      symbolSize: 9,
      data: values.filter((v) => v.seed === seed && v.value !== null).map((v) => [v.group, v.value as number]),
    })),
  };
}

export type SeedState = 'done' | 'running' | 'waiting';

export interface SeedProgress {
  seed: number;
  fraction: number;
  state: SeedState;
}

/**
 * Each seed's progress in an experiment that runs its seeds one after another: seeds with recorded results are done;
 * the overall fraction says how far the others are (seed k of m covers [k/m, (k+1)/m)). `running` is false once the
 * run stopped, when no seed is under way.
 */
export function seedProgress(seeds: readonly number[], done: ReadonlySet<number>, overall: number | null, running: boolean): SeedProgress[] {
  const m = seeds.length;
  return seeds.map((seed, k) => {
    if (done.has(seed)) return { seed, fraction: 1, state: 'done' };
    const within = overall === null ? 0 : Math.min(1, Math.max(0, overall * m - k));
    return { seed, fraction: within, state: running && within > 0 ? 'running' : 'waiting' };
  });
}

/** Horizontal bars, one per seed, 0 to 100 %. */
export function buildSeedProgressOption(progress: readonly SeedProgress[], theme: ChartTheme): SeedProgressOption {
  const colour: Record<SeedState, string> = { done: theme.accent, running: theme.accent, waiting: theme.axis };
  return {
    animation: false,
    textStyle: { ...CHART_FONT, color: theme.text },
    grid: { left: 8, right: 40, top: 8, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: { className: TOOLTIP_CLASS, trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => `${Math.round(v as number)}%` },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { color: theme.axis, formatter: '{value}%' }, splitLine: { lineStyle: { color: theme.grid } } },
    yAxis: { type: 'category', inverse: true, data: progress.map((p) => `seed ${p.seed}`), axisLabel: { color: theme.axis }, axisTick: { show: false } },
    series: [
      {
        type: 'bar',
        name: 'progress',
        barMaxWidth: 14,
        label: {
          show: true,
          position: 'right',
          color: theme.text,
          formatter: (p) => (progress[p.dataIndex].state === 'done' ? 'done' : `${Math.round(p.value as number)}%`),
        },
        data: progress.map((p) => ({ value: 100 * p.fraction, itemStyle: { color: colour[p.state], opacity: p.state === 'running' ? 0.7 : 1 } })),
      },
    ],
  };
}
