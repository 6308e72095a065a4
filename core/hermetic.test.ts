// core/ must stay pure: no Node APIs, no Electron, no DOM, nothing outside core/ (see ARCHITECTURE.md). This scans
// every core source file and resolves each relative import, so `../../electron/x.ts` is caught however it is spelled.
// (The lint's layer rules enforce the same; this test keeps `npm run test:unit` honest on its own.)
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = new URL('.', import.meta.url).pathname;
const PURE_PACKAGES = ['zod', 'papaparse', 'ml-matrix', 'chardet', 'jstat'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.bench.ts') ? [path] : [];
  });
}

/** The offending imports of one file's text: node:*, host packages, and relative paths that leave core/. */
export function offendingImports(file: string, text: string): string[] {
  const out: string[] = [];
  const statements = /^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(statements)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      const inside = target === resolve(root) || target.startsWith(resolve(root) + sep);
      // JSON data under resources/ (the built-in device profiles) is data, not code.
      const data = spec.endsWith('.json') && target.includes(`${sep}resources${sep}`);
      if (!inside && !data) out.push(spec);
    } else if (!PURE_PACKAGES.some((p) => spec === p || spec.startsWith(`${p}/`))) {
      out.push(spec);
    }
  }
  return out;
}

describe('core is hermetic', () => {
  it('imports only core/, bundled JSON data and pure packages (no node:*, electron, better-sqlite3, host or renderer code)', () => {
    const offenders: string[] = [];
    for (const file of sources(root)) {
      for (const spec of offendingImports(file, readFileSync(file, 'utf8'))) offenders.push(`${relative(root, file)}: ${spec}`);
    }
    expect(offenders).toEqual([]);
  });

  it('catches the imports it must (a check of the check)', () => {
    const file = join(root, 'train', 'x.ts');
    expect(offendingImports(file, "import { a } from '../../electron/backend/db.ts';")).toEqual(['../../electron/backend/db.ts']);
    expect(offendingImports(file, "import { a } from '../../renderer/src/x.ts';")).toEqual(['../../renderer/src/x.ts']);
    expect(offendingImports(file, "import fs from 'node:fs';\nimport x from 'fs';\nconst e = await import('electron');")).toEqual([
      'node:fs',
      'fs',
      'electron',
    ]);
    expect(offendingImports(file, "import { b } from '../quantum/b.ts';\nimport { z } from 'zod';")).toEqual([]);
  });
});
