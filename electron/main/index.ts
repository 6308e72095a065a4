// Electron main process: app lifecycle, the single database connection (through the shared backend), IPC wiring,
// and a locked-down window (context isolation, sandbox, no Node in the renderer, CSP, no remote content, no
// navigation away, no <webview>, IPC only from the app's own page). The URL checks live in navigation.ts (tested);
// the fuses a packaged build flips in fuses.ts. Runs execute in utility processes (utility-launcher.ts), which load
// only the bundled run worker: no web content, no Node in any renderer.
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session, shell, utilityProcess, type WebContents } from 'electron';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openBackend, type Backend } from '../backend/backend.ts';
import type { WorkerLauncher } from '../backend/runs/launcher.ts';
import { DATABASE_FILE } from '../backend/paths.ts';
import type { Result } from '../contract/errors.ts';
import { CONTENT_SECURITY_POLICY } from '../contract/security.ts';
import { IPC_EVENT, IPC_RPC } from '../preload/ipc.ts';
import { isAppPage, isAppResource, isExternalDocumentation, type AppLocation } from './navigation.ts';
import { RUN_WORKER_BUNDLE, utilityLauncher } from './utility-launcher.ts';
import { electronPdfPrinter, printWindows } from './pdf.ts';
import { registerSecretStore } from '../backend/provider/credentials.ts';
import { safeStorageSecretStore, SECRET_FILE } from './secret-store.ts';

const rendererIndex = join(import.meta.dirname, '../renderer/index.html');
const appLocation: AppLocation = {
  indexUrl: pathToFileURL(rendererIndex).href,
  rootUrl: pathToFileURL(join(import.meta.dirname, '..') + sep).href,
  devServerUrl: !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined,
};

let backend: Backend | undefined;

function lockDownSession(): void {
  const ses = session.defaultSession;
  // No remote content: only the built app (and the dev server during development) may load.
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAppResource(details.url, appLocation) }));
  ses.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } }),
  );
  // No permission is ever granted: neither when a page asks (request) nor when it checks first (check).
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

/** Every web contents the app creates: no navigation away from the app's page, no new windows, no <webview>. */
function lockDownContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (!isAppPage(event.url, appLocation)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppPage(event.url, appLocation)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the listed documentation open in the user's browser; nothing opens inside the app.
    if (isExternalDocumentation(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}
app.on('web-contents-created', (_event, contents) => lockDownContents(contents));

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 600,
    title: 'QNN Lab',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  if (appLocation.devServerUrl) void win.loadURL(appLocation.devServerUrl);
  else void win.loadFile(rendererIndex);
  return win;
}

const NOT_FROM_APP: Result<never> = {
  ok: false,
  error: { code: 'FORBIDDEN', message: "Refused: the call did not come from QNN Lab's own page. Restart QNN Lab." },
};

app.whenReady().then(() => {
  const databasePath = process.env.QNNLAB_DB ?? join(app.getPath('userData'), DATABASE_FILE);
  // The IonQ key the user saves is kept encrypted by the OS keychain, outside the database (runs read it on the host).
  registerSecretStore(safeStorageSecretStore(safeStorage, join(app.getPath('userData'), SECRET_FILE)));
  let launcher: WorkerLauncher;
  try {
    launcher = utilityLauncher(utilityProcess, { modulePath: join(import.meta.dirname, RUN_WORKER_BUNDLE) });
  } catch (e) {
    dialog.showErrorBox('QNN Lab is incomplete', (e as Error).message);
    app.exit(1);
    return;
  }
  try {
    backend = openBackend({
      databasePath,
      transport: 'electron',
      version: app.getVersion(),
      samplesDir: app.isPackaged ? join(process.resourcesPath, 'samples') : undefined,
      // Run changes and progress reach the window as events, with the others below.
      engine: { launcher, claimUnowned: true, warn: (m) => console.warn(`QNN Lab: ${m}`) },
      // Reports print to PDF in a hidden, script-free window of their own session.
      pdf: electronPdfPrinter(printWindows(BrowserWindow, (partition) => session.fromPartition(partition))),
    });
  } catch (e) {
    dialog.showErrorBox('QNN Lab cannot open its database', `${databasePath}\n\n${(e as Error).message}`);
    app.exit(1);
    return;
  }
  const opened = backend;
  lockDownSession();
  // Only the app's own page may call the API (not a frame it might embed, nor a page it was navigated to).
  ipcMain.handle(IPC_RPC, (event, channel: unknown, request: unknown) =>
    isAppPage(event.senderFrame?.url ?? '', appLocation) ? opened.dispatch(String(channel), request) : NOT_FROM_APP,
  );
  opened.events.subscribe((event, payload) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(IPC_EVENT, event, payload);
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
// Quitting waits once for the engine: its running runs stop and become interrupted (resumable), then the database closes.
let shuttingDown = false;
app.on('will-quit', (event) => {
  if (!backend || shuttingDown) return;
  shuttingDown = true;
  event.preventDefault();
  void backend.shutdown().finally(() => app.quit());
});
