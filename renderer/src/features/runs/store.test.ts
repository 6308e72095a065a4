import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient, EventName, Events } from '../../../../electron/contract/channels.ts';
import type { Result } from '../../../../electron/contract/errors.ts';
import type { ListRunsRequest, RunDetail, RunPage, RunSummary } from '../../../../electron/contract/runs.ts';
import { setApiClient } from '../../api/client.ts';
import { compareUrl, FIRST_PAGE_ROWS, listRequest, NO_FILTERS, PAGE_ROWS, PROGRESS_FLUSH_MS, SYNC_DELAY_MS, useRunsStore, type RunFilters } from './store.ts';

function run(id: number, change: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    kind: 'train',
    name: `run ${id}`,
    status: 'succeeded',
    progress: 1,
    createdAt: new Date(Date.UTC(2026, 0, 1) + id * 60_000).toISOString(),
    startedAt: null,
    finishedAt: null,
    durationMs: 1000,
    datasetId: null,
    datasetName: null,
    tags: [],
    parentId: null,
    error: null,
    childCount: 0,
    notes: null,
    ...change,
  };
}

function detail(summary: RunSummary): RunDetail {
  return { ...summary, config: {}, result: null, seeds: [], metrics: [], appVersion: 'test', workerPid: null, heartbeatAt: null, failure: null };
}

/**
 * A host with `count` runs (ids count..1 newest first): runs.list pages them with a cursor (the index as text),
 * answering every filter with the same rows; every request is recorded; `emit` delivers an event to the store.
 */
function fakeHost(count: number) {
  let runs = Array.from({ length: count }, (_, i) => run(count - i));
  const requests: { channel: string; request: Record<string, unknown> }[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const answers: Record<string, (req: Record<string, unknown>) => Result<unknown> | Promise<Result<unknown>>> = {
    'runs.list': (req) => {
      const r = req as ListRunsRequest;
      const from = r.cursor ? Number(r.cursor) : 0;
      const limit = r.limit ?? 50;
      const page: RunPage = { runs: runs.slice(from, from + limit), total: runs.length, nextCursor: from + limit < runs.length ? String(from + limit) : null };
      return { ok: true, value: page };
    },
    'runs.get': (req) => {
      const found = runs.find((r) => r.id === req.id);
      return found
        ? { ok: true, value: detail(found) }
        : { ok: false, error: { code: 'NOT_FOUND', message: `Run ${String(req.id)} does not exist.`, field: 'id' } };
    },
  };
  const client = new Proxy({} as ApiClient, {
    get(_t, prop: string) {
      if (prop === 'on') {
        return (event: string, listener: (payload: unknown) => void) => {
          if (!listeners.has(event)) listeners.set(event, new Set());
          listeners.get(event)!.add(listener);
          return () => listeners.get(event)!.delete(listener);
        };
      }
      return async (request: Record<string, unknown>) => {
        requests.push({ channel: prop, request });
        return (await answers[prop]?.(request)) ?? { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `no ${prop}` } };
      };
    },
  });
  return {
    client,
    requests,
    answers,
    calls: (channel: string) => requests.filter((r) => r.channel === channel),
    setRuns: (next: RunSummary[]) => (runs = next),
    get runs() {
      return runs;
    },
    emit<E extends EventName>(event: E, payload: Events[E]) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
  };
}

describe('listRequest', () => {
  it('sends only the filters that are set, text trimmed, with the sort and page', () => {
    expect(listRequest({ ...NO_FILTERS, status: [] }, { field: 'createdAt', order: 'desc' }, 100)).toEqual({ sort: 'createdAt', order: 'desc', limit: 100 });
    const filters: RunFilters = {
      kind: 'experiment',
      status: ['running', 'failed'],
      datasetId: 3,
      tag: ' qnn ',
      search: '  pbc ',
      includeChildren: true,
    };
    expect(listRequest(filters, { field: 'name', order: 'asc' }, 500, 'abc')).toEqual({
      kind: 'experiment',
      status: ['running', 'failed'],
      datasetId: 3,
      tag: 'qnn',
      search: 'pbc',
      includeChildren: true,
      sort: 'name',
      order: 'asc',
      limit: 500,
      cursor: 'abc',
    });
    expect(listRequest({ ...NO_FILTERS, status: [], tag: '   ', search: ' ' }, { field: 'status', order: 'asc' }, 10)).toEqual({
      sort: 'status',
      order: 'asc',
      limit: 10,
    });
  });

  it('builds the compare address with ids ascending', () => {
    expect(compareUrl(new Set([12, 3, 7]))).toBe('/compare?runs=3,7,12');
  });
});

describe('runs store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
  });
  afterEach(() => {
    useRunsStore().unwatchHost();
    vi.useRealTimers();
    setApiClient(null);
  });

  it('loads a first page, then pages as the table scrolls, one request at a time, and no further than the last run', async () => {
    const host = fakeHost(1234);
    setApiClient(host.client);
    const store = useRunsStore();
    await store.reload();
    expect(store.listStatus).toBe('ready');
    expect(store.total).toBe(1234);
    expect(store.rows.map((r) => r.id).slice(0, 3)).toEqual([1234, 1233, 1232]);
    expect(store.rows).toHaveLength(FIRST_PAGE_ROWS);
    // Scrolled to rows 600..640: pages of PAGE_ROWS from the cursor until row 690 is there.
    await Promise.all([store.setViewport(600, 640), store.setViewport(600, 640)]);
    expect(store.rows).toHaveLength(FIRST_PAGE_ROWS + 2 * PAGE_ROWS);
    expect(host.calls('runs.list').map((c) => c.request.cursor)).toEqual([undefined, '100', '600']);
    await store.setViewport(1200, 1234);
    expect(store.rows.map((r) => r.id)).toEqual(host.runs.map((r) => r.id));
    expect(host.calls('runs.list')).toHaveLength(4);
  });

  it('sends the filters and the sort to the host, and a header clicked twice flips the order', async () => {
    const host = fakeHost(10);
    setApiClient(host.client);
    const store = useRunsStore();
    await store.reload();
    await store.setFilters({ kind: 'train', status: ['running'], tag: 'qnn' });
    await store.sortBy('name');
    await store.sortBy('name');
    await store.sortBy('durationMs');
    const sent = host.calls('runs.list').map((c) => c.request);
    expect(sent[1]).toMatchObject({ kind: 'train', status: ['running'], tag: 'qnn', sort: 'createdAt', order: 'desc' });
    expect(sent.slice(2).map((r) => [r.sort, r.order])).toEqual([
      ['name', 'asc'],
      ['name', 'desc'],
      ['durationMs', 'desc'],
    ]);
    await store.clearFilters();
    expect(host.calls('runs.list').at(-1)!.request).toEqual({ sort: 'durationMs', order: 'desc', limit: FIRST_PAGE_ROWS });
  });

  it('shows a refused filter as the error, with no rows of another query', async () => {
    const host = fakeHost(10);
    setApiClient(host.client);
    const store = useRunsStore();
    await store.reload();
    host.answers['runs.list'] = () => ({ ok: false, error: { code: 'VALIDATION', message: '"tag" must have at most 64 characters', field: 'tag' } });
    await store.setFilters({ tag: 'x'.repeat(65) });
    expect(store.listStatus).toBe('error');
    expect(store.listError).toMatchObject({ code: 'VALIDATION', field: 'tag' });
    expect(store.rows).toEqual([]);
  });

  it('answers a burst of runs.changed with one refetch of the rows in view', async () => {
    const host = fakeHost(300);
    setApiClient(host.client);
    const store = useRunsStore();
    store.watchHost();
    store.showList(true);
    await store.reload();
    await store.setViewport(0, 30);
    const before = host.calls('runs.list').length;
    host.setRuns([run(301, { status: 'running', progress: 0 }), ...host.runs]);
    for (let i = 0; i < 50; i++) host.emit('runs.changed', { ids: i % 2 ? [] : [301] });
    await vi.advanceTimersByTimeAsync(SYNC_DELAY_MS - 1);
    expect(host.calls('runs.list')).toHaveLength(before);
    await vi.advanceTimersByTimeAsync(1);
    expect(host.calls('runs.list')).toHaveLength(before + 1);
    expect(host.calls('runs.list').at(-1)!.request).toMatchObject({ limit: FIRST_PAGE_ROWS });
    expect(host.calls('runs.list').at(-1)!.request.cursor).toBeUndefined();
    expect(store.rows[0]).toMatchObject({ id: 301, status: 'running' });
    expect(store.total).toBe(301);
    // Quiet again: nothing more.
    await vi.advanceTimersByTimeAsync(10 * SYNC_DELAY_MS);
    expect(host.calls('runs.list')).toHaveLength(before + 1);
  });

  it('leaves the list alone while no page shows it', async () => {
    const host = fakeHost(20);
    setApiClient(host.client);
    const store = useRunsStore();
    store.watchHost();
    store.showList(true);
    await store.reload();
    store.showList(false);
    const before = host.calls('runs.list').length;
    for (let i = 0; i < 5; i++) {
      host.emit('runs.changed', { ids: [] });
      await vi.advanceTimersByTimeAsync(SYNC_DELAY_MS);
    }
    expect(host.calls('runs.list')).toHaveLength(before);
    store.showList(true);
    host.emit('runs.changed', { ids: [] });
    await vi.advanceTimersByTimeAsync(SYNC_DELAY_MS);
    expect(host.calls('runs.list')).toHaveLength(before + 1);
  });

  it('events during a refetch bring exactly one more, after it', async () => {
    const host = fakeHost(20);
    setApiClient(host.client);
    const store = useRunsStore();
    store.watchHost();
    store.showList(true);
    await store.reload();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const list = host.answers['runs.list'];
    let pending = 0;
    host.answers['runs.list'] = async (req) => {
      pending++;
      await gate;
      return list(req);
    };
    host.emit('runs.changed', { ids: [1] });
    await vi.advanceTimersByTimeAsync(SYNC_DELAY_MS);
    expect(pending).toBe(1);
    for (let i = 0; i < 10; i++) host.emit('runs.changed', { ids: [2] });
    await vi.advanceTimersByTimeAsync(5 * SYNC_DELAY_MS);
    expect(pending).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(2 * SYNC_DELAY_MS);
    expect(pending).toBe(2);
  });

  it('applies runs.progress without any request, at most every PROGRESS_FLUSH_MS, the newest value winning', async () => {
    const host = fakeHost(5);
    host.setRuns([run(6, { status: 'running', progress: 0.1 }), ...host.runs]);
    setApiClient(host.client);
    const store = useRunsStore();
    store.watchHost();
    store.showList(true);
    await store.reload();
    const requests = host.requests.length;
    const running = store.rows[0];
    expect(store.progressOf(running)).toBe(0.1);
    for (let i = 1; i <= 100; i++) host.emit('runs.progress', { id: 6, fraction: i / 100, label: `step ${i}` });
    expect(store.progressOf(running)).toBe(0.1);
    await vi.advanceTimersByTimeAsync(PROGRESS_FLUSH_MS);
    expect(store.progressOf(running)).toBe(1);
    expect(store.live.get(6)).toEqual({ fraction: 1, label: 'step 100' });
    await vi.advanceTimersByTimeAsync(4 * SYNC_DELAY_MS);
    expect(host.requests).toHaveLength(requests);
    // A finished run shows no progress bar, and its live progress goes with the refetch that shows it finished.
    expect(store.progressOf(store.rows[1])).toBeNull();
    host.setRuns([run(6, { status: 'succeeded', progress: 1 }), ...host.runs.slice(1)]);
    host.emit('runs.changed', { ids: [6] });
    await vi.advanceTimersByTimeAsync(SYNC_DELAY_MS);
    expect(store.rows[0].status).toBe('succeeded');
    expect(store.live.has(6)).toBe(false);
  });

  it('deep in the list, re-reads the page in view from its cursor and replaces rows in place', async () => {
    const host = fakeHost(2000);
    setApiClient(host.client);
    const store = useRunsStore();
    store.watchHost();
    store.showList(true);
    await store.reload();
    await store.setViewport(1000, 1040);
    const loaded = store.rows.length;
    const target = store.rows[1010];
    host.setRuns(host.runs.map((r) => (r.id === target.id ? { ...r, tags: ['late'] } : r)));
    host.emit('runs.changed', { ids: [] });
    await vi.advanceTimersByTimeAsync(SYNC_DELAY_MS);
    const last = host.calls('runs.list').at(-1)!.request;
    expect(last.cursor).toBe('600');
    expect(last.limit).toBe(1040 + 50 - 600);
    expect(store.rows).toHaveLength(loaded);
    expect(store.rows[1010]).toMatchObject({ id: target.id, tags: ['late'] });
  });

  it('keeps a cached run up to date from events naming it (or any change elsewhere), and lets it go', async () => {
    const host = fakeHost(3);
    setApiClient(host.client);
    const store = useRunsStore();
    store.watchHost();
    const first = await store.get(2);
    expect(first.ok && first.value.name).toBe('run 2');
    await store.get(2);
    expect(host.calls('runs.get')).toHaveLength(1);
    host.setRuns(host.runs.map((r) => (r.id === 2 ? { ...r, name: 'renamed' } : r)));
    host.emit('runs.changed', { ids: [3] });
    await vi.advanceTimersByTimeAsync(SYNC_DELAY_MS);
    expect(host.calls('runs.get')).toHaveLength(1);
    host.emit('runs.changed', { ids: [2] });
    await vi.advanceTimersByTimeAsync(SYNC_DELAY_MS);
    expect(store.details.get(2)?.name).toBe('renamed');
    host.emit('runs.changed', { ids: [] });
    await vi.advanceTimersByTimeAsync(SYNC_DELAY_MS);
    expect(host.calls('runs.get')).toHaveLength(3);
    store.forget(2);
    host.emit('runs.changed', { ids: [2] });
    await vi.advanceTimersByTimeAsync(SYNC_DELAY_MS);
    expect(host.calls('runs.get')).toHaveLength(3);
  });

  it('updates tags and notes in place from the host answer; a refusal keeps the row and names the field', async () => {
    const host = fakeHost(3);
    host.answers['runs.update'] = (req) => {
      const r = host.runs.find((x) => x.id === req.id)!;
      const tags = req.tags as string[] | undefined;
      if (tags?.some((t) => t.length > 64))
        return { ok: false, error: { code: 'VALIDATION', message: '"tags.0" must have at most 64 characters', field: 'tags.0' } };
      const changed = { ...r, ...(tags ? { tags } : {}), ...(req.notes !== undefined ? { notes: req.notes as string } : {}) };
      host.setRuns(host.runs.map((x) => (x.id === r.id ? changed : x)));
      return { ok: true, value: detail(changed) };
    };
    setApiClient(host.client);
    const store = useRunsStore();
    await store.reload();
    expect((await store.update(2, { tags: ['qnn', 'paper'] })).ok).toBe(true);
    expect(store.rows.find((r) => r.id === 2)?.tags).toEqual(['qnn', 'paper']);
    await store.update(2, { notes: 'baseline for the paper' });
    expect(store.rows.find((r) => r.id === 2)?.notes).toBe('baseline for the paper');
    const refused = await store.update(2, { tags: ['x'.repeat(65)] });
    expect(!refused.ok && refused.error.field).toBe('tags.0');
    expect(store.rows.find((r) => r.id === 2)?.tags).toEqual(['qnn', 'paper']);
  });

  it('removes a deleted run and its children from the list, the total, the cache and the selection', async () => {
    const host = fakeHost(4);
    host.answers['runs.delete'] = (req) => ({ ok: true, value: { ids: [req.id as number, 90, 91] } });
    setApiClient(host.client);
    const store = useRunsStore();
    await store.reload();
    await store.get(3);
    store.select(3, true);
    store.select(1, true);
    await store.remove(3);
    expect(store.rows.map((r) => r.id)).toEqual([4, 2, 1]);
    expect(store.total).toBe(3);
    expect(store.details.has(3)).toBe(false);
    expect([...store.selected]).toEqual([1]);
  });

  it('selects a range with shift from the last run clicked, and unselects one', async () => {
    const host = fakeHost(10);
    setApiClient(host.client);
    const store = useRunsStore();
    await store.reload();
    store.select(9, true);
    store.select(5, true, { range: true });
    expect([...store.selected].sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9]);
    store.select(7, false);
    store.select(2, true, { range: true });
    expect([...store.selected].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    store.clearSelection();
    expect(store.selected.size).toBe(0);
  });
});
