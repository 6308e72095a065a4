import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../../../electron/contract/channels.ts';
import type { DatasetSummary, ImportSource } from '../../../electron/contract/datasets.ts';
import type { Result } from '../../../electron/contract/errors.ts';
import type { RunDetail } from '../../../electron/contract/runs.ts';
import { setApiClient, setTransport, useTransport } from '../api/client.ts';
import type { Transport } from '../api/transport.ts';
import { needsTokenConfirmation, useDatasetsStore } from './datasets.ts';

function summary(id: number, name: string, createdAt: string): DatasetSummary {
  return { id, name, rows: 10, columns: 3, missingCells: 2, source: `${name}.csv`, createdAt, warnings: [] };
}

/** A fake client: each channel answers from `answers`, or NOT_FOUND. */
function fakeClient(answers: Partial<Record<string, (req: unknown) => Result<unknown>>>): ApiClient {
  return new Proxy({} as ApiClient, {
    get(_t, prop: string) {
      if (prop === 'on') return () => () => {};
      return async (req: unknown) => answers[prop]?.(req) ?? { ok: false, error: { code: 'NOT_FOUND', message: `no ${prop}` } };
    },
  });
}

describe('datasets store', () => {
  let list: DatasetSummary[];
  beforeEach(() => {
    setActivePinia(createPinia());
    list = [summary(1, 'old', '2024-01-01T00:00:00Z'), summary(2, 'new', '2025-01-01T00:00:00Z')];
  });

  it('loads the list newest first', async () => {
    setApiClient(fakeClient({ 'datasets.list': () => ({ ok: true, value: list }) }));
    const store = useDatasetsStore();
    await store.refresh();
    expect(store.listStatus).toBe('ready');
    expect(store.items.map((d) => d.name)).toEqual(['new', 'old']);
  });

  it('keeps the last list when a refresh fails, and reports the error', async () => {
    let fail = false;
    setApiClient(
      fakeClient({
        'datasets.list': () => (fail ? { ok: false, error: { code: 'INTERNAL', message: 'db locked' } } : { ok: true, value: list }),
      }),
    );
    const store = useDatasetsStore();
    await store.refresh();
    fail = true;
    await store.refresh();
    expect(store.items).toHaveLength(2);
    expect(store.listStatus).toBe('ready');
    expect(store.listError?.message).toBe('db locked');
  });

  it('renames and removes in place; a refused rename changes nothing', async () => {
    setApiClient(
      fakeClient({
        'datasets.list': () => ({ ok: true, value: list }),
        'datasets.rename': (req) => {
          const { id, name } = req as { id: number; name: string };
          if (name === 'taken') return { ok: false, error: { code: 'CONFLICT', message: 'A dataset named "taken" already exists.' } };
          return { ok: true, value: { ...list.find((d) => d.id === id)!, name } };
        },
        'datasets.delete': (req) => ({ ok: true, value: { id: (req as { id: number }).id } }),
      }),
    );
    const store = useDatasetsStore();
    await store.refresh();
    expect((await store.rename(1, 'renamed')).ok).toBe(true);
    expect(store.items.find((d) => d.id === 1)?.name).toBe('renamed');
    const refused = await store.rename(2, 'taken');
    expect(refused.ok).toBe(false);
    expect(store.items.find((d) => d.id === 2)?.name).toBe('new');
    await store.remove(2);
    expect(store.items.map((d) => d.id)).toEqual([1]);
  });

  it('shares one request between concurrent refreshes', async () => {
    let calls = 0;
    setApiClient(fakeClient({ 'datasets.list': () => (calls++, { ok: true, value: list }) }));
    const store = useDatasetsStore();
    await Promise.all([store.refresh(), store.refresh(), store.refresh()]);
    expect(calls).toBe(1);
  });
});

describe('datasets store: importing a file as a run', () => {
  const IMPORTED = summary(9, 'big', '2026-01-01T00:00:00Z');
  type Handler = (req: unknown) => Result<unknown>;

  /** A host: channels answered by `answers`, events fired by hand, the file handed over as an upload. */
  function fakeHost(answers: Record<string, Handler>, upload: Result<ImportSource> = { ok: true, value: { uploadId: `1-${'a'.repeat(22)}` } }) {
    const listeners = new Map<string, Set<(p: unknown) => void>>();
    const calls: [string, unknown][] = [];
    let uploadSignal: AbortSignal | undefined;
    const transport: Transport = {
      kind: 'http',
      async call(channel, req) {
        calls.push([channel, req]);
        return answers[channel]?.(req) ?? { ok: false, error: { code: 'NOT_FOUND', message: `no ${channel}` } };
      },
      on(event, listener) {
        const set = listeners.get(event) ?? new Set();
        listeners.set(event, set);
        set.add(listener as (p: unknown) => void);
        return () => set.delete(listener as (p: unknown) => void);
      },
      connection: () => 'connected',
      onConnection: () => () => {},
      async importSource(_file, onProgress, signal) {
        uploadSignal = signal;
        onProgress(0.5);
        if (upload.ok) onProgress(1);
        return upload;
      },
    };
    setTransport(transport);
    const emit = (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
    return { calls, emit, uploadSignal: () => uploadSignal };
  }

  const file = new File(['a,b\n1,2\n'], 'big.csv');
  const run = (status: RunDetail['status'], extra: Partial<RunDetail> = {}) => ({
    ok: true as const,
    value: { id: 5, status, error: null, failure: null, result: null, ...extra },
  });
  let status: RunDetail['status'];
  let extra: Partial<RunDetail>;
  const answers: Record<string, Handler> = {
    'runs.start': () => run('queued'),
    'runs.get': () => run(status, extra),
    'runs.cancel': () => ((status = 'cancelled'), run('running')),
    'datasets.list': () => ({ ok: true, value: [IMPORTED] }),
  };
  beforeEach(() => {
    setActivePinia(createPinia());
    status = 'running';
    extra = {};
  });
  afterEach(() => setTransport(null));

  it('uploads, starts the import run with the options, follows its progress, and lists the dataset when it succeeds', async () => {
    const host = fakeHost(answers);
    const store = useDatasetsStore();
    const done = store.importFile(file, { name: ' Big ', missingTokens: ['-99'], outcome: 'death', encoding: 'latin1' });
    await vi.waitFor(() => expect(store.importState.phase).toBe('importing'));
    expect(host.calls.find(([c]) => c === 'runs.start')![1]).toEqual({
      kind: 'import',
      config: { fileName: 'big.csv', source: { uploadId: `1-${'a'.repeat(22)}` }, encoding: 'latin1', name: 'Big', missingTokens: ['-99'], outcome: 'death' },
    });
    await vi.waitFor(() => expect(store.importState.runId).toBe(5));
    host.emit('runs.progress', { id: 5, fraction: 0.42, label: 'Parsing big.csv' });
    host.emit('runs.progress', { id: 4, fraction: 0.9, label: 'another run' });
    expect(store.importState).toMatchObject({ phase: 'importing', fraction: 0.42, label: 'Parsing big.csv' });
    status = 'succeeded';
    extra = { result: IMPORTED };
    host.emit('runs.changed', { ids: [5] });
    expect(await done).toEqual({ ok: true, value: IMPORTED });
    expect(store.importState).toMatchObject({ phase: 'done', result: IMPORTED });
    expect(store.items[0]).toEqual(IMPORTED);
  });

  it("a failed run's code and field reach the form (the token refusal that Import anyway answers)", async () => {
    const host = fakeHost(answers);
    const store = useDatasetsStore();
    const done = store.importFile(file);
    await vi.waitFor(() => expect(store.importState.runId).toBe(5));
    status = 'failed';
    extra = { error: 'The missing-value token "0" would blank ...', failure: { code: 'CONFLICT', field: 'missingTokens', value: ['0'] } };
    host.emit('runs.changed', { ids: [] });
    const result = await done;
    expect(result).toEqual({
      ok: false,
      error: { code: 'CONFLICT', message: 'The missing-value token "0" would blank ...', field: 'missingTokens', value: ['0'] },
    });
    expect(needsTokenConfirmation(store.importState.error)).toBe(true);
  });

  it("a refused start names the form's field, not the request's (config.encoding -> encoding)", async () => {
    fakeHost({
      ...answers,
      'runs.start': () => ({ ok: false, error: { code: 'VALIDATION', message: 'Unknown encoding "klingon".', field: 'config.encoding' } }),
    });
    const store = useDatasetsStore();
    expect(await store.importFile(file, { encoding: 'klingon' })).toMatchObject({ ok: false, error: { field: 'encoding' } });
    expect(store.importState.phase).toBe('error');
  });

  it('Cancel cancels the run, which ends as cancelled: nothing imported', async () => {
    const host = fakeHost(answers);
    const store = useDatasetsStore();
    const done = store.importFile(file);
    await vi.waitFor(() => expect(store.importState.runId).toBe(5));
    await store.cancelImport();
    expect(host.calls.filter(([c]) => c === 'runs.cancel')).toEqual([['runs.cancel', { id: 5 }]]);
    host.emit('runs.changed', { ids: [5] });
    expect(await done).toMatchObject({ ok: false, error: { code: 'CANCELLED', message: 'The import of "big.csv" was cancelled. Nothing was imported.' } });
    expect(store.items).toEqual([]);
  });

  it('Cancel during the upload stops it and starts no run', async () => {
    let release: (r: Result<ImportSource>) => void = () => {};
    const host = fakeHost(answers);
    const transport = useTransport();
    transport.importSource = (_f, _p, signal) =>
      new Promise((resolve) => {
        release = resolve;
        signal?.addEventListener('abort', () => resolve({ ok: false, error: { code: 'CANCELLED', message: 'The upload of "big.csv" was cancelled.' } }));
      });
    const store = useDatasetsStore();
    const done = store.importFile(file);
    expect(store.importState.phase).toBe('uploading');
    await store.cancelImport();
    expect(await done).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    release({ ok: true, value: { uploadId: 'late' } });
    expect(host.calls.some(([c]) => c === 'runs.start')).toBe(false);
  });
});
