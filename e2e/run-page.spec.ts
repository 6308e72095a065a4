// The run page, live and finished: a toy training started through the API is watched as it runs (the progress bar
// moves, the loss chart grows with its layer boundaries), then shows its configuration, charts, circuit and the
// downloads of its OpenQASM and IonQ JSON, which equal what the qnnlab command exports; a running run is cancelled
// from its page and resumed; an imputation experiment shows its seeds and results. Screenshots go to .scratch/shots/q2/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { RunDetail } from '../electron/contract/runs.ts';
import { expect, rpc, test } from './fixtures.ts';
import type { WebHost } from './web-host.ts';

const SHOTS = '.scratch/shots/q2';
mkdirSync(SHOTS, { recursive: true });

test.describe.configure({ mode: 'serial' });

/** What the qnnlab command prints (run as a process, as a user runs it). */
function qnnlab(...args: string[]): string {
  return execFileSync(process.execPath, ['bin/qnnlab.mjs', ...args], { encoding: 'utf8' });
}

async function startRun(host: WebHost, kind: string, config: Record<string, unknown>): Promise<RunDetail> {
  const started = await rpc<RunDetail>(host, 'runs.start', { kind, config });
  if (!started.ok) throw new Error(`runs.start failed: ${started.error.message}`);
  return started.value;
}

async function percentOf(page: Page): Promise<number> {
  return Number(await page.getByTestId('run-progress-bar').getAttribute('aria-valuenow'));
}

/** Steps the loss chart covers (its points are downsampled to at most 2,000 by the host). */
async function lossSteps(page: Page): Promise<number> {
  return Number(await page.getByTestId('loss-chart').getAttribute('data-steps'));
}

test('a training live then finished: progress, a growing loss chart, config, circuit and its downloads as the CLI writes them', async ({ page, host }) => {
  test.setTimeout(120_000);
  // 8 qubits, 3 layers, 256 samples in batches of 8, 150 epochs per layer: 14,400 steps, several seconds with shots.
  const config = { qubits: 8, layers: 3, samples: 256, batch: 8, epochs: 150, shots: 200, seed: 7 };
  const run = await startRun(host, 'train', config);
  await page.goto(`/#/runs/${run.id}`);
  await expect(page.getByTestId('run-name')).toContainText('train toy task, 8 qubits, 3 layers');

  // Live: the bar moves and the chart grows.
  await expect.poll(() => percentOf(page), { timeout: 20_000 }).toBeGreaterThan(0);
  const firstPercent = await percentOf(page);
  await expect.poll(() => lossSteps(page), { timeout: 20_000 }).toBeGreaterThan(0);
  const firstSteps = await lossSteps(page);
  await expect(page.getByTestId('run-elapsed')).toContainText('Elapsed');
  await expect(page.getByTestId('run-remaining')).toContainText(/Remaining (about|estimating|under a second)/);
  await expect.poll(() => percentOf(page), { timeout: 20_000 }).toBeGreaterThan(firstPercent);
  await expect.poll(() => lossSteps(page), { timeout: 20_000 }).toBeGreaterThan(firstSteps);
  await page.screenshot({ path: `${SHOTS}/run-live.png`, fullPage: true });

  // Finished.
  await expect(page.getByTestId('run-status')).toHaveText('succeeded', { timeout: 90_000 });
  const detail = await rpc<RunDetail>(host, 'runs.get', { id: run.id });
  if (!detail.ok) throw new Error(detail.error.message);
  const result = detail.value.result as { parameters: number[]; finalLoss: number };
  // Layer boundaries: layers 2 and 3 start after 4,800 and 9,600 steps.
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-boundaries', '2');
  await expect(page.getByTestId('train-summary')).toBeVisible();
  await expect(page.getByTestId('config-qubits')).toContainText('8');
  await expect(page.getByTestId('config-epochs')).toContainText('150');
  await expect(page.getByTestId('run-seeds')).toHaveText('7');
  await expect(page.getByTestId('run-command')).toContainText(
    'qnnlab run start train --qubits 8 --layers 3 --samples 256 --epochs 150 --batch 8 --shots 200 --seed 7',
  );
  await expect(page.getByTestId('circuit-gate')).toHaveCount(result.parameters.length);
  await expect(page.getByTestId('circuit-cost')).toContainText('Per-parameter rule');
  await page.screenshot({ path: `${SHOTS}/run-finished.png`, fullPage: true });

  // Zooming into the downsampled loss reads the zoomed steps again at full detail.
  const shown = Number(await page.getByTestId('loss-chart').getAttribute('data-points'));
  expect(shown).toBeLessThanOrEqual(2000);
  const detailRead = page.waitForRequest((q) => q.url().endsWith('/api/rpc/runs.metrics') && (q.postData() ?? '').includes('fromStep'));
  const chart = (await page.getByTestId('loss-chart').boundingBox())!;
  await page.mouse.move(chart.x + chart.width / 2, chart.y + chart.height / 2);
  for (let k = 0; k < 6; k++) await page.mouse.wheel(0, -120);
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-zoom', /\d/);
  await detailRead;
  await expect.poll(async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThan(shown);

  const params = JSON.stringify(result.parameters);
  const qasmDownload = page.waitForEvent('download');
  await page.getByTestId('download-qasm').click();
  const qasm = readFileSync((await (await qasmDownload).path())!, 'utf8');
  expect(qasm).toBe(qnnlab('circuit', '--qubits', '8', '--layers', '3', '--params', params, '--format', 'qasm'));

  await page.getByTestId('circuit-device').selectOption('ionq-forte');
  const ionqDownload = page.waitForEvent('download');
  await page.getByTestId('download-ionq').click();
  const ionq = readFileSync((await (await ionqDownload).path())!, 'utf8');
  expect(ionq).toBe(
    qnnlab('compile', '--qubits', '8', '--layers', '3', '--params', params, '--backend', 'ionq-forte', '--format', 'ionq-json', '--db', host.databasePath),
  );
});

test('Cancel stops a running run after confirmation; Resume continues it', async ({ page, host }) => {
  const run = await startRun(host, 'train', { qubits: 8, layers: 3, samples: 256, batch: 8, epochs: 5000, shots: 100 });
  await page.goto(`/#/runs/${run.id}`);
  await expect.poll(() => percentOf(page), { timeout: 20_000 }).toBeGreaterThan(0);
  await page.getByTestId('cancel-run').click();
  await expect(page.getByTestId('confirm-dialog')).toContainText('Resume continues it');
  await page.getByTestId('confirm-button').click();
  await expect(page.getByTestId('run-status')).toHaveText('cancelled', { timeout: 20_000 });
  await expect(page.getByTestId('run-failure')).toContainText('cancelled');
  await expect(page.getByTestId('cancel-run')).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/run-cancelled.png`, fullPage: true });
  const stopped = await percentOf(page);

  await page.getByTestId('resume-run').click();
  await expect(page.getByTestId('run-status')).toHaveText(/queued|running/);
  await expect.poll(() => percentOf(page), { timeout: 20_000 }).toBeGreaterThan(stopped);
  const cancelled = await rpc<RunDetail>(host, 'runs.cancel', { id: run.id });
  expect(cancelled.ok).toBe(true);
  await expect(page.getByTestId('run-status')).toHaveText('cancelled', { timeout: 20_000 });
});

test('an imputation experiment: seeds fill in, then results, AUC per seed, NRMSE per column and convergence', async ({ page, host }) => {
  const datasets = await rpc<{ id: number; name: string }[]>(host, 'datasets.list');
  if (!datasets.ok) throw new Error(datasets.error.message);
  const pbc = datasets.value.find((d) => d.name === 'pbc (sample)')!;
  const run = await startRun(host, 'experiment', {
    datasetId: pbc.id,
    outcome: 'death',
    exclude: ['id', 'time'],
    methods: ['mean', { name: 'mice', options: { maxCycles: 3 } }],
    mask: { mechanism: 'mcar', rate: 0.2 },
    seeds: [1, 2],
    folds: 3,
  });
  await page.goto(`/#/runs/${run.id}`);
  await expect(page.getByTestId('seed-progress')).toBeVisible();
  await expect(page.getByTestId('run-status')).toHaveText('succeeded', { timeout: 60_000 });
  await expect(page.getByTestId('seed-progress')).toContainText('2 of 2 seeds done');
  await expect(page.getByTestId('method-mice')).toBeVisible();
  await expect(page.getByTestId('auc-seeds-chart')).toBeVisible();
  await expect(page.getByTestId('nrmse-columns-chart')).toBeVisible();
  await expect(page.getByTestId('convergence-chart')).toBeVisible();
  await expect(page.getByTestId('run-command')).toContainText(
    `qnnlab run start experiment --dataset ${pbc.id} --outcome death --exclude id,time --methods mean,mice`,
  );
  await page.screenshot({ path: `${SHOTS}/run-experiment.png`, fullPage: true });

  // One of its (method, seed) runs: its scores, per-column NRMSE and convergence, and the way back.
  await page.getByTestId('child-link').filter({ hasText: 'mice, seed 2' }).click();
  await expect(page.getByTestId('run-name')).toHaveText('mice, seed 2');
  await expect(page.getByTestId('method-mice')).toContainText('mice');
  await expect(page.getByTestId('convergence-chart')).toBeVisible();
  await expect(page.getByTestId('run-metrics')).toContainText('nrmse/bili');
  await expect(page.getByTestId('run-command-parent')).toContainText('recorded by its experiment');
  await page.screenshot({ path: `${SHOTS}/run-imputation-child.png`, fullPage: true });
  await page.getByTestId('parent-link').click();
  await expect(page.getByTestId('run-name')).toContainText('pbc (sample): mean, mice');
});

test('a run that does not exist says so and leads back to the runs', async ({ page }) => {
  await page.goto('/#/runs/999999');
  await expect(page.getByTestId('run-not-found')).toContainText('does not exist');
});
