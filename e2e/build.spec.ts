// Checks on the built app that only the build can show: the sandboxed preload must be one self-contained file,
// and the renderer must load nothing from outside the bundle (the app works offline).
import { test, expect } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
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
