// Benchmark (issue 11): "with 10,000 runs and 1,000,000 metric points, the runs list opens in under 300 ms in the web
// host (route change to content in the DOM, fetch included)", and scrolling the 10,000 rows stays smooth.
// Seeds a database with bench/runs.ts's seeding (10,000 runs with experiments' children, one 1,000,000-step series),
// starts the real web host on it, opens the built renderer in headless Chromium and measures in the page, from the
// router's route-change mark to the runs view's `runs-list-rendered` mark (set once the first rows are in the DOM):
//   cold: navigation to the list from the About page of a fresh page (the store is empty: fetch, render), median
//         (and max) over COLD_RUNS fresh pages;
//   warm: later navigations (the store keeps its rows and refetches the first page);
//   scroll: the table scrolled from the first to the last run, SCROLL_PX per animation frame, then back up: the
//         frame intervals (median, p95, max, frames over 50 ms), the rows in the DOM (the virtualiser keeps them
//         few) and the rows still loading when the scroll ended.
// Run alone: `npx tsx e2e/bench-runs-list.ts` (needs `npx electron-vite build` first).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { seedMillionSteps, seedRuns } from '../bench/runs.ts';
import { openBackend } from '../electron/backend/backend.ts';
import { startWebHost, waitForIdleEngine } from './web-host.ts';

const RUNS = 10_000;
const COLD_RUNS = 5;
const WARM_RUNS = 5;
const SCROLL_PX = 1_000;
const ROUTE_CHANGE_MARK = 'route-change-start';
const RUNS_LIST_RENDERED_MARK = 'runs-list-rendered';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round = (x: number) => Math.round(x * 10) / 10;

/** The database: bench/runs.ts's 10,000 runs and a run of 1,000,000 metric points. */
function seedDatabase(path: string): { runs: number; points: number; ms: number } {
  const t0 = performance.now();
  const backend = openBackend({ databasePath: path, transport: 'http', version: 'bench', seedSamples: false });
  try {
    seedRuns(backend);
    seedMillionSteps(backend);
    const count = (sql: string) => (backend.runs.db.prepare(sql).get() as { n: number }).n;
    return { runs: count('SELECT COUNT(*) AS n FROM runs'), points: count('SELECT COUNT(*) AS n FROM run_metrics'), ms: performance.now() - t0 };
  } finally {
    backend.close();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'qnnlab-bench-runs-ui-'));
  const databasePath = join(dir, 'runs.db');
  const seeded = seedDatabase(databasePath);
  if (seeded.runs < RUNS + 1) throw new Error(`seeded ${seeded.runs} runs, expected more than ${RUNS}`);
  // The last --db wins: the host opens the seeded database.
  const host = await startWebHost({ label: 'bench', args: ['--db', databasePath] });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    await waitForIdleEngine(host);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addCookies([host.cookie]);
    const page = await context.newPage();

    async function listFromOtherRoute(): Promise<{ ms: number; fetchMs: number; rows: number; total: string }> {
      await page.getByTestId('nav-about').click();
      await page.getByTestId('app-info').waitFor();
      await page.evaluate((mark) => performance.clearMarks(mark), RUNS_LIST_RENDERED_MARK);
      await page.getByTestId('nav-runs').click();
      await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, RUNS_LIST_RENDERED_MARK);
      return page.evaluate(
        ([from, to]) => {
          const m = performance.measure('runs-list', from, to);
          performance.clearMeasures('runs-list');
          const fetches = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/rpc/runs.list'));
          const fetchMs = fetches.length > 0 ? fetches[0].duration : 0;
          performance.clearResourceTimings();
          return {
            ms: m.duration,
            fetchMs,
            rows: document.querySelectorAll('[data-testid=run-row]').length,
            total: document.querySelector('[data-testid=runs-count]')?.textContent ?? '',
          };
        },
        [ROUTE_CHANGE_MARK, RUNS_LIST_RENDERED_MARK] as const,
      );
    }

    const colds: Awaited<ReturnType<typeof listFromOtherRoute>>[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      await page.goto(`${host.url}/#/about`);
      await page.reload();
      await page.getByTestId('app-info').waitFor();
      colds.push(await listFromOtherRoute());
    }
    const cold = colds[colds.length - 1];
    if (cold.rows === 0) throw new Error('the runs list showed no rows');
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) warm.push((await listFromOtherRoute()).ms);

    // Every run (experiments' children too: 10,000 rows), scrolled down and back up, one step per animation frame.
    const topLevel = cold.total;
    await page.getByTestId('runs-children').check();
    await page.waitForFunction((before) => document.querySelector('[data-testid=runs-count]')?.textContent !== before, topLevel);
    const allRows = (await page.getByTestId('runs-count').textContent()) ?? '';
    await page.waitForTimeout(500);
    // The main thread's busy time (Chromium's own counters): less dependent on the machine's load than frame times.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const busy = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const value = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
      return { task: value('TaskDuration'), script: value('ScriptDuration'), layout: value('LayoutDuration') + value('RecalcStyleDuration') };
    };
    const busyBefore = await busy();
    const scroll = await page.evaluate(async (step) => {
      const scroller = document.querySelector<HTMLElement>('[data-testid=runs-scroller]')!;
      const frames: number[] = [];
      let maxRows = 0;
      let placeholderFrames = 0;
      // No named functions in here: tsx would wrap them in a helper the page does not have.
      let last = await new Promise<number>((r) => requestAnimationFrame(r));
      for (const direction of [1, -1]) {
        for (;;) {
          const before = scroller.scrollTop;
          scroller.scrollTop = before + direction * step;
          const t = await new Promise<number>((r) => requestAnimationFrame(r));
          frames.push(t - last);
          last = t;
          maxRows = Math.max(maxRows, scroller.querySelectorAll('tbody tr').length);
          if (scroller.querySelector('tr.placeholder')) placeholderFrames++;
          if (scroller.scrollTop === before) break;
        }
      }
      // Back at the top: every run has been loaded on the way down.
      await new Promise((r) => setTimeout(r, 300));
      scroller.scrollTop = scroller.scrollHeight;
      await new Promise((r) => setTimeout(r, 300));
      return {
        frames,
        maxRows,
        placeholderFrames,
        placeholdersAtEnd: scroller.querySelectorAll('tr.placeholder').length,
        lastRowIndex: Number(scroller.querySelector('tbody tr[data-id]:last-of-type')?.getAttribute('data-row-index') ?? -1),
      };
    }, SCROLL_PX);
    const busyAfter = await busy();
    const perFrame = (k: 'task' | 'script' | 'layout') => round((busyAfter[k] - busyBefore[k]) / scroll.frames.length);
    const sorted = [...scroll.frames].sort((a, b) => a - b);

    return {
      runs_list_10k_open_ms: round(median(colds.map((c) => c.ms))),
      runs_list_10k_open_max_ms: round(Math.max(...colds.map((c) => c.ms))),
      runs_list_10k_open_warm_ms: round(median(warm)),
      runs_list_10k_fetch_ms: round(median(colds.map((c) => c.fetchMs))),
      runs_list_10k_rows_in_dom: cold.rows,
      runs_list_10k_top_level_runs: cold.total,
      runs_list_scroll_rows: allRows,
      runs_list_10k_seed_runs: seeded.runs,
      runs_list_10k_seed_metric_points: seeded.points,
      runs_list_10k_seed_ms: Math.round(seeded.ms),
      // Frame times on a shared machine depend on its load: the 1-minute load average when the scroll ended.
      runs_list_scroll_load_average: round(loadavg()[0]),
      runs_list_scroll_frames: scroll.frames.length,
      runs_list_scroll_frame_median_ms: round(median(scroll.frames)),
      runs_list_scroll_frame_p95_ms: round(sorted[Math.floor(0.95 * (sorted.length - 1))]),
      runs_list_scroll_frame_max_ms: round(sorted[sorted.length - 1]),
      runs_list_scroll_frames_over_50ms: scroll.frames.filter((f) => f > 50).length,
      runs_list_scroll_main_thread_ms_per_frame: perFrame('task'),
      runs_list_scroll_script_ms_per_frame: perFrame('script'),
      runs_list_scroll_style_layout_ms_per_frame: perFrame('layout'),
      runs_list_scroll_max_rows_in_dom: scroll.maxRows,
      runs_list_scroll_frames_with_loading_rows: scroll.placeholderFrames,
      runs_list_scroll_loading_rows_at_end: scroll.placeholdersAtEnd,
      runs_list_scroll_last_row_index: scroll.lastRowIndex,
    };
  } finally {
    await browser.close();
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run()));
}
