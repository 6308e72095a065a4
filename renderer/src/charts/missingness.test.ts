import { HeatmapChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapPiecewiseComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MissingnessMatrix } from '../../../electron/contract/datasets.ts';
import { buildMissingnessOption, heatmapCells, labelInterval, sampledMissingPerColumn } from './missingness.ts';
import { chartTheme, rootVariables } from './theme.ts';

const css = rootVariables(readFileSync(new URL('../styles.css', import.meta.url), 'utf8'));
const theme = chartTheme((v) => css.get(v));

type Formatter = (params: { value: [number, number, number] }) => string;
function tooltipOf(option: ReturnType<typeof buildMissingnessOption>): Formatter {
  return (option.tooltip as unknown as { formatter: Formatter }).formatter;
}

const matrix: MissingnessMatrix = { rows: [0, 4, 9], missing: [[], [1], [0, 2]], sampled: true };
const columns = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];

describe('missingness heatmap builder', () => {
  it('emits one cell per sampled row and column, 1 where missing', () => {
    const cells = heatmapCells(matrix, 3);
    expect(cells).toHaveLength(9);
    expect(cells.filter((c) => c[2] === 1)).toEqual([
      [1, 1, 1],
      [0, 2, 1],
      [2, 2, 1],
    ]);
  });

  it('counts missing cells per column in the sample', () => {
    expect(sampledMissingPerColumn(matrix, 3)).toEqual([1, 1, 1]);
  });

  it('labels rows by their 1-based row number', () => {
    const option = buildMissingnessOption(columns, matrix, theme);
    const yAxis = option.yAxis as { data: string[] };
    expect(yAxis.data).toEqual(['row 1', 'row 5', 'row 10']);
  });

  it('shows a cell as row, column and state in its tooltip', () => {
    const tip = tooltipOf(buildMissingnessOption(columns, matrix, theme));
    expect(tip({ value: [2, 2, 1] })).toBe('row 10 · c: missing');
    expect(tip({ value: [0, 1, 0] })).toBe('row 5 · a: observed');
  });

  it('shows markup in a column name as text in the tooltip (ECharts renders the string as HTML)', () => {
    const hostile = [{ name: '<img src=x onerror=alert(1)>' }, { name: '<b>bold</b> & "q"' }, { name: 'c' }];
    const tip = tooltipOf(buildMissingnessOption(hostile, matrix, theme));
    expect(tip({ value: [0, 0, 0] })).toBe('row 1 · &lt;img src=x onerror=alert(1)&gt;: observed');
    expect(tip({ value: [1, 1, 1] })).toBe('row 5 · &lt;b&gt;bold&lt;/b&gt; &amp; &quot;q&quot;: missing');
    // Parsed as HTML, the tooltip holds the name as text and no element.
    const html = tip({ value: [0, 0, 0] });
    expect(html).not.toMatch(/<[a-z]/i);
  });

  it('colours cells and labels from the stylesheet theme', () => {
    const custom = { ...theme, missing: 'rgb(1, 2, 3)', observed: 'rgb(4, 5, 6)', axis: 'rgb(7, 8, 9)' };
    const option = buildMissingnessOption(columns, matrix, custom);
    const pieces = (option.visualMap as { pieces: { value: number; color: string }[] }).pieces;
    expect(pieces).toEqual([
      { value: 0, label: 'observed', color: 'rgb(4, 5, 6)' },
      { value: 1, label: 'missing', color: 'rgb(1, 2, 3)' },
    ]);
    expect((option.xAxis as { axisLabel: { color: string } }).axisLabel.color).toBe('rgb(7, 8, 9)');
    expect(theme.missing).toBe(css.get('--missing'));
  });

  it('thins row labels on tall samples', () => {
    expect(labelInterval(10)).toBe(0);
    expect(labelInterval(400)).toBe(16);
  });

  it('builds an option ECharts renders', () => {
    use([HeatmapChart, GridComponent, TooltipComponent, VisualMapPiecewiseComponent, SVGRenderer]);
    const chart = init(null, null, { renderer: 'svg', ssr: true, width: 400, height: 300 });
    chart.setOption(buildMissingnessOption(columns, matrix, theme));
    const svg = chart.renderToSVGString();
    chart.dispose();
    expect(svg).toContain('<svg');
    expect(svg.match(/<path/g)?.length ?? 0).toBeGreaterThanOrEqual(9);
  });
});
