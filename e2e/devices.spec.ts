// The Devices page: the built-in IonQ profiles with their cited figures, and planning a layer-wise training on
// one of them: circuit counts equal to the host's estimate, the per-parameter rule's n/2 more gradient circuits,
// the over-budget state, and a validation message for a qubit count that is not a power of two.
import type { HardwareEstimate } from '../electron/contract/hardware.ts';
import { expect, rpc, test, type Page } from './fixtures.ts';
import type { WebHost } from './web-host.ts';

test.describe.configure({ mode: 'serial' });

const PLAN = { qubits: 16, layers: 4, samples: 100, epochs: 5, shots: 1000 };

async function apiEstimate(host: WebHost, request: Record<string, unknown>): Promise<HardwareEstimate> {
  const result = await rpc<HardwareEstimate>(host, 'hardware.estimate', request);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

async function value(page: Page, testid: string): Promise<number> {
  return Number(await page.getByTestId(testid).getAttribute('data-value'));
}

test('the device list shows the three IonQ profiles, and Aria its cited figures', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('nav-devices').click();
  await expect(page).toHaveURL(/#\/devices/);
  await expect(page.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
  const rows = page.getByTestId('device-row');
  await expect(rows).toHaveCount(3);
  const expected: [string, string][] = [
    ['ionq-aria', '25'],
    ['ionq-forte', '36'],
    ['ionq-forte-enterprise', '36'],
  ];
  for (const [id, qubits] of expected) {
    await expect(page.locator(`[data-testid=device-row][data-id="${id}"] [data-col=qubits]`)).toHaveText(qubits);
    await expect(page.locator(`[data-testid=device-row][data-id="${id}"] [data-col=connectivity]`)).toHaveText('all-to-all');
  }
  await expect(page.locator('[data-testid=device-row][data-id="ionq-aria"] [data-col=f2]')).toHaveText('99.6%');

  await page.locator('[data-testid=device-row][data-id="ionq-forte"]').getByTestId('device-link').click();
  await expect(page.getByTestId('device-name')).toHaveText('IonQ Forte');
  await page.locator('[data-testid=device-row][data-id="ionq-aria"]').getByTestId('device-link').click();
  await expect(page).toHaveURL(/#\/devices\/ionq-aria$/);
  await expect(page.getByTestId('device-name')).toHaveText('IonQ Aria');
  const f2 = page.locator('[data-testid=figure-row][data-path="fidelity.twoQubit"]');
  await expect(f2.locator('[data-col=value]')).toHaveText('99.6%');
  await expect(f2.locator('[data-col=source]')).toContainText('Azure Quantum IonQ provider page');
  await expect(f2.locator('[data-col=date]')).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  await expect(f2.getByTestId('assumption-badge')).toHaveCount(0);
  // Assumed figures are marked as such.
  const shotRate = page.locator('[data-testid=figure-row][data-path="shotRateHz"]');
  await expect(shotRate.getByTestId('assumption-badge')).toHaveText('assumption');
});

test('plan a training: circuits as the host estimates them, the per-parameter rule, the budget, a bad qubit count', async ({ page, host }) => {
  await page.goto('/#/devices/ionq-aria');
  await expect(page.getByTestId('device-name')).toHaveText('IonQ Aria');
  await page.getByTestId('plan-qubits').fill(String(PLAN.qubits));
  await page.getByTestId('plan-layers').fill(String(PLAN.layers));
  await page.getByTestId('plan-samples').fill(String(PLAN.samples));
  await page.getByTestId('plan-epochs').fill(String(PLAN.epochs));
  await page.getByTestId('plan-shots').fill(String(PLAN.shots));
  await page.getByTestId('plan-method-parallel').check();

  const parallel = await apiEstimate(host, { ...PLAN, method: 'parallel-shift', backend: 'ionq-aria' });
  await expect(page.getByTestId('est-circuits')).toHaveAttribute('data-value', String(parallel.circuits));
  await expect(page.getByTestId('est-circuits')).toHaveText(parallel.circuits.toLocaleString('en-US'));
  await expect(page.getByTestId('est-gradient')).toHaveAttribute('data-value', String(parallel.gradientCircuits));
  await expect(page.getByTestId('est-shots')).toHaveAttribute('data-value', String(parallel.shots));
  await expect(page.getByTestId('per-layer-row')).toHaveCount(4);
  await expect(page.getByTestId('est-cost')).toHaveText(/^\$[\d,]+\.\d\d$/);
  await expect(page.getByTestId('est-wall')).toHaveText(/\d+ (h|min|d)/);
  await expect(page.getByTestId('plan-error')).toHaveCount(0);

  // The per-parameter rule: n/2 = 8 times the gradient circuits.
  await page.getByTestId('plan-method-parameter').check();
  const perParameter = await apiEstimate(host, { ...PLAN, method: 'parameter-shift', backend: 'ionq-aria' });
  await expect(page.getByTestId('est-gradient')).toHaveAttribute('data-value', String(8 * parallel.gradientCircuits));
  expect(perParameter.gradientCircuits).toBe(8 * parallel.gradientCircuits);
  await expect(page.getByTestId('est-circuits')).toHaveAttribute('data-value', String(perParameter.circuits));
  await expect(page.getByTestId('compare-gradient').locator('[data-col=ratio]')).toHaveText('×8');
  await expect(page.getByTestId('compare-gradient').locator('[data-col=parallel]')).toHaveAttribute('data-value', String(parallel.gradientCircuits));
  expect(await value(page, 'est-cost')).toBeCloseTo(perParameter.costUSD, 6);

  // A small budget: the over-budget state, and back within budget with a large one.
  await page.getByTestId('plan-budget').fill('10');
  await expect(page.getByTestId('over-budget')).toBeVisible();
  await expect(page.getByTestId('over-budget')).toContainText('Over budget');
  await expect(page.getByTestId('over-budget')).toContainText('exceeds the budget of $10.00');
  // A viewport tall enough for the whole page (a full-page capture would move the sticky headers).
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1440, height });
  await page.screenshot({ path: '/tmp/qnnlab-devices.png' });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByTestId('plan-budget').fill(String(Math.ceil(perParameter.costUSD * 2)));
  await expect(page.getByTestId('within-budget')).toBeVisible();
  await expect(page.getByTestId('over-budget')).toHaveCount(0);

  // 12 qubits: the host's validation message next to the form, the field marked; the page carries on.
  await page.getByTestId('plan-qubits').fill('12');
  const error = page.getByTestId('plan-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('power of two');
  await expect(error).toContainText('got 12');
  await expect(error.getByTestId('error-hint')).toContainText('IonQ Aria has 25 qubits');
  await expect(page.getByTestId('plan-qubits')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('est-circuits')).toHaveCount(0);

  // An empty field is named too; correcting the plan brings the estimate back.
  await page.getByTestId('plan-qubits').fill('');
  await expect(error).toContainText('Qubits is empty');
  await page.getByTestId('plan-qubits').fill('16');
  await expect(page.getByTestId('plan-error')).toHaveCount(0);
  await expect(page.getByTestId('est-circuits')).toHaveAttribute('data-value', String(perParameter.circuits));
});
