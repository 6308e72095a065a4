// Fails early, with what to do, when the renderer has not been built (the web host serves out/renderer).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export default function globalSetup(): void {
  const root = process.cwd();
  const index = join(root, 'out', 'renderer', 'index.html');
  if (!existsSync(index)) {
    throw new Error(`The renderer is not built (${index} is missing). Run \`npx electron-vite build\` (or \`npm run build\`) first.`);
  }
  const source = join(root, 'renderer');
  if (existsSync(source) && newestMtime(source) > statSync(index).mtimeMs) {
    console.warn('[e2e] warning: renderer/ has changed since out/renderer was built; run `npx electron-vite build` to test the current code.');
  }
}
