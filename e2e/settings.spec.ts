// The Settings page against the real web host: the database in use and the command that opens another file; the
// default backend and the budget (checked as typed, saved, and used by the New run page); device profiles copied,
// edited with every field at fault named as typed (and the host's own refusal shown), and a copy deleted.
import { expect, rpc, test, type Page } from './fixtures.ts';

test.describe.configure({ mode: 'serial' });

const SHOTS = process.env.QNNLAB_SHOTS_DIR ?? '.scratch/shots/N';
/** A screenshot of the whole page, the window as tall as the page (so the sidebar spans it as on a screen). */
async function shot(page: Page, name: string): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1280, height: Math.min(Math.max(height, 720), 2400) });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

test('the database in use, and how to start on another file', async ({ page, host }) => {
  const info = await rpc<{ databasePath: string }>(host, 'app.info');
  await page.goto('/#/settings');
  await expect(page.getByTestId('database-path')).toHaveText(info.ok ? info.value.databasePath : '?');
  await page.getByTestId('other-database').fill("/data/lab's runs.db");
  await expect(page.getByTestId('open-command')).toHaveText(`npx tsx electron/web-host/main.ts --db '/data/lab'\\''s runs.db'`);
});

test('default backend and budget: checked as typed, saved, and used by new runs', async ({ page, host }) => {
  await page.goto('/#/settings');
  await expect(page.getByTestId('profile-row').first()).toBeVisible();
  await page.getByTestId('budget').fill('-2');
  await expect(page.getByTestId('settings-defaults').getByTestId('setting-problem')).toHaveText('Budget must be >= 0; got -2');
  await expect(page.getByTestId('save-defaults')).toBeDisabled();
  await page.getByTestId('budget').fill('7.5');
  await page.getByTestId('default-backend').selectOption('ionq-aria');
  await page.getByTestId('save-defaults').click();
  await expect(page.getByTestId('defaults-saved')).toBeVisible();
  // Polled: the mark may still show the previous save while this one is on its way.
  await expect.poll(() => rpc(host, 'settings.get')).toEqual({ ok: true, value: { defaultBackend: 'ionq-aria', budgetUSD: 7.5 } });

  // A new training starts on the default backend and is held to the budget.
  await page.goto('/#/runs/new?kind=train');
  await expect(page.getByTestId('train-backend')).toHaveValue('ionq-aria');
  await page.getByTestId('train-shots').fill('100');
  await expect(page.getByTestId('run-over-budget')).toContainText('budget of $7.50');

  await page.goto('/#/settings');
  await page.getByTestId('budget').fill('');
  await page.getByTestId('default-backend').selectOption('');
  await page.getByTestId('save-defaults').click();
  await expect(page.getByTestId('defaults-saved')).toBeVisible();
  await expect.poll(() => rpc(host, 'settings.get')).toEqual({ ok: true, value: { defaultBackend: null, budgetUSD: null } });
});

test('device profiles: copy, edit with the field at fault named, delete the copy', async ({ page, host }) => {
  await page.goto('/#/settings');
  const aria = page.locator('[data-testid="profile-row"][data-id="ionq-aria"]');
  await expect(aria.getByTestId('profile-delete')).toHaveCount(0);
  await aria.getByTestId('profile-copy').click();
  const json = page.getByTestId('profile-json');
  const text = await json.inputValue();
  expect(JSON.parse(text)).toMatchObject({ id: 'ionq-aria-copy', name: 'IonQ Aria (copy)' });

  // A two-qubit fidelity above 1: named as it is typed, Save disabled.
  const profile = JSON.parse(text);
  profile.fidelity.twoQubit.value = 1.3;
  await json.fill(JSON.stringify(profile, null, 2));
  await expect(page.locator('[data-testid="profile-problems"] li[data-field="fidelity.twoQubit"]')).toHaveText('fidelity.twoQubit must be <= 1; got 1.3');
  await expect(page.getByTestId('profile-save')).toBeDisabled();
  await shot(page, 'settings-profile-problem');

  // The host's own refusal (a simulator's name) comes back with its field.
  profile.fidelity.twoQubit.value = 0.985;
  profile.id = 'ideal';
  await json.fill(JSON.stringify(profile, null, 2));
  await page.getByTestId('profile-save').click();
  await expect(page.getByTestId('profile-editor').getByTestId('error-message')).toContainText('is the name of a simulator backend');

  profile.id = 'ionq-aria-copy';
  await json.fill(JSON.stringify(profile, null, 2));
  await page.getByTestId('profile-save').click();
  const copy = page.locator('[data-testid="profile-row"][data-id="ionq-aria-copy"]');
  await expect(copy).toContainText('IonQ Aria (copy)');
  const listed = await rpc<{ id: string }[]>(host, 'devices.get', { id: 'ionq-aria-copy' });
  expect(listed).toMatchObject({ ok: true, value: { profile: { fidelity: { twoQubit: { value: 0.985 } } } } });
  await shot(page, 'settings');

  await copy.getByTestId('profile-delete').click();
  await page.getByRole('dialog', { name: 'Delete IonQ Aria (copy)?' }).getByTestId('confirm-button').click();
  await expect(copy).toHaveCount(0);
  expect(await rpc(host, 'devices.get', { id: 'ionq-aria-copy' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
});
