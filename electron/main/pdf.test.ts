// The desktop app's PDF printer against a fake window (Electron cannot start on these machines).
import { describe, expect, it } from 'vitest';
import { electronPdfPrinter, type PrintWindow } from './pdf.ts';

class FakeWindow implements PrintWindow {
  loaded: string[] = [];
  printed: unknown[] = [];
  destroyed = 0;
  onLoad: () => Promise<void> = async () => {};
  webContents = {
    loadURL: async (url: string) => {
      this.loaded.push(url);
      await this.onLoad();
    },
    printToPDF: async (options: unknown) => {
      this.printed.push(options);
      return new TextEncoder().encode('%PDF-1.7 fake');
    },
  };
  isDestroyed = () => this.destroyed > 0;
  destroy() {
    this.destroyed++;
  }
}

describe('electronPdfPrinter', () => {
  it('prints the report loaded as itself (a data URL, UTF-8 intact) on A4 with backgrounds, then destroys the window', async () => {
    const win = new FakeWindow();
    const html = '<!doctype html><title>Rapport ± σ</title><p>NRMSE 0.6444 ± 0.0358</p>';
    const pdf = await electronPdfPrinter(() => win)(html);
    expect(new TextDecoder().decode(pdf)).toBe('%PDF-1.7 fake');
    expect(win.loaded).toHaveLength(1);
    const [, base64] = win.loaded[0].split('base64,');
    expect(win.loaded[0]).toMatch(/^data:text\/html;charset=utf-8;base64,/);
    expect(Buffer.from(base64, 'base64').toString('utf8')).toBe(html);
    expect(win.printed).toEqual([{ pageSize: 'A4', printBackground: true, preferCSSPageSize: true }]);
    expect(win.destroyed).toBe(1);
  });

  it('destroys the window when loading fails, and on cancel (CANCELLED, nothing printed)', async () => {
    const failing = new FakeWindow();
    failing.onLoad = async () => {
      throw new Error('ERR_BLOCKED_BY_CLIENT');
    };
    await expect(electronPdfPrinter(() => failing)('<p>x</p>')).rejects.toThrow('ERR_BLOCKED_BY_CLIENT');
    expect(failing.destroyed).toBe(1);

    const controller = new AbortController();
    const slow = new FakeWindow();
    slow.onLoad = () => new Promise((resolve) => setTimeout(resolve, 50));
    const printing = electronPdfPrinter(() => slow)('<p>x</p>', controller.signal);
    controller.abort();
    await expect(printing).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(slow.printed).toEqual([]);
    expect(slow.destroyed).toBe(1);
  });
});
