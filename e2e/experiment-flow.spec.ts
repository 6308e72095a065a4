// The whole path a lab operator takes, in the app against the real web host: import the clinical table (pbc), start an
// imputation experiment from its page (mean, mice and qnn-mice, 2 seeds), watch the progress bar move and the QNN's
// loss chart grow, compare its methods and save the comparison, export it as HTML and the run as PDF and find in them
// the numbers the database holds and no external reference; then run it again, kill its worker mid-run, see it marked
// interrupted, resume it from its page, and get the same scores as the uninterrupted run.
import { mkdirSync, readFileSync } from 'node:fs';
import type { ComparisonDetail } from '../electron/contract/comparisons.ts';
import type { RunDetail, RunPage } from '../electron/contract/runs.ts';
import { externalReferences } from '../electron/backend/reports/document.ts';
import { pdfText } from '../test-support/pdf-text.ts';
import { formatNumber } from '../renderer/src/lib/format.ts';
import { expect, importThroughUi, openList, rpc, test, type Page } from './fixtures.ts';
import type { WebHost } from './web-host.ts';

const SHOTS = '.scratch/shots/flow';
const PBC = new URL('../../shared/data/pbc.csv', import.meta.url).pathname;

test.describe.configure({ mode: 'serial' });

async function ok<T>(host: WebHost, channel: string, request: unknown = {}): Promise<T> {
  const r = await rpc<T>(host, channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

const percent = async (page: Page) => Number(await page.getByTestId('run-progress-bar').getAttribute('aria-valuenow'));
const lossSteps = async (page: Page) => Number((await page.getByTestId('experiment-loss-chart').getAttribute('data-steps')) ?? 0);
const runIdOf = (page: Page) => Number(/#\/runs\/(\d+)$/.exec(page.url())![1]);

/** The names of an experiment's (method, seed) runs. */
async function childNames(host: WebHost, id: number): Promise<unknown[]> {
  const children = await ok<RunPage>(host, 'runs.list', { parentId: id, limit: 100, sort: 'createdAt', order: 'asc' });
  return children.runs.map((c) => c.name).sort();
}

let experimentId: number;

test('import pbc, run an experiment with qnn-mice, watch it, compare its methods, export HTML and PDF with the database numbers', async ({ page, host }) => {
  test.setTimeout(240_000);
  await openList(page);
  await importThroughUi(page, PBC, { name: 'pbc (lab)', outcome: 'death' });
  await page.getByTestId('dataset-link').filter({ hasText: 'pbc (lab)' }).click();
  await expect(page).toHaveURL(/#\/datasets\/\d+$/);

  await page.getByTestId('run-experiment').click();
  await expect(page.getByTestId('kind-experiment')).toHaveClass(/active/);
  await page.getByTestId('exp-outcome').selectOption('death');
  for (const column of ['id', 'time']) {
    const box = page.getByTestId('exp-exclude').getByLabel(column, { exact: true });
    if (!(await box.isChecked())) await box.check();
  }
  await page.getByTestId('method-qnn-mice').locator('input').check();
  // Longer QNN trainings than the default, so the run lasts long enough to be watched (and killed) mid-way.
  await page.getByTestId('opt-qnn-mice-epochsPerLayer').fill('8');
  await page.getByTestId('exp-seeds').fill('1-2');
  await page.getByTestId('exp-folds').fill('3');
  await expect(page.getByTestId('check-status')).toHaveText('Checked by the host');
  await page.getByTestId('start-run').click();
  await expect(page).toHaveURL(/#\/runs\/\d+$/);
  experimentId = runIdOf(page);

  // Live: the bar moves and the QNN's training loss grows, one line per seed.
  await expect.poll(() => percent(page), { timeout: 60_000, intervals: [100] }).toBeGreaterThan(0);
  const firstPercent = await percent(page);
  await expect.poll(() => lossSteps(page), { timeout: 60_000, intervals: [100] }).toBeGreaterThan(0);
  const firstSteps = await lossSteps(page);
  await expect.poll(() => percent(page), { timeout: 60_000, intervals: [100] }).toBeGreaterThan(firstPercent);
  await expect.poll(() => lossSteps(page), { timeout: 60_000, intervals: [100] }).toBeGreaterThan(firstSteps);
  await shot(page, 'experiment-live');
  await expect(page.getByTestId('run-status')).toHaveText('succeeded', { timeout: 180_000 });
  const run = await ok<RunDetail>(host, 'runs.get', { id: experimentId });
  expect(run.config).toMatchObject({
    outcome: 'death',
    seeds: [1, 2],
    folds: 3,
    methods: ['mean', 'mice', { name: 'qnn-mice', options: { epochsPerLayer: 8 } }],
  });
  await expect(page.getByTestId('experiment-loss-chart')).toHaveAttribute('data-lines', '2');
  await shot(page, 'experiment-finished');

  // Its methods compared: three pairs over the same two seeds, QNN marked; saved under a name.
  await page.getByTestId('compare-methods').click();
  await expect(page).toHaveURL(new RegExp(`#/compare\\?runs=${experimentId}$`));
  await expect(page.getByTestId('compared-method')).toHaveCount(3);
  await expect(page.getByTestId('pair-row')).toHaveCount(3);
  await page.getByTestId('comparison-save').click();
  await page.getByTestId('comparison-name-input').fill('pbc: QNN against the baselines');
  await page.getByTestId('comparison-name-submit').click();
  await expect(page).toHaveURL(/#\/comparisons\/\d+$/);
  const comparisonId = Number(/comparisons\/(\d+)$/.exec(page.url())![1]);
  const stored = await ok<ComparisonDetail>(host, 'comparisons.get', { id: comparisonId });
  expect(stored.statistics.methods.map((m) => [m.label, m.quantum])).toEqual([
    ['mean', false],
    ['mice', false],
    ['qnn-mice', true],
  ]);
  await shot(page, 'comparison-saved');

  // The comparison as one HTML file: the stored p-values and intervals, nothing external.
  const exporter = page.getByTestId('export-report');
  await exporter.getByTestId('report-format').selectOption('html');
  await exporter.getByTestId('report-export').click();
  await expect(exporter.getByTestId('report-saved')).toContainText(/saved \(HTML\)/);
  const [htmlDownload] = await Promise.all([page.waitForEvent('download'), exporter.getByTestId('report-download').click()]);
  const html = readFileSync((await htmlDownload.path())!, 'utf8');
  expect(externalReferences(html)).toEqual([]);
  const auc = stored.statistics.pairs.map((p) => p.metrics.find((m) => m.metric === 'auc')!);
  expect(auc).toHaveLength(3);
  const cells: string[] = [];
  for (const m of auc) {
    for (const v of [m.pairedT.p, m.pairedT.t, m.wilcoxon.p, m.pitmanMorgan.p]) if (v !== null) cells.push(`data-value="${v}">${formatNumber(v)}<`);
    if (m.pairedT.ci) cells.push(`[${formatNumber(m.pairedT.ci[0])}, ${formatNumber(m.pairedT.ci[1])}]`);
  }
  expect(cells.length).toBeGreaterThanOrEqual(9);
  expect(
    cells.filter((c) => !html.includes(c)),
    'stored statistics missing from the HTML report',
  ).toEqual([]);

  // The run as PDF: its per-method NRMSE means as stored, in the PDF's text.
  await page.goto(`/#/runs/${experimentId}`);
  const runExporter = page.getByTestId('export-report');
  await runExporter.getByTestId('report-format').selectOption('pdf');
  await runExporter.getByTestId('report-export').click();
  await expect(runExporter.getByTestId('report-saved')).toContainText(/saved \(PDF\)/, { timeout: 90_000 });
  const [pdfDownload] = await Promise.all([page.waitForEvent('download'), runExporter.getByTestId('report-download').click()]);
  const pdf = readFileSync((await pdfDownload.path())!);
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const text = pdfText(pdf).join('\n');
  const methods = (run.result as { methods: Record<string, { nrmse: { mean: number } }> }).methods;
  for (const name of ['mean', 'mice', 'qnn-mice']) expect(text).toContain(formatNumber(methods[name].nrmse.mean));
  expect(await childNames(host, experimentId)).toHaveLength(6);
});

test('run again, the worker killed mid-run: interrupted, resumed from the page, the same scores as the run before', async ({ page, host }) => {
  test.setTimeout(240_000);
  await page.goto(`/#/runs/${experimentId}`);
  await page.getByTestId('run-again').click();
  await expect(page).toHaveURL(new RegExp(`#/runs/new\\?from=${experimentId}$`));
  await expect(page.getByTestId('check-status')).toHaveText('Checked by the host');
  await page.getByTestId('start-run').click();
  await expect(page).toHaveURL(/#\/runs\/\d+$/);
  const id = runIdOf(page);
  expect(id).not.toBe(experimentId);

  // Killed mid-run, once it has made progress (the seeds it finished are kept; the rest run again on resume).
  await expect
    .poll(
      async () => {
        const r = await ok<RunDetail>(host, 'runs.get', { id });
        return r.workerPid !== null && (r.progress ?? 0) > 0;
      },
      { timeout: 60_000, intervals: [50] },
    )
    .toBe(true);
  const pid = (await ok<RunDetail>(host, 'runs.get', { id })).workerPid!;
  process.kill(pid, 'SIGKILL');
  await expect(page.getByTestId('run-status')).toHaveText('interrupted', { timeout: 30_000 });
  await expect(page.getByTestId('run-failure')).toContainText(/SIGKILL|signal/i);
  await shot(page, 'experiment-interrupted');

  await page.getByTestId('resume-run').click();
  await expect(page.getByTestId('run-status')).toHaveText('succeeded', { timeout: 180_000 });
  const [first, again] = await Promise.all([ok<RunDetail>(host, 'runs.get', { id: experimentId }), ok<RunDetail>(host, 'runs.get', { id })]);
  const scores = (r: RunDetail) =>
    (r.result as { seeds: { seed: number; method: string; nrmse: number; auc: number | null }[] }).seeds.map(({ seed, method, nrmse, auc }) => ({
      seed,
      method,
      nrmse,
      auc,
    }));
  expect(scores(again)).toEqual(scores(first));
  expect(await childNames(host, id)).toEqual(await childNames(host, experimentId));
});
