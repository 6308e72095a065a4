// `tsx electron/web-host/main.ts [--db PATH] [--port N] [--host H] [--allow-remote] [--renderer DIR] [--max-import-mb N] [--concurrency N]`:
// QNN Lab in a browser, for machines without the Electron binary and for every automated end-to-end test. It prints
// its address with this launch's secret (http://127.0.0.1:5180/?token=...); see trust.ts. Runs execute in worker
// processes (child_process.fork), --concurrency at a time (default 1).
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { openBackend } from '../backend/backend.ts';
import { checkConcurrency } from '../backend/runs/engine.ts';
import { forkLauncher } from '../backend/runs/launcher.ts';
import { defaultDatabasePath, projectRoot } from '../backend/paths.ts';
import { bodyLimitFor, createWebHost } from './server.ts';
import { createLaunchToken, hostNamesFor, isLoopbackHost, tokenizedAddress } from './trust.ts';
import { MAX_IMPORT_BYTES } from '../contract/datasets.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    port: { type: 'string', default: '5180' },
    host: { type: 'string', default: '127.0.0.1' },
    renderer: { type: 'string' },
    'max-import-mb': { type: 'string' },
    'allow-remote': { type: 'boolean', default: false },
    concurrency: { type: 'string' },
  },
});
const host = values.host;

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`qnnlab web host: --port must be an integer from 0 to 65535, got "${values.port}"`);
  process.exit(2);
}
const maxImportMb = values['max-import-mb'] === undefined ? undefined : Number(values['max-import-mb']);
if (maxImportMb !== undefined && !(maxImportMb > 0 && maxImportMb <= MAX_IMPORT_BYTES / 2 ** 20)) {
  console.error(`qnnlab web host: --max-import-mb must be a number above 0 and at most ${MAX_IMPORT_BYTES / 2 ** 20}, got "${values['max-import-mb']}"`);
  process.exit(2);
}
if (!isLoopbackHost(host) && !values['allow-remote']) {
  console.error(
    `qnnlab web host: --host ${host} would let other machines reach QNN Lab and its database. Use a loopback address ` +
      '(the default 127.0.0.1), or add --allow-remote if that is what you want.',
  );
  process.exit(2);
}
let concurrency: number | undefined;
try {
  concurrency = checkConcurrency(values.concurrency === undefined ? undefined : Number(values.concurrency));
} catch (e) {
  console.error(`qnnlab web host: --${(e as Error).message}`);
  process.exit(2);
}
const root = projectRoot();
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const databasePath = values.db ?? defaultDatabasePath();

let backend;
try {
  backend = openBackend({
    databasePath,
    transport: 'http',
    version,
    maxImportBytes: maxImportMb === undefined ? undefined : Math.round(maxImportMb * 2 ** 20),
    engine: { launcher: forkLauncher(), concurrency, claimUnowned: true, warn: (m) => console.warn(`qnnlab web host: ${m}`) },
  });
} catch (e) {
  console.error(`qnnlab web host: cannot open the database ${databasePath}: ${(e as Error).message}`);
  process.exit(1);
}
const token = createLaunchToken();
const hostNames = hostNamesFor(host);
const server = createWebHost({
  dispatch: backend.dispatch,
  events: backend.events,
  rendererDir: values.renderer ?? join(root, 'out', 'renderer'),
  maxBodyBytes: bodyLimitFor(backend.datasets.maxImportBytes),
  uploads: { store: backend.uploads, maxBytes: backend.datasets.maxImportBytes },
  reports: backend.reports,
  token,
  hostNames,
});
server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`QNN Lab web host listening on ${tokenizedAddress(host, actual, token)}`);
  console.log('Open this address in a browser: it carries the access token of this launch (each start makes a new one).');
  if (!isLoopbackHost(host)) {
    const others = hostNames.filter((name) => !isLoopbackHost(name)).map((name) => tokenizedAddress(name, actual, token));
    console.warn(
      `warning: --allow-remote: other machines can reach this host, at\n  ${others.join('\n  ')}\n` +
        'The connection is plain HTTP: the token and your data cross the network unencrypted, and anyone with the address can use QNN Lab.',
    );
  }
  console.log(`database: ${databasePath}`);
});
server.on('error', (e) => {
  console.error(`qnnlab web host: ${(e as Error).message}`);
  process.exit(1);
});
const shutdown = () => {
  server.close();
  server.closeAllConnections();
  // Running runs become interrupted (resumable) and their workers stop; then the database closes.
  void backend.shutdown().finally(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
