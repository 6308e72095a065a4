// Benchmark (issue 11): "with 10,000 runs and 1,000,000 metric points, a run page opens in under 300 ms in the web
// host (route change to content in the DOM, fetch included); a chart of 100,000 points stays responsive".
// Seeds a database with bench/runs.ts's seeding (10,000 runs with experiments' children, one 1,000,000-step loss
// series) plus a training of 100,000 steps with its layer starts, starts the real web host on it, opens the built
// renderer in headless Chromium and measures in the page, from the router's route-change mark to the run page's
// `run-page-rendered` mark (set once the run, its charts' series, log and children are fetched and in the DOM):
//   open: a run page opened from the About page of a fresh page, median (and max) over COLD_RUNS, for the
//         1,000,000-step run (its loss downsampled by the host to 2,000 points), the 100,000-step training, and an
//         experiment with 8 child runs (each child's result fetched);
//   zoom: on the 100,000-step loss chart, ZOOMS wheel steps in and then out (ECharts' inside dataZoom) while a
//         requestAnimationFrame loop records frame intervals: median, p95 and max frame, frames over 50 ms.
// Run alone: `npx tsx e2e/bench-run-page.ts` (needs `npx electron-vite build` first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { seedMillionSteps, seedRuns } from '../bench/runs.ts';
import { openBackend } from '../electron/backend/backend.ts';
import { TRAIN_METRICS } from '../electron/contract/runs.ts';
import { startWebHost, waitForIdleEngine } from './web-host.ts';

const COLD_RUNS = 5;
const ZOOMS = 12;
const STEPS = 100_000;
const ROUTE_CHANGE_MARK = 'route-change-start';
const RUN_PAGE_RENDERED_MARK = 'run-page-rendered';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))];
const round = (x: number) => Math.round(x * 10) / 10;

/** The database; the ids of the runs to open. */
function seedDatabase(path: string): { million: number; training: number; experiment: number; runs: number; points: number } {
  const backend = openBackend({ databasePath: path, transport: 'http', version: 'bench', seedSamples: false });
  try {
    seedRuns(backend);
    const million = seedMillionSteps(backend);
    // A finished training of 100,000 steps over 4 layers: loss, circuits and kept fraction per step, the layer starts.
    const config = { qubits: 16, layers: 4, samples: 2_000, batch: 8, epochs: 100, shots: 1000 };
    const training = backend.runs.create({ kind: 'train', name: 'bench: 100,000-step training', config, status: 'succeeded', tags: ['bench'] });
    for (let from = 1; from <= STEPS; from += 20_000) {
      const points = [];
      for (let step = from; step < from + 20_000 && step <= STEPS; step++) {
        const layer = 1 + Math.floor(((step - 1) * 4) / STEPS);
        points.push(
          { name: TRAIN_METRICS.loss, step, value: 0.2 * Math.exp(-step / 4e4) + 0.05 + 0.03 * Math.sin(step * 1.7) },
          { name: TRAIN_METRICS.circuits, step, value: step * 32 },
          { name: TRAIN_METRICS.keptFraction, step, value: 0.9 + 0.05 * Math.sin(step / 300) },
        );
        if ((step - 1) % (STEPS / 4) === 0) points.push({ name: TRAIN_METRICS.layerStart, step, value: layer });
      }
      backend.runs.appendMetrics(training, points);
    }
    const experiment = (
      backend.runs.db
        .prepare("SELECT id FROM runs WHERE kind = 'experiment' AND (SELECT COUNT(*) FROM runs c WHERE c.parent_id = runs.id) = 8 LIMIT 1")
        .get() as {
        id: number;
      }
    ).id;
    const count = (sql: string) => (backend.runs.db.prepare(sql).get() as { n: number }).n;
    return { million, training, experiment, runs: count('SELECT COUNT(*) AS n FROM runs'), points: count('SELECT COUNT(*) AS n FROM run_metrics') };
  } finally {
    backend.close();
  }
}

/** Opens run `id` from the About page of a fresh page; the in-page time from the route change to the rendered mark. */
async function openRun(page: Page, url: string, id: number): Promise<{ ms: number; chartPoints: number | null }> {
  await page.goto(`${url}/#/about`);
  await page.reload();
  await page.getByTestId('app-info').waitFor();
  await page.evaluate((to) => {
    location.hash = `#/runs/${to}`;
  }, id);
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, RUN_PAGE_RENDERED_MARK);
  return page.evaluate(
    ([from, to]) => {
      const m = performance.measure('run-page', from, to);
      performance.clearMeasures('run-page');
      const chart = document.querySelector('[data-testid=loss-chart]');
      return { ms: m.duration, chartPoints: chart ? Number(chart.getAttribute('data-points')) : null };
    },
    [ROUTE_CHANGE_MARK, RUN_PAGE_RENDERED_MARK] as const,
  );
}

/** Wheel zooms on the loss chart, in then out, while the page records its frame intervals. */
async function zoomFrames(page: Page): Promise<number[]> {
  const chart = page.getByTestId('loss-chart');
  await chart.locator('canvas').first().waitFor();
  const box = (await chart.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  // A string: tsx would wrap a named function in a helper the page does not have.
  await page.evaluate(`(() => {
    window.benchFrames = [];
    window.benchStop = false;
    let last = performance.now();
    const tick = (t) => {
      window.benchFrames.push(t - last);
      last = t;
      if (!window.benchStop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  for (const direction of [-1, 1]) {
    for (let k = 0; k < ZOOMS; k++) {
      await page.mouse.wheel(0, direction * 120);
      await page.waitForTimeout(60);
    }
  }
  await page.waitForTimeout(200);
  return page.evaluate(() => {
    const w = window as unknown as { benchFrames: number[]; benchStop: boolean };
    w.benchStop = true;
    return w.benchFrames.slice(1);
  });
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'qnnlab-bench-run-page-'));
  const databasePath = join(dir, 'runs.db');
  const seeded = seedDatabase(databasePath);
  const host = await startWebHost({ label: 'bench', args: ['--db', databasePath] });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    await waitForIdleEngine(host);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addCookies([host.cookie]);
    const page = await context.newPage();

    const figures: Record<string, unknown> = { run_page_runs: seeded.runs, run_page_metric_points: seeded.points };
    for (const [label, id] of [
      ['million', seeded.million],
      ['100k_training', seeded.training],
      ['experiment', seeded.experiment],
    ] as const) {
      const times: number[] = [];
      let chartPoints: number | null = null;
      for (let i = 0; i < COLD_RUNS; i++) {
        const opened = await openRun(page, host.url, id);
        times.push(opened.ms);
        chartPoints = opened.chartPoints;
      }
      figures[`run_page_open_${label}_ms`] = round(median(times));
      figures[`run_page_open_${label}_max_ms`] = round(Math.max(...times));
      if (chartPoints !== null) figures[`run_page_open_${label}_chart_points`] = chartPoints;
    }

    await openRun(page, host.url, seeded.training);
    const frames = await zoomFrames(page);
    figures.run_page_zoom_100k_frames = frames.length;
    figures.run_page_zoom_100k_frame_median_ms = round(median(frames));
    figures.run_page_zoom_100k_frame_p95_ms = round(percentile(frames, 0.95));
    figures.run_page_zoom_100k_frame_max_ms = round(Math.max(...frames));
    figures.run_page_zoom_100k_frames_over_50ms = frames.filter((f) => f > 50).length;
    return figures;
  } finally {
    await browser.close();
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
