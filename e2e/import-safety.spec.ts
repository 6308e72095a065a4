// Imports that used to damage data without a word (issue 7): a Windows-1252 file, a missing-value token that would
// blank the outcome, a form that kept the previous file's outcome and tokens, and the count of missingness patterns.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetDetail, DatasetSummary } from '../electron/contract/datasets.ts';
import { expect, importThroughUi, listedNames, openList, rpc, test } from './fixtures.ts';

const PBC = join(import.meta.dirname, '..', 'resources', 'samples', 'pbc.csv');
/** Windows-1252 bytes of Latin-1 text. */
const cp1252 = (s: string) => Buffer.from([...s].map((c) => c.charCodeAt(0)));

async function detailOf(host: Parameters<typeof rpc>[0], name: string): Promise<DatasetDetail> {
  const list = await rpc<DatasetSummary[]>(host, 'datasets.list');
  if (!list.ok) throw new Error(list.error.message);
  const found = list.value.find((d) => d.name === name);
  if (!found) throw new Error(`no dataset ${name}`);
  const detail = await rpc<DatasetDetail>(host, 'datasets.get', { id: found.id });
  if (!detail.ok) throw new Error(detail.error.message);
  return detail.value;
}

test('a Windows-1252 file imports with two distinct, correct categories and a warning naming windows-1252', async ({ page, host, tmp }) => {
  const file = join(tmp, 'patients-latin1.csv');
  writeFileSync(file, cp1252('patient,city,age\nFrançois,Paris,31\nZoë,Lyon,40\nFrançois,Nice,52\nZoë,Köln,47\n'));
  await openList(page);
  await expect(page.getByTestId('import-encoding')).toHaveValue('detect');
  await importThroughUi(page, file);
  await expect(page.getByTestId('import-success')).toContainText('4 rows, 3 columns, 0 missing cells');
  await expect(page.getByTestId('import-warnings')).toContainText('it was read as windows-1252 (detected)');
  const detail = await detailOf(host, 'patients-latin1');
  expect(detail.columnProfiles[0].categories).toEqual([
    { value: 'François', count: 2 },
    { value: 'Zoë', count: 2 },
  ]);
  expect(detail.columnProfiles[1].categories!.map((c) => c.value).sort()).toEqual(['Köln', 'Lyon', 'Nice', 'Paris']);
});

test('an unknown encoding name is refused with a clear message and nothing is imported', async ({ page, tmp }) => {
  const file = join(tmp, 'plain.csv');
  writeFileSync(file, 'a,b\n1,2\n');
  await openList(page);
  const before = await listedNames(page);
  await page.getByTestId('import-encoding').fill('klingon-8');
  await importThroughUi(page, file);
  const panel = page.getByTestId('import-panel').getByTestId('error-panel');
  await expect(panel.getByTestId('error-message')).toContainText('Unknown encoding "klingon-8"');
  // The field the refusal names is marked (from its `field`, not its wording); the others are not.
  await expect(page.getByTestId('import-encoding')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('import-outcome')).toHaveAttribute('aria-invalid', 'false');
  expect(await listedNames(page)).toEqual(before);
});

test('a missing-value token that would blank the outcome asks first; "Import anyway" imports', async ({ page, host, tmp }) => {
  const file = join(tmp, 'pbc-zero.csv');
  copyFileSync(PBC, file);
  await openList(page);
  const before = await listedNames(page);
  await importThroughUi(page, file, { tokens: '0' });
  const panel = page.getByTestId('import-panel').getByTestId('error-panel');
  await expect(panel.getByTestId('error-message')).toContainText('"0" would blank 257 of 418 cells of the outcome column "death" (61%)');
  await expect(panel).toContainText('Nothing was imported');
  expect(await listedNames(page)).toEqual(before);
  await page.getByTestId('import-anyway').click();
  await expect(page.getByTestId('import-success')).toContainText('418 rows, 20 columns');
  expect(await listedNames(page)).toEqual(['pbc-zero', ...before]);
  const death = (await detailOf(host, 'pbc-zero')).columnProfiles.find((c) => c.name === 'death')!;
  expect(death.missing).toBe(257);
});

test('after a successful import the form starts afresh: the next file does not inherit its outcome or tokens', async ({ page, tmp }) => {
  const first = join(tmp, 'first.csv');
  const second = join(tmp, 'second.csv');
  writeFileSync(first, 'age,death\n50,0\n61,1\n-99,0\n');
  writeFileSync(second, 'height,weight\n170,-99\n180,75\n');
  await openList(page);
  await importThroughUi(page, first, { outcome: 'death', tokens: '-99' });
  await expect(page.getByTestId('import-success')).toContainText('3 rows, 2 columns, 1 missing cells');
  await expect(page.getByTestId('import-outcome')).toHaveValue('');
  await expect(page.getByTestId('import-tokens')).toHaveValue('');
  await expect(page.getByTestId('import-encoding')).toHaveValue('detect');
  await importThroughUi(page, second);
  await expect(page.getByTestId('import-success')).toContainText('second');
  await expect(page.getByTestId('import-success')).toContainText('2 rows, 2 columns, 0 missing cells');
});

test('the dataset page counts every missingness pattern, not only the 20 stored', async ({ page, tmp }) => {
  // 6 columns, row i missing the columns of the bits of i: 64 distinct patterns, each once.
  const rows = Array.from({ length: 64 }, (_, i) => Array.from({ length: 6 }, (_, j) => ((i >> j) & 1 ? '' : String(i + j))).join(','));
  const file = join(tmp, 'patterns.csv');
  writeFileSync(file, ['a,b,c,d,e,f', ...rows].join('\n') + '\n');
  await openList(page);
  await importThroughUi(page, file);
  await page.getByTestId('import-success').getByRole('link', { name: 'patterns' }).click();
  await expect(page.getByTestId('pattern-row')).toHaveCount(10);
  await expect(page.getByTestId('patterns-not-shown')).toHaveText('54 rarer patterns not shown.');
});
