// Pure builder: the ECharts heatmap of missing cells (sampled rows x columns).
import type { HeatmapSeriesOption } from 'echarts/charts';
import type { GridComponentOption, TooltipComponentOption, VisualMapComponentOption } from 'echarts/components';
import { format, type ComposeOption } from 'echarts/core';
import type { ColumnProfile, MissingnessMatrix } from '../../../electron/contract/datasets.ts';
import { CHART_FONT, TOOLTIP_CLASS, type ChartTheme } from './theme.ts';

export type HeatmapOption = ComposeOption<HeatmapSeriesOption | GridComponentOption | TooltipComponentOption | VisualMapComponentOption>;

/** Cells as [columnIndex, sampledRowPosition, 1 missing | 0 observed]. */
export function heatmapCells(matrix: MissingnessMatrix, columnCount: number): [number, number, number][] {
  const cells: [number, number, number][] = [];
  for (let y = 0; y < matrix.rows.length; y++) {
    const missing = new Set(matrix.missing[y] ?? []);
    for (let x = 0; x < columnCount; x++) cells.push([x, y, missing.has(x) ? 1 : 0]);
  }
  return cells;
}

/** Missing cells per column within the sample (for the axis labels and tests). */
export function sampledMissingPerColumn(matrix: MissingnessMatrix, columnCount: number): number[] {
  const counts = new Array<number>(columnCount).fill(0);
  for (const row of matrix.missing) for (const c of row) if (c >= 0 && c < columnCount) counts[c]++;
  return counts;
}

/** Show about 24 row labels at most (interval = labels skipped between two shown). */
export function labelInterval(count: number, shown = 24): number {
  return Math.max(0, Math.ceil(count / shown) - 1);
}

/** The tooltip of one cell. ECharts shows a formatter's string as HTML: column names are the user's text, so escaped. */
export function cellTooltip(rowLabel: string, columnName: string, missing: boolean): string {
  return `${format.encodeHTML(rowLabel)} · ${format.encodeHTML(columnName)}: ${missing ? 'missing' : 'observed'}`;
}

export function buildMissingnessOption(columns: Pick<ColumnProfile, 'name'>[], matrix: MissingnessMatrix, theme: ChartTheme): HeatmapOption {
  const names = columns.map((c) => c.name);
  const rowLabels = matrix.rows.map((r) => `row ${r + 1}`);
  return {
    animation: false,
    textStyle: { ...CHART_FONT, color: theme.text },
    grid: { left: 8, right: 12, top: 8, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: {
      className: TOOLTIP_CLASS,
      position: 'top',
      formatter: (params) => {
        const p = params as unknown as { value: [number, number, number] };
        const [x, y, v] = p.value;
        return cellTooltip(rowLabels[y] ?? '', names[x] ?? '', v === 1);
      },
    },
    xAxis: {
      type: 'category',
      data: names,
      position: 'top',
      splitArea: { show: false },
      axisTick: { show: false },
      axisLine: { show: false },
      axisLabel: { color: theme.axis, rotate: 45, interval: 0 },
    },
    yAxis: {
      type: 'category',
      data: rowLabels,
      inverse: true,
      axisTick: { show: false },
      axisLine: { show: false },
      axisLabel: { color: theme.axis, interval: labelInterval(rowLabels.length) },
    },
    visualMap: {
      type: 'piecewise',
      show: false,
      dimension: 2,
      pieces: [
        { value: 0, label: 'observed', color: theme.observed },
        { value: 1, label: 'missing', color: theme.missing },
      ],
    },
    series: [
      {
        type: 'heatmap',
        name: 'missingness',
        data: heatmapCells(matrix, names.length),
        progressive: 0,
        emphasis: { disabled: true },
      },
    ],
  };
}
