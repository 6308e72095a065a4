// The host's side of the protocol with a scripted fake worker: the start goes out only after ready, malformed worker
// messages are rejected and logged (never persisted), a worker that dies before ready fails its run, one that dies
// after it leaves the run interrupted with its exit code and last words, and a result ends the run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../../../test-support/files.ts';
import { openBackend, type Backend } from '../backend.ts';
import { RunEngine } from './engine.ts';
import { localExecutor } from './executor.ts';
import type { WorkerExit, WorkerLauncher, WorkerProcess } from './launcher.ts';
import { createRunHost } from './run-host.ts';

const dir = useTempDir('qnnlab-executor-');
let backend: Backend;
let engine: RunEngine;
let warnings: string[];

/** A worker whose behaviour the test scripts: it answers the host's messages by calling `script`. */
function scriptedLauncher(script: (worker: FakeWorker, received: unknown) => void): WorkerLauncher & { workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  return {
    workers,
    launch() {
      const w = new FakeWorker(script);
      workers.push(w);
      queueMicrotask(() => w.emit({ type: 'ready', pid: 4242 }));
      return w;
    },
  };
}

class FakeWorker implements WorkerProcess {
  readonly pid = 4242;
  received: unknown[] = [];
  private messageListener: (m: unknown) => void = () => {};
  private exitListener: (e: WorkerExit) => void = () => {};
  private exited = false;
  constructor(private readonly script: (w: FakeWorker, m: unknown) => void) {}
  send(m: unknown) {
    this.received.push(m);
    queueMicrotask(() => this.script(this, m));
  }
  onMessage(l: (m: unknown) => void) {
    this.messageListener = l;
  }
  onExit(l: (e: WorkerExit) => void) {
    this.exitListener = l;
  }
  emit(m: unknown) {
    if (!this.exited) this.messageListener(m);
  }
  exit(e: WorkerExit) {
    if (this.exited) return;
    this.exited = true;
    this.exitListener(e);
  }
  /** Like a real process: it dies a moment later, and what it sent before that still arrives. */
  kill() {
    queueMicrotask(() => this.exit({ code: null, signal: 'SIGKILL', stderr: '' }));
  }
}

function start(launcher: WorkerLauncher): RunEngine {
  engine = new RunEngine({
    runs: backend.runs,
    host: createRunHost(backend.datasets, backend.devices),
    executor: localExecutor(launcher, 1),
    claimUnowned: true,
    warn: (m) => warnings.push(m),
  });
  return engine;
}

beforeEach(() => {
  warnings = [];
  backend = openBackend({ databasePath: dir.file('lab.db'), transport: 'http', version: 'test', seedSamples: false });
});
afterEach(async () => {
  await engine?.close();
  backend.close();
});

const CONFIG = { qubits: 4, layers: 2, samples: 8, epochs: 1 };

describe('the host side of the worker protocol', () => {
  it('sends start only after ready; rejects malformed messages with a log line and stores none of them', async () => {
    const launcher = scriptedLauncher((w, m) => {
      if ((m as { type: string }).type !== 'start') return;
      w.emit({ type: 'metrics', points: [{ name: 'loss', step: 1, value: 0.5 }] });
      w.emit({ type: 'metrics', points: [{ name: '', step: 2, value: 0.4 }] }); // empty name
      w.emit({ type: 'progress', fraction: 7 }); // out of range
      w.emit({ type: 'log', level: 'debug', message: 'x' }); // unknown level
      w.emit('result'); // not an object
      w.emit({ type: 'result', result: { ok: 1 } });
    });
    const e = start(launcher);
    const run = await e.wait((await e.submit({ kind: 'train', config: CONFIG })).id);
    expect(launcher.workers[0].received[0]).toMatchObject({ type: 'start', runId: run.id, kind: 'train', checkpoint: null });
    expect(run).toMatchObject({ status: 'succeeded', result: { ok: 1 } });
    expect(backend.runs.metrics(run.id)).toEqual([{ name: 'loss', step: 1, value: 0.5 }]);
    const logs = backend.runs.logs(run.id).lines.map((l) => l.message);
    expect(logs).toHaveLength(4);
    for (const l of logs) expect(l).toMatch(new RegExp(`^Rejected a malformed message from the worker of run ${run.id}: `));
    expect(logs[0]).toMatch(/points\.0\.name must have at least 1 characters/);
    expect(logs[1]).toMatch(/fraction must be <= 1; got 7/);
    expect(warnings).toHaveLength(4);
    expect(backend.runs.get(run.id).progress).toBe(1);
  });

  it('a worker that dies before ready fails its run; one that dies after leaves it interrupted with its exit code and last words', async () => {
    const silent: WorkerLauncher = {
      launch() {
        const w = new FakeWorker(() => {});
        queueMicrotask(() => w.exit({ code: 1, signal: null, stderr: 'Error: Cannot find module x\n' }));
        return w;
      },
    };
    let e = start(silent);
    const failed = await e.wait((await e.submit({ kind: 'train', config: CONFIG })).id);
    expect(failed).toMatchObject({ status: 'failed', error: "The run's worker could not start (it exited with code 1). See the run's log." });
    expect(backend.runs.logs(failed.id).lines.map((l) => l.message)).toEqual(["The worker's last output:\nError: Cannot find module x"]);
    await e.close();

    const crashing = scriptedLauncher((w, m) => {
      if ((m as { type: string }).type === 'start') {
        w.emit({ type: 'progress', fraction: 0.25, label: 'half way there' });
        w.exit({ code: 134, signal: null, stderr: 'FATAL ERROR: Reached heap limit' });
      }
    });
    e = start(crashing);
    const crashed = await e.wait((await e.submit({ kind: 'train', config: CONFIG })).id);
    expect(crashed).toMatchObject({
      status: 'interrupted',
      progress: 0.25,
      error: "The run's worker exited with code 134 before it finished. Resume the run to continue from its last checkpoint.",
    });
    expect(backend.runs.logs(crashed.id).lines.at(-1)?.message).toMatch(/Reached heap limit/);
  });

  it('messages after the final one are rejected; an error message fails the run with its message', async () => {
    const launcher = scriptedLauncher((w, m) => {
      if ((m as { type: string }).type !== 'start') return;
      w.emit({ type: 'error', error: { code: 'VALIDATION', message: 'backend ionq-aria needs shots', field: 'shots' } });
      w.emit({ type: 'metrics', points: [{ name: 'late', step: 1, value: 1 }] });
    });
    const e = start(launcher);
    const run = await e.wait((await e.submit({ kind: 'train', config: CONFIG })).id);
    expect(run).toMatchObject({ status: 'failed', error: 'backend ionq-aria needs shots' });
    expect(backend.runs.metrics(run.id)).toEqual([]);
    expect(warnings.join('\n')).toMatch(/a metrics message after the run's final message/);
  });
});
