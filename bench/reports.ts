// Report benchmarks (issue 11: an HTML report of a 5-method x 5-seed experiment is built in under 2 s): the experiment
// recorded as a real one is (parent, 25 child runs with their metrics, the summary), scores seeded and made up (the
// report reads what is recorded, not how it was computed); its saved comparison. Figures: the HTML report of the
// experiment, cold (first in this process: ECharts and the stylesheet loaded) and warm (median of 5); the comparison's
// HTML; CSV and JSON; the longest the host's event loop was held during an HTML build (charts are drawn one per turn);
// a training of 1,000,000 points as HTML, CSV and JSON (wall time and loop held); and one PDF through Chromium when
// it is installed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBackend } from '../electron/backend/backend.ts';
import { chromiumPath } from '../electron/backend/reports/pdf.ts';
import type { ExportReportRequest } from '../electron/contract/reports.ts';
import { recordFakeExperiment } from '../test-support/experiment-runs.ts';
import { figures } from './summary.ts';

const METHODS = ['mean', 'mice', 'missforest', 'deep-mice', 'qnn-mice'];
const SEEDS = [1, 2, 3, 4, 5];

/** Wall time of one build, and the longest gap between two turns of a 1 ms timer meanwhile (the loop held). */
async function timed(build: () => Promise<unknown>): Promise<{ ms: number; heldMs: number }> {
  let held = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    held = Math.max(held, now - last);
    last = now;
  }, 1);
  const t0 = performance.now();
  await build();
  const ms = performance.now() - t0;
  clearInterval(timer);
  held = Math.max(held, performance.now() - last);
  return { ms, heldMs: held };
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'qnnlab-bench-reports-'));
  const backend = openBackend({ databasePath: join(dir, 'bench.db'), transport: 'http', version: 'bench', seedSamples: false });
  try {
    const e = recordFakeExperiment(backend.runs, { methods: METHODS, seeds: SEEDS, dataset: { name: 'pbc', source: 'bundled sample' } });
    const saved = await backend.dispatch('comparisons.save', { name: 'bench', runs: [e.id] });
    if (!saved.ok) throw new Error(saved.error.message);
    const comparisonId = (saved.value as { id: number }).id;
    const build = (request: ExportReportRequest) => () => backend.reports.build(request);

    const cold = await timed(build({ runId: e.id, format: 'html' }));
    const warm: { ms: number; heldMs: number }[] = [];
    for (let k = 0; k < 5; k++) warm.push(await timed(build({ runId: e.id, format: 'html' })));
    const comparison: number[] = [];
    for (let k = 0; k < 5; k++) comparison.push((await timed(build({ comparisonId, format: 'html' }))).ms);
    const csv: number[] = [];
    const json: number[] = [];
    for (let k = 0; k < 5; k++) {
      csv.push((await timed(build({ runId: e.id, format: 'csv' }))).ms);
      json.push((await timed(build({ runId: e.id, format: 'json' }))).ms);
    }
    const bytes = (await backend.reports.build({ runId: e.id, format: 'html' })).bytes.length;
    const out: Record<string, unknown> = {
      report_html_5x5_cold_ms: Math.round(cold.ms),
      ...figures(
        'report_html_5x5_ms',
        warm.map((w) => w.ms),
      ),
      report_html_5x5_bytes: bytes,
      report_html_loop_held_cold_ms: Math.round(cold.heldMs),
      ...figures(
        'report_html_loop_held_ms',
        warm.map((w) => w.heldMs),
      ),
      ...figures('report_comparison_html_ms', comparison),
      ...figures('report_csv_5x5_ms', csv, 1),
      ...figures('report_json_5x5_ms', json, 1),
    };
    // A training of 1,000,000 loss points: its HTML reads only the charts' downsampled series; CSV and JSON read and
    // write every point a page at a time.
    const long = backend.runs.create({ kind: 'train', name: 'long', config: {} });
    backend.runs.start(long);
    for (let k = 0; k < 50; k++) {
      backend.runs.appendMetrics(
        long,
        Array.from({ length: 20_000 }, (_, i) => ({ name: 'loss', step: k * 20_000 + i + 1, value: 1 / (k * 20_000 + i + 1) })),
      );
    }
    backend.runs.finish(long, { status: 'succeeded', result: {} });
    for (const format of ['html', 'csv', 'json'] as const) {
      const t = await timed(build({ runId: long, format }));
      Object.assign(out, { [`report_${format}_1m_points_ms`]: Math.round(t.ms), [`report_${format}_1m_points_loop_held_ms`]: Math.round(t.heldMs) });
    }
    if (existsSync(chromiumPath())) {
      // The first PDF loads playwright-core (once per process); the second is the steady state.
      const first = await timed(build({ runId: e.id, format: 'pdf' }));
      const second = await timed(build({ runId: e.id, format: 'pdf' }));
      Object.assign(out, {
        report_pdf_5x5_first_ms: Math.round(first.ms),
        report_pdf_first_loop_held_ms: Math.round(first.heldMs),
        report_pdf_5x5_ms: Math.round(second.ms),
        report_pdf_loop_held_ms: Math.round(second.heldMs),
      });
    }
    return out;
  } finally {
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
