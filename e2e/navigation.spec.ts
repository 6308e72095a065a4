// Leaving a page and coming back: an import's outcome does not outlive the visit, and links to things that do not
// exist (any more) say so and lead back instead of offering a retry that can only fail.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, importThroughUi, openList, test } from './fixtures.ts';

test('an import error or result is cleared when the user leaves the list and comes back', async ({ page, tmp }) => {
  const bad = join(tmp, 'ragged.csv');
  const good = join(tmp, 'small.csv');
  writeFileSync(bad, 'a,b\n1\n');
  writeFileSync(good, 'a,b\n1,2\n3,4\n');
  await openList(page);
  const panel = page.getByTestId('import-panel');

  await importThroughUi(page, bad);
  await expect(panel.getByTestId('error-panel')).toBeVisible();
  await page.getByTestId('nav-devices').click();
  await expect(page.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
  await page.getByTestId('nav-datasets').click();
  await expect(page.getByTestId('dataset-count')).toBeVisible();
  await expect(panel.getByTestId('error-panel')).toHaveCount(0);

  // A success message too: it belongs to the visit in which the import ran.
  await importThroughUi(page, good);
  await expect(page.getByTestId('import-success')).toContainText('2 rows, 2 columns');
  await page.getByTestId('import-success').getByRole('link', { name: 'small' }).click();
  await expect(page.getByTestId('dataset-name')).toHaveText('small');
  await page.goBack();
  await expect(page.getByTestId('dataset-count')).toBeVisible();
  await expect(page.getByTestId('import-success')).toHaveCount(0);
  await expect(panel.getByTestId('error-panel')).toHaveCount(0);
});

test('a dataset that does not exist says so and leads back to the list, without a retry', async ({ page }) => {
  await page.goto('/#/datasets/987654');
  const gone = page.getByTestId('dataset-not-found');
  await expect(gone).toContainText('This dataset does not exist (any more)');
  await expect(gone).toContainText('Dataset 987654 does not exist.');
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await gone.getByRole('link', { name: 'Back to the datasets' }).click();
  await expect(page).toHaveURL(/#\/datasets$/);
  await expect(page.getByTestId('dataset-count')).toBeVisible();
});

test('other failures to load a dataset keep "Try again", which recovers', async ({ page }) => {
  await page.route('**/api/rpc/datasets.get', (route) => route.fulfill({ json: { ok: false, error: { code: 'BUSY', message: 'The database is busy.' } } }));
  await page.goto('/#/datasets/1');
  const panel = page.getByTestId('error-panel');
  await expect(panel).toContainText('Could not load the dataset');
  await page.unroute('**/api/rpc/datasets.get');
  await panel.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByTestId('dataset-name')).toHaveText('pbc (sample)');
});

test('an unknown device id says so, shows the first device and leads back to the list', async ({ page }) => {
  await page.goto('/#/devices/no-such-device');
  const notice = page.getByTestId('device-unknown');
  await expect(notice).toContainText('There is no device profile “no-such-device”');
  await expect(notice).toContainText('showing IonQ Aria');
  await expect(page.getByTestId('device-name')).toHaveText('IonQ Aria');
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await notice.getByRole('link', { name: 'Back to all devices' }).click();
  await expect(page).toHaveURL(/#\/devices$/);
  await expect(page.getByTestId('device-unknown')).toHaveCount(0);
});

test('an unknown page says so and leads to the datasets', async ({ page }) => {
  await page.goto('/#/no/such/page');
  await expect(page.getByTestId('empty-state')).toContainText('There is no page here');
  await page.getByRole('link', { name: 'Go to the datasets' }).click();
  await expect(page.getByTestId('dataset-count')).toBeVisible();
});
