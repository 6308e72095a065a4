// One worker thread of `qnnlab experiment` (see experiment-parallel.ts): runs its seeds through core and reports.
import { parentPort, workerData } from 'node:worker_threads';
import { LabError } from '../../../core/errors.ts';
import { runExperimentSeed } from '../../../core/impute/experiment.ts';
import type { WorkerJob, WorkerMessage } from './experiment-parallel.ts';

const port = parentPort!;
const job = workerData as WorkerJob;
const controller = new AbortController();
const send = (m: WorkerMessage) => port.postMessage(m);
port.on('message', (m: { type: string }) => m.type === 'abort' && controller.abort());

try {
  for (const [index, seed] of job.seeds.entries()) {
    await runExperimentSeed(
      job.table,
      job.config,
      seed,
      {
        signal: controller.signal,
        env: job.env,
        onProgress: (progress) => send({ type: 'progress', progress }),
        onResult: (result) => send({ type: 'result', result }),
      },
      { index, of: job.seeds.length },
    );
  }
  send({ type: 'done' });
} catch (e) {
  if (e instanceof LabError) {
    send({ type: 'error', error: { code: e.code, message: e.message, fields: { field: e.field, value: e.value, allowed: e.allowed, details: e.details } } });
  } else send({ type: 'error', error: { code: null, message: (e as Error).message ?? String(e), stack: (e as Error).stack } });
}
port.close();
