// `npm start`: builds QNN Lab and opens it. The desktop app (Electron) when its binary is available; otherwise
// (offline machines cannot download it) the same app in the browser through the web host, on the same database.
import { join } from 'node:path';
import { electronBinary } from './electron-binary.mjs';
import { ensureNode22, root, run } from './node22.mjs';

ensureNode22();
if (run('electron-vite', ['build']) !== 0) process.exit(1);

const passThrough = process.argv.slice(2);
if (electronBinary() && !passThrough.includes('--web')) {
  process.exit(run('electron-vite', ['preview']));
}
console.log('\nThe Electron binary is not available here (it is downloaded on first use, which needs the internet);');
console.log('starting the web host instead. Open the address it prints below in a browser: it carries the access token of');
console.log('this launch (a new one at each start; the page then keeps it in a cookie). Ctrl+C stops it.\n');
process.exit(run('tsx', [join(root, 'electron', 'web-host', 'main.ts'), ...passThrough.filter((a) => a !== '--web')]));
