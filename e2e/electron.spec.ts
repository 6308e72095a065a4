// Electron-only flows: the real desktop app, started from the build. The Electron binary is downloaded on first
// use, which machines without internet cannot do; there these specs skip with a message saying so.
import { test, expect, _electron as electron } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronBinary } from '../scripts/electron-binary.mjs';

// Never requires 'electron', whose index.js would try to download the binary (tests must not reach the network).
const binary = electronBinary();

test.describe('desktop app (Electron)', () => {
  test.skip(
    !binary,
    'Electron binary not installed on this machine (it downloads on first use, which needs the internet); the web-host specs cover the renderer.',
  );

  test('opens on the bundled sample with a locked-down window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qnnlab-electron-'));
    const app = await electron.launch({ executablePath: binary, args: ['out/main/index.js'], env: { ...process.env, QNNLAB_DB: join(dir, 'qnnlab.db') } });
    try {
      const window = await app.firstWindow();
      await expect(window.getByText('pbc (sample)')).toBeVisible();
      // Context isolation + sandbox + no Node integration: the page sees neither require nor process,
      // only the preload's `qnnlab` bridge.
      expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await window.evaluate(() => typeof (window as unknown as { qnnlab?: unknown }).qnnlab)).toBe('object');
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
