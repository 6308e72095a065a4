// The Compare page against the real web host and engine: an imputation experiment on the bundled pbc sample (mean,
// mice and a small qnn-mice, 3 seeds) run through the API, then compared in the app: the QNN method marked, "only
// differences" hiding what all methods share, saved under a name, reopened from its address and from the list, the
// numbers on screen equal to the stored ones, and a deleted run named while the saved numbers stay.
import { mkdirSync } from 'node:fs';
import type { ComparisonDetail, ComparisonSummary } from '../electron/contract/comparisons.ts';
import type { DatasetSummary } from '../electron/contract/datasets.ts';
import type { RunDetail } from '../electron/contract/runs.ts';
import { formatInterval, formatP } from '../renderer/src/features/compare/compare-view.ts';
import { formatNumber } from '../renderer/src/lib/format.ts';
import { expect, rpc, test, type Page } from './fixtures.ts';
import type { WebHost } from './web-host.ts';

const SHOTS = '.scratch/shots/P';

async function ok<T>(host: WebHost, channel: string, request: unknown = {}): Promise<T> {
  const r = await rpc<T>(host, channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

/** Starts an experiment through the API and waits until it has succeeded. */
async function experiment(host: WebHost, config: Record<string, unknown>): Promise<number> {
  const datasets = await ok<DatasetSummary[]>(host, 'datasets.list');
  const pbc = datasets.find((d) => d.name === 'pbc (sample)');
  if (!pbc) throw new Error('the bundled pbc sample is not in the database');
  const run = await ok<RunDetail>(host, 'runs.start', {
    kind: 'experiment',
    config: { datasetId: pbc.id, outcome: 'death', exclude: ['id', 'time'], mask: { mechanism: 'mcar', rate: 0.2 }, folds: 2, ...config },
  });
  await expect.poll(async () => (await ok<RunDetail>(host, 'runs.get', { id: run.id })).status, { timeout: 120_000, intervals: [500] }).toBe('succeeded');
  return run.id;
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

test.describe.configure({ mode: 'serial' });

let experimentId: number;

test('an experiment compared: QNN marked, only differences, saved, reopened with the stored numbers', async ({ page, host }) => {
  test.setTimeout(180_000);
  experimentId = await experiment(host, { methods: ['mean', 'mice', { name: 'qnn-mice', options: { cycles: 1, epochsPerLayer: 1 } }], seeds: [1, 2, 3] });

  await page.goto(`/#/compare?runs=${experimentId}`);
  const methods = page.getByTestId('compared-method');
  await expect(methods).toHaveCount(3);
  await expect(methods.filter({ hasText: 'qnn-mice' }).locator('[data-family]')).toHaveAttribute('data-family', 'quantum');
  await expect(methods.filter({ hasText: /^\s*mice/ }).locator('[data-family]')).toHaveAttribute('data-family', 'classical');
  await expect(page.getByTestId('pair-row')).toHaveCount(3);
  await expect(page.getByTestId('nrmse-bars').locator('svg')).toBeVisible();
  await expect(page.getByTestId('auc-box').locator('svg')).toBeVisible();

  // Only differences: rows every method shares (the outcome, the mask) go; the method's own settings stay.
  const rows = page.getByTestId('side-row');
  await expect(rows.and(page.locator('[data-key="outcome"]'))).toHaveCount(1);
  const all = await rows.count();
  await page.getByTestId('only-differences').check();
  await expect(rows.and(page.locator('[data-key="outcome"]'))).toHaveCount(0);
  await expect(rows.and(page.locator('[data-key="method"]'))).toHaveCount(1);
  expect(await rows.count()).toBeLessThan(all);
  expect(await rows.evaluateAll((els) => els.every((e) => e.classList.contains('differs')))).toBe(true);
  await screenshot(page, 'compare-unsaved');

  // Save under a name: the address becomes the saved comparison's.
  await page.getByTestId('comparison-save').click();
  // An empty name: said, the field marked, nothing saved.
  await page.getByTestId('comparison-name-input').fill('   ');
  await page.getByTestId('comparison-name-submit').click();
  await expect(page.getByTestId('error-message')).toHaveText('The name cannot be empty: type a name for the comparison.');
  await expect(page.getByTestId('comparison-name-input')).toHaveAttribute('aria-invalid', 'true');
  expect(await ok<ComparisonSummary[]>(host, 'comparisons.list')).toEqual([]);
  await page.getByTestId('comparison-name-input').fill('pbc sample: QNN vs classical');
  await page.getByTestId('comparison-name-submit').click();
  await expect(page).toHaveURL(/#\/comparisons\/\d+$/);
  const id = Number(/comparisons\/(\d+)/.exec(page.url())![1]);
  await expect(page.getByTestId('comparison-title')).toHaveText('pbc sample: QNN vs classical');

  // Reopened from its address: the numbers on screen are the stored ones.
  const stored = await ok<ComparisonDetail>(host, 'comparisons.get', { id });
  await page.goto(`/#/runs`);
  await page.goto(`/#/comparisons/${id}`);
  await expect(page.getByTestId('comparison-title')).toHaveText('pbc sample: QNN vs classical');
  for (const pair of stored.statistics.pairs) {
    const auc = pair.metrics.find((m) => m.metric === 'auc')!;
    const row = page.locator(`[data-testid="pair-row"][data-a="${pair.a}"][data-b="${pair.b}"]`);
    await expect(row.locator('[data-stat="meanDiff"]')).toHaveText(formatNumber(auc.pairedT.meanDifference));
    await expect(row.locator('[data-stat="ci"]')).toHaveText(formatInterval(auc.pairedT.ci));
    await expect(row.locator('[data-stat="tP"]')).toHaveText(formatP(auc.pairedT.p));
    await expect(row.locator('[data-stat="wP"]')).toHaveText(formatP(auc.wilcoxon.p));
    await expect(row.locator('[data-stat="ratio"]')).toHaveText(formatNumber(auc.pitmanMorgan.ratio));
    await expect(row.locator('[data-stat="ratioCi"]')).toHaveText(formatInterval(auc.pitmanMorgan.ci));
    await expect(row.locator('[data-stat="pmP"]')).toHaveText(formatP(auc.pitmanMorgan.p));
  }
  const qnn = stored.statistics.methods.find((m) => m.method === 'qnn-mice')!;
  const aucRow = page.locator('[data-testid="side-row"][data-key="auc"]');
  await expect(aucRow).toContainText(`${formatNumber(qnn.summary.auc.mean)} ± ${formatNumber(qnn.summary.auc.sd)}`);
  await screenshot(page, 'compare-saved');

  // Listed on /compare, and opened from there.
  await page.goto('/#/compare');
  await expect(page.getByTestId('saved-comparison').filter({ hasText: 'pbc sample: QNN vs classical' })).toHaveCount(1);
  await page.getByRole('link', { name: 'pbc sample: QNN vs classical' }).click();
  await expect(page).toHaveURL(new RegExp(`#/comparisons/${id}$`));
});

test('a saved comparison whose run was deleted opens with its numbers and names the run', async ({ page, host }) => {
  test.setTimeout(120_000);
  const other = await experiment(host, { methods: ['mean', 'mice'], seeds: [1, 2], mask: { mechanism: 'mcar', rate: 0.3 } });
  // Two runs with different masks and seeds: allowed, with the warnings shown.
  await page.goto(`/#/compare?runs=${experimentId},${other}`);
  await expect(page.getByTestId('comparison-warnings')).toContainText('different cells');
  await expect(page.getByTestId('comparison-warnings')).toContainText('Not every method has the same seeds');
  const saved = await ok<ComparisonDetail>(host, 'comparisons.save', { name: 'two masks', runs: [experimentId, other] });
  await ok(host, 'runs.delete', { id: other });
  await page.goto(`/#/comparisons/${saved.id}`);
  await expect(page.getByTestId('comparison-missing-runs')).toContainText(`#${other}`);
  await expect(page.getByTestId('compared-method')).toHaveCount(5);
  const list = await ok<ComparisonSummary[]>(host, 'comparisons.list');
  expect(list.find((c) => c.id === saved.id)?.missingRunIds).toEqual([other]);
  await screenshot(page, 'compare-deleted-run');

  // A run that does not exist: the refusal names it.
  await page.goto('/#/compare?runs=424242');
  await expect(page.getByTestId('error-message')).toContainText('Run 424242 does not exist');
  // An address that is not a list of ids.
  await page.goto('/#/compare?runs=abc');
  await expect(page.getByTestId('compare-address-problem')).toContainText('“abc” in the address is not a run id');
});
