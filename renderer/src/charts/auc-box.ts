// Pure builder: a metric's spread over seeds per compared method (AUC by default) as box plots (min, quartiles,
// median, max) with every seed's value as a dot over its box; QNN methods in the quantum colour, classical ones in
// the classical colour. The paper's claim is about this spread as much as the level. The Compare page and the reports
// render it from a comparison's stored per-seed values (aucBoxes).
import type { BoxplotSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type { GridComponentOption, TooltipComponentOption } from 'echarts/components';
import { format, type ComposeOption } from 'echarts/core';
import type { ComparisonStatistics } from '../../../electron/contract/comparisons.ts';
import { formatNumber } from '../lib/format.ts';
import { CHART_FONT, TOOLTIP_CLASS, type ChartTheme } from './theme.ts';

export type AucBoxOption = ComposeOption<BoxplotSeriesOption | ScatterSeriesOption | GridComponentOption | TooltipComponentOption>;

export interface SeedBox {
  label: string;
  quantum: boolean;
  seeds: number[];
  /** One per seed; null: not recorded for that seed (left out). */
  values: (number | null)[];
}

/** One box per compared method: the metric's value for each of its seeds. */
export function aucBoxes(stats: Pick<ComparisonStatistics, 'methods'>, metric = 'auc'): SeedBox[] {
  return stats.methods.map((m) => ({ label: m.label, quantum: m.quantum, seeds: m.seeds, values: m.values[metric] ?? m.seeds.map(() => null) }));
}

/** Quantile of sorted values by linear interpolation between order statistics (R's type 7, numpy's default). */
function quantile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

/** [min, Q1, median, Q3, max] of the values (nulls left out), or null when there are none. */
export function fiveNumbers(values: readonly (number | null)[]): [number, number, number, number, number] | null {
  const sorted = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return [sorted[0], quantile(sorted, 0.25), quantile(sorted, 0.5), quantile(sorted, 0.75), sorted[sorted.length - 1]];
}

export function buildAucBoxOption(boxes: readonly SeedBox[], theme: ChartTheme, metric = 'AUC'): AucBoxOption {
  const labels = boxes.map((b) => b.label);
  const color = (b: SeedBox) => (b.quantum ? theme.quantum : theme.classical);
  return {
    animation: false,
    textStyle: { ...CHART_FONT, color: theme.text },
    grid: { left: 8, right: 16, top: 16, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: {
      className: TOOLTIP_CLASS,
      trigger: 'item',
      formatter: (p) => {
        const item = p as unknown as { seriesType: string; dataIndex: number; value: unknown };
        if (item.seriesType === 'scatter') {
          const [label, value, seed] = item.value as [string, number, number];
          return `${format.encodeHTML(label)}, seed ${seed}: ${format.encodeHTML(metric)} ${formatNumber(value)}`;
        }
        const five = fiveNumbers(boxes[item.dataIndex].values);
        // Tooltips are HTML: labels (run names) are escaped.
        const label = format.encodeHTML(boxes[item.dataIndex].label);
        if (!five) return label;
        const names = ['min', 'Q1', 'median', 'Q3', 'max'];
        return `${label}<br>${five.map((v, i) => `${names[i]} ${formatNumber(v)}`).join('<br>')}`;
      },
    },
    xAxis: { type: 'category', data: labels, axisLine: { lineStyle: { color: theme.grid } }, axisTick: { show: false }, axisLabel: { color: theme.axis } },
    yAxis: {
      type: 'value',
      name: metric,
      scale: true,
      nameTextStyle: { color: theme.axis },
      axisLabel: { color: theme.axis },
      splitLine: { lineStyle: { color: theme.grid } },
    },
    series: [
      {
        type: 'boxplot',
        name: metric,
        boxWidth: ['20%', '45%'],
        data: boxes.map((b) => {
          const five = fiveNumbers(b.values);
          return { name: b.label, value: five ?? [], itemStyle: { color: 'transparent', borderColor: color(b), borderWidth: 1.5 } };
        }),
      },
      {
        type: 'scatter',
        name: 'seeds',
        symbolSize: 7,
        z: 3,
        data: boxes.flatMap((b) =>
          b.values.flatMap((v, i) => (v === null ? [] : [{ value: [b.label, v, b.seeds[i]], itemStyle: { color: color(b), opacity: 0.75 } }])),
        ),
      },
    ],
  };
}
