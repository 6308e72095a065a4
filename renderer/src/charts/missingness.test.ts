import { HeatmapChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapPiecewiseComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { describe, expect, it } from 'vitest';
import type { MissingnessMatrix } from '../../../electron/contract/datasets.ts';
import { buildMissingnessOption, heatmapCells, labelInterval, sampledMissingPerColumn } from './missingness.ts';

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
    const option = buildMissingnessOption(columns, matrix);
    const yAxis = option.yAxis as { data: string[] };
    expect(yAxis.data).toEqual(['row 1', 'row 5', 'row 10']);
  });

  it('thins row labels on tall samples', () => {
    expect(labelInterval(10)).toBe(0);
    expect(labelInterval(400)).toBe(16);
  });

  it('builds an option ECharts renders', () => {
    use([HeatmapChart, GridComponent, TooltipComponent, VisualMapPiecewiseComponent, SVGRenderer]);
    const chart = init(null, null, { renderer: 'svg', ssr: true, width: 400, height: 300 });
    chart.setOption(buildMissingnessOption(columns, matrix));
    const svg = chart.renderToSVGString();
    chart.dispose();
    expect(svg).toContain('<svg');
    expect(svg.match(/<path/g)?.length ?? 0).toBeGreaterThanOrEqual(9);
  });
});
