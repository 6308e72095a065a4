// When the host cannot be reached or refuses an action, the UI says what is wrong and what to do, and recovers.
import { expect, openList, test } from './fixtures.ts';

test('the list shows a clear error when the host cannot be reached, and recovers on retry', async ({ page }) => {
  await page.route('**/api/rpc/datasets.list', (route) => route.abort('connectionrefused'));
  await page.goto('/#/datasets');
  const panel = page.getByTestId('error-panel');
  await expect(panel).toContainText('Could not load the datasets');
  await expect(panel).toContainText('Cannot reach the QNN Lab host');
  await expect(panel).toContainText('Try again');
  await page.unroute('**/api/rpc/datasets.list');
  await panel.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
});

test('a failed export and a failed delete say so and change nothing', async ({ page }) => {
  await openList(page);
  await page.getByRole('link', { name: 'pbc (sample)', exact: true }).click();
  await expect(page.getByTestId('dataset-name')).toHaveText('pbc (sample)');

  await page.route('**/api/rpc/datasets.exportCsv', (route) =>
    route.fulfill({ json: { ok: false, error: { code: 'INTERNAL', message: 'Internal error in datasets.exportCsv: disk full' } } }),
  );
  await page.getByTestId('export-button').click();
  await expect(page.getByTestId('error-panel')).toContainText('Could not export the dataset');
  await expect(page.getByTestId('error-panel')).toContainText('disk full');
  await page.getByTestId('error-panel').getByRole('button', { name: 'Dismiss' }).click();

  await page.route('**/api/rpc/datasets.delete', (route) =>
    route.fulfill({ json: { ok: false, error: { code: 'NOT_FOUND', message: 'Dataset 1 does not exist.' } } }),
  );
  await page.getByTestId('delete-button').click();
  await page.getByTestId('confirm-button').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog.getByTestId('error-panel')).toContainText('does not exist');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('dataset-name')).toHaveText('pbc (sample)');
});

test('the About page shows the host it talks to', async ({ page, host }) => {
  await page.goto('/#/about');
  await expect(page.getByTestId('app-info')).toContainText('Web host (HTTP)');
  await expect(page.getByTestId('app-info')).toContainText(host.databasePath);
});
