// Forms mark the field an error is about from the API error's `field`, never from its wording.
import { expect, openList, test } from './fixtures.ts';

test('renaming a dataset marks the name field when the error names it, and only then', async ({ page }) => {
  await openList(page);
  await page.getByRole('link', { name: 'pbc (sample)', exact: true }).click();
  await expect(page.getByTestId('dataset-name')).toHaveText('pbc (sample)');
  const input = page.getByTestId('rename-input');
  const panel = page.getByTestId('error-panel');

  // Checked before asking the host: an empty name.
  await page.getByTestId('rename-button').click();
  await expect(input).toHaveAttribute('aria-invalid', 'false');
  await input.fill('  ');
  await page.getByTestId('rename-save').click();
  await expect(panel).toContainText('The name cannot be empty.');
  await expect(input).toHaveAttribute('aria-invalid', 'true');

  // The host's error names the field: marked, and its lower-case message shown as a sentence.
  await page.route('**/api/rpc/datasets.rename', (route) =>
    route.fulfill({ json: { ok: false, error: { code: 'VALIDATION', message: 'name: must be at most 200 characters', field: 'name', value: 'x' } } }),
  );
  await input.fill('A new name');
  await page.getByTestId('rename-save').click();
  await expect(panel.getByTestId('error-message')).toHaveText('Name: must be at most 200 characters');
  await expect(input).toHaveAttribute('aria-invalid', 'true');

  // An error about something else (no field) is shown, and the name is not marked, whatever the message says.
  await page.unroute('**/api/rpc/datasets.rename');
  await page.route('**/api/rpc/datasets.rename', (route) =>
    route.fulfill({ json: { ok: false, error: { code: 'BUSY', message: 'the name could not be saved: the database is busy' } } }),
  );
  await page.getByTestId('rename-save').click();
  await expect(panel.getByTestId('error-message')).toHaveText('The name could not be saved: the database is busy');
  await expect(input).toHaveAttribute('aria-invalid', 'false');
  await page.unroute('**/api/rpc/datasets.rename');

  // Saving a good name clears the error and the mark.
  await page.getByTestId('rename-save').click();
  await expect(page.getByTestId('dataset-name')).toHaveText('A new name');
  await expect(panel).toHaveCount(0);
});
