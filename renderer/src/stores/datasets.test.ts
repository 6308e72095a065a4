import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../electron/contract/channels.ts';
import type { DatasetSummary } from '../../../electron/contract/datasets.ts';
import type { Result } from '../../../electron/contract/errors.ts';
import { setApiClient } from '../api/client.ts';
import { useDatasetsStore } from './datasets.ts';

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
