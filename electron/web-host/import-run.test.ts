// A 200 MB import through the real web host (its server module, in this process), the real run engine and a real
// worker process, while a client in another thread calls app.info every 20 ms and datasets.list every 100 ms. Then
// the same file imported and cancelled mid-parse (nothing stays), and a refusal whose field reaches the run's record.
// The CSV (32 numeric columns, ~230 MB) is generated once for the file.
//
// What is asserted about time is the host thread's own work: the CPU it spends between two ticks of a 5 ms timer
// stays under the 100 ms, so no piece of the import holds it longer (on the host it was seconds). It is
// usually under 20 ms; after the scheduler stalls the process, the calls that queued meanwhile are all served in one
// gap (measured in a full CI run on a loaded machine: 56 ms of CPU in a 208 ms gap). The wall-clock delay of the client's calls is
// printed, not asserted: on this machine (2 cores shared with other test runs) the scheduler alone delays a
// process by hundreds of milliseconds at times (measured: gaps of 400 ms with under 2 ms of the host's CPU in them).
// Quiet, the slowest call took 84 ms (see the report of issue 10); `npm run bench -- --only import` measures it.
import { closeSync, openSync, readdirSync, writeSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../test-support/files.ts';
import { importCell as cell, runImportClient, writeImportCsv } from '../../test-support/import-load.ts';
import { openBackend, type Backend } from '../backend/backend.ts';
import { forkLauncher } from '../backend/runs/launcher.ts';
import { createWebHost } from './server.ts';
import { TOKEN_HEADER } from './trust.ts';

const TOKEN = 'import-latency-token-0123456789abcdefghijklmnop';
const COLUMNS = 32;
const ROWS = 1_100_000;
/** The limits the issue sets: no unrelated call waits longer, while a 200 MB import runs. */
const MAX_DELAY_MS = 100;
/** The most CPU the host thread may spend without its timers running (a slice of the import's work, or a backlog of calls). */
const MAX_SLICE_CPU_MS = MAX_DELAY_MS;

const tmp = useTempDir('qnnlab-import-run-', 'all');
let backend: Backend;
let server: Server;
let base: string;
let csv: string;
let csvBytes = 0;

beforeAll(async () => {
  csv = tmp.file('big.csv');
  csvBytes = writeImportCsv(csv, ROWS, COLUMNS);
  backend = openBackend({
    databasePath: tmp.file('lab.db'),
    transport: 'http',
    version: '0.0.0-test',
    engine: { launcher: forkLauncher(), claimUnowned: true },
  });
  server = createWebHost({
    dispatch: backend.dispatch,
    events: backend.events,
    rendererDir: tmp.path,
    token: TOKEN,
    uploads: { store: backend.uploads, maxBytes: backend.datasets.maxImportBytes },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await backend?.shutdown();
});

/**
 * Watches this (the host's) thread with a 5 ms timer: for each gap between two ticks, its wall time and the CPU the
 * thread spent in it (process.threadCpuUsage: time the scheduler took away is not counted).
 */
function watchHostThread() {
  let last = performance.now();
  let cpu = process.threadCpuUsage();
  let maxCpuMs = 0;
  let maxGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const c = process.threadCpuUsage();
    maxCpuMs = Math.max(maxCpuMs, (c.user + c.system - cpu.user - cpu.system) / 1000);
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    cpu = c;
  }, 5);
  return () => {
    clearInterval(timer);
    return { maxCpuMs, maxGapMs };
  };
}

const runClient = (config: Record<string, unknown>, options: { file?: string; cancel?: boolean } = {}) =>
  runImportClient({ base, headers: { [TOKEN_HEADER]: TOKEN }, file: options.file ?? csv, config, cancel: options.cancel });

const leftovers = () => ({
  uploads: readdirSync(backend.uploads.dir),
  pending: (backend.datasets.db.prepare('SELECT COUNT(*) AS n FROM datasets WHERE pending_pid IS NOT NULL').get() as { n: number }).n,
  chunksOfHidden: (
    backend.datasets.db
      .prepare(
        'SELECT COUNT(*) AS n FROM dataset_cell_chunks k JOIN dataset_columns c ON c.id = k.column_id JOIN datasets d ON d.id = c.dataset_id WHERE d.pending_pid IS NOT NULL',
      )
      .get() as { n: number }
  ).n,
});

describe('a 200 MB import in a worker', () => {
  it(`never holds the host's thread for more than ${MAX_SLICE_CPU_MS} ms while clients call it, and the dataset arrives whole`, async () => {
    expect(csvBytes).toBeGreaterThan(190 * 2 ** 20);
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const stop = watchHostThread();
    const report = await runClient({});
    const host = stop();
    lag.disable();
    expect(report.run, report.run.error ?? '').toMatchObject({ status: 'succeeded' });
    const slowest = [...report.calls].sort((a, b) => b.ms - a.ms).slice(0, 5);
    const figures = {
      fileMiB: +(csvBytes / 2 ** 20).toFixed(1),
      uploadMs: Math.round(report.uploadMs),
      runMs: Math.round(report.runMs),
      calls: report.calls.length,
      slowestCallsMs: slowest.map((c) => `${c.channel} ${c.ms.toFixed(1)}`),
      callsOverLimit: report.calls.filter((c) => c.ms >= MAX_DELAY_MS).length,
      callP99Ms: +[...report.calls].sort((a, b) => a.ms - b.ms)[Math.floor(report.calls.length * 0.99)].ms.toFixed(1),
      hostLoopDelayMaxMs: +(lag.max / 1e6).toFixed(1),
      hostMaxGapMs: +host.maxGapMs.toFixed(1),
      hostMaxCpuInGapMs: +host.maxCpuMs.toFixed(1),
    };
    console.log('[import-run] figures', JSON.stringify(figures));
    // Calls went on all along (one every ~20 ms), and the host's own work came in short slices.
    expect(report.calls.length).toBeGreaterThan((report.uploadMs + report.runMs) / 40);
    expect(host.maxCpuMs, JSON.stringify(figures)).toBeLessThan(MAX_SLICE_CPU_MS);

    const summary = report.run.result as { id: number; name: string; rows: number; columns: number };
    expect(summary).toMatchObject({ name: 'big', rows: ROWS, columns: COLUMNS });
    const stored = backend.datasets.load(summary.id);
    for (const [i, j] of [
      [0, 0],
      [ROWS - 1, COLUMNS - 1],
      [123_457, 5],
      [707_070, 31],
    ]) {
      const expected = cell(i, j) === '' ? NaN : Number(cell(i, j));
      expect(stored.columns[j].values[i], `cell ${i},${j}`).toBe(expected);
    }
    expect(leftovers()).toEqual({ uploads: [], pending: 0, chunksOfHidden: 0 });
  }, 120_000);

  it('cancelled mid-import, leaves nothing: no dataset, no pending rows, no upload', async () => {
    const before = backend.datasets.list();
    const report = await runClient({ name: 'cancelled one' }, { cancel: true });
    expect(report.run.status).toBe('cancelled');
    expect(backend.datasets.list()).toEqual(before);
    expect(leftovers()).toEqual({ uploads: [], pending: 0, chunksOfHidden: 0 });
  }, 120_000);

  it("a refused import fails with the parser's code and field in the run's record, and leaves nothing", async () => {
    const small = tmp.file('tokens.csv');
    const fd = openSync(small, 'w');
    writeSync(fd, 'x,death\n' + Array.from({ length: 40 }, (_, i) => `${i},${i % 2}`).join('\n') + '\n');
    closeSync(fd);
    const report = await runClient({ missingTokens: ['0'], outcome: 'death' }, { file: small });
    expect(report.run).toMatchObject({ status: 'failed', failure: { code: 'CONFLICT', field: 'missingTokens' } });
    expect(report.run.error).toMatch(/^Cannot import "tokens\.csv": The missing-value token "0" would blank/);
    expect(leftovers()).toEqual({ uploads: [], pending: 0, chunksOfHidden: 0 });
  }, 60_000);
});
