// The worker's side of the protocol with a fake port: ready first, one start, malformed host messages rejected and
// logged (never acted on), cancel, a host that goes away, metrics batched and flushed before a checkpoint and the end.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AbortError, InvalidInputError } from '../../core/errors.ts';
import { workerToHost, type WorkerToHost } from '../contract/run-protocol.ts';
import { defineRunKind, type RunContext } from './kinds/types.ts';
import type { WorkerPort } from './port.ts';
import { LINGER_MS, serveRun } from './serve.ts';

function fakePort() {
  const sent: WorkerToHost[] = [];
  let onMessage: (m: unknown) => void = () => {};
  let onClose: () => void = () => {};
  const port: WorkerPort = {
    send: (m) => sent.push(workerToHost.parse(m)), // everything the worker sends must pass the protocol
    onMessage: (l) => (onMessage = l),
    onClose: (l) => (onClose = l),
  };
  return { port, sent, deliver: (m: unknown) => onMessage(m), close: () => onClose() };
}

let release: () => void;
const gate = () => new Promise<void>((r) => (release = r));

const echo = defineRunKind({
  kind: 'echo',
  description: 'test kind',
  config: z.object({}),
  input: z.object({ steps: z.number().int().min(0) }),
  resumable: true,
  prepare: () => ({ input: { steps: 0 }, name: 'echo' }),
  async run(input: { steps: number }, ctx: RunContext) {
    for (let s = 1; s <= input.steps; s++) ctx.metric('loss', s, 1 / s);
    ctx.checkpoint(input.steps, { done: input.steps, resumedFrom: ctx.resumeFrom?.step ?? null });
    ctx.metric('after', 1, NaN);
    await gate();
    if (ctx.signal.aborted) throw new AbortError();
    if (input.steps === 13) throw new InvalidInputError('thirteen is not allowed', { field: 'steps', value: 13 });
    if (input.steps === 14) throw new Error('a bug');
    return { steps: input.steps };
  },
});

const kinds = (name: string) => {
  if (name !== 'echo') throw new InvalidInputError(`Unknown run kind "${name}"`, { field: 'kind', value: name });
  return echo;
};

let exit: ReturnType<typeof vi.fn<(code: number) => void>>;
beforeEach(() => {
  exit = vi.fn<(code: number) => void>();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

const start = (input: unknown, checkpoint: unknown = null) => ({ type: 'start', runId: 1, kind: 'echo', input, checkpoint });
const settle = async () => {
  release?.();
  await vi.advanceTimersByTimeAsync(1);
};

describe('serveRun', () => {
  it('says ready, runs one start, flushes metrics before its checkpoint and result, and sends the result last', async () => {
    const p = fakePort();
    serveRun(p.port, kinds, { pid: 42, exit });
    expect(p.sent).toEqual([{ type: 'ready', pid: 42 }]);
    p.deliver(start({ steps: 3 }, { step: 2, payload: { any: 'thing' } }));
    await vi.advanceTimersByTimeAsync(0);
    await settle();
    expect(p.sent.slice(1)).toEqual([
      {
        type: 'metrics',
        points: [
          { name: 'loss', step: 1, value: 1 },
          { name: 'loss', step: 2, value: 0.5 },
          { name: 'loss', step: 3, value: 1 / 3 },
        ],
      },
      { type: 'checkpoint', checkpoint: { step: 3, payload: { done: 3, resumedFrom: 2 } } },
      { type: 'metrics', points: [{ name: 'after', step: 1, value: null }] },
      { type: 'result', result: { steps: 3 } },
    ]);
    // The host ends the worker once it has read the result; only a forgotten worker ends itself, much later.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(exit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(LINGER_MS);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('rejects malformed messages with a log line and acts on none of them; ignores a second start', async () => {
    const p = fakePort();
    serveRun(p.port, kinds, { pid: 1, exit });
    for (const bad of [null, 'start', { type: 'launch' }, { type: 'start', runId: -1, kind: 'echo', input: {}, checkpoint: null }, { type: 'start' }])
      p.deliver(bad);
    const logs = p.sent.filter((m) => m.type === 'log');
    expect(logs).toHaveLength(5);
    for (const l of logs)
      expect(l).toMatchObject({ level: 'warning', message: expect.stringMatching(/^The worker rejected a malformed message from its host: /) });
    expect(logs[3]).toMatchObject({ message: expect.stringMatching(/runId must be > 0; got -1/) });
    expect(p.sent.some((m) => m.type === 'metrics' || m.type === 'result')).toBe(false);
    p.deliver(start({ steps: 1 }));
    p.deliver(start({ steps: 2 }));
    await settle();
    expect(p.sent.filter((m) => m.type === 'log').at(-1)).toMatchObject({ message: expect.stringMatching(/ignored a second start/) });
    expect(p.sent.filter((m) => m.type === 'result')).toEqual([{ type: 'result', result: { steps: 1 } }]);
  });

  it('an unknown kind, an input that fails its schema, a LabError and a bug each end in an error message with code and field', async () => {
    const run = async (message: unknown) => {
      const p = fakePort();
      serveRun(p.port, kinds, { pid: 1, exit });
      p.deliver(message);
      await settle();
      return p.sent.at(-1);
    };
    expect(await run({ ...start({}), kind: 'bake' })).toMatchObject({ type: 'error', error: { code: 'VALIDATION', field: 'kind' } });
    expect(await run(start({ steps: 'x' }))).toMatchObject({
      type: 'error',
      error: { code: 'VALIDATION', field: 'input.steps', message: expect.stringMatching(/echo input "steps" must be a number/) },
    });
    expect(await run(start({ steps: 13 }))).toMatchObject({ type: 'error', error: { code: 'VALIDATION', field: 'steps', value: 13 } });
    const bug = await run(start({ steps: 14 }));
    expect(bug).toMatchObject({
      type: 'error',
      error: { code: 'INTERNAL', message: 'The echo run failed in its worker: a bug', stack: expect.stringContaining('Error: a bug') },
    });
  });

  it('cancel aborts the run (CANCELLED); a host that goes away aborts it and ends the process', async () => {
    const p = fakePort();
    serveRun(p.port, kinds, { pid: 1, exit });
    p.deliver(start({ steps: 1 }));
    await vi.advanceTimersByTimeAsync(0);
    p.deliver({ type: 'cancel' });
    await settle();
    expect(p.sent.at(-1)).toMatchObject({ type: 'error', error: { code: 'CANCELLED' } });

    const q = fakePort();
    serveRun(q.port, kinds, { pid: 1, exit });
    q.deliver(start({ steps: 1 }));
    await vi.advanceTimersByTimeAsync(0);
    q.close();
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('sends progress at most every 100 ms, and the latest value is never lost', async () => {
    const p = fakePort();
    const steps = defineRunKind({
      ...echo,
      kind: 'echo',
      async run(_input: { steps: number }, ctx: RunContext) {
        for (let k = 1; k <= 10; k++) ctx.progress(k / 10, `step ${k}`);
        await gate();
        ctx.progress(2, 'past the end');
        return null;
      },
    });
    serveRun(p.port, () => steps, { pid: 1, exit });
    const progress = () => p.sent.filter((m) => m.type === 'progress');
    p.deliver(start({ steps: 0 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(progress()).toEqual([{ type: 'progress', fraction: 0.1, label: 'step 1' }]);
    await vi.advanceTimersByTimeAsync(99);
    expect(progress()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(progress().at(-1)).toEqual({ type: 'progress', fraction: 1, label: 'step 10' });
    await settle(); // within 100 ms of the last: held back, then sent by the run's end (clamped to 1)
    expect(progress().slice(2)).toEqual([{ type: 'progress', fraction: 1, label: 'past the end' }]);
    expect(p.sent.at(-1)).toEqual({ type: 'result', result: null });
  });
});
