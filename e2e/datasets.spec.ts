// The dataset workflow through the UI: import the pbc sample under another name, inspect it (summary,
// statistics, histogram, missingness heatmap and patterns), reload, export, rename, delete.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetDetail } from '../electron/contract/datasets.ts';
import { expect, importThroughUi, listedNames, openList, rpc, test } from './fixtures.ts';

const PBC = join(import.meta.dirname, '..', 'resources', 'samples', 'pbc.csv');

test.describe.configure({ mode: 'serial' });

test('import a CSV file, with progress, and see its shape in the list and on its page', async ({ page, tmp }) => {
  const file = join(tmp, 'pbc-trial.csv');
  copyFileSync(PBC, file);
  await openList(page);
  const before = await listedNames(page);

  // Hold the start of the import run briefly so the progress state is observable.
  await page.route('**/api/rpc/runs.start', async (route) => {
    await new Promise((r) => setTimeout(r, 600));
    await route.continue();
  });
  await importThroughUi(page, file, { tokens: '-99, n/a' });
  await expect(page.getByRole('progressbar')).toBeVisible();
  await expect(page.getByTestId('import-success')).toContainText('418 rows, 20 columns, 1,033 missing cells');
  await page.unroute('**/api/rpc/runs.start');

  const row = page.getByTestId('dataset-row').filter({ has: page.getByRole('link', { name: 'pbc-trial', exact: true }) });
  await expect(row.locator('[data-col=rows]')).toHaveText('418');
  await expect(row.locator('[data-col=columns]')).toHaveText('20');
  await expect(row.locator('[data-col=missing]')).toHaveText('1,033');
  await expect(row.locator('[data-col=share]')).toHaveText('12.4%');
  expect(await listedNames(page)).toEqual(['pbc-trial', ...before]);

  await row.getByRole('link').click();
  await expect(page.getByTestId('dataset-name')).toHaveText('pbc-trial');
  await expect(page.getByTestId('summary-rows')).toHaveText('418');
  await expect(page.getByTestId('summary-columns')).toHaveText('20');
  await expect(page.getByTestId('summary-missing')).toHaveText('1,033');
  await expect(page.getByTestId('column-row')).toHaveCount(20);
  await expect(page.getByTestId('dataset-summary')).toContainText('12.4%');
  await expect(page.getByText('-99, n/a')).toBeVisible();
});

test('the column histogram and the missingness heatmap render', async ({ page, host }) => {
  await openList(page);
  await page.getByRole('link', { name: 'pbc-trial', exact: true }).click();
  await expect(page.getByTestId('dataset-name')).toHaveText('pbc-trial');

  // Histogram of the selected column (svg renderer), then of a categorical one.
  await expect(page.getByTestId('histogram').locator('svg').first()).toBeVisible();
  await page
    .getByTestId('column-row')
    .filter({ hasText: /^\s*sex/ })
    .click();
  await expect(page.getByTestId('histogram')).toContainText('sex');
  await expect(page.getByTestId('histogram').locator('svg path').first()).toBeAttached();

  // Heatmap (canvas renderer) with the row count the host sampled.
  const id = Number(new URL(page.url()).hash.split('/').pop());
  const detail = await rpc<DatasetDetail>(host, 'datasets.get', { id });
  if (!detail.ok) throw new Error(detail.error.message);
  const { missingness } = detail.value;
  const heatmap = page.getByTestId('missingness-heatmap');
  await heatmap.scrollIntoViewIfNeeded();
  await expect(heatmap.locator('canvas').first()).toBeVisible();
  const box = await heatmap.locator('canvas').first().boundingBox();
  expect(box && box.width > 200 && box.height > 200).toBe(true);
  if (missingness.sampled) {
    await expect(page.getByTestId('heatmap-sampled')).toHaveText(`Sampled: ${missingness.rows.length.toLocaleString('en-US')} of 418 rows shown`);
  } else {
    await expect(page.getByTestId('heatmap-all')).toHaveText(`All ${missingness.rows.length} rows shown`);
  }
  // The canvas has drawn something other than the background: missing cells are red.
  // (ECharts may draw the cells on a second, progressive layer canvas: count over all of them.)
  const redPixels = await heatmap.locator('[data-testid=heatmap-chart]').evaluate((container) => {
    let n = 0;
    for (const canvas of container.querySelectorAll('canvas')) {
      const ctx = canvas.getContext('2d');
      if (!ctx) continue;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 0; i < data.length; i += 4) if (data[i] > 180 && data[i + 1] < 120 && data[i + 2] < 120 && data[i + 3] > 200) n++;
    }
    return n;
  });
  expect(redPixels).toBeGreaterThan(100);

  const patterns = page.getByTestId('pattern-row');
  expect(await patterns.count()).toBeGreaterThan(1);
  await expect(page.getByTestId('missingness-patterns')).toContainText('complete rows');
});

test('the dataset is still there after a reload', async ({ page }) => {
  await openList(page);
  await page.reload();
  await expect(page.getByRole('link', { name: 'pbc-trial', exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'pbc-trial', exact: true }).click();
  await page.reload();
  await expect(page.getByTestId('dataset-name')).toHaveText('pbc-trial');
  await expect(page.getByTestId('summary-missing')).toHaveText('1,033');
});

test('export downloads the dataset as CSV with its header and every row', async ({ page }) => {
  await openList(page);
  await page.getByRole('link', { name: 'pbc-trial', exact: true }).click();
  await expect(page.getByTestId('dataset-name')).toHaveText('pbc-trial');
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-button').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const text = readFileSync(await download.path(), 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const unquote = (s: string) => s.trim().replace(/^"(.*)"$/, '$1');
  const originalHeader = readFileSync(PBC, 'utf8').split(/\r?\n/)[0].split(',').map(unquote);
  expect(lines[0].split(',').map(unquote)).toEqual(originalHeader);
  expect(lines).toHaveLength(1 + 418);
});

test('rename the dataset inline', async ({ page }) => {
  await openList(page);
  await page.getByRole('link', { name: 'pbc-trial', exact: true }).click();
  await page.getByTestId('rename-button').click();
  await page.getByTestId('rename-input').fill('PBC trial (renamed)');
  await page.getByTestId('rename-input').press('Enter');
  await expect(page.getByTestId('dataset-name')).toHaveText('PBC trial (renamed)');

  // A name that is taken is refused by the host, with its message.
  await page.getByTestId('rename-button').click();
  await page.getByTestId('rename-input').fill('pbc (sample)');
  await page.getByTestId('rename-save').click();
  await expect(page.getByTestId('error-panel')).toContainText('already exists');
  await page.getByTestId('rename-input').press('Escape');

  // An empty name is refused with a message; Escape leaves the name as it was.
  await page.getByTestId('rename-button').click();
  await page.getByTestId('rename-input').fill('   ');
  await page.getByTestId('rename-save').click();
  await expect(page.getByTestId('error-panel')).toContainText('cannot be empty');
  await page.getByTestId('rename-input').press('Escape');
  await expect(page.getByTestId('dataset-name')).toHaveText('PBC trial (renamed)');

  await page.getByTestId('nav-datasets').click();
  await expect(page.getByRole('link', { name: 'PBC trial (renamed)', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'pbc-trial', exact: true })).toHaveCount(0);
});

test('delete asks for confirmation, and cancelling keeps the dataset', async ({ page, host }) => {
  await openList(page);
  await page.getByRole('link', { name: 'PBC trial (renamed)', exact: true }).click();
  await page.getByTestId('delete-button').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Delete “PBC trial (renamed)”?');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('dataset-name')).toHaveText('PBC trial (renamed)');

  await page.getByTestId('delete-button').click();
  await dialog.getByTestId('confirm-button').click();
  await expect(page).toHaveURL(/#\/datasets$/);
  await expect(page.getByTestId('dataset-count')).toBeVisible();
  expect(await listedNames(page)).toEqual(['pbc (sample)']);
  const list = await rpc<{ name: string }[]>(host, 'datasets.list');
  expect(list.ok && list.value.map((d) => d.name)).toEqual(['pbc (sample)']);
});

test('the filter box narrows the list and says when nothing matches', async ({ page }) => {
  await openList(page);
  await page.getByTestId('dataset-filter').fill('pbc');
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await page.getByTestId('dataset-filter').fill('no such dataset');
  await expect(page.getByTestId('empty-state')).toContainText('No datasets match');
  await page.getByRole('button', { name: 'Clear filter' }).click();
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
});

test('a dataset imported elsewhere (another window, the CLI) appears without a reload', async ({ page, host }) => {
  await openList(page);
  const result = await rpc(host, 'datasets.import', { fileName: 'from-elsewhere.csv', content: 'a,b\n1,2\n3,\n' });
  expect(result.ok).toBe(true);
  await expect(page.getByRole('link', { name: 'from-elsewhere', exact: true })).toBeVisible();
  await expect(page.getByTestId('dataset-count')).toHaveText('2');
});
