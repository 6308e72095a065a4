// The desktop app's PDF printer for reports: Electron's webContents.printToPDF on a hidden window that shows only the
// report. The window runs no JavaScript, lives in its own session that refuses every request but the report itself,
// and is destroyed after each print (or at once on cancel).
import type { BrowserWindow as ElectronBrowserWindow, Session } from 'electron';
import { throwIfAborted } from '../../core/errors.ts';
import type { PdfPrinter } from '../backend/reports/pdf.ts';

/** What the printer uses of a BrowserWindow (a fake in tests: Electron cannot start on these machines). */
export interface PrintWindow {
  webContents: {
    loadURL(url: string): Promise<void>;
    printToPDF(options: { pageSize: 'A4'; printBackground: boolean; preferCSSPageSize: boolean }): Promise<Uint8Array>;
  };
  isDestroyed(): boolean;
  destroy(): void;
}

/** The session partition of print windows (in memory: nothing of a report stays on disk). */
export const PRINT_PARTITION = 'qnnlab-report-print';

export function electronPdfPrinter(createWindow: () => PrintWindow): PdfPrinter {
  return async (html, signal) => {
    throwIfAborted(signal);
    const win = createWindow();
    const abort = () => win.destroy();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      await win.webContents.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
      throwIfAborted(signal);
      const pdf = await win.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true });
      throwIfAborted(signal);
      return new Uint8Array(pdf);
    } catch (e) {
      throwIfAborted(signal);
      throw e;
    } finally {
      signal?.removeEventListener('abort', abort);
      if (!win.isDestroyed()) win.destroy();
    }
  };
}

/** Hidden, script-free print windows in their own locked-down session. */
export function printWindows(BrowserWindow: typeof ElectronBrowserWindow, fromPartition: (partition: string) => Session): () => PrintWindow {
  const ses = fromPartition(PRINT_PARTITION);
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !details.url.startsWith('data:text/html') }));
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  return () => new BrowserWindow({ show: false, webPreferences: { sandbox: true, contextIsolation: true, javascript: false, partition: PRINT_PARTITION } });
}
