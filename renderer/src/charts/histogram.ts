// Pure builder: the ECharts option for one column's distribution (numeric histogram or category counts).
import type { BarSeriesOption } from 'echarts/charts';
import type { GridComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import type { ColumnProfile } from '../../../electron/contract/datasets.ts';
import { formatNumber } from '../lib/format.ts';
import { CHART_FONT, TOOLTIP_CLASS, type ChartTheme } from './theme.ts';

export type HistogramOption = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;

/** Categories shown at most; the rest is folded into "other". */
export const MAX_CATEGORIES = 20;

export interface Bar {
  label: string;
  count: number;
}

/** Bars of a numeric histogram: one per bin, labelled "[lo, hi)" (last bin closed). */
export function histogramBars(edges: number[], counts: number[]): Bar[] {
  const bars: Bar[] = [];
  for (let i = 0; i < counts.length; i++) {
    const lo = formatNumber(edges[i]);
    const hi = formatNumber(edges[i + 1]);
    bars.push({ label: `${lo} – ${hi}`, count: counts[i] });
  }
  return bars;
}

/** Bars of a categorical column, most frequent first, the tail folded into "other (k)". */
export function categoryBars(categories: { value: string; count: number }[], distinct: number, observed: number): Bar[] {
  const shown = categories.slice(0, MAX_CATEGORIES);
  const bars = shown.map((c) => ({ label: c.value, count: c.count }));
  const shownCount = shown.reduce((s, c) => s + c.count, 0);
  const rest = observed - shownCount;
  if (rest > 0) bars.push({ label: `other (${Math.max(distinct - shown.length, 1)})`, count: rest });
  return bars;
}

/** The bars a column's chart shows, or null when there is nothing to plot (all cells missing). */
export function columnBars(profile: ColumnProfile, totalRows: number): Bar[] | null {
  const observed = totalRows - profile.missing;
  if (observed <= 0) return null;
  if (profile.type !== 'numeric' && profile.categories && profile.categories.length > 0) {
    return categoryBars(profile.categories, profile.distinct, observed);
  }
  if (profile.histogram && profile.histogram.counts.length > 0) {
    return histogramBars(profile.histogram.edges, profile.histogram.counts);
  }
  if (profile.categories && profile.categories.length > 0) return categoryBars(profile.categories, profile.distinct, observed);
  return null;
}

export function buildHistogramOption(profile: ColumnProfile, totalRows: number, theme: ChartTheme): HistogramOption | null {
  const bars = columnBars(profile, totalRows);
  if (!bars) return null;
  const numeric = profile.type === 'numeric' || !profile.categories || profile.categories.length === 0;
  return {
    animation: false,
    textStyle: { ...CHART_FONT, color: theme.text },
    grid: { left: 8, right: 16, top: 16, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: {
      className: TOOLTIP_CLASS,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v) => `${v as number} rows`,
    },
    xAxis: {
      type: 'category',
      data: bars.map((b) => b.label),
      name: '',
      axisLine: { lineStyle: { color: theme.grid } },
      axisTick: { show: false },
      axisLabel: { color: theme.axis, hideOverlap: true, rotate: numeric ? 0 : bars.length > 6 ? 30 : 0 },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      splitLine: { lineStyle: { color: theme.grid } },
      axisLabel: { color: theme.axis },
    },
    series: [
      {
        type: 'bar',
        name: profile.name,
        data: bars.map((b) => b.count),
        barCategoryGap: numeric ? '4%' : '30%',
        itemStyle: { color: theme.accent, borderRadius: [2, 2, 0, 0] },
      },
    ],
  };
}
