// Pure builder: per-column NRMSE of each compared method as grouped bars (one group per column, one bar per method)
// with +-1 sd over seeds as error bars; QNN methods in the quantum colour, classical ones in the classical colour.
// The renderer's Compare page and the reports render it from a comparison's stored statistics (nrmseBars).
import type { BarSeriesOption, CustomSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { format, type ComposeOption } from 'echarts/core';
import type { ComparisonStatistics } from '../../../electron/contract/comparisons.ts';
import { formatNumber } from '../lib/format.ts';
import { CHART_FONT, TOOLTIP_CLASS, type ChartTheme } from './theme.ts';

export type NrmseBarsOption = ComposeOption<BarSeriesOption | CustomSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption>;

/** The metric prefix of per-column NRMSE (an experiment's children record `nrmse/<column>`). */
export const NRMSE_COLUMN_PREFIX = 'nrmse/';

export interface NrmseGroup {
  label: string;
  quantum: boolean;
  /** One per column: mean and sd over seeds (null: not recorded; sd null for one seed). */
  mean: (number | null)[];
  sd: (number | null)[];
}

export interface NrmseBars {
  columns: string[];
  groups: NrmseGroup[];
}

/** The bars of a comparison: every per-column NRMSE metric the methods share, from the stored summaries. */
export function nrmseBars(stats: Pick<ComparisonStatistics, 'methods' | 'metrics'>): NrmseBars {
  const metrics = stats.metrics.filter((m) => m.startsWith(NRMSE_COLUMN_PREFIX));
  return {
    columns: metrics.map((m) => m.slice(NRMSE_COLUMN_PREFIX.length)),
    groups: stats.methods.map((m) => ({
      label: m.label,
      quantum: m.quantum,
      mean: metrics.map((k) => m.summary[k]?.mean ?? null),
      sd: metrics.map((k) => m.summary[k]?.sd ?? null),
    })),
  };
}

/** Bar colours: the family's colour, fading for the 2nd, 3rd... method of the same family so each stays distinct. */
export function familyOpacities(groups: readonly { quantum: boolean }[]): number[] {
  const seen = { quantum: 0, classical: 0 };
  return groups.map((g) => {
    const k = g.quantum ? 'quantum' : 'classical';
    return Math.max(0.35, 1 - 0.22 * seen[k]++);
  });
}

/** Share of a category's width left empty, and the gap between bars in a group (fractions, as ECharts takes them). */
const CATEGORY_GAP = 0.3;
const BAR_GAP = 0.1;

export function buildNrmseBarsOption(data: NrmseBars, theme: ChartTheme): NrmseBarsOption {
  const k = data.groups.length;
  const opacity = familyOpacities(data.groups);
  const color = (g: NrmseGroup) => (g.quantum ? theme.quantum : theme.classical);
  return {
    animation: false,
    textStyle: { ...CHART_FONT, color: theme.text },
    legend: { top: 0, type: 'scroll', textStyle: { color: theme.text }, data: data.groups.map((g) => g.label) },
    grid: { left: 8, right: 16, top: 30, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: {
      className: TOOLTIP_CLASS,
      trigger: 'item',
      formatter: (p) => {
        const item = p as unknown as { seriesIndex: number; dataIndex: number };
        const g = data.groups[item.seriesIndex % k];
        const sd = g.sd[item.dataIndex];
        // Tooltips are HTML: the method's label (a run name) and the column name are escaped.
        return `${format.encodeHTML(g.label)}, ${format.encodeHTML(data.columns[item.dataIndex])}: NRMSE ${formatNumber(g.mean[item.dataIndex])}${sd === null ? '' : ` ± ${formatNumber(sd)} (sd over seeds)`}`;
      },
    },
    xAxis: {
      type: 'category',
      data: data.columns,
      axisLine: { lineStyle: { color: theme.grid } },
      axisTick: { show: false },
      axisLabel: { color: theme.axis, hideOverlap: true, rotate: data.columns.length > 8 ? 30 : 0 },
    },
    yAxis: {
      type: 'value',
      name: 'NRMSE',
      nameTextStyle: { color: theme.axis },
      axisLabel: { color: theme.axis },
      splitLine: { lineStyle: { color: theme.grid } },
    },
    series: [
      ...data.groups.map((g, i): BarSeriesOption => ({
        type: 'bar',
        name: g.label,
        data: g.mean.map((v) => v ?? '-'),
        barCategoryGap: `${CATEGORY_GAP * 100}%`,
        barGap: `${BAR_GAP * 100}%`,
        itemStyle: { color: color(g), opacity: opacity[i], borderRadius: [2, 2, 0, 0] },
      })),
      // Error bars: a custom series per method drawing mean -+ sd at its bar's offset within the category.
      ...data.groups.map((g, i): CustomSeriesOption => ({
        type: 'custom',
        name: g.label,
        silent: true,
        z: 3,
        data: g.mean.flatMap((m, c) => (m === null || g.sd[c] === null ? [] : [[c, m - (g.sd[c] as number), m + (g.sd[c] as number)]])),
        renderItem: (_params, api) => {
          const band = (api.size?.([1, 0]) as number[])[0];
          const width = (band * (1 - CATEGORY_GAP)) / (k + (k - 1) * BAR_GAP);
          const [x, low] = api.coord([api.value(0), api.value(1)]);
          const high = api.coord([api.value(0), api.value(2)])[1];
          const centre = x - (band * (1 - CATEGORY_GAP)) / 2 + i * width * (1 + BAR_GAP) + width / 2;
          const cap = Math.min(6, width / 3);
          const style = { stroke: theme.text, lineWidth: 1 };
          return {
            type: 'group',
            children: [
              { type: 'line', shape: { x1: centre, y1: low, x2: centre, y2: high }, style },
              { type: 'line', shape: { x1: centre - cap, y1: low, x2: centre + cap, y2: low }, style },
              { type: 'line', shape: { x1: centre - cap, y1: high, x2: centre + cap, y2: high }, style },
            ],
          };
        },
      })),
    ],
  };
}
