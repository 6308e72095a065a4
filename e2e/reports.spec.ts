// Reports in the app against the real web host: an imputation experiment on the bundled pbc sample (mean and mice,
// 2 seeds) run through the API; from its run page an HTML report is exported, opened in a new tab (served under its
// own sandboxed policy) with the scores the database holds and no external reference; a PDF is exported and
// downloaded; both are listed on the Reports page and reopened from there; a saved comparison's JSON report carries
// its stored statistics.
import { mkdirSync, readFileSync } from 'node:fs';
import type { ComparisonDetail } from '../electron/contract/comparisons.ts';
import type { DatasetSummary } from '../electron/contract/datasets.ts';
import type { ReportSummary } from '../electron/contract/reports.ts';
import type { MetricSeries, RunDetail, RunPage } from '../electron/contract/runs.ts';
import { externalReferences } from '../electron/backend/reports/document.ts';
import { pdfPageCount } from '../electron/backend/reports/pdf.ts';
import { formatNumber } from '../renderer/src/lib/format.ts';
import { expect, rpc, test, type Page } from './fixtures.ts';
import type { WebHost } from './web-host.ts';

const SHOTS = '.scratch/shots/R';

async function ok<T>(host: WebHost, channel: string, request: unknown = {}): Promise<T> {
  const r = await rpc<T>(host, channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** Each child run's NRMSE, as the database holds it. */
async function storedNrmse(host: WebHost, experimentId: number): Promise<number[]> {
  const children = await ok<RunPage>(host, 'runs.list', { parentId: experimentId, limit: 100 });
  const values: number[] = [];
  for (const child of children.runs) {
    const [series] = await ok<MetricSeries[]>(host, 'runs.metrics', { id: child.id, names: ['nrmse'] });
    values.push(series.points[0][1]!);
  }
  return values;
}

test.describe.configure({ mode: 'serial' });
let experimentId: number;

test('export a run report as HTML and PDF from its page, open it, see both listed and reopen them', async ({ page, host, context }) => {
  test.setTimeout(180_000);
  const datasets = await ok<DatasetSummary[]>(host, 'datasets.list');
  const pbc = datasets.find((d) => d.name === 'pbc (sample)')!;
  const started = await ok<RunDetail>(host, 'runs.start', {
    kind: 'experiment',
    config: {
      datasetId: pbc.id,
      outcome: 'death',
      exclude: ['id', 'time'],
      methods: ['mean', 'mice'],
      mask: { mechanism: 'mcar', rate: 0.2 },
      seeds: [1, 2],
      folds: 2,
    },
  });
  experimentId = started.id;
  await expect.poll(async () => (await ok<RunDetail>(host, 'runs.get', { id: experimentId })).status, { timeout: 120_000, intervals: [500] }).toBe('succeeded');
  const nrmse = await storedNrmse(host, experimentId);
  expect(nrmse).toHaveLength(4);

  await page.goto(`/#/runs/${experimentId}`);
  const exporter = page.getByTestId('export-report');
  await expect(exporter).toBeVisible();
  await exporter.getByTestId('report-format').selectOption('html');
  await exporter.getByTestId('report-export').click();
  await expect(exporter.getByTestId('report-saved')).toContainText(/Report \d+ saved \(HTML\)/);
  await screenshot(page, 'run-page-exported');

  // Opened in a new tab: the report itself, from the host, with the database's numbers and nothing external.
  const [tab] = await Promise.all([context.waitForEvent('page'), exporter.getByTestId('report-open').click()]);
  await tab.waitForLoadState();
  expect(tab.url()).toMatch(new RegExp(`^${host.url}/api/reports/\\d+$`));
  await expect(tab.locator('h1')).toHaveText(/^Imputation experiment: pbc \(sample\): mean, mice/);
  const html = await tab.content();
  for (const v of nrmse) expect(html).toContain(`data-value="${v}">${formatNumber(v)}</td>`);
  const served = await page.request.get(tab.url());
  expect(externalReferences(await served.text())).toEqual([]);
  expect(served.headers()['content-security-policy']).toMatch(/sandbox/);
  await tab.screenshot({ path: `${SHOTS}/report-tab.png`, fullPage: true });
  await tab.close();

  // PDF: exported, then downloaded from its link.
  await exporter.getByTestId('report-format').selectOption('pdf');
  await exporter.getByTestId('report-export').click();
  await expect(exporter.getByTestId('report-saved')).toContainText(/Report \d+ saved \(PDF\)/, { timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), exporter.getByTestId('report-download').click()]);
  const pdf = readFileSync((await download.path())!);
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(pdfPageCount(pdf)).toBeGreaterThanOrEqual(1);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^run-${experimentId}-.*\\.pdf$`));

  // The Reports page lists both, newest first, linked to the run; the HTML one reopens.
  await page.getByTestId('nav-reports').click();
  await expect(page).toHaveURL(/#\/reports$/);
  const rows = page.getByTestId('reports-table').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('PDF');
  await expect(rows.nth(1)).toContainText('HTML');
  await expect(rows.nth(1).getByRole('link', { name: `Run ${experimentId}` })).toBeVisible();
  await screenshot(page, 'reports-page');
  const [again] = await Promise.all([context.waitForEvent('page'), rows.nth(1).getByTestId('report-open').click()]);
  await expect(again.locator('h1')).toHaveText(/^Imputation experiment/);
  await again.close();
  const listed = await ok<ReportSummary[]>(host, 'reports.list');
  expect(listed.map((r) => [r.format, r.runId, r.stored])).toEqual([
    ['pdf', experimentId, true],
    ['html', experimentId, true],
  ]);
});

test('a saved comparison exported as JSON carries its stored statistics; forgetting a report removes it from the list', async ({ page, host }) => {
  const saved = await ok<ComparisonDetail>(host, 'comparisons.save', { name: 'mean vs mice', runs: [experimentId] });
  await page.goto(`/#/comparisons/${saved.id}`);
  const exporter = page.getByTestId('export-report');
  await exporter.getByTestId('report-format').selectOption('json');
  await exporter.getByTestId('report-export').click();
  await expect(exporter.getByTestId('report-saved')).toContainText(/saved \(JSON\)/);
  const [download] = await Promise.all([page.waitForEvent('download'), exporter.getByTestId('report-download').click()]);
  const json = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { statistics: ComparisonDetail['statistics'] };
  const stored = await ok<ComparisonDetail>(host, 'comparisons.get', { id: saved.id });
  expect(json.statistics).toEqual(stored.statistics);

  await page.goto('/#/reports');
  const rows = page.getByTestId('reports-table').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0).getByRole('link', { name: `Comparison ${saved.id}` })).toBeVisible();
  await rows
    .nth(0)
    .getByRole('button', { name: /Forget report/ })
    .click();
  await expect(rows).toHaveCount(2);
});
