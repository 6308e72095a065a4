// Charts of a report: the renderer's own option builders (renderer/src/charts), rendered to an SVG string in Node by
// ECharts' server-side renderer, so a report shows the very charts the screen shows. Colours come from styles.css,
// the one place they are defined (read as text: Node has no document).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as echarts from 'echarts';
import { chartTheme, rootVariables, type ChartTheme } from '../../../renderer/src/charts/theme.ts';
import { projectRoot } from '../paths.ts';

/** Size of a report's chart (CSS pixels); it scales to the page width (viewBox). */
export const REPORT_CHART_SIZE = { width: 760, height: 300 } as const;

let variables: Map<string, string> | undefined;

/** The custom properties of styles.css's :root blocks (read once). */
export function stylesheetVariables(): Map<string, string> {
  variables ??= rootVariables(readFileSync(join(projectRoot(), 'renderer', 'src', 'styles.css'), 'utf8'));
  return variables;
}

/** The chart theme the app's stylesheet defines. */
export function reportChartTheme(): ChartTheme {
  const css = stylesheetVariables();
  return chartTheme((v) => css.get(v));
}

/**
 * One chart as inline SVG. Without animation (a report is a still picture); the namespace attributes go (inline SVG
 * in HTML needs none), so the document holds no URL at all.
 */
export function renderChartSvg(option: echarts.EChartsCoreOption, size: { width: number; height: number } = REPORT_CHART_SIZE): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({ ...option, animation: false });
    return chart
      .renderToSVGString()
      .replace(/\s+xmlns(:\w+)?="[^"]*"/g, '')
      .replace(/<svg /, '<svg role="img" ');
  } finally {
    chart.dispose();
  }
}
