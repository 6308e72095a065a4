// `qnnlab run ...` as real processes (bin/qnnlab.mjs) with real worker processes, and the web host as a real process:
// kill -9 of a worker, of the CLI running a run and of the web host leave the run `interrupted` (integrity_check ok),
// and `run resume` finishes it with parameters bit-identical to an uninterrupted training with the same config; a
// detached run shows in another process's `run list` while it runs, is cancelled from another process and resumed
// detached; a queued run is cancelled from another process; a database made read-only, or a disk that fills up, while
// a run writes stops the run with a message that says so, and leaves nothing half-written.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../test-support/until.ts';
import { mountTmpfs } from '../../test-support/mounts.ts';
import { useTempDir } from '../../test-support/files.ts';
import { projectRoot } from '../backend/paths.ts';
import { runTraining } from '../workers/kinds/train.ts';
import type { RunView } from './commands/run.ts';

const root = projectRoot();
const bin = join(root, 'bin', 'qnnlab.mjs');
const dir = useTempDir('qnnlab-run-process-');

/**
 * Trainings checkpointed every 50 steps and each epoch (64 steps): about a second (MEDIUM) and several seconds (LONG,
 * long enough for other processes to list and cancel it) in a worker. Each test kills a run at its first checkpoint.
 */
const MEDIUM_CONFIG = { qubits: 16, layers: 4, samples: 8192, batch: 128, epochs: 40, seed: 7 };
const LONG_CONFIG = { ...MEDIUM_CONFIG, epochs: 250 };
const SHORT_CONFIG = { qubits: 8, layers: 3, samples: 64, epochs: 3, seed: 3 };
const flagsOf = (config: object) => Object.entries(config).flatMap(([k, v]) => [`--${k}`, String(v)]);
const MEDIUM = flagsOf(MEDIUM_CONFIG);
const LONG = flagsOf(LONG_CONFIG);

/** The parameters of the same trainings, uninterrupted, in this process (as JSON: what a run's result keeps). */
const reference = new Map<object, string>();
beforeAll(async () => {
  for (const config of [MEDIUM_CONFIG, LONG_CONFIG])
    reference.set(config, JSON.stringify((await runTraining({ config, backend: null, dataset: null })).parameters));
}, 60_000);

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Every process a test started, killed after it if it still runs (a failed test leaves nothing behind). */
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

function start(command: string, args: string[]): { child: ChildProcess; done: Promise<Ran>; output: () => string } {
  const child = spawn(process.execPath, [command, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Ran>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, output: () => `exit ${child.exitCode}; stdout: ${stdout}; stderr: ${stderr}` };
}

const qnnlab = (...args: string[]) => start(bin, args);
const ran = (...args: string[]) => qnnlab(...args).done;

/** The web host as a process, with its API (the address it prints carries this launch's token). */
function webHost(db: string) {
  const host = spawn(
    process.execPath,
    ['--import', fileURLToPath(import.meta.resolve('tsx')), join(root, 'electron/web-host/main.ts'), '--db', db, '--port', '0'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(host);
  let out = '';
  host.stdout!.on('data', (d) => (out += d));
  host.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => host.on('close', () => resolve()));
  const address = () => until('the web host to listen', () => /listening on (http:\S+)/.exec(out)?.[1] ?? (host.exitCode !== null && fail(out)));
  return {
    host,
    exited,
    address,
    /** One API call, as a script makes it. */
    async call<T>(channel: string, request: unknown): Promise<T> {
      const url = new URL(await address());
      const response = await fetch(new URL(`/api/rpc/${channel}`, url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-QNNLab-Token': url.searchParams.get('token')! },
        body: JSON.stringify(request),
      });
      const result = (await response.json()) as { ok: true; value: T } | { ok: false; error: { message: string } };
      if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
      return result.value;
    },
  };
}

function fail(message: string): never {
  throw new Error(message);
}

/** One query on the database, from a connection of its own (closed at once, so it holds nothing). */
function peek<T>(db: string, sql: string, ...params: unknown[]): T {
  const conn = new BetterSqlite3(db, { fileMustExist: true });
  try {
    conn.pragma('busy_timeout = 5000');
    return conn
      .prepare(sql)
      .pluck()
      .get(...params) as T;
  } finally {
    conn.close();
  }
}

/** The newest run, once the database exists and has one. */
function lastRunId(db: string): number | undefined {
  try {
    return peek<number | null>(db, 'SELECT MAX(id) FROM runs') ?? undefined;
  } catch {
    return undefined; // not created (or not migrated) yet
  }
}
/** The worker's pid once the run has a checkpoint to resume from. */
const workerAfterCheckpoint = (db: string, id: number) =>
  peek<number>(db, 'SELECT COUNT(*) FROM checkpoints WHERE run_id = ?', id) > 0 && peek<number | null>(db, 'SELECT worker_pid FROM runs WHERE id = ?', id);
const integrity = (db: string) => peek<string>(db, 'PRAGMA integrity_check');
/** The loss series' steps are 1..n, each once: nothing was written twice or half. */
function lossStepsContiguous(db: string, id: number): boolean {
  const conn = new BetterSqlite3(db);
  try {
    const steps = conn.prepare("SELECT step FROM run_metrics WHERE run_id = ? AND name = 'loss' ORDER BY step").pluck().all(id) as number[];
    return steps.every((s, k) => s === k + 1);
  } finally {
    conn.close();
  }
}

/** What a refused command must not have changed: the runs, their metric points and checkpoints. */
function snapshot(db: string) {
  const conn = new BetterSqlite3(db, { fileMustExist: true });
  try {
    return {
      run: conn.prepare('SELECT id, status, progress, error, owner FROM runs').all(),
      metrics: conn.prepare('SELECT COUNT(*) FROM run_metrics').pluck().get(),
      checkpoints: conn.prepare('SELECT run_id, step FROM checkpoints ORDER BY step').all(),
    };
  } finally {
    conn.close();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const view = (r: Ran) => JSON.parse(r.stdout) as RunView;
const parameters = (v: RunView) => JSON.stringify((v.result as { parameters: number[] }).parameters);

/** `run resume ID` finishes the run with the parameters of the uninterrupted training. */
async function resumesIdentically(db: string, id: number, config: object): Promise<void> {
  const resumed = await ran('run', 'resume', String(id), '--db', db, '--json');
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(view(resumed)).toMatchObject({ id, status: 'succeeded', progress: 1 });
  expect(parameters(view(resumed))).toBe(reference.get(config));
  expect(lossStepsContiguous(db, id)).toBe(true);
}

describe('crashes: the run is interrupted, and resumes to the parameters of an uninterrupted run', () => {
  it('kill -9 of the worker: the CLI says the run was interrupted (exit 1); run resume finishes it', async () => {
    const db = dir.file('lab.db');
    const cli = qnnlab('run', 'start', 'train', ...MEDIUM, '--db', db, '--json');
    const id = await until('the run', () => lastRunId(db), 20_000, cli.output);
    process.kill(await until('a checkpoint', () => workerAfterCheckpoint(db, id), 20_000, cli.output), 'SIGKILL');
    const r = await cli.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `qnnlab: run ${id} was interrupted: The run's worker was killed by signal SIGKILL before it finished\\. Resume the run to continue from its last checkpoint\\.`,
      ),
    );
    expect(view(r)).toMatchObject({ id, status: 'interrupted', workerPid: null });
    expect(view(r).progress).toBeLessThan(1);
    expect(integrity(db)).toBe('ok');
    await resumesIdentically(db, id, MEDIUM_CONFIG);
  }, 60_000);

  it('kill -9 of the CLI running a run: its worker stops, the next `run list` shows the run interrupted; run resume finishes it', async () => {
    const db = dir.file('lab.db');
    const cli = qnnlab('run', 'start', 'train', ...MEDIUM, '--db', db);
    const id = await until('the run', () => lastRunId(db), 20_000, cli.output);
    const worker = await until('a checkpoint', () => workerAfterCheckpoint(db, id), 20_000, cli.output);
    cli.child.kill('SIGKILL');
    await cli.done;
    await until('the worker to stop with its host', () => !alive(worker));
    const list = await ran('run', 'list', '--db', db, '--json');
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id, status: 'interrupted' })]);
    expect(peek(db, 'SELECT error FROM runs WHERE id = ?', id)).toBe(
      `The process that ran it (pid ${cli.child.pid}) stopped without finishing it (killed, crashed or closed). Resume it to continue from its last checkpoint.`,
    );
    expect(integrity(db)).toBe('ok');
    await resumesIdentically(db, id, MEDIUM_CONFIG);
  }, 60_000);

  it('kill -9 of the web host running a run (another queued behind it, cancelled from the CLI): started again, it shows the run interrupted; it resumes', async () => {
    const db = dir.file('lab.db');
    const first = webHost(db);
    const { id } = await first.call<{ id: number }>('runs.start', { kind: 'train', config: MEDIUM_CONFIG });
    const behind = (await first.call<{ id: number; status: string }>('runs.start', { kind: 'train', config: SHORT_CONFIG })).id;
    // The queued one is cancelled by another process while the host runs the first (to its first checkpoint, then kill -9).
    const cancelling = ran('run', 'cancel', String(behind), '--db', db, '--json');
    const worker = await until('the host to run it to a checkpoint', () => workerAfterCheckpoint(db, id));
    first.host.kill('SIGKILL');
    await first.exited;
    const cancelled = await cancelling;
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(view(cancelled)).toMatchObject({ id: behind, status: 'cancelled', error: 'Cancelled before it started.', startedAt: null });
    await until('the worker to stop with its host', () => !alive(worker));
    const again = webHost(db);
    try {
      expect(await again.call('runs.get', { id })).toMatchObject({ id, status: 'interrupted' });
      expect(integrity(db)).toBe('ok');
      await resumesIdentically(db, id, MEDIUM_CONFIG);
    } finally {
      again.host.kill('SIGTERM');
      await again.exited;
    }
  }, 60_000);
});

describe('Ctrl+C', () => {
  it('in a terminal (SIGINT to the process group, the worker included) cancels the run through its worker: exit 130 and how to resume', async () => {
    const db = dir.file('lab.db');
    // A process group of its own, as a terminal's foreground job: Ctrl+C reaches the CLI and its worker alike.
    const cli = spawn(process.execPath, [bin, 'run', 'start', 'train', ...MEDIUM, '--db', db, '--json'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.add(cli);
    let stdout = '';
    let stderr = '';
    cli.stdout!.on('data', (d) => (stdout += d));
    cli.stderr!.on('data', (d) => (stderr += d));
    const code = new Promise<number | null>((resolve) => cli.on('close', resolve));
    const id = await until(
      'the run',
      () => lastRunId(db),
      20_000,
      () => stderr,
    );
    await until(
      'a checkpoint',
      () => workerAfterCheckpoint(db, id),
      20_000,
      () => stderr,
    );
    process.kill(-cli.pid!, 'SIGINT');
    expect(await code).toBe(130);
    expect(stderr).toMatch(new RegExp(`qnnlab: run ${id} was cancelled; continue it from its last checkpoint with \`qnnlab run resume ${id} --db ${db}\`\n$`));
    // Stopped by its own cancel ('Cancelled.'), not killed ('Cancelled: the worker was stopped.').
    expect(JSON.parse(stdout)).toMatchObject({ id, status: 'cancelled', error: 'Cancelled.' });
    expect(integrity(db)).toBe('ok');
  }, 60_000);
});

describe('detached runs', () => {
  it('shows in another process while it runs, is cancelled from another process, resumes detached and finishes identically', async () => {
    const db = dir.file('lab.db');
    const started = await ran('run', 'start', 'train', ...LONG, '--db', db, '--detach');
    expect(started.code, started.stderr).toBe(0);
    const { id } = JSON.parse(started.stdout) as { id: number };
    await until('the runner to run it', () => peek<number | null>(db, 'SELECT progress FROM runs WHERE id = ?', id));
    const listed = JSON.parse((await ran('run', 'list', '--db', db, '--json')).stdout);
    expect(listed).toEqual([expect.objectContaining({ id, status: 'running' })]);
    expect(listed[0].progress).toBeGreaterThan(0);
    expect(listed[0].progress).toBeLessThan(1);

    const cancelled = await ran('run', 'cancel', String(id), '--db', db, '--json');
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(view(cancelled)).toMatchObject({ id, status: 'cancelled', error: 'Cancelled.' });
    expect(integrity(db)).toBe('ok');

    const resumed = await ran('run', 'resume', String(id), '--db', db, '--detach');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toEqual({ id });
    const waited = await ran('run', 'wait', String(id), '--db', db, '--json');
    expect(waited.code, waited.stderr).toBe(0);
    expect(parameters(view(waited))).toBe(reference.get(LONG_CONFIG));
    expect(JSON.parse((await ran('run', 'list', '--db', db, '--json')).stdout)).toEqual([expect.objectContaining({ id, status: 'succeeded', progress: 1 })]);
    expect(lossStepsContiguous(db, id)).toBe(true);
  }, 120_000);
});

describe('a database that stops taking writes while a run writes', () => {
  // Linux refuses to remount a file system read-only while a file on it is open for writing (EBUSY), so a database
  // cannot turn read-only under a running run; a write that fails mid-run is the full disk below. Here: a run left
  // running by a killed CLI, on a database that is read-only by the time anyone comes back to it.
  it('read-only: run resume, run start and run list refuse with a message that says so and change nothing; writable again, the run resumes', async (ctx) => {
    const fs = mountTmpfs(dir.file('ro'), 64 * 2 ** 20);
    if (typeof fs === 'string') return ctx.skip(fs);
    try {
      const db = join(fs.dir, 'lab.db');
      const cli = qnnlab('run', 'start', 'train', ...MEDIUM, '--db', db);
      const id = await until('the run', () => lastRunId(db), 20_000, cli.output);
      const worker = await until('a checkpoint', () => workerAfterCheckpoint(db, id), 20_000, cli.output);
      cli.child.kill('SIGKILL');
      await cli.done;
      await until('the worker to stop with its host', () => !alive(worker));
      const before = snapshot(db);
      expect(before.run).toEqual([expect.objectContaining({ id, status: 'running' })]);
      fs.readOnly();
      for (const argv of [
        ['run', 'resume', String(id)],
        ['run', 'start', 'train', ...flagsOf(SHORT_CONFIG)],
        ['run', 'list'],
      ]) {
        const r = await ran(...argv, '--db', db);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`^qnnlab: The experiment database at ${db} cannot be opened: its folder .* is read-only`));
        expect(r.stdout).toBe('');
      }
      fs.writable();
      expect(snapshot(db)).toEqual(before);
      expect(integrity(db)).toBe('ok');
      await resumesIdentically(db, id, MEDIUM_CONFIG);
    } finally {
      fs.unmount();
    }
  }, 60_000);

  it('a full disk: the run stops with a message that says so; nothing half-written; it resumes once there is room', async (ctx) => {
    const fs = mountTmpfs(dir.file('full'), 24 * 2 ** 20);
    if (typeof fs === 'string') return ctx.skip(fs);
    try {
      const db = join(fs.dir, 'lab.db');
      const cli = qnnlab('run', 'start', 'train', ...MEDIUM, '--db', db);
      const id = await until('the run', () => lastRunId(db), 20_000, cli.output);
      await until('a checkpoint', () => workerAfterCheckpoint(db, id), 20_000, cli.output);
      const filler = join(fs.dir, 'filler');
      const fd = openSync(filler, 'w');
      try {
        const chunk = Buffer.alloc(2 ** 16);
        for (;;) writeSync(fd, chunk);
      } catch (e) {
        expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        closeSync(fd);
      }
      const r = await cli.done;
      rmSync(filler);
      // Its failure recorded, or (when even that write is refused) left for recovery: either way it says why.
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(`^qnnlab: (run ${id} failed|Run ${id} stopped, but the database ${db} did not take its results): .*database or disk is full`, 'm'),
      );
      expect(r.stderr).not.toMatch(/internal error/);
      expect(integrity(db)).toBe('ok');
      expect(peek<number>(db, 'SELECT COUNT(*) FROM runs')).toBe(1);
      expect(lossStepsContiguous(db, id)).toBe(true);
      await resumesIdentically(db, id, MEDIUM_CONFIG);
    } finally {
      fs.unmount();
    }
  }, 60_000);
});
