// The app shell: the sidebar highlights the section of the page shown (sub-pages included), and its host status
// says when the web host has gone away ("disconnected, retrying"), comes back on its own when the host answers
// again (the page reloads its data), and says what to do when a restarted host no longer accepts the page's key.
import type { DatasetSummary } from '../electron/contract/datasets.ts';
import { expect, openList, rpc, test } from './fixtures.ts';
import { startWebHost } from './web-host.ts';

test('the sidebar highlights Datasets on a dataset page and Devices on a device page', async ({ page, host }) => {
  const list = await rpc<DatasetSummary[]>(host, 'datasets.list');
  if (!list.ok) throw new Error(list.error.message);
  const datasets = page.getByTestId('nav-datasets');
  const devices = page.getByTestId('nav-devices');

  await page.goto(`/#/datasets/${list.value[0].id}`);
  await expect(page.getByTestId('dataset-name')).toHaveText('pbc (sample)');
  await expect(datasets).toHaveClass(/\bactive\b/);
  await expect(datasets).toHaveAttribute('aria-current', 'page');
  await expect(devices).not.toHaveClass(/\bactive\b/);

  await page.goto('/#/devices/ionq-forte');
  await expect(page.getByTestId('device-name')).toHaveText('IonQ Forte');
  await expect(devices).toHaveClass(/\bactive\b/);
  await expect(datasets).not.toHaveClass(/\bactive\b/);
  await expect(datasets).not.toHaveAttribute('aria-current', 'page');

  await page.goto('/#/about');
  await expect(page.getByTestId('app-info')).toBeVisible();
  await expect(page.locator('nav .nav-item.active')).toHaveCount(0);
});

test('a host that stops answering shows "disconnected, retrying"; when it answers again, the page reloads its data', async ({ page, host }) => {
  await openList(page);
  const status = page.getByTestId('host-status');
  await expect(status).toContainText('web host');

  // The host is unreachable for every new request (what a stopped host looks like to the page).
  await page.route('**/api/**', (route) => route.abort('connectionrefused'));
  await page.getByTestId('nav-devices').click();
  await expect(status).toHaveText('disconnected, retrying…');
  await expect(page.getByTestId('error-panel')).toContainText('Cannot reach the QNN Lab host');

  // Meanwhile the data changes on the host; the page learns of it when the host is back.
  const imported = await rpc(host, 'datasets.import', { fileName: 'while-away.csv', content: 'a,b\n1,2\n' });
  expect(imported.ok).toBe(true);
  await page.getByTestId('nav-datasets').click();
  await expect(page.getByTestId('error-panel')).toContainText('Cannot reach the QNN Lab host');

  await page.unroute('**/api/**');
  await expect(status).toContainText('web host', { timeout: 15_000 });
  await expect(page.getByTestId('error-panel')).toHaveCount(0);
  await expect(page.getByTestId('dataset-link').filter({ hasText: 'while-away' })).toHaveCount(1);
});

test('a stopped host: the sidebar says so and clicks say why they fail; a restarted host asks for its new address', async ({ browser }) => {
  const first = await startWebHost({ label: 'shell' });
  let second: Awaited<ReturnType<typeof startWebHost>> | undefined;
  const context = await browser.newContext(); // its own browser: the page sees the host vanish (console errors expected)
  try {
    await context.addCookies([first.cookie]);
    const page = await context.newPage();
    await page.goto(`${first.url}/#/datasets`);
    const status = page.getByTestId('host-status');
    await expect(status).toContainText('web host');
    await expect(page.getByTestId('dataset-row')).toHaveCount(1);

    await first.stop(); // the event stream drops: no click is needed to notice
    await expect(status).toHaveText('disconnected, retrying…');
    // The Devices page's code was never loaded, and now cannot be: the click says so instead of doing nothing.
    await page.getByTestId('nav-devices').click();
    await expect(page.getByTestId('error-panel')).toContainText('Could not open this page');
    await expect(page.getByTestId('error-panel')).toContainText('the page opens as soon as it does');

    // Started again where the page expects it, the host has a new access key: the page's cookie is from before.
    second = await startWebHost({ label: 'shell', port: first.port });
    await expect(status).toHaveText('no access: open the address the host printed', { timeout: 15_000 });
    // The Devices page opened once the host answered; its data is refused, and the message says why.
    await expect(page.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
    await expect(page.getByTestId('error-panel')).toContainText('from an earlier start of the web host');

    await page.goto(second.address);
    await expect(status).toContainText('web host');
    await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  } finally {
    await context.close();
    await first.stop();
    await second?.stop();
  }
});
