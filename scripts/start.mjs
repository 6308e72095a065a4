// `npm start`: builds QNN Lab and opens it. The desktop app (Electron) when its binary is available; otherwise
// (offline machines cannot download it) the same app in the browser through the web host, on the same database.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ensureNode22, root, run } from './node22.mjs';

ensureNode22();
if (run('electron-vite', ['build']) !== 0) process.exit(1);

function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron'); // the binary's path, or throws when not downloaded
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const passThrough = process.argv.slice(2);
if (electronBinary() && !passThrough.includes('--web')) {
  process.exit(run('electron-vite', ['preview']));
}
console.log('\nThe Electron binary is not available here (it is downloaded on first use, which needs the internet);');
console.log('starting the web host instead. Open the address below in a browser. Ctrl+C stops it.\n');
process.exit(run('tsx', [join(root, 'electron', 'web-host', 'main.ts'), ...passThrough.filter((a) => a !== '--web')]));
