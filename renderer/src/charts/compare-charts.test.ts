import { BarChart, BoxplotChart, CustomChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use, type EChartsCoreOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ComparedMethod, ComparisonStatistics } from '../../../electron/contract/comparisons.ts';
import { aucBoxes, buildAucBoxOption, fiveNumbers } from './auc-box.ts';
import { buildNrmseBarsOption, familyOpacities, nrmseBars } from './nrmse-bars.ts';
import { chartTheme, rootVariables } from './theme.ts';

const css = rootVariables(readFileSync(new URL('../styles.css', import.meta.url), 'utf8'));
const theme = chartTheme((v) => css.get(v));

function method(label: string, quantum: boolean, auc: (number | null)[], nrmse: Record<string, [number, number | null]>): ComparedMethod {
  const summary: ComparedMethod['summary'] = {};
  for (const [column, [mean, sd]] of Object.entries(nrmse)) summary[`nrmse/${column}`] = { mean, sd, n: 3 };
  return {
    key: label,
    label,
    runId: 1,
    runName: null,
    runIds: [1],
    seedRunIds: [2, 3, 4],
    kind: 'experiment',
    method: label,
    quantum,
    datasetName: 'pbc',
    mask: 'mcar 0.2',
    config: {},
    seeds: [1, 2, 3],
    values: { auc },
    summary,
  };
}

const stats: Pick<ComparisonStatistics, 'methods' | 'metrics'> = {
  metrics: ['auc', 'nrmse', 'nrmse/bili', 'nrmse/chol'],
  methods: [
    method('mice', false, [0.9, 0.7, 0.8], { bili: [0.9, 0.05], chol: [1.1, 0.1] }),
    method('mean', false, [0.81, 0.82, null], { bili: [1, 0.02], chol: [1, null] }),
    method('qnn-mice', true, [0.8, 0.8, 0.8], { bili: [0.95, 0.04], chol: [1.05, 0.2] }),
  ],
};

function renderSvg(option: EChartsCoreOption): string {
  use([BarChart, BoxplotChart, CustomChart, ScatterChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);
  const chart = init(null, null, { renderer: 'svg', ssr: true, width: 600, height: 300 });
  chart.setOption(option);
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

describe('per-column NRMSE bars', () => {
  it('groups the stored per-column means by column, one series per method, with sd error bars', () => {
    const bars = nrmseBars(stats);
    expect(bars.columns).toEqual(['bili', 'chol']);
    expect(bars.groups.map((g) => g.mean)).toEqual([
      [0.9, 1.1],
      [1, 1],
      [0.95, 1.05],
    ]);
    const option = buildNrmseBarsOption(bars, theme);
    const series = option.series as { type: string; name: string; data: unknown[]; itemStyle?: { color: string } }[];
    expect(series.filter((s) => s.type === 'bar').map((s) => [s.name, s.data, s.itemStyle?.color])).toEqual([
      ['mice', [0.9, 1.1], theme.classical],
      ['mean', [1, 1], theme.classical],
      ['qnn-mice', [0.95, 1.05], theme.quantum],
    ]);
    // Error bars: [column, mean - sd, mean + sd]; a column without sd has none.
    const errors = series.filter((s) => s.type === 'custom').map((s) => s.data as number[][]);
    expect(errors[0][0]).toEqual([0, 0.9 - 0.05, 0.9 + 0.05]);
    expect(errors[1]).toHaveLength(1);
    expect(errors[2][1][2]).toBeCloseTo(1.25, 12);
  });

  it('keeps methods of one family apart by fading the later ones', () => {
    expect(familyOpacities([{ quantum: false }, { quantum: false }, { quantum: true }])).toEqual([1, 0.78, 1]);
  });

  it('renders to SVG in Node (as reports do) with the bars, the error bars and the legend', () => {
    const svg = renderSvg(buildNrmseBarsOption(nrmseBars(stats), theme));
    expect(svg).toContain('qnn-mice');
    expect(svg).toContain(theme.quantum);
    expect(svg).toContain(theme.classical);
    expect(svg.match(/<path/g)?.length ?? 0).toBeGreaterThan(6 + 5 * 3);
  });
});

describe('AUC box plots over seeds', () => {
  it('computes the five numbers as numpy.percentile (linear) does', () => {
    // numpy.percentile(v, [0, 25, 50, 75, 100]) -> 0.772, 0.79825, 0.812, 0.83, 0.842.
    const five = fiveNumbers([0.815, 0.842, 0.79, 0.801, 0.836, 0.772, 0.828, 0.809]);
    [0.772, 0.79825, 0.812, 0.83, 0.842].forEach((v, i) => expect(five?.[i]).toBeCloseTo(v, 12));
    expect(fiveNumbers([null, null])).toBeNull();
  });

  it('draws a box per method and a dot per seed with a value, coloured by family', () => {
    const option = buildAucBoxOption(aucBoxes(stats), theme);
    const [box, dots] = option.series as [
      { data: { name: string; value: number[]; itemStyle: { borderColor: string } }[] },
      { data: { value: [string, number, number]; itemStyle: { color: string } }[] },
    ];
    expect(box.data.map((d) => d.name)).toEqual(['mice', 'mean', 'qnn-mice']);
    box.data[0].value.forEach((v, i) => expect(v).toBeCloseTo([0.7, 0.75, 0.8, 0.85, 0.9][i], 12));
    expect(box.data[2].itemStyle.borderColor).toBe(theme.quantum);
    expect(box.data[0].itemStyle.borderColor).toBe(theme.classical);
    // mean has no value for seed 3: two dots.
    expect(dots.data.filter((d) => d.value[0] === 'mean').map((d) => d.value.slice(1))).toEqual([
      [0.81, 1],
      [0.82, 2],
    ]);
    const tooltip = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    expect(tooltip({ seriesType: 'scatter', dataIndex: 0, value: ['mice', 0.7, 2] })).toBe('mice, seed 2: AUC 0.7');
    expect(renderSvg(option)).toContain(theme.quantum);
    // Labels are run names: escaped in the HTML tooltips.
    const named = buildAucBoxOption([{ label: '<img src=x onerror=alert(1)>', quantum: false, seeds: [1], values: [0.5] }], theme);
    const tip = (named.tooltip as { formatter: (p: unknown) => string }).formatter;
    expect(tip({ seriesType: 'boxplot', dataIndex: 0, value: [] })).toMatch(/^&lt;img src=x onerror=alert\(1\)&gt;<br>min 0.5/);
    const bars = buildNrmseBarsOption({ columns: ['<b>'], groups: [{ label: '<i>', quantum: true, mean: [1], sd: [null] }] }, theme);
    expect((bars.tooltip as { formatter: (p: unknown) => string }).formatter({ seriesIndex: 0, dataIndex: 0 })).toBe('&lt;i&gt;, &lt;b&gt;: NRMSE 1');
  });
});
