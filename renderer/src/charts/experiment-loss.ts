// Pure builder: an experiment's live training loss (EXPERIMENT_METRICS.loss): one line per (method, seed) of each
// method that trains by steps (qnn-mice's QNN regressors per optimisation step, deep-mice's MLPs per epoch), its
// steps running through every column model of every cycle in turn. ECharts' palette tells the lines apart.
import type { LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { EXPERIMENT_METRICS, type MetricSeries, type SeriesPoint } from '../../../electron/contract/runs.ts';
import { formatNumber } from '../lib/format.ts';
import { CHART_FONT, TOOLTIP_CLASS, type ChartTheme } from './theme.ts';

export type ExperimentLossOption = ComposeOption<LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

export interface LossLine {
  method: string;
  seed: number;
  points: readonly SeriesPoint[];
}

/** The loss lines among a run's series, by method then seed (other series ignored). */
export function experimentLossLines(series: Readonly<Record<string, Pick<MetricSeries, 'points'>>>): LossLine[] {
  const lines: LossLine[] = [];
  for (const [name, s] of Object.entries(series)) {
    const key = EXPERIMENT_METRICS.parseLoss(name);
    if (key) lines.push({ ...key, points: s.points });
  }
  return lines.sort((a, b) => (a.method === b.method ? a.seed - b.seed : a.method < b.method ? -1 : 1));
}

export function buildExperimentLossOption(lines: readonly LossLine[], theme: ChartTheme): ExperimentLossOption {
  return {
    animation: false,
    textStyle: { ...CHART_FONT, color: theme.text },
    legend: { top: 0, type: 'scroll', textStyle: { color: theme.text } },
    grid: { left: 8, right: 20, top: 32, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: { className: TOOLTIP_CLASS, trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? formatNumber(v) : '–') },
    xAxis: {
      type: 'value',
      name: 'step',
      nameGap: 4,
      min: 'dataMin',
      max: 'dataMax',
      axisLine: { lineStyle: { color: theme.grid } },
      axisLabel: { color: theme.axis },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      name: 'loss',
      scale: true,
      axisLabel: { color: theme.axis },
      nameTextStyle: { color: theme.axis },
      splitLine: { lineStyle: { color: theme.grid } },
    },
    series: lines.map((line) => ({
      type: 'line',
      name: `${line.method}, seed ${line.seed}`,
      data: line.points.map(([step, value]) => [step, value]),
      showSymbol: false,
      sampling: 'lttb',
      connectNulls: false,
      lineStyle: { width: 1.5 },
    })),
  };
}
