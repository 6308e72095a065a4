import { globSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('.', import.meta.url).pathname;

describe('colours', () => {
  it('are defined once, in styles.css: no colour literal in components, views or chart builders', () => {
    const literal = /#[0-9a-f]{3,8}\b|\brgba?\(|\bhsla?\(/i;
    const offenders: string[] = [];
    for (const file of globSync('**/*.{vue,ts}', { cwd: ROOT })) {
      if (file.endsWith('.test.ts')) continue;
      readFileSync(ROOT + file, 'utf8')
        .split('\n')
        .forEach((line, i) => literal.test(line) && offenders.push(`${file}:${i + 1}: ${line.trim()}`));
    }
    expect(offenders).toEqual([]);
  });
});
