import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHART_VARIABLES, chartTheme, rootVariables } from './theme.ts';

const STYLES = readFileSync(new URL('../styles.css', import.meta.url), 'utf8');

describe('chart theme', () => {
  it('takes every chart colour from a custom property that styles.css defines', () => {
    const css = rootVariables(STYLES);
    const theme = chartTheme((v) => css.get(v));
    for (const [color, variable] of Object.entries(CHART_VARIABLES)) {
      expect(theme[color as keyof typeof CHART_VARIABLES]).toBe(css.get(variable));
      expect(css.get(variable), `${variable} for ${color}`).toMatch(/^(#[0-9a-f]{3,8}|rgba?\(.+\))$/i);
    }
  });

  it('reads :root declarations only, without comments', () => {
    const vars = rootVariables(':root { --a: #123; /* --b: #456; */ --c : rgb(1, 2, 3) ; }\n.x { --d: #789; }\n:root{--e:#abc;}');
    expect([...vars]).toEqual([
      ['--a', '#123'],
      ['--c', 'rgb(1, 2, 3)'],
      ['--e', '#abc'],
    ]);
  });

  it('says which custom property is missing', () => {
    expect(() => chartTheme((v) => (v === '--missing' ? '' : '#000'))).toThrow(/styles\.css defines no --missing.*missing colour/);
  });
});
