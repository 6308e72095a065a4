// core/ must stay pure: no Node APIs, no Electron, no DOM (see ARCHITECTURE.md). This scans every core source file.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('.', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.bench.ts') ? [path] : [];
  });
}

describe('core is hermetic', () => {
  it('imports no node:*, electron, better-sqlite3 or host modules', () => {
    const offenders: string[] = [];
    for (const file of sources(root)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = m[1] ?? m[2];
        if (/^(node:|fs$|path$|os$|child_process|electron|better-sqlite3)/.test(spec) || /\.\.\/\.\.\/(electron|renderer)\//.test(spec)) {
          offenders.push(`${relative(root, file)}: ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
