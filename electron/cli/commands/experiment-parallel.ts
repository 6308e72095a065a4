// `qnnlab experiment` on every core: the seeds are dealt round-robin to worker threads (node:worker_threads; core
// stays single-threaded and pure), each runs core's runExperimentSeed on its seeds and streams progress and results
// back; the summary is computed here by core's summariseExperiment, as in a single-threaded run. A failure or Ctrl+C
// in any worker stops them all.
import { Worker } from 'node:worker_threads';
import type { Dataset } from '../../../core/data/types.ts';
import { AbortError, LabError, type ErrorCode, type ErrorFields } from '../../../core/errors.ts';
import {
  resolveExperiment,
  runExperimentSeed,
  summariseExperiment,
  type ExperimentConfig,
  type ExperimentProgress,
  type ExperimentReport,
  type ResolvedExperiment,
  type SeedResult,
} from '../../../core/impute/experiment.ts';
import type { ImputerEnv } from '../../../core/impute/registry.ts';

export interface ParallelOptions {
  /** Threads to use (at most one per seed); 1 runs in this thread. */
  workers: number;
  signal?: AbortSignal;
  onProgress?: (p: ExperimentProgress) => void;
  onResult?: (r: SeedResult) => void;
  /** Services the imputers need (plain data: it is copied to every worker), e.g. qnn-mice's device profiles. */
  env?: ImputerEnv;
}

/** What a worker receives. */
export interface WorkerJob {
  table: Dataset;
  config: ResolvedExperiment;
  seeds: number[];
  env?: ImputerEnv;
}

/** What a worker sends. */
export type WorkerMessage =
  | { type: 'progress'; progress: ExperimentProgress }
  | { type: 'result'; result: SeedResult }
  | { type: 'done' }
  | { type: 'error'; error: { code: ErrorCode; message: string; fields: ErrorFields } | { code: null; message: string; stack?: string } };

const WORKER_URL = new URL('./experiment-worker.mjs', import.meta.url);

function order(r: ResolvedExperiment, results: SeedResult[]): SeedResult[] {
  const seedIndex = new Map(r.seeds.map((s, k) => [s, k]));
  const methodIndex = new Map(r.methods.map((m, k) => [m.name, k]));
  return [...results].sort((a, b) => seedIndex.get(a.seed)! - seedIndex.get(b.seed)! || methodIndex.get(a.method)! - methodIndex.get(b.method)!);
}

export async function runExperimentParallel(
  table: Dataset,
  config: ExperimentConfig,
  options: ParallelOptions,
): Promise<ExperimentReport & { workers: number }> {
  const r = resolveExperiment(table, config);
  const n = Math.max(1, Math.min(options.workers, r.seeds.length));
  const results: SeedResult[] = [];
  if (n === 1) {
    for (const [index, seed] of r.seeds.entries()) {
      const hooks = { signal: options.signal, onProgress: options.onProgress, onResult: options.onResult, env: options.env };
      results.push(...(await runExperimentSeed(table, r, seed, hooks, { index, of: r.seeds.length })));
    }
    return { config: r, results, summary: summariseExperiment(r, results), workers: 1 };
  }
  const shares = Array.from({ length: n }, (_, w) => r.seeds.filter((_, k) => k % n === w));
  const fractions = new Array<number>(n).fill(0);
  const workers: Worker[] = [];
  const stopAll = () => {
    for (const w of workers) w.postMessage({ type: 'abort' });
  };
  try {
    await new Promise<void>((resolveAll, reject) => {
      let finished = 0;
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        for (const w of workers) void w.terminate();
        reject(e);
      };
      if (options.signal?.aborted) return fail(new AbortError());
      options.signal?.addEventListener('abort', stopAll, { once: true });
      shares.forEach((seeds, w) => {
        const job: WorkerJob = { table, config: r, seeds, env: options.env };
        const worker = new Worker(WORKER_URL, { workerData: job });
        workers.push(worker);
        worker.on('message', (m: WorkerMessage) => {
          if (m.type === 'progress') {
            fractions[w] = m.progress.fraction;
            const overall = fractions.reduce((s, f, k) => s + f * shares[k].length, 0) / r.seeds.length;
            options.onProgress?.({ ...m.progress, fraction: overall });
          } else if (m.type === 'result') {
            results.push(m.result);
            options.onResult?.(m.result);
          } else if (m.type === 'done') {
            if (++finished === n) resolveAll();
          } else if (m.error.code === null) {
            const e = new Error(`experiment worker: ${m.error.message}`);
            if (m.error.stack) e.stack = m.error.stack;
            fail(e);
          } else fail(m.error.code === 'CANCELLED' ? new AbortError() : new LabError(m.error.code, m.error.message, m.error.fields));
        });
        worker.on('error', (e) => fail(e));
        worker.on('exit', (code) => code !== 0 && fail(new Error(`experiment worker ${w + 1} exited with code ${code}`)));
      });
    });
  } finally {
    options.signal?.removeEventListener('abort', stopAll);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const ordered = order(r, results);
  return { config: r, results: ordered, summary: summariseExperiment(r, ordered), workers: n };
}
