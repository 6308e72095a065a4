// First start against a fresh database: the bundled sample dataset is there, with its known shape.
import { expect, openList, rpc, test } from './fixtures.ts';

test('the bundled sample "pbc (sample)" is present on first start', async ({ page, host }) => {
  await openList(page);
  const row = page.getByTestId('dataset-row').filter({ hasText: 'pbc (sample)' });
  await expect(row).toHaveCount(1);
  await expect(row.locator('[data-col=rows]')).toHaveText('418');
  await expect(row.locator('[data-col=columns]')).toHaveText('20');
  await expect(row.locator('[data-col=missing]')).toHaveText('1,033');
  await expect(row).toContainText('bundled sample');
  await expect(page.getByTestId('host-status')).toContainText('web host');

  const list = await rpc<{ name: string }[]>(host, 'datasets.list');
  expect(list.ok && list.value.map((d) => d.name)).toEqual(['pbc (sample)']);
});

test('the sample opens with its profile, and unknown pages say so', async ({ page }) => {
  await openList(page);
  await page.getByTestId('dataset-link').filter({ hasText: 'pbc (sample)' }).click();
  await expect(page.getByTestId('dataset-name')).toHaveText('pbc (sample)');
  await expect(page.getByTestId('summary-rows')).toHaveText('418');
  await expect(page.getByTestId('column-row')).toHaveCount(20);

  await page.goto('/#/datasets/999999');
  await expect(page.getByTestId('dataset-not-found')).toContainText('does not exist');
  await page.goto('/#/no/such/page');
  await expect(page.getByTestId('empty-state')).toContainText('no page here');
});
