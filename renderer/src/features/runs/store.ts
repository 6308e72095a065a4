// Runs: the list (filters, sort, cursor pages loaded as the table scrolls), a cache of single runs for the run page,
// live updates from the host's runs.changed and runs.progress events, tags, notes and delete. Calls the API only;
// never throws to views.
//
// Live updates are coalesced: bursts of runs.changed are answered by one runs.list of the rows in view (and one
// runs.get per cached run they name) every SYNC_DELAY_MS at most; runs.progress only updates `live` (no request).
import { defineStore } from 'pinia';
import { ref, shallowReactive, shallowRef } from 'vue';
import type { ApiError, Result } from '../../../../electron/contract/errors.ts';
import {
  DEFAULT_SORT_ORDER,
  RUNS_PAGE_SIZE,
  type DeletedRuns,
  type ListRunsRequest,
  type RunDetail,
  type RunPage,
  type RunPatch,
  type RunSortField,
  type RunStatus,
  type RunSummary,
} from '../../../../electron/contract/runs.ts';
import { useApi } from '../../api/client.ts';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface RunFilters {
  /** One kind, or null for every kind. */
  kind: string | null;
  /** Any of these statuses; empty for every status. */
  status: RunStatus[];
  datasetId: number | null;
  tag: string;
  /** Text the run's name contains. */
  search: string;
  /** Every run, an experiment's per-method and per-seed children too (default: top-level runs only). */
  includeChildren: boolean;
}

export interface RunSort {
  field: RunSortField;
  order: 'asc' | 'desc';
}

export const NO_FILTERS: Readonly<RunFilters> = Object.freeze({ kind: null, status: [], datasetId: null, tag: '', search: '', includeChildren: false });
export const DEFAULT_SORT: Readonly<RunSort> = Object.freeze({ field: 'createdAt', order: DEFAULT_SORT_ORDER.createdAt });

/** Rows of the first request (what the first screen shows, quickly) and of later ones (few requests while scrolling). */
export const FIRST_PAGE_ROWS = 100;
export const PAGE_ROWS = RUNS_PAGE_SIZE.max;
/** Rows loaded (and refreshed) beyond the last one in view. */
export const OVERSCAN_ROWS = 50;
/** runs.changed events within this window are answered by one refetch. */
export const SYNC_DELAY_MS = 250;
/** runs.progress events are applied at most this often. */
export const PROGRESS_FLUSH_MS = 200;

/** The runs.list request of a filter and sort: unset filters are left out, text trimmed. */
export function listRequest(filters: RunFilters, sort: RunSort, limit: number, cursor?: string): ListRunsRequest {
  const request: ListRunsRequest = { sort: sort.field, order: sort.order, limit };
  if (filters.kind) request.kind = filters.kind;
  if (filters.status.length > 0) request.status = [...filters.status];
  if (filters.datasetId !== null) request.datasetId = filters.datasetId;
  const tag = filters.tag.trim();
  if (tag) request.tag = tag;
  const search = filters.search.trim();
  if (search) request.search = search;
  if (filters.includeChildren) request.includeChildren = true;
  if (cursor) request.cursor = cursor;
  return request;
}

/** Whether any filter narrows the list (the empty state then offers to clear them). */
export function isFiltered(filters: RunFilters): boolean {
  return filters.kind !== null || filters.status.length > 0 || filters.datasetId !== null || filters.tag.trim() !== '' || filters.search.trim() !== '';
}

/** The list's row of a run record (a detail carries its configuration, result and metrics too). */
export function toSummary(run: RunDetail): RunSummary {
  const { id, kind, name, status, progress, createdAt, startedAt, finishedAt, durationMs, datasetId, datasetName, tags, parentId, error, childCount, notes } =
    run;
  return { id, kind, name, status, progress, createdAt, startedAt, finishedAt, durationMs, datasetId, datasetName, tags, parentId, error, childCount, notes };
}

/** The compare page's address for these runs (ids ascending). */
export function compareUrl(ids: Iterable<number>): string {
  return `/compare?runs=${[...ids].sort((a, b) => a - b).join(',')}`;
}

export interface LiveProgress {
  fraction: number;
  label: string | null;
}

export const useRunsStore = defineStore('runs', () => {
  const filters = ref<RunFilters>({ ...NO_FILTERS, status: [] });
  const sort = ref<RunSort>({ ...DEFAULT_SORT });
  // shallowRef: the rows are replaced, never mutated in place (10,000 reactive proxies would cost more than the table).
  const rows = shallowRef<RunSummary[]>([]);
  const total = ref(0);
  const listStatus = ref<LoadStatus>('idle');
  const listError = shallowRef<ApiError | null>(null);
  /** A new query (filters, sort) is under way. */
  const loading = ref(false);
  /** Progress of running runs from runs.progress, by run id: newer than the listed or cached progress. */
  const live = shallowReactive(new Map<number, LiveProgress>());
  /** Single runs (the run page's): kept up to date while cached; `forget` lets one go. */
  const details = shallowReactive(new Map<number, RunDetail>());
  /** Selected run ids (for Compare); kept across filters and visits. */
  const selected = shallowRef<ReadonlySet<number>>(new Set());

  // Every answer that replaces the rows bumps the generation; an answer to an older query is dropped.
  let generation = 0;
  let nextCursor: string | null = null;
  /** Where each loaded page starts and the cursor that fetched it (a deep refresh re-reads the page in view). */
  let pageStarts: { start: number; cursor: string | undefined }[] = [];
  let loadingMore: Promise<void> | null = null;
  const viewport = { start: 0, end: 0 };
  /** Whether a list is on screen: events refetch it only then (the page reloads it when it opens again). */
  let listShown = false;

  function list(limit: number, cursor?: string): Promise<Result<RunPage>> {
    return useApi()['runs.list'](listRequest(filters.value, sort.value, limit, cursor));
  }

  /** Rows of a refetch from the top: they replace what was loaded (rows beyond load again as the table asks). */
  function setHead(page: RunPage): void {
    rows.value = page.runs;
    total.value = page.total;
    nextCursor = page.nextCursor;
    pageStarts = [{ start: 0, cursor: undefined }];
    dropFinishedProgress(page.runs);
  }

  function dropFinishedProgress(runs: readonly RunSummary[]): void {
    for (const r of runs) if (r.status !== 'running' && live.has(r.id)) live.delete(r.id);
  }

  /** The first page for the current filters and sort (the table then asks for more as it scrolls). */
  async function reload(): Promise<void> {
    const gen = ++generation;
    loadingMore = null;
    // A list on screen stays while the new query runs (no flash); `loading` says one is under way.
    if (listStatus.value !== 'ready') listStatus.value = 'loading';
    loading.value = true;
    const result = await list(Math.min(PAGE_ROWS, Math.max(FIRST_PAGE_ROWS, viewport.end + OVERSCAN_ROWS)));
    if (gen !== generation) return;
    loading.value = false;
    if (result.ok) {
      setHead(result.value);
      listError.value = null;
      listStatus.value = 'ready';
    } else {
      // Rows of another query would mislead: show the error alone.
      setHead({ runs: [], total: 0, nextCursor: null });
      listError.value = result.error;
      listStatus.value = 'error';
    }
  }

  /** Loads pages until `end` rows are there (or every row is). One request at a time; stops at a refusal. */
  async function ensureRows(end: number): Promise<void> {
    while (listStatus.value === 'ready' && rows.value.length < Math.min(end, total.value) && nextCursor) {
      if (loadingMore) {
        await loadingMore;
        continue;
      }
      const gen = generation;
      const cursor = nextCursor;
      let failed = false;
      loadingMore = (async () => {
        const result = await list(PAGE_ROWS, cursor);
        if (gen !== generation) return;
        if (!result.ok) {
          listError.value = result.error;
          failed = true;
          return;
        }
        // A run whose sort key changed between two pages could come twice.
        const have = new Set(rows.value.map((r) => r.id));
        pageStarts.push({ start: rows.value.length, cursor });
        rows.value = [...rows.value, ...result.value.runs.filter((r) => !have.has(r.id))];
        total.value = result.value.total;
        nextCursor = result.value.nextCursor;
      })().finally(() => {
        loadingMore = null;
      });
      await loadingMore;
      if (failed) return;
    }
  }

  /** The list page opens (true) or closes (false). */
  function showList(shown: boolean): void {
    listShown = shown;
  }

  /** The table's visible rows [start, end): loads what is missing; live refreshes re-read this range. */
  function setViewport(start: number, end: number): Promise<void> {
    viewport.start = start;
    viewport.end = end;
    return ensureRows(end + OVERSCAN_ROWS);
  }

  function setFilters(change: Partial<RunFilters>): Promise<void> {
    filters.value = { ...filters.value, ...change };
    return reload();
  }

  function clearFilters(): Promise<void> {
    filters.value = { ...NO_FILTERS, status: [], includeChildren: filters.value.includeChildren };
    return reload();
  }

  /** Filters and sort together (a list's address). */
  function setQuery(nextFilters: RunFilters, nextSort: RunSort): Promise<void> {
    filters.value = { ...nextFilters, status: [...nextFilters.status] };
    sort.value = { ...nextSort };
    return reload();
  }

  /** Sorts by a field; the same field again flips the order. */
  function sortBy(field: RunSortField): Promise<void> {
    const order = sort.value.field === field ? (sort.value.order === 'asc' ? 'desc' : 'asc') : DEFAULT_SORT_ORDER[field];
    sort.value = { field, order };
    return reload();
  }

  /**
   * Re-reads the rows in view. Near the top (the usual case) one request from the first row: new runs appear,
   * deleted ones go, the total is exact. Deep in the list, the page in view is re-read from its cursor and its rows
   * replaced in place (rows do not move under the reader).
   */
  async function syncList(): Promise<void> {
    if (listStatus.value !== 'ready' || !listShown) return;
    const end = viewport.end + OVERSCAN_ROWS;
    if (end <= PAGE_ROWS) {
      const gen = ++generation;
      loadingMore = null;
      const result = await list(Math.min(PAGE_ROWS, Math.max(FIRST_PAGE_ROWS, end, rows.value.length)));
      if (gen !== generation) return;
      if (!result.ok) {
        listError.value = result.error;
        return;
      }
      setHead(result.value);
      listError.value = null;
      await ensureRows(end);
      return;
    }
    const page = pageStarts.findLast((p) => p.start <= viewport.start) ?? pageStarts[0];
    const gen = generation;
    const result = await list(Math.min(PAGE_ROWS, end - page.start), page.cursor);
    if (gen !== generation) return;
    if (!result.ok) {
      listError.value = result.error;
      return;
    }
    total.value = result.value.total;
    patchRows(result.value.runs);
    listError.value = null;
  }

  /** Replaces listed rows by id (rows not listed are left out: a refresh from the top brings them). */
  function patchRows(runs: readonly RunSummary[]): void {
    const byId = new Map(runs.map((r) => [r.id, r]));
    if (!rows.value.some((r) => byId.has(r.id))) return;
    rows.value = rows.value.map((r) => byId.get(r.id) ?? r);
    dropFinishedProgress(runs);
  }

  function remember(run: RunDetail): void {
    details.set(run.id, run);
    patchRows([toSummary(run)]);
  }

  /** A run's record: from the cache unless `fresh` (or not cached); cached runs follow the host's events. */
  async function get(id: number, options: { fresh?: boolean } = {}): Promise<Result<RunDetail>> {
    const cached = details.get(id);
    if (cached && !options.fresh) return { ok: true, value: cached };
    const result = await useApi()['runs.get']({ id });
    if (result.ok) remember(result.value);
    else if (result.error.code === 'NOT_FOUND') details.delete(id);
    return result;
  }

  /** Stops keeping a cached run up to date (the run page calls it when it closes). */
  function forget(id: number): void {
    details.delete(id);
  }

  /** The run's progress (0..1) while it runs, the newest of its events and its record; null when not running or unknown. */
  function progressOf(run: Pick<RunSummary, 'id' | 'status' | 'progress'>): number | null {
    if (run.status !== 'running') return null;
    return live.get(run.id)?.fraction ?? run.progress;
  }

  /** Renames, annotates or tags a run; the list and the cache show the host's answer. A refusal names its `field`. */
  async function update(id: number, patch: RunPatch): Promise<Result<RunDetail>> {
    const result = await useApi()['runs.update']({ id, ...patch });
    if (result.ok) remember(result.value);
    return result;
  }

  /** Deletes a run and its children; CONFLICT while it is queued or running. */
  async function remove(id: number): Promise<Result<DeletedRuns>> {
    const result = await useApi()['runs.delete']({ id });
    if (result.ok) {
      const gone = new Set(result.value.ids);
      const before = rows.value.length;
      rows.value = rows.value.filter((r) => !gone.has(r.id));
      total.value = Math.max(0, total.value - (before - rows.value.length));
      for (const i of gone) details.delete(i);
      if ([...gone].some((i) => selected.value.has(i))) selected.value = new Set([...selected.value].filter((i) => !gone.has(i)));
    }
    return result;
  }

  // --- selection -------------------------------------------------------------------------------------------------

  let anchor: number | null = null;

  /** Selects or unselects a run; with `range`, every loaded run from the last one clicked to this one as well. */
  function select(id: number, value: boolean, options: { range?: boolean } = {}): void {
    const next = new Set(selected.value);
    const from = options.range && anchor !== null ? rows.value.findIndex((r) => r.id === anchor) : -1;
    const to = rows.value.findIndex((r) => r.id === id);
    if (from >= 0 && to >= 0) {
      for (let i = Math.min(from, to); i <= Math.max(from, to); i++) {
        if (value) next.add(rows.value[i].id);
        else next.delete(rows.value[i].id);
      }
    } else if (value) next.add(id);
    else next.delete(id);
    anchor = id;
    selected.value = next;
  }

  function clearSelection(): void {
    selected.value = new Set();
    anchor = null;
  }

  // --- live updates ------------------------------------------------------------------------------------------------

  const changedIds = new Set<number>();
  let changedAll = false;
  let syncTimer: ReturnType<typeof setTimeout> | null = null;
  let syncing = false;
  let syncAgain = false;
  const pendingProgress = new Map<number, LiveProgress>();
  let progressTimer: ReturnType<typeof setTimeout> | null = null;

  function scheduleSync(): void {
    syncTimer ??= setTimeout(() => void runSync(), SYNC_DELAY_MS);
  }

  async function runSync(): Promise<void> {
    syncTimer = null;
    if (syncing) {
      syncAgain = true;
      return;
    }
    syncing = true;
    const ids = changedAll ? [...details.keys()] : [...changedIds].filter((id) => details.has(id));
    changedIds.clear();
    changedAll = false;
    try {
      await Promise.all([syncList(), ...ids.map((id) => get(id, { fresh: true }))]);
    } finally {
      syncing = false;
      if (syncAgain) {
        syncAgain = false;
        scheduleSync();
      }
    }
  }

  function flushProgress(): void {
    progressTimer = null;
    for (const [id, p] of pendingProgress) live.set(id, p);
    pendingProgress.clear();
  }

  let unsubscribe: (() => void) | null = null;

  /** Follows the host's run events (once; the store outlives the pages). */
  function watchHost(): void {
    if (unsubscribe) return;
    const api = useApi();
    const offChanged = api.on('runs.changed', ({ ids }) => {
      // An empty list: something changed in another process (a CLI run); only a refetch tells what.
      if (ids.length === 0) changedAll = true;
      for (const id of ids) changedIds.add(id);
      scheduleSync();
    });
    const offProgress = api.on('runs.progress', ({ id, fraction, label }) => {
      pendingProgress.set(id, { fraction, label });
      progressTimer ??= setTimeout(flushProgress, PROGRESS_FLUSH_MS);
    });
    unsubscribe = () => {
      offChanged();
      offProgress();
    };
  }

  /** Stops following events (tests). */
  function unwatchHost(): void {
    unsubscribe?.();
    unsubscribe = null;
    if (syncTimer) clearTimeout(syncTimer);
    if (progressTimer) clearTimeout(progressTimer);
    syncTimer = progressTimer = null;
  }

  return {
    filters,
    sort,
    rows,
    total,
    listStatus,
    listError,
    loading,
    live,
    details,
    selected,
    reload,
    showList,
    setViewport,
    setFilters,
    setQuery,
    clearFilters,
    sortBy,
    get,
    forget,
    progressOf,
    update,
    remove,
    select,
    clearSelection,
    watchHost,
    unwatchHost,
  };
});
