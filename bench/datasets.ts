// Dataset benchmarks: a seeded 100,000 x 32 CSV (10% missing cells, numeric and categorical columns) from text to a
// profiled dataset stored in a fresh database; and `list` with 1,000 datasets in the database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv, profileDataset } from '../core/data/index.ts';
import type { Dataset } from '../core/data/index.ts';
import { openDatabase } from '../electron/backend/db/database.ts';
import { DatasetService } from '../electron/backend/services/datasets.ts';
import { figures, summarize, timeRuns } from './summary.ts';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded CSV: `cols` columns (every eighth categorical), `missing` fraction of empty cells. */
export function syntheticCsv(rows: number, cols: number, missing: number, seed = 1): string {
  const rand = mulberry32(seed);
  const levels = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
  const header = Array.from({ length: cols }, (_, j) => (j % 8 === 7 ? `cat${j}` : `x${j}`));
  const lines = [header.join(',')];
  const cells = new Array<string>(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (rand() < missing) cells[j] = '';
      else if (j % 8 === 7) cells[j] = levels[Math.floor(rand() * levels.length)];
      else cells[j] = (Math.round((rand() * 200 - 100) * 1000) / 1000).toString();
    }
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'qnnlab-bench-datasets-'));
  try {
    const text = syntheticCsv(100_000, 32, 0.1, 42);

    // The whole path: text -> parsed, typed, profiled, stored in a fresh database. Five runs, each into its own new
    // database (the machine is shared: the median is the figure, with min and max; the first run is the cold one;
    // CPU time beside it).
    const runs: { wall: number; cpu: number }[] = [];
    for (let r = 0; r < 5; r++) {
      const fresh = openDatabase(join(dir, `fresh-${r}.db`));
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      new DatasetService(fresh).importCsv({ fileName: 'bench.csv', content: text });
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      runs.push({ wall, cpu: (cpu.user + cpu.system) / 1000 });
      fresh.close();
    }
    const db = openDatabase(join(dir, 'bench.db'));
    const service = new DatasetService(db);
    const summary = service.importCsv({ fileName: 'bench.csv', content: text });
    let t = performance.now();
    service.get(summary.id);
    const getMs = performance.now() - t;

    // Parts, for the record (each on its own, after the whole path).
    t = performance.now();
    const parsed = parseCsv(text);
    const parseMs = performance.now() - t;
    t = performance.now();
    profileDataset(parsed);
    const profileMs = performance.now() - t;

    // 1,000 datasets (small ones, inserted directly) then time list().
    const small: Dataset = parseCsv(syntheticCsv(50, 8, 0.1, 7));
    for (let k = 0; k < 999; k++) service.insertDataset(small, { name: `small ${k}`, source: 'synthetic' });
    let count = 0;
    const times = timeRuns(
      () => {
        count = service.list().length;
      },
      5,
      1,
    );
    db.close();
    return {
      ...figures(
        'import_100k_x32_ms',
        runs.map((r) => r.wall),
        1,
      ),
      import_100k_x32_cpu_ms: round(summarize(runs.map((r) => r.cpu)).median),
      import_100k_x32_first_ms: round(runs[0].wall),
      import_100k_x32_parse_ms: round(parseMs),
      import_100k_x32_profile_ms: round(profileMs),
      import_100k_x32_csv_mb: round(text.length / 1e6),
      get_100k_x32_ms: round(getMs),
      ...figures('list_1000_datasets_ms', times, 1),
      list_1000_datasets_count: count,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
