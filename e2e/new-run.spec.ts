// The New run page against the real web host: an experiment started from the dataset page lands on its run page; an
// invalid value gets its field's message as it is typed (the schema's here, the host's prepare through runs.check);
// a device training shows its estimate against the per-parameter rule, and a run over the budget set in Settings is
// refused (the Start button, and runs.start itself); "run again with changes" fills the form from a run's config.
import { expect, rpc, test, type Page } from './fixtures.ts';

test.describe.configure({ mode: 'serial' });

const SHOTS = process.env.QNNLAB_SHOTS_DIR ?? '.scratch/shots/N';
/** A screenshot of the whole page, the window as tall as the page (so the sidebar spans it as on a screen). */
async function shot(page: Page, name: string): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1280, height: Math.min(Math.max(height, 720), 2400) });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}
const problem = (page: Page, path: string) => page.locator(`[data-testid="field-problem"][data-field="${path}"]`);

test('an experiment started from the dataset page: fields checked as typed, then the run page', async ({ page, host }) => {
  await page.goto('/#/datasets');
  await page.getByTestId('dataset-link').filter({ hasText: 'pbc (sample)' }).click();
  await page.getByTestId('run-experiment').click();
  await expect(page).toHaveURL(/#\/runs\/new\?kind=experiment&dataset=\d+$/);
  await expect(page.getByTestId('kind-experiment')).toHaveClass(/active/);
  const datasets = await rpc<{ id: number; name: string }[]>(host, 'datasets.list');
  const pbc = datasets.ok ? datasets.value.find((d) => d.name === 'pbc (sample)')! : null;
  await expect(page.getByTestId('exp-dataset')).toHaveValue(String(pbc!.id));

  // The schema's rule as the value is typed, on the field; fixed, the message goes.
  await page.getByTestId('exp-folds').fill('1');
  await expect(problem(page, 'folds')).toHaveText('Folds: must be >= 2; got 1');
  await expect(page.getByTestId('exp-folds')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('start-run')).toBeDisabled();
  await page.getByTestId('exp-folds').fill('3');
  await expect(problem(page, 'folds')).toHaveCount(0);

  // A method option the imputer registry refuses: named at its place in the config by the host (runs.check).
  await page.getByTestId('method-missforest').locator('input').check();
  await page.getByTestId('opt-missforest-trees').fill('0');
  await expect(problem(page, 'methods.2.options.trees')).toContainText('trees: ');
  await expect(problem(page, 'methods.2.options.trees')).toContainText('got 0');
  await page.getByTestId('method-missforest').locator('input').uncheck();

  await page.getByTestId('exp-outcome').selectOption('death');
  await page.getByTestId('exp-seeds').fill('1-2');
  await expect(page.getByTestId('estimate-simulator')).toBeVisible();
  await expect(page.getByTestId('check-status')).toHaveText('Checked by the host');
  await shot(page, 'new-run-experiment');
  await page.getByTestId('start-run').click();
  await expect(page).toHaveURL(/#\/runs\/\d+$/);
  const id = Number(/runs\/(\d+)$/.exec(page.url())![1]);
  const run = await rpc<{ kind: string; config: { datasetId: number; outcome: string; seeds: number[]; folds: number; methods: unknown[] } }>(
    host,
    'runs.get',
    { id },
  );
  expect(run.ok && run.value).toMatchObject({
    kind: 'experiment',
    config: { datasetId: pbc!.id, outcome: 'death', seeds: [1, 2], folds: 3, methods: ['mean', 'mice'] },
  });
  await rpc(host, 'runs.cancel', { id });
});

test('a device training: the estimate against the per-parameter rule, and a run over the budget refused', async ({ page, host }) => {
  expect(await rpc(host, 'settings.update', { budgetUSD: 5 })).toMatchObject({ ok: true });
  await page.goto('/#/runs/new?kind=train');
  await expect(page.getByTestId('kind-train')).toHaveClass(/active/);
  await page.getByTestId('train-qubits').fill('8');
  // The host's prepare: 4 layers do not fit 8 qubits (log2 8 = 3), named on the layers field.
  await page.getByTestId('train-layers').fill('4');
  await expect(problem(page, 'layers')).toContainText('Layers: ');
  await expect(problem(page, 'layers')).toContainText('got 4');
  await page.getByTestId('train-layers').fill('2');
  await expect(problem(page, 'layers')).toHaveCount(0);

  // A device needs shots: the host says so on the shots field.
  await page.getByTestId('train-backend').selectOption('ionq-aria');
  await expect(problem(page, 'shots')).toContainText('needs shots');
  await page.getByTestId('train-shots').fill('1000');
  await page.getByTestId('train-samples').fill('32');
  await page.getByTestId('train-epochs').fill('1');
  await expect(page.getByTestId('estimate-table')).toBeVisible();
  const plan = { qubits: 8, layers: 2, samples: 32, epochs: 1, shots: 1000, backend: 'ionq-aria' };
  const parallel = await rpc<{ circuits: number; costUSD: number }>(host, 'hardware.estimate', { ...plan, method: 'parallel-shift' });
  const perParameter = await rpc<{ circuits: number }>(host, 'hardware.estimate', { ...plan, method: 'parameter-shift' });
  if (!parallel.ok || !perParameter.ok) throw new Error('estimate failed');
  await expect(page.getByTestId('estimate-circuits').locator('td').nth(0)).toHaveText(parallel.value.circuits.toLocaleString('en-US'));
  await expect(page.getByTestId('estimate-circuits').locator('td').nth(1)).toHaveText(perParameter.value.circuits.toLocaleString('en-US'));
  expect(parallel.value.costUSD).toBeGreaterThan(5);
  await expect(page.getByTestId('run-over-budget')).toContainText('exceeds the budget of $5.00 set in Settings');
  await expect(page.getByTestId('start-run')).toBeDisabled();
  await shot(page, 'new-run-over-budget');

  // The host refuses it too (the API cannot bypass the form), naming the budget.
  const config = { ...plan, method: 'parallel-shift' };
  expect(await rpc(host, 'runs.start', { kind: 'train', config })).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'budgetUSD' } });

  // Within a raised budget it starts.
  expect(await rpc(host, 'settings.update', { budgetUSD: Math.ceil(parallel.value.costUSD) + 1 })).toMatchObject({ ok: true });
  await page.getByTestId('train-epochs').fill('2');
  await page.getByTestId('train-epochs').fill('1');
  await expect(page.getByTestId('run-within-budget')).toBeVisible();
  await expect(page.getByTestId('start-run')).toBeEnabled();
  await rpc(host, 'settings.update', { budgetUSD: null });
});

test('run again with changes: the form is filled from the run, and the changed run starts', async ({ page, host }) => {
  const started = await rpc<{ id: number }>(host, 'runs.start', {
    kind: 'train',
    config: { qubits: 4, layers: 2, samples: 16, epochs: 1, seed: 9, optimiser: 'sgd' },
  });
  if (!started.ok) throw new Error(started.error.message);
  await page.goto(`/#/runs/new?from=${started.value.id}`);
  await expect(page.getByTestId('from-run')).toContainText(`run ${started.value.id}`);
  await expect(page.getByTestId('kind-train')).toHaveClass(/active/);
  await expect(page.getByTestId('train-qubits')).toHaveValue('4');
  await expect(page.getByTestId('train-seed')).toHaveValue('9');
  await expect(page.getByTestId('train-optimiser')).toHaveValue('sgd');
  await page.getByTestId('train-epochs').fill('2');
  await expect(page.getByTestId('estimate-simulator')).toBeVisible();
  await shot(page, 'new-run-again');
  await page.getByTestId('start-run').click();
  await expect(page).toHaveURL(/#\/runs\/\d+$/);
  const id = Number(/runs\/(\d+)$/.exec(page.url())![1]);
  expect(id).not.toBe(started.value.id);
  const run = await rpc<{ config: unknown }>(host, 'runs.get', { id });
  expect(run.ok && run.value.config).toEqual({ qubits: 4, layers: 2, samples: 16, epochs: 2, seed: 9, optimiser: 'sgd', method: 'parallel-shift' });
});

test('applying a saved imputer: a file that is no saved model is named on its field', async ({ page, tmp }) => {
  const { writeFileSync } = await import('node:fs');
  const notJson = `${tmp}/model.json`;
  writeFileSync(notJson, 'not a model');
  await page.goto('/#/runs/new?kind=apply-imputer');
  await expect(page.getByTestId('kind-apply-imputer')).toHaveClass(/active/);
  // No model yet: the schema says the model is missing.
  await expect(problem(page, 'model')).toContainText('Saved imputer: ');
  await page.getByTestId('apply-model').setInputFiles(notJson);
  await expect(problem(page, 'model')).toHaveText('Saved imputer: model.json is not JSON: choose a model saved by QNN Lab (qnnlab impute --save-model)');
  // JSON that is no model: the host's check of the saved imputer names it.
  writeFileSync(notJson, JSON.stringify({ method: 'mean' }));
  await page.getByTestId('apply-model').setInputFiles(notJson);
  await expect(problem(page, 'model')).not.toContainText('is not JSON');
  await expect(page.getByTestId('start-run')).toBeDisabled();
  await shot(page, 'new-run-apply');
});
