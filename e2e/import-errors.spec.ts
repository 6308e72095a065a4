// Refused imports: each bad file shows the host's message (naming the problem and, where it can, the line) in
// an error panel, and the dataset list stays exactly as it was. An all-missing column imports with a warning.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, importThroughUi, listedNames, openList, test, type Page } from './fixtures.ts';

async function expectRefused(page: Page, filePath: string, message: RegExp): Promise<void> {
  await openList(page);
  const before = await listedNames(page);
  await importThroughUi(page, filePath);
  const panel = page.getByTestId('import-panel').getByTestId('error-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('error-message')).toHaveText(message);
  await expect(panel).toContainText('Nothing was imported');
  await expect(page.getByTestId('import-success')).toHaveCount(0);
  expect(await listedNames(page)).toEqual(before);
  // Still unchanged after a reload (nothing was written).
  await page.reload();
  expect(await listedNames(page)).toEqual(before);
}

test('a ragged CSV is refused and the message names the line', async ({ page, tmp }) => {
  const file = join(tmp, 'ragged.csv');
  writeFileSync(file, 'age,sex,bili\n50,f,1.2\n61,m\n70,f,0.8\n');
  await expectRefused(page, file, /line 3.*2 fields.*header \(line 1\) has 3/);
});

test("a file over the host's size limit is refused before it is read", async ({ page, tmp }) => {
  const file = join(tmp, 'large.csv');
  const row = '1,2,3,4,5,6,7,8,9,10\n';
  writeFileSync(file, 'a,b,c,d,e,f,g,h,i,j\n' + row.repeat(Math.ceil((1.2 * 2 ** 20) / row.length)));
  await expectRefused(page, file, /large\.csv" is 1\.2 MB; QNN Lab imports files up to 1(\.0)? MB/);
});

test('an empty file is refused', async ({ page, tmp }) => {
  const file = join(tmp, 'empty.csv');
  writeFileSync(file, '');
  await expectRefused(page, file, /empty/);
});

test('binary garbage is refused', async ({ page, tmp }) => {
  const file = join(tmp, 'garbage.csv');
  const bytes = Buffer.alloc(4096);
  let x = 12345;
  for (let i = 0; i < bytes.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = x >> 16;
  }
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00], 0);
  writeFileSync(file, bytes);
  await expectRefused(page, file, /binary/);
});

test('duplicate column names are refused', async ({ page, tmp }) => {
  const file = join(tmp, 'duplicates.csv');
  writeFileSync(file, 'age,sex,age\n50,f,51\n61,m,62\n');
  await expectRefused(page, file, /Duplicate column names on line 1.*"age"/);
});

test('a header-only file is refused', async ({ page, tmp }) => {
  const file = join(tmp, 'header-only.csv');
  writeFileSync(file, 'age,sex,bili\n');
  await expectRefused(page, file, /header \(line 1\) but no data rows/);
});

test('an outcome column that is not in the file is refused', async ({ page, tmp }) => {
  const file = join(tmp, 'no-outcome.csv');
  writeFileSync(file, 'age,sex\n50,f\n61,m\n');
  await openList(page);
  const before = await listedNames(page);
  await importThroughUi(page, file, { outcome: 'death' });
  await expect(page.getByTestId('import-panel').getByTestId('error-message')).toContainText('"death"');
  expect(await listedNames(page)).toEqual(before);
});

test('a file with an all-missing column is imported, with a warning', async ({ page, tmp }) => {
  const file = join(tmp, 'all-missing.csv');
  writeFileSync(file, 'age,notes,bili\n50,,1.2\n61,NA,0.4\n70,,0.8\n');
  await openList(page);
  const before = await listedNames(page);
  await importThroughUi(page, file);
  await expect(page.getByTestId('import-success')).toContainText('3 rows, 3 columns, 3 missing cells');
  await expect(page.getByTestId('import-warnings')).toContainText('"notes" is entirely missing');
  expect(await listedNames(page)).toEqual(['all-missing', ...before]);
  // The warning is kept with the dataset.
  await page.getByTestId('import-success').getByRole('link', { name: 'all-missing' }).click();
  await expect(page.getByTestId('dataset-warnings')).toContainText('entirely missing');
  await page.getByTestId('column-row').filter({ hasText: 'notes' }).click();
  await expect(page.getByTestId('histogram-empty')).toBeVisible();
});

test('after a refused import the next good one succeeds', async ({ page, tmp }) => {
  const bad = join(tmp, 'bad.csv');
  const good = join(tmp, 'good.csv');
  writeFileSync(bad, 'a,b\n1\n');
  writeFileSync(good, 'a,b\n1,2\n3,4\n');
  await openList(page);
  await importThroughUi(page, bad);
  await expect(page.getByTestId('import-panel').getByTestId('error-panel')).toBeVisible();
  await importThroughUi(page, good);
  await expect(page.getByTestId('import-panel').getByTestId('error-panel')).toHaveCount(0);
  await expect(page.getByTestId('import-success')).toContainText('2 rows, 2 columns, 0 missing cells');
});
