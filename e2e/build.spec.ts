// Checks on the built app that only the build can show: the sandboxed preload must be one self-contained file,
// the renderer must load nothing from outside the bundle (the app works offline), and the run worker that Electron
// starts as a utility process must load neither electron nor the database driver (the host owns the database) nor a
// network module (a utility process's Node networking bypasses the session's request filter).
import { test, expect } from '@playwright/test';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONTENT_SECURITY_POLICY_META } from '../electron/contract/security.ts';

const out = join(import.meta.dirname, '..', 'out');

test('the preload requires nothing but electron (a sandboxed preload cannot load modules)', () => {
  const preload = readFileSync(join(out, 'preload', 'index.cjs'), 'utf8');
  const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
  expect([...new Set(required)]).toEqual(['electron']);
});

test('the renderer bundle references no remote script, style or font', () => {
  const html = readFileSync(join(out, 'renderer', 'index.html'), 'utf8');
  expect(html).not.toMatch(/(src|href)=["']https?:/);
  for (const file of readdirSync(join(out, 'renderer', 'assets')).filter((f) => f.endsWith('.css'))) {
    expect(readFileSync(join(out, 'renderer', 'assets', file), 'utf8')).not.toMatch(/url\(["']?https?:/);
  }
});

test('the built index.html carries the one Content-Security-Policy, ahead of every script', () => {
  const html = readFileSync(join(out, 'renderer', 'index.html'), 'utf8');
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/g)];
  expect(metas.map((m) => m[1].replaceAll('&#39;', "'"))).toEqual([CONTENT_SECURITY_POLICY_META]);
  expect(metas[0].index).toBeLessThan(html.indexOf('<script'));
});

/** Every module a built file and the chunks it imports (transitively) load: static and dynamic imports, requires. */
function modulesLoadedBy(file: string, seen = new Set<string>()): Set<string> {
  const specifiers = new Set<string>();
  if (seen.has(file)) return specifiers;
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"'\s]+)["']/g)) {
    if (m[1].startsWith('.')) for (const s of modulesLoadedBy(join(dirname(file), m[1]), seen)) specifiers.add(s);
    else specifiers.add(m[1]);
  }
  return specifiers;
}

test('the run worker is built beside the main bundle and loads neither electron, better-sqlite3 nor a network module', () => {
  const worker = join(out, 'main', 'run-worker.js');
  expect(existsSync(worker), `${worker} (electron.vite.config.ts builds it from electron/workers/main.ts)`).toBe(true);
  const loaded = modulesLoadedBy(worker);
  expect(loaded.size).toBeGreaterThan(0);
  expect([...loaded].filter((m) => /^(node:)?(electron|better-sqlite3|https?|http2|net|tls|dgram|dns)(\/|$)/.test(m))).toEqual([]);
  // The check itself sees both: the main bundle loads them.
  const main = modulesLoadedBy(join(out, 'main', 'index.js'));
  expect([...main].filter((m) => m === 'electron' || m === 'better-sqlite3').sort()).toEqual(['better-sqlite3', 'electron']);
});
