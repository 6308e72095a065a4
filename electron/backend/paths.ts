// Where QNN Lab keeps its database by default: Electron's userData folder for the app "QNN Lab", computed the
// same way here so the web host and the `qnnlab` command share the desktop app's database unless told otherwise.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';

export const APP_NAME = 'QNN Lab';
export const DATABASE_FILE = 'qnnlab.db';

export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

export function defaultDatabasePath(): string {
  return process.env.QNNLAB_DB ?? join(userDataDir(), DATABASE_FILE);
}

/** The repository (or packaged app) root, found by walking up to package.json from this file. */
export function projectRoot(from = import.meta.dirname ?? process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'resources'))) return dir;
    const parent = resolve(dir, '..');
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
