// PDF from a report's HTML. Each host brings its printer: the desktop app Electron's webContents.printToPDF
// (electron/main/pdf.ts), the web host and the CLI Debian's Chromium through playwright-core (here). The page is our
// own self-contained HTML, printed with JavaScript off and every network request refused.
import { existsSync } from 'node:fs';
import type * as PlaywrightModule from 'playwright-core';
import { LabError, throwIfAborted } from '../../../core/errors.ts';

type PlaywrightCore = typeof PlaywrightModule;

/** Prints one self-contained HTML document to PDF bytes. */
export type PdfPrinter = (html: string, signal?: AbortSignal) => Promise<Uint8Array>;

/** Where Debian (and most Linux distributions) install Chromium; QNNLAB_CHROMIUM names another binary. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.QNNLAB_CHROMIUM || DEFAULT_CHROMIUM;
}

function unavailable(what: string): LabError {
  return new LabError(
    'UNAVAILABLE',
    `A PDF needs a Chromium browser to print it, and ${what}. Install Chromium (Debian: apt-get install chromium) or set QNNLAB_CHROMIUM ` +
      'to its binary; or export the report as HTML and print it from any browser. Nothing was written.',
    { field: 'format', value: 'pdf', allowed: 'html, csv or json without Chromium' },
  );
}

/** The printer of the web host and the CLI: Chromium headless through playwright-core. */
export function chromiumPdfPrinter(executablePath = chromiumPath()): PdfPrinter {
  return async (html, signal) => {
    if (!existsSync(executablePath)) throw unavailable(`there is none at ${executablePath}`);
    let playwright: PlaywrightCore;
    try {
      playwright = await import('playwright-core');
    } catch {
      throw unavailable('the playwright-core package that drives it is not installed (npm install playwright-core)');
    }
    throwIfAborted(signal);
    // Root cannot run Chromium's sandbox (containers, CI); the page is our own script-free HTML.
    const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
    const browser = await playwright.chromium.launch({ executablePath, headless: true, args: [...args, '--disable-gpu', '--disable-background-networking'] });
    const close = () => void browser.close();
    signal?.addEventListener('abort', close, { once: true });
    try {
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      await context.route('**/*', (route) => route.abort());
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      throwIfAborted(signal);
      return new Uint8Array(pdf);
    } catch (e) {
      throwIfAborted(signal);
      throw e;
    } finally {
      signal?.removeEventListener('abort', close);
      await browser.close();
    }
  };
}

/** The pages of a PDF, counted from its page objects (enough to check what a printer made). */
export function pdfPageCount(bytes: Uint8Array): number {
  const text = Buffer.from(bytes).toString('latin1');
  return [...text.matchAll(/\/Type\s*\/Page(?!s)\b/g)].length;
}
