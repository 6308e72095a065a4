// `npm start` decides between the desktop app and the web host by looking for the Electron binary. It must look
// without requiring 'electron': that package's index.js downloads the binary when it is missing, which offline
// printed "TypeError: fetch failed" before the friendly fallback. Checked against a fake electron package.
import { test, expect } from '@playwright/test';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ElectronBinary from '../scripts/electron-binary.mjs';

const HELPER = join(import.meta.dirname, '..', 'scripts', 'electron-binary.mjs');

/** A project folder with scripts/electron-binary.mjs and a fake node_modules/electron whose index.js leaves a mark if required. */
function fakeProject(): { root: string; pkg: string; required: string } {
  const root = mkdtempSync(join(tmpdir(), 'qnnlab-electron-binary-'));
  const pkg = join(root, 'node_modules', 'electron');
  mkdirSync(join(root, 'scripts'), { recursive: true });
  mkdirSync(pkg, { recursive: true });
  copyFileSync(HELPER, join(root, 'scripts', 'electron-binary.mjs'));
  const required = join(root, 'required');
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'electron', version: '0.0.0', main: 'index.js' }));
  writeFileSync(join(pkg, 'index.js'), `require('fs').writeFileSync(${JSON.stringify(required)}, 'downloading'); throw new TypeError('fetch failed');`);
  return { root, pkg, required };
}

async function lookUp(root: string): Promise<string | undefined> {
  // A fresh module instance per project folder (the query defeats the module cache).
  const url = `${pathToFileURL(join(root, 'scripts', 'electron-binary.mjs')).href}?${Math.random()}`;
  const helper = (await import(url)) as typeof ElectronBinary;
  return helper.electronBinary();
}

test('without the binary: no path, and electron/index.js (the download) never runs', async () => {
  const { root, pkg, required } = fakeProject();
  try {
    expect(await lookUp(root)).toBeUndefined(); // no path.txt yet (what a fresh offline install has)
    writeFileSync(join(pkg, 'path.txt'), 'electron');
    expect(await lookUp(root)).toBeUndefined(); // path.txt, but no dist/electron
    expect(existsSync(required)).toBe(false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('with the binary: its path, read from path.txt inside dist/', async () => {
  const { root, pkg, required } = fakeProject();
  try {
    writeFileSync(join(pkg, 'path.txt'), 'electron');
    mkdirSync(join(pkg, 'dist'));
    writeFileSync(join(pkg, 'dist', 'electron'), '#!/bin/sh\n');
    chmodSync(join(pkg, 'dist', 'electron'), 0o755);
    expect(await lookUp(root)).toBe(join(pkg, 'dist', 'electron'));
    expect(existsSync(required)).toBe(false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
