// The Devices page's planner beyond the happy path: the device's own qubit limit, advice that fits the chosen
// method, fields marked from the host's `field`, and a layout that holds at 900 px with very large figures.
import { expect, test, type Page } from './fixtures.ts';

test.describe.configure({ mode: 'serial' });

async function openPlanner(page: Page, device = 'ionq-aria'): Promise<void> {
  await page.goto(`/#/devices/${device}`);
  await expect(page.getByTestId('device-name')).toBeVisible();
  await expect(page.getByTestId('est-circuits')).toBeVisible();
}

async function fillPlan(page: Page, plan: Partial<Record<'qubits' | 'layers' | 'samples' | 'epochs' | 'shots' | 'batch' | 'budget', string>>): Promise<void> {
  for (const [field, value] of Object.entries(plan)) await page.getByTestId(`plan-${field}`).fill(value);
}

test('more qubits than the device has: the message and the hint say the device limit, and the field is marked', async ({ page }) => {
  await openPlanner(page);
  await fillPlan(page, { qubits: '64', layers: '4' });
  const error = page.getByTestId('plan-error');
  await expect(error.getByTestId('error-message')).toHaveText('The circuit needs 64 qubits; IonQ Aria has 25');
  await expect(error.getByTestId('error-hint')).toHaveText(
    'IonQ Aria has 25 qubits: plan at most 16 (the largest power of two that fits), or choose a device with more qubits.',
  );
  await expect(page.getByTestId('plan-qubits')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('plan-layers')).toHaveAttribute('aria-invalid', 'false');

  // A layer count the qubits do not allow: the estimator names `layers`, and that field is marked instead.
  await fillPlan(page, { qubits: '16', layers: '5' });
  await expect(error.getByTestId('error-message')).toHaveText('Layers must be an integer between 1 and log2(16) = 4; got 5');
  await expect(error.getByTestId('error-hint')).toHaveText('With 16 qubits, use 1 to 4 layers (at most log2 of the qubits).');
  await expect(page.getByTestId('plan-layers')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('plan-qubits')).toHaveAttribute('aria-invalid', 'false');
});

test('over budget: the parallel shift is advised only when it is not already chosen', async ({ page }) => {
  await openPlanner(page);
  await fillPlan(page, { qubits: '16', layers: '4', samples: '100', epochs: '5', shots: '1000', budget: '1' });
  await page.getByTestId('plan-method-parallel').check();
  const over = page.getByTestId('over-budget');
  await expect(over).toContainText('Lower the shots, samples or epochs, or raise the budget.');
  await expect(over).not.toContainText('parallel shift');
  await page.getByTestId('plan-method-parameter').check();
  await expect(over).toContainText('use the parallel shift');
});

/** Elements wider than their box (scrollWidth > clientWidth): the page, every card, every tile, and optionally the tables. */
function overflowing(page: Page, tables: boolean): Promise<string[]> {
  return page.evaluate((tables) => {
    const found: string[] = [];
    const check = (el: Element, what: string) => {
      if (el.scrollWidth > el.clientWidth + 1) found.push(`${what}: scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth}`);
    };
    check(document.documentElement, 'page');
    document.querySelectorAll('.card').forEach((el) => check(el, `card "${el.querySelector('h2')?.textContent?.trim()}"`));
    document.querySelectorAll('.tile').forEach((el) => check(el, `tile "${el.querySelector('.tlabel')?.textContent}"`));
    // The device list has a dozen columns: at this width it scrolls inside its card, by design.
    if (tables) document.querySelectorAll('.card:not([aria-labelledby=devices-title]) .table-wrap').forEach((el, i) => check(el, `table ${i}`));
    return found;
  }, tables);
}

test('at 900 px wide nothing overflows its card, and very large figures fit their tiles', async ({ page }) => {
  await page.setViewportSize({ width: 900, height: 900 });
  await openPlanner(page, 'ionq-forte');
  // An ordinary plan: the cards, the tiles and the figures, comparison and per-layer tables all fit.
  await fillPlan(page, { qubits: '16', layers: '4', samples: '100', epochs: '5', shots: '1000', budget: '100' });
  await expect(page.getByTestId('over-budget')).toBeVisible();
  expect(await overflowing(page, true)).toEqual([]);

  // The largest counts the form accepts: figures of 20 and more digits still stay inside the tiles and the cards.
  await fillPlan(page, { qubits: '32', layers: '5', samples: '1000000000', epochs: '1000000000', shots: '1000000000', batch: '1', budget: '' });
  await page.getByTestId('plan-method-parameter').check();
  await expect(page.getByTestId('est-cost')).toHaveText(/^\$[\d,]{20,}\.\d\d$/);
  expect(await overflowing(page, false)).toEqual([]);
});
