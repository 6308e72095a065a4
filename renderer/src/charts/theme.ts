// Shared chart colours and text styles (light, calm; matches styles.css).
export const CHART_COLORS = {
  accent: '#4f6bed',
  accentSoft: '#c9d3fb',
  missing: '#d9534f',
  observed: '#eef1f5',
  axis: '#8a94a6',
  grid: '#e6e9ef',
  text: '#3b4252',
} as const;

export const CHART_TEXT = { color: CHART_COLORS.text, fontFamily: 'inherit', fontSize: 11 } as const;
