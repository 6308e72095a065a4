import { describe, expect, it } from 'vitest';
import { AbortError } from '../errors.ts';
import { submitDeviceJob, type DeviceJobEvent, type DeviceJobSpec, type Sleep } from './device-jobs.ts';

/**
 * A fake clock and sleep: every sleep is recorded and settles only when the test calls `advance()`, so the
 * lifecycle is stepped through deterministically, with no real timers.
 */
function fakeTime() {
  let t = 0;
  const pending: { until: number; resolve: () => void; reject: (e: Error) => void; signal: AbortSignal }[] = [];
  const waits: number[] = [];
  const sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      waits.push(ms);
      if (signal.aborted) return reject(new AbortError());
      const entry = { until: t + ms, resolve, reject, signal };
      pending.push(entry);
      signal.addEventListener(
        'abort',
        () => {
          pending.splice(pending.indexOf(entry), 1);
          reject(new AbortError());
        },
        { once: true },
      );
    });
  /** Moves the clock on by `ms` and wakes every sleep due by then; then lets the job's continuations run. */
  const advance = async (ms: number) => {
    t += ms;
    for (const e of pending.filter((p) => p.until <= t)) {
      pending.splice(pending.indexOf(e), 1);
      e.resolve();
    }
    for (let k = 0; k < 10; k++) await Promise.resolve();
  };
  return { sleep, now: () => t, advance, waits, pending };
}

const spec = <T>(over: Partial<DeviceJobSpec<T>> & Pick<DeviceJobSpec<T>, 'execute'>): DeviceJobSpec<T> => ({
  id: 'j',
  backend: 'x',
  circuits: 1,
  shots: 10,
  queueSeconds: 100,
  runSeconds: 10,
  latencyScale: 1,
  maxDelayMs: Infinity,
  ...over,
});

describe('job lifecycle', () => {
  it('goes queued -> running -> completed with scaled latency (real timers)', async () => {
    const t0 = Date.now();
    const job = submitDeviceJob({ id: 'j1', backend: 'x', circuits: 1, shots: 10, queueSeconds: 3600, runSeconds: 100, latencyScale: 1e-5, execute: () => 42 });
    expect(job.status).toBe('queued');
    await expect(job.result).resolves.toBe(42);
    expect(job.events.map((e) => e.status)).toEqual(['queued', 'running', 'completed']);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('steps through queued -> running -> completed on an injected clock, events in order with their times', async () => {
    const time = fakeTime();
    const seen: DeviceJobEvent[] = [];
    let ran = 0;
    const job = submitDeviceJob(spec({ sleep: time.sleep, now: time.now, onStatus: (e) => seen.push(e), execute: () => ++ran }));
    expect(job.status).toBe('queued');
    expect(time.waits).toEqual([100_000]); // 100 device s x 1000 ms x scale 1
    await time.advance(99_999);
    expect(job.status).toBe('queued');
    expect(ran).toBe(0);
    await time.advance(1);
    expect(job.status).toBe('running');
    expect(ran).toBe(1);
    await time.advance(10_000);
    await expect(job.result).resolves.toBe(1);
    expect(job.status).toBe('completed');
    expect(seen.map((e) => [e.status, e.atMs])).toEqual([
      ['queued', 0],
      ['running', 100_000],
      ['completed', 110_000],
    ]);
    expect(job.events).toEqual(seen);
    expect(seen.every((e) => e.jobId === 'j' && e.queueSeconds === 100 && e.runSeconds === 10)).toBe(true);
  });

  it('caps each emulated wait at maxDelayMs', async () => {
    const time = fakeTime();
    submitDeviceJob(spec({ sleep: time.sleep, now: time.now, maxDelayMs: 1500, execute: () => 1 }));
    expect(time.waits).toEqual([1500]);
  });

  it("fails with the work's message when the work throws", async () => {
    const time = fakeTime();
    const job = submitDeviceJob(
      spec({
        sleep: time.sleep,
        now: time.now,
        execute: () => {
          throw new Error('device error');
        },
      }),
    );
    await time.advance(100_000);
    await expect(job.result).rejects.toThrow(/device error/);
    expect(job.status).toBe('failed');
    expect(job.events.map((e) => e.status)).toEqual(['queued', 'running', 'failed']);
    expect(job.events.at(-1)!.message).toBe('device error');
  });

  it('cancels while queued: the work never starts', async () => {
    const time = fakeTime();
    let ran = false;
    const job = submitDeviceJob(
      spec({
        sleep: time.sleep,
        now: time.now,
        execute: () => {
          ran = true;
          return 1;
        },
      }),
    );
    await time.advance(50_000);
    job.cancel();
    await expect(job.result).rejects.toBeInstanceOf(AbortError);
    expect(job.status).toBe('cancelled');
    expect(ran).toBe(false);
    expect(job.events.map((e) => [e.status, e.atMs])).toEqual([
      ['queued', 0],
      ['cancelled', 50_000],
    ]);
    expect(time.pending).toHaveLength(0);
  });

  it('cancels while queued through the outer signal, and refuses to start when it is already aborted', async () => {
    const time = fakeTime();
    const ctl = new AbortController();
    const job = submitDeviceJob(spec({ sleep: time.sleep, now: time.now, signal: ctl.signal, execute: () => 1 }));
    ctl.abort();
    await expect(job.result).rejects.toThrow(/cancelled/);
    expect(job.events.map((e) => e.status)).toEqual(['queued', 'cancelled']);
    const late = submitDeviceJob(spec({ sleep: time.sleep, now: time.now, signal: ctl.signal, execute: () => 1 }));
    await expect(late.result).rejects.toBeInstanceOf(AbortError);
    expect(late.status).toBe('cancelled');
  });

  it('cancels while running: the work sees the abort and stops between chunks', async () => {
    const time = fakeTime();
    let chunks = 0;
    let sawAbort = false;
    const job: ReturnType<typeof submitDeviceJob<number>> = submitDeviceJob(
      spec({
        sleep: time.sleep,
        now: time.now,
        execute: async (signal) => {
          // An emulated sampler: 100 chunks of shots, checking the signal between them.
          for (let c = 0; c < 100; c++) {
            if (signal.aborted) {
              sawAbort = true;
              throw new AbortError();
            }
            chunks++;
            if (chunks === 5) job.cancel(); // e.g. the user presses Cancel mid-run
            await Promise.resolve();
          }
          return chunks;
        },
      }),
    );
    await time.advance(100_000);
    await expect(job.result).rejects.toBeInstanceOf(AbortError);
    expect(sawAbort).toBe(true);
    expect(chunks).toBe(5);
    expect(job.status).toBe('cancelled');
    expect(job.events.map((e) => e.status)).toEqual(['queued', 'running', 'cancelled']);
  });

  it('cancels during the emulated run time after the work returned', async () => {
    const time = fakeTime();
    const job = submitDeviceJob(spec({ sleep: time.sleep, now: time.now, execute: () => 7 }));
    await time.advance(100_000);
    expect(job.status).toBe('running');
    job.cancel();
    await expect(job.result).rejects.toBeInstanceOf(AbortError);
    expect(job.events.map((e) => e.status)).toEqual(['queued', 'running', 'cancelled']);
  });

  it('treats cancel after completion (or after failure) as a no-op', async () => {
    const time = fakeTime();
    const seen: string[] = [];
    const job = submitDeviceJob(spec({ sleep: time.sleep, now: time.now, onStatus: (e) => seen.push(e.status), execute: () => 3 }));
    await time.advance(100_000);
    await time.advance(10_000);
    await expect(job.result).resolves.toBe(3);
    job.cancel();
    job.cancel();
    await time.advance(1);
    expect(job.status).toBe('completed');
    expect(seen).toEqual(['queued', 'running', 'completed']);
    const failed = submitDeviceJob(spec({ sleep: time.sleep, now: time.now, queueSeconds: 0, execute: () => Promise.reject(new Error('boom')) }));
    await time.advance(0);
    await expect(failed.result).rejects.toThrow('boom');
    failed.cancel();
    expect(failed.status).toBe('failed');
    expect(failed.events.map((e) => e.status)).toEqual(['queued', 'running', 'failed']);
  });

  it('cancels while queued with real timers', async () => {
    const job = submitDeviceJob({ id: 'j3', backend: 'x', circuits: 1, shots: 10, queueSeconds: 1000, runSeconds: 0, latencyScale: 1, execute: () => 1 });
    setTimeout(() => job.cancel(), 10);
    await expect(job.result).rejects.toThrow(/cancelled/);
    expect(job.status).toBe('cancelled');
  });
});
