// Electron main process: app lifecycle, the single database connection (through the shared backend), IPC wiring,
// and a locked-down window (context isolation, sandbox, no Node in the renderer, CSP, no remote content).
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { join } from 'node:path';
import { openBackend, type Backend } from '../backend/backend.ts';
import { DATABASE_FILE } from '../backend/paths.ts';
import { IPC_EVENT, IPC_RPC } from '../preload/ipc.ts';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;

let backend: Backend | undefined;

function isAppUrl(url: string): boolean {
  return url.startsWith('file://') || (devServerUrl !== undefined && url.startsWith(devServerUrl)) || url.startsWith('devtools://');
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  // No remote content: only the bundled renderer (and the dev server during development) may load.
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAppUrl(details.url) && !details.url.startsWith('blob:') && !details.url.startsWith('data:') }));
  ses.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }),
  );
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}

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
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  return win;
}

app.whenReady().then(() => {
  const databasePath = process.env.QNNLAB_DB ?? join(app.getPath('userData'), DATABASE_FILE);
  try {
    backend = openBackend({
      databasePath,
      transport: 'electron',
      version: app.getVersion(),
      samplesDir: app.isPackaged ? join(process.resourcesPath, 'samples') : undefined,
    });
  } catch (e) {
    dialog.showErrorBox('QNN Lab cannot open its database', `${databasePath}\n\n${(e as Error).message}`);
    app.exit(1);
    return;
  }
  const opened = backend;
  lockDownSession();
  ipcMain.handle(IPC_RPC, (_event, channel: unknown, request: unknown) => opened.dispatch(String(channel), request));
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
app.on('will-quit', () => backend?.close());
