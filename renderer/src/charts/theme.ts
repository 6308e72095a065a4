// Chart colours. styles.css (its `:root` custom properties) is the one place colours are defined; charts do not
// restate them. A chart reads them from the document when it is built (getComputedStyle), and Node (tests, a report
// renderer) reads the same declarations from the stylesheet's text. The option builders take the theme as an
// argument, so they stay pure and render the same anywhere.

/** The custom property behind each chart colour. */
export const CHART_VARIABLES = {
  accent: '--accent',
  missing: '--missing',
  observed: '--observed',
  axis: '--text-3',
  grid: '--border',
  text: '--text-2',
  // QNN methods and classical baselines in comparisons (bars, boxes, badges).
  quantum: '--quantum',
  classical: '--classical',
} as const;

export type ChartColor = keyof typeof CHART_VARIABLES;
export type ChartTheme = Readonly<Record<ChartColor, string>>;

/** Text of every chart: the page's font (ECharts inherits it on canvas and SVG), small. */
export const CHART_FONT = { fontFamily: 'inherit', fontSize: 11 } as const;

/** Class of every chart's tooltip element (ECharts draws it as HTML): styles and tests find it by this. */
export const TOOLTIP_CLASS = 'chart-tooltip';

/** The theme from a lookup of custom properties; a missing one is a bug in the stylesheet, said plainly. */
export function chartTheme(lookup: (variable: string) => string | undefined): ChartTheme {
  const theme = {} as Record<ChartColor, string>;
  for (const [color, variable] of Object.entries(CHART_VARIABLES) as [ChartColor, string][]) {
    const value = lookup(variable)?.trim();
    if (!value) throw new Error(`styles.css defines no ${variable}, which charts use for their ${color} colour: add it to its :root block.`);
    theme[color] = value;
  }
  return theme;
}

/** The theme as the document's stylesheet defines it (called when a chart is built). */
export function documentChartTheme(root: Element = document.documentElement): ChartTheme {
  const style = getComputedStyle(root);
  return chartTheme((variable) => style.getPropertyValue(variable));
}

/**
 * The custom properties declared in a stylesheet's `:root` blocks, for Node where there is no document. Only plain
 * `--name: value;` declarations are read, which is all styles.css uses there.
 */
export function rootVariables(css: string): Map<string, string> {
  const variables = new Map<string, string>();
  const withoutComments = css.replace(/\/\*[\s\S]*?\*\//g, '');
  for (const block of withoutComments.matchAll(/:root\s*\{([^}]*)\}/g)) {
    for (const declaration of block[1].matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)) variables.set(declaration[1], declaration[2].trim());
  }
  return variables;
}
