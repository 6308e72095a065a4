// Where the Electron binary is, if it has been downloaded; never downloads it. Requiring 'electron' would: its
// index.js runs install.js (a download, "TypeError: fetch failed" offline) when dist/ or path.txt is missing. This
// reads what index.js reads instead: path.txt names the executable inside dist/ (or ELECTRON_OVERRIDE_DIST_PATH).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** @returns {string | undefined} the executable's path, when it exists */
export function electronBinary() {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const executable = readFileSync(join(dir, 'path.txt'), 'utf8').trim();
    const path = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(dir, 'dist'), executable);
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}
