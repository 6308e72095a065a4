// Pure builder: convergence traces of the chained-equations imputers, as R mice plots them: for each imputed column,
// the mean of its imputed values after each cycle, one line per trace (a method at a seed). Lines that settle show a
// converged chain; drifting or crossing lines do not. Small multiples, one grid per column, each on its own scale.
import type { LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TitleComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { formatNumber } from '../lib/format.ts';
import { CHART_FONT, TOOLTIP_CLASS, type ChartTheme } from './theme.ts';

export type ConvergenceOption = ComposeOption<LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | TitleComponentOption>;

/** One column's mean and sd of its imputed values after one cycle (core/impute/chained.ts TraceEntry; JSON turns NaN into null). */
export interface TracePoint {
  cycle: number;
  column: string;
  mean: number | null;
  sd: number | null;
}

export interface Trace {
  /** E.g. `mice, seed 1`. */
  label: string;
  points: readonly TracePoint[];
}

/** Columns drawn at most (the rest are named in the chart's note); panels per row. */
export const MAX_CONVERGENCE_COLUMNS = 12;
export const CONVERGENCE_COLUMNS_PER_ROW = 3;

/** The imputed columns in first-seen order. */
export function traceColumns(traces: readonly Trace[]): string[] {
  return [...new Set(traces.flatMap((t) => t.points.map((p) => p.column)))];
}

/** The chart's height for `columns` panels (the screen sizes its container with it). */
export function convergenceHeight(columns: number): number {
  return 40 + Math.ceil(Math.min(columns, MAX_CONVERGENCE_COLUMNS) / CONVERGENCE_COLUMNS_PER_ROW) * 150;
}

export function buildConvergenceOption(traces: readonly Trace[], theme: ChartTheme): ConvergenceOption {
  const all = traceColumns(traces);
  const columns = all.slice(0, MAX_CONVERGENCE_COLUMNS);
  const rows = Math.ceil(columns.length / CONVERGENCE_COLUMNS_PER_ROW);
  const panel = (k: number) => {
    const row = Math.floor(k / CONVERGENCE_COLUMNS_PER_ROW);
    const col = k % CONVERGENCE_COLUMNS_PER_ROW;
    return { left: `${2 + col * 33}%`, width: '27%', top: 40 + row * 150, height: 100 };
  };
  const axisStyle = { axisLabel: { color: theme.axis, fontSize: 10 }, splitLine: { lineStyle: { color: theme.grid } } };
  return {
    animation: false,
    textStyle: { ...CHART_FONT, color: theme.text },
    legend: { top: 0, type: 'scroll', textStyle: { color: theme.text } },
    title: columns.map((c, k) => ({
      text: c,
      left: panel(k).left,
      top: panel(k).top - 18,
      textStyle: { fontSize: 11, fontWeight: 500, color: theme.text },
    })),
    grid: columns.map((_, k) => ({ ...panel(k), outerBoundsMode: 'same' as const, outerBoundsContain: 'axisLabel' as const })),
    tooltip: { className: TOOLTIP_CLASS, trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? formatNumber(v) : '–') },
    xAxis: columns.map((_, k) => ({
      type: 'value',
      gridIndex: k,
      minInterval: 1,
      name: k >= (rows - 1) * CONVERGENCE_COLUMNS_PER_ROW ? 'cycle' : '',
      ...axisStyle,
    })),
    yAxis: columns.map((_, k) => ({ type: 'value', gridIndex: k, scale: true, ...axisStyle })),
    // A trace keeps its colour in every panel: ECharts gives series of one name one palette colour.
    series: columns.flatMap((column, k) =>
      traces.map((t) => ({
        type: 'line' as const,
        name: t.label,
        xAxisIndex: k,
        yAxisIndex: k,
        showSymbol: true,
        symbolSize: 4,
        connectNulls: false,
        data: t.points.filter((p) => p.column === column).map((p) => [p.cycle, p.mean]),
      })),
    ),
  };
}
