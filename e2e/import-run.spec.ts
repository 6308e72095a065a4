// A large import through the UI runs as a run: the file is uploaded, then decoded, parsed, profiled and written by
// the import run, its progress shown with the phase it is in; Cancel stops it and nothing stays. Its own web host:
// the shared one takes files up to 1 MiB only.
import { closeSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect, listedNames, test } from './fixtures.ts';
import { startWebHost, type WebHost } from './web-host.ts';

/** About 40 MB: long enough to watch its phases and cancel it. */
function writeCsv(path: string, rows: number): void {
  const fd = openSync(path, 'w');
  writeSync(fd, Array.from({ length: 16 }, (_, j) => `c${j}`).join(',') + '\n');
  for (let start = 0; start < rows; start += 10_000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(rows, start + 10_000); i++) {
      lines.push(Array.from({ length: 16 }, (_, j) => ((i * 7919 + j * 104_729) % 100_000) / 100).join(','));
    }
    writeSync(fd, lines.join('\n') + '\n');
  }
  closeSync(fd);
}

let big: WebHost;
test.beforeAll(async () => {
  big = await startWebHost({ label: 'import-run' });
});
test.afterAll(async () => {
  await big?.stop();
});

test.describe.configure({ mode: 'serial' });

test('a large file: uploaded, then imported by its run with the phase shown, and listed when done', async ({ browser, tmp }) => {
  const file = join(tmp, 'ward.csv');
  writeCsv(file, 400_000);
  const context = await browser.newContext();
  await context.addCookies([big.cookie]);
  const page = await context.newPage();
  await page.goto(`${big.url}/#/datasets`);
  const before = await listedNames(page);
  await page.getByTestId('import-file').setInputFiles(file);
  await page.getByTestId('import-submit').click();
  const progress = page.getByTestId('import-panel').getByTestId('progress');
  // The run's own phases (after the upload): at least one is seen, with the file's name.
  await expect(progress).toContainText(/(Reading|Decoding|Parsing|Profiling|Handing over|Writing) ward\.csv/, { timeout: 30_000 });
  await expect(page.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /\d+/);
  await expect(page.getByTestId('import-success')).toContainText('400,000 rows, 16 columns', { timeout: 60_000 });
  expect(await listedNames(page)).toEqual(['ward', ...before]);
  expect(readdirSync(`${big.databasePath}-uploads`)).toEqual([]);
  await context.close();
});

test('Cancel stops the import run: it says so, and nothing is imported', async ({ browser, tmp }) => {
  const file = join(tmp, 'ward-again.csv');
  writeCsv(file, 400_000);
  const context = await browser.newContext();
  await context.addCookies([big.cookie]);
  const page = await context.newPage();
  await page.goto(`${big.url}/#/datasets`);
  const before = await listedNames(page);
  await page.getByTestId('import-file').setInputFiles(file);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-panel').getByTestId('progress')).toContainText(/(Parsing|Profiling) ward-again\.csv/, { timeout: 30_000 });
  await page.getByTestId('import-cancel').click();
  const panel = page.getByTestId('import-panel').getByTestId('error-panel');
  await expect(panel.getByTestId('error-message')).toHaveText('The import of "ward-again.csv" was cancelled. Nothing was imported.');
  await expect(page.getByTestId('import-success')).toHaveCount(0);
  await page.reload();
  expect(await listedNames(page)).toEqual(before);
  expect(readdirSync(`${big.databasePath}-uploads`)).toEqual([]);
  await context.close();
});
