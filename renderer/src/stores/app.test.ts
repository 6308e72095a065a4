import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppInfo } from '../../../electron/contract/channels.ts';
import type { Result } from '../../../electron/contract/errors.ts';
import { setTransport } from '../api/client.ts';
import type { Connection, Transport } from '../api/transport.ts';
import { retryDelay, useAppStore } from './app.ts';

const INFO: AppInfo = { version: '1.2.3', schemaVersion: 2, databasePath: '/tmp/lab.db', transport: 'http', maxImportBytes: 1024 };

/** A web host that can be up, down (no answer) or refusing (an answer without access). */
function fakeHost() {
  let mode: 'up' | 'down' | 'refusing' = 'up';
  let state: Connection = 'connected';
  let listener: ((s: Connection) => void) | null = null;
  const setState = (next: Connection) => {
    if (next === state) return;
    state = next;
    listener?.(next);
  };
  const calls: number[] = [];
  const transport: Transport = {
    kind: 'http',
    async call(): Promise<Result<unknown>> {
      calls.push(Date.now());
      if (mode === 'down') {
        setState('disconnected');
        return { ok: false, error: { code: 'INTERNAL', message: 'Cannot reach the QNN Lab host' } };
      }
      setState('connected');
      if (mode === 'refusing') return { ok: false, error: { code: 'FORBIDDEN', message: 'no access key' } };
      return { ok: true, value: INFO };
    },
    on: () => () => {},
    connection: () => state,
    onConnection(l) {
      listener = l;
      return () => (listener = null);
    },
    importSource: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'not in this test' } }),
  };
  return {
    transport,
    calls,
    set: (m: typeof mode) => (mode = m),
    /** What the event stream reports: the host dropped the connection. */
    streamDropped: () => setState('disconnected'),
  };
}

describe('app store: the host connection', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    setTransport(null);
  });

  it('waits 0.5 s, then twice as long each time, at most 5 s', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map(retryDelay)).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('says "disconnected" while the host is gone, retries with backoff, and counts its return', async () => {
    const host = fakeHost();
    setTransport(host.transport);
    const app = useAppStore();
    app.watchHost();
    await app.load();
    expect(app.info).toEqual(INFO);

    host.set('down');
    host.streamDropped();
    await vi.advanceTimersByTimeAsync(0);
    expect(app.disconnected).toBe(true);
    const start = host.calls.length;
    await vi.advanceTimersByTimeAsync(500 + 1000 + 2000);
    expect(host.calls.length - start).toBe(3); // after 0.5 s, 1 s and 2 s
    await vi.advanceTimersByTimeAsync(3999);
    expect(host.calls.length - start).toBe(3); // the next one waits 4 s
    expect(app.reconnections).toBe(0);

    host.set('up');
    await vi.advanceTimersByTimeAsync(1);
    expect(app.disconnected).toBe(false);
    expect(app.reconnections).toBe(1);
    expect(app.error).toBeNull();
    // Back to normal: no more retries.
    const settled = host.calls.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(host.calls.length).toBe(settled);
  });

  it('a failed call while the host still answers is not an outage', async () => {
    const host = fakeHost();
    setTransport(host.transport);
    const app = useAppStore();
    app.watchHost();
    host.streamDropped(); // e.g. one request aborted; the check that follows gets an answer
    await vi.advanceTimersByTimeAsync(0);
    expect(app.disconnected).toBe(false);
    expect(app.reconnections).toBe(0);
    expect(host.calls).toHaveLength(1);
  });

  it('a host that answers but refuses (restarted with a new access key) is back, and says why', async () => {
    const host = fakeHost();
    setTransport(host.transport);
    const app = useAppStore();
    app.watchHost();
    host.set('down');
    host.streamDropped();
    await vi.advanceTimersByTimeAsync(0);
    expect(app.disconnected).toBe(true);
    host.set('refusing');
    await vi.advanceTimersByTimeAsync(500);
    expect(app.disconnected).toBe(false);
    expect(app.error?.code).toBe('FORBIDDEN');
  });
});
