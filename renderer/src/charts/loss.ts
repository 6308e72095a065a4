// Pure builder: a per-step series of a training (loss, kept fraction, circuits) with the boundaries of its phases
// (each grown layer, then the fine-tune) marked as vertical lines. The run page and the server-side report use it.
import type { LineSeriesOption } from 'echarts/charts';
import type { DataZoomComponentOption, GridComponentOption, MarkLineComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import type { SeriesPoint } from '../../../electron/contract/runs.ts';
import { formatNumber } from '../lib/format.ts';
import { CHART_FONT, TOOLTIP_CLASS, type ChartTheme } from './theme.ts';

export type StepChartOption = ComposeOption<
  LineSeriesOption | GridComponentOption | TooltipComponentOption | DataZoomComponentOption | MarkLineComponentOption
>;

/** Where a phase of a layer-wise training begins. */
export interface PhaseBoundary {
  step: number;
  label: string;
}

/** The boundaries from the train kind's phase-start series (TRAIN_METRICS.layerStart, .fineTuneStart); the first layer's start is none. */
export function phaseBoundaries(layerStarts: readonly SeriesPoint[], fineTuneStarts: readonly SeriesPoint[] = []): PhaseBoundary[] {
  const out: PhaseBoundary[] = [];
  for (const [step, layer] of layerStarts) if (layer !== null && step > 1) out.push({ step, label: `layer ${layer}` });
  for (const [step] of fineTuneStarts) out.push({ step, label: 'fine-tune' });
  return out.sort((a, b) => a.step - b.step);
}

export interface StepChartData {
  /** One line per entry, e.g. [{name: 'loss', points}]. */
  lines: { name: string; points: readonly SeriesPoint[] }[];
  boundaries?: readonly PhaseBoundary[];
}

export interface StepChartOptions {
  /** The y axis's name. */
  yName: string;
  /** Fixed y axis ends (e.g. [0, 1] for a fraction); default: the data's range. */
  yRange?: [number, number];
  /** A log y axis (losses spanning decades); non-positive values then become gaps. */
  log?: boolean;
  /** Zoom with the wheel and a slider (the screen); off for a static rendering (reports). */
  zoom?: boolean;
  /** The zoomed window in percent of the steps (kept when the option is rebuilt with new points); default all. */
  window?: ZoomWindow;
}

/** A zoomed window of the x axis, in percent of its data range (as ECharts' dataZoom says it). */
export interface ZoomWindow {
  start: number;
  end: number;
}

/** The steps a zoom window covers on an axis from `first` to `last` step (whole steps, widened to include its ends). */
export function windowSteps(window: ZoomWindow, first: number, last: number): { fromStep: number; toStep: number } {
  const span = last - first;
  return { fromStep: Math.max(first, Math.floor(first + (span * window.start) / 100)), toStep: Math.min(last, Math.ceil(first + (span * window.end) / 100)) };
}

export function buildStepChartOption(data: StepChartData, theme: ChartTheme, options: StepChartOptions): StepChartOption {
  const axisLine = { lineStyle: { color: theme.grid } };
  const markLine: MarkLineComponentOption | undefined = data.boundaries?.length
    ? {
        silent: true,
        symbol: 'none',
        animation: false,
        lineStyle: { color: theme.axis, type: 'dashed', width: 1 },
        label: { color: theme.text, fontSize: 10, position: 'insideEndTop', formatter: '{b}' },
        data: data.boundaries.map((b) => ({ name: b.label, xAxis: b.step })),
      }
    : undefined;
  return {
    animation: false,
    textStyle: { ...CHART_FONT, color: theme.text },
    grid: { left: 8, right: 20, top: 24, bottom: options.zoom ? 44 : 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: {
      className: TOOLTIP_CLASS,
      trigger: 'axis',
      valueFormatter: (v) => (typeof v === 'number' ? formatNumber(v) : '–'),
    },
    xAxis: { type: 'value', name: 'step', nameGap: 4, min: 'dataMin', max: 'dataMax', axisLine, axisLabel: { color: theme.axis }, splitLine: { show: false } },
    yAxis: {
      type: options.log ? 'log' : 'value',
      name: options.yName,
      scale: !options.yRange,
      min: options.yRange?.[0],
      max: options.yRange?.[1],
      axisLabel: { color: theme.axis },
      nameTextStyle: { color: theme.axis },
      splitLine: { lineStyle: { color: theme.grid } },
    },
    dataZoom: options.zoom
      ? [
          { type: 'inside', xAxisIndex: 0, filterMode: 'none', ...options.window },
          { type: 'slider', xAxisIndex: 0, filterMode: 'none', height: 18, bottom: 6, ...options.window },
        ]
      : [],
    series: data.lines.map((line, k) => ({
      type: 'line',
      name: line.name,
      // Points arrive downsampled by the host (LTTB); ECharts thins them further to the pixels it has.
      data: line.points.map(([step, value]) => [step, options.log && value !== null && value <= 0 ? null : value]),
      showSymbol: false,
      sampling: 'lttb',
      connectNulls: false,
      lineStyle: k === 0 ? { width: 1.5 } : { width: 2, color: theme.text },
      itemStyle: { color: k === 0 ? theme.accent : theme.text },
      markLine: k === 0 ? markLine : undefined,
    })),
  };
}

/** Points averaged by the trend line: a fiftieth of the series, at least one. */
export const TREND_FRACTION = 1 / 50;

/**
 * The trailing mean of the last `window` values at each point (gaps skipped; a point with no value in its window is
 * a gap): a mini-batch loss jumps from step to step, its trend is what the eye looks for.
 */
export function trailingMean(points: readonly SeriesPoint[], window: number): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  let sum = 0;
  let count = 0;
  for (let k = 0; k < points.length; k++) {
    const v = points[k][1];
    if (v !== null) {
      sum += v;
      count++;
    }
    const gone = k >= window ? points[k - window][1] : null;
    if (gone !== null) {
      sum -= gone;
      count--;
    }
    out.push([points[k][0], count > 0 ? sum / count : null]);
  }
  return out;
}

/** The loss per step of a training with its layer boundaries, and its trend (the trailing mean of the points drawn). */
export function buildLossOption(
  points: readonly SeriesPoint[],
  boundaries: readonly PhaseBoundary[],
  theme: ChartTheme,
  zoom: boolean | ZoomWindow = true,
): StepChartOption {
  const positive = points.length > 0 && points.every(([, v]) => v === null || v > 0);
  const spread = positive ? spreadOf(points) : 0;
  const window = Math.max(1, Math.round(points.length * TREND_FRACTION));
  const lines = [{ name: 'loss', points }];
  if (window > 1) lines.push({ name: 'trend', points: trailingMean(points, window) });
  // A loss falling over more than two decades reads better on a log axis.
  return buildStepChartOption({ lines, boundaries }, theme, {
    yName: 'loss',
    log: spread > 100,
    zoom: zoom !== false,
    window: typeof zoom === 'object' ? zoom : undefined,
  });
}

function spreadOf(points: readonly SeriesPoint[]): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const [, v] of points) {
    if (v === null) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo > 0 && Number.isFinite(hi) ? hi / lo : 0;
}
