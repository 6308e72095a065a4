// A run's payload (host to worker, in chunks after `start`) and its artifacts (worker to host, ahead of the result),
// end to end through serveRun with a fake port, and the host's streamPayload with a fake worker process.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LabError } from '../../core/errors.ts';
import { hostToWorker, MAX_CHUNK_BYTES, workerToHost, type WorkerToHost } from '../contract/run-protocol.ts';
import { streamPayload } from '../backend/runs/executor.ts';
import { defineRunKind, type RunContext, type RunPayload } from './kinds/types.ts';
import type { WorkerPort } from './port.ts';
import { serveRun } from './serve.ts';

function fakePort() {
  const sent: WorkerToHost[] = [];
  let onMessage: (m: unknown) => void = () => {};
  const port: WorkerPort = { send: (m) => sent.push(workerToHost.parse(m)), onMessage: (l) => (onMessage = l), onClose: () => {} };
  // Everything the host sends must pass the protocol too.
  return { port, sent, deliver: (m: unknown) => onMessage(hostToWorker.parse(m)) };
}

/** Sums its payload's bytes, sending them back as artifacts of at most 3 bytes. */
const summing = defineRunKind({
  kind: 'sum',
  description: 'test kind',
  config: z.object({}),
  input: z.object({}),
  resumable: false,
  prepare: () => ({ input: {}, name: 'sum' }),
  async run(_input: object, ctx: RunContext) {
    const bytes = await ctx.payload();
    for (let at = 0; at < bytes.length; at += 3) ctx.artifact({ at, bytes: bytes.slice(at, at + 3) });
    return { length: bytes.length, sum: bytes.reduce((s, b) => s + b, 0) };
  },
});

const start = { type: 'start', runId: 1, kind: 'sum', input: {}, checkpoint: null };
const tick = () => new Promise((r) => setImmediate(r));

async function serve(messages: unknown[]): Promise<WorkerToHost[]> {
  const p = fakePort();
  serveRun(p.port, () => summing, { pid: 1, exit: () => {}, lingerMs: 1 });
  for (const m of messages) {
    p.deliver(m);
    await tick();
  }
  for (let i = 0; i < 5; i++) await tick();
  return p.sent;
}

describe('a run payload in the worker', () => {
  it('arrives whole after its last chunk, and artifacts go out in order ahead of the result', async () => {
    const chunk = (...b: number[]) => ({ type: 'payload', chunk: Uint8Array.from(b) });
    const sent = await serve([start, chunk(1, 2), chunk(3), chunk(4, 5, 6, 7), { type: 'payload-end', error: null }]);
    expect(sent.filter((m) => m.type !== 'ready')).toEqual([
      { type: 'artifact', artifact: { at: 0, bytes: Uint8Array.from([1, 2, 3]) } },
      { type: 'artifact', artifact: { at: 3, bytes: Uint8Array.from([4, 5, 6]) } },
      { type: 'artifact', artifact: { at: 6, bytes: Uint8Array.from([7]) } },
      { type: 'result', result: { length: 7, sum: 28 } },
    ]);
  });

  it("fails with the host's error when the host could not read the rest, and ignores chunks after the end", async () => {
    const error = { code: 'TOO_LARGE', message: 'x.csv is larger than its stated size', field: 'source.path', value: 'x.csv' };
    const sent = await serve([
      start,
      { type: 'payload', chunk: Uint8Array.from([1]) },
      { type: 'payload-end', error },
      { type: 'payload', chunk: Uint8Array.from([2]) },
    ]);
    expect(sent.find((m) => m.type === 'error')).toEqual({ type: 'error', error });
    expect(sent.find((m) => m.type === 'log')).toMatchObject({ level: 'warning', message: expect.stringMatching(/ignored a payload message after the end/) });
  });

  it('stops waiting for its payload when cancelled (CANCELLED)', async () => {
    const sent = await serve([start, { type: 'payload', chunk: Uint8Array.from([1]) }, { type: 'cancel' }]);
    expect(sent.at(-1)).toMatchObject({ type: 'error', error: { code: 'CANCELLED' } });
  });

  it('the protocol refuses a chunk larger than MAX_CHUNK_BYTES', () => {
    expect(hostToWorker.safeParse({ type: 'payload', chunk: new Uint8Array(MAX_CHUNK_BYTES + 1) }).success).toBe(false);
    expect(hostToWorker.safeParse({ type: 'payload', chunk: 'text' }).success).toBe(false);
  });
});

describe('streamPayload (host)', () => {
  const payload = (chunks: Uint8Array[], failAfter?: number): RunPayload => ({
    bytes: chunks.reduce((s, c) => s + c.length, 0),
    async *chunks() {
      for (const [i, c] of chunks.entries()) {
        if (i === failAfter) throw new LabError('TOO_LARGE', 'x.csv grew past the limit', { field: 'source.path', value: 'x.csv' });
        yield c;
      }
    },
    dispose: async () => {},
  });

  /** A worker whose sends complete one event-loop turn later, recording how many were in flight at once. */
  function fakeWorker() {
    const sent: unknown[] = [];
    let inFlight = 0;
    let most = 0;
    return {
      sent,
      most: () => most,
      send(message: unknown, onSent?: () => void) {
        sent.push(hostToWorker.parse(message));
        inFlight++;
        most = Math.max(most, inFlight);
        setImmediate(() => {
          inFlight--;
          onSent?.();
        });
      },
    };
  }

  it('sends each chunk once the previous one has left, then payload-end', async () => {
    const w = fakeWorker();
    const chunks = [Uint8Array.from([1]), Uint8Array.from([2, 3]), Uint8Array.from([4])];
    await streamPayload(w, payload(chunks), new AbortController().signal);
    expect(w.sent).toEqual([...chunks.map((chunk) => ({ type: 'payload', chunk })), { type: 'payload-end', error: null }]);
    expect(w.most()).toBe(1);
  });

  it("ends with the reader's error (code and field) when the bytes cannot be read, and sends nothing once stopped", async () => {
    const w = fakeWorker();
    await streamPayload(w, payload([Uint8Array.from([1]), Uint8Array.from([2])], 1), new AbortController().signal);
    expect(w.sent.at(-1)).toEqual({
      type: 'payload-end',
      error: { code: 'TOO_LARGE', message: 'x.csv grew past the limit', field: 'source.path', value: 'x.csv', allowed: undefined, details: undefined },
    });
    const stopped = fakeWorker();
    await streamPayload(stopped, payload([Uint8Array.from([1])]), AbortSignal.abort());
    expect(stopped.sent).toEqual([]);
  });
});
