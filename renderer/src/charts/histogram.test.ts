import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ColumnProfile } from '../../../electron/contract/datasets.ts';
import { buildHistogramOption, categoryBars, columnBars, histogramBars, MAX_CATEGORIES } from './histogram.ts';
import { chartTheme, rootVariables } from './theme.ts';

const css = rootVariables(readFileSync(new URL('../styles.css', import.meta.url), 'utf8'));
const theme = chartTheme((v) => css.get(v));

function profile(over: Partial<ColumnProfile>): ColumnProfile {
  return {
    index: 0,
    name: 'bili',
    type: 'numeric',
    role: 'feature',
    missing: 0,
    distinct: 10,
    stats: { min: 0, max: 3, mean: 1.5, sd: 1, median: 1.5 },
    categories: null,
    histogram: { edges: [0, 1, 2, 3], counts: [4, 5, 1] },
    ...over,
  };
}

describe('histogram builder', () => {
  it('labels numeric bins with their edges', () => {
    expect(histogramBars([0, 1.5, 3], [2, 3])).toEqual([
      { label: '0 – 1.5', count: 2 },
      { label: '1.5 – 3', count: 3 },
    ]);
  });

  it('folds the category tail into "other"', () => {
    const cats = Array.from({ length: 30 }, (_, i) => ({ value: `c${i}`, count: 30 - i }));
    const observed = cats.reduce((s, c) => s + c.count, 0);
    const bars = categoryBars(cats, 30, observed);
    expect(bars).toHaveLength(MAX_CATEGORIES + 1);
    expect(bars.at(-1)!.label).toBe('other (10)');
    expect(bars.reduce((s, b) => s + b.count, 0)).toBe(observed);
  });

  it('uses categories for categorical columns and nothing for all-missing ones', () => {
    const sex = profile({
      type: 'categorical',
      histogram: null,
      stats: null,
      distinct: 2,
      categories: [
        { value: 'f', count: 374 },
        { value: 'm', count: 44 },
      ],
    });
    expect(columnBars(sex, 418)!.map((b) => b.label)).toEqual(['f', 'm']);
    expect(columnBars(profile({ missing: 10 }), 10)).toBeNull();
    expect(buildHistogramOption(profile({ missing: 10 }), 10, theme)).toBeNull();
  });

  it('colours the bars and the grid from the stylesheet theme', () => {
    const option = buildHistogramOption(profile({}), 10, { ...theme, accent: 'rgb(1, 2, 3)', grid: 'rgb(4, 5, 6)' })!;
    const series = option.series as { itemStyle: { color: string } }[];
    expect(series[0].itemStyle.color).toBe('rgb(1, 2, 3)');
    expect((option.yAxis as { splitLine: { lineStyle: { color: string } } }).splitLine.lineStyle.color).toBe('rgb(4, 5, 6)');
  });

  it('builds an option ECharts renders', () => {
    use([BarChart, GridComponent, TooltipComponent, SVGRenderer]);
    const option = buildHistogramOption(profile({}), 10, theme)!;
    const chart = init(null, null, { renderer: 'svg', ssr: true, width: 400, height: 200 });
    chart.setOption(option);
    const svg = chart.renderToSVGString();
    chart.dispose();
    expect(svg).toContain('<svg');
    expect(svg).toContain('path');
  });
});
