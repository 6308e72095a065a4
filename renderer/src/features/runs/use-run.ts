// The run page's data: the run, its metric series, its log and (for an experiment) its children, kept live from the
// host's runs.changed and runs.progress events while the page is open. Metric series come downsampled by the host
// (LTTB, at most CHART_POINTS per series); while a run is small they are fetched incrementally (only the steps after
// the last one held), and once a series outgrows CHART_POINTS it is refetched downsampled, at most every
// REFRESH_MS. Events can be missed (a dropped connection): a slow poll covers that while the run is active.
import { computed, onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue';
import type { ApiError } from '../../../../electron/contract/errors.ts';
import type { RunKindInfo } from '../../../../electron/contract/run-control.ts';
import {
  ACTIVE_RUN_STATUSES,
  MAX_METRIC_SERIES_PER_REQUEST,
  RUN_LOG_PAGE_SIZE,
  TRAIN_METRICS,
  type LogLine,
  type MetricSeries,
  type RunDetail,
  type RunSummary,
  type SeriesPoint,
} from '../../../../electron/contract/runs.ts';
import { useApi } from '../../api/client.ts';
import { addSample, estimateTimes, type ProgressSample } from './eta.ts';

/** Points per series the charts ask for (the host downsamples beyond). */
export const CHART_POINTS = 2_000;
/** Metrics and log are re-read at most this often while a run is live. */
export const REFRESH_MS = 1_000;
/** The poll that covers missed events while a run is queued or running. */
export const POLL_MS = 3_000;
/** Child runs read at once (an experiment of many seeds has hundreds). */
export const CHILD_READS = 16;
/** Log lines kept on the page (the newest). */
export const MAX_LOG_LINES = 5_000;

const TRAIN_SERIES = Object.values(TRAIN_METRICS);

export type LoadStatus = 'loading' | 'ready' | 'error';

export function isActive(run: Pick<RunSummary, 'status'> | null): boolean {
  return !!run && (ACTIVE_RUN_STATUSES as readonly string[]).includes(run.status);
}

/** Appends the points after `held`'s last step (an incremental read); the host's count is the sum. */
export function appendSeries(held: MetricSeries | undefined, next: MetricSeries): MetricSeries {
  if (!held || held.downsampled || next.downsampled) return next;
  const last = held.points.at(-1)?.[0] ?? -1;
  const fresh = next.points.filter(([step]) => step > last);
  return { name: next.name, points: [...held.points, ...fresh], total: held.total + fresh.length, downsampled: false };
}

/** `base` with its points in [fromStep, toStep] replaced by `detail` (a zoomed range read at full resolution). */
export function mergeDetail(base: readonly SeriesPoint[], detail: readonly SeriesPoint[], fromStep: number, toStep: number): SeriesPoint[] {
  return [...base.filter(([s]) => s < fromStep), ...detail, ...base.filter(([s]) => s > toStep)];
}

/** A zoomed range of a training's loss, read again at up to CHART_POINTS points within it. */
export interface ZoomDetail {
  fromStep: number;
  toStep: number;
  loss: MetricSeries;
}

/**
 * The series after one more read: only the steps after those held while every held series is whole and small,
 * otherwise (or when those steps outgrew one answer and came back downsampled) the whole run, downsampled by the
 * host. `read(fromStep)` answers null when the read failed or is stale; then so does this.
 */
export async function readSeries(
  held: Record<string, MetricSeries>,
  read: (fromStep?: number) => Promise<MetricSeries[] | null>,
): Promise<Record<string, MetricSeries> | null> {
  const heldList = Object.values(held);
  if (heldList.length > 0 && heldList.every((s) => !s.downsampled && s.total < CHART_POINTS)) {
    // Metrics arrive in step order, so nothing new lies at or before the last step held of any series.
    const fresh = await read(Math.max(...heldList.map((s) => s.points.at(-1)?.[0] ?? -1)) + 1);
    if (!fresh) return null;
    if (!fresh.some((s) => s.downsampled)) {
      const next = { ...held };
      for (const s of fresh) next[s.name] = appendSeries(held[s.name], s);
      return next;
    }
  }
  const whole = await read();
  return whole && Object.fromEntries(whole.map((s) => [s.name, s]));
}

export function useRun(id: Ref<number>) {
  const api = useApi();
  const run = shallowRef<RunDetail | null>(null);
  const status = ref<LoadStatus>('loading');
  /** The first load of this run (record, metrics, log, children) is done. */
  const loaded = ref(false);
  const error = shallowRef<ApiError | null>(null);
  const series = shallowRef<Record<string, MetricSeries>>({});
  const detail = shallowRef<ZoomDetail | null>(null);
  /** The series as the charts draw them: a zoomed range of the loss in its own detail. */
  const chartSeries = computed(() => {
    const d = detail.value;
    const loss = series.value[TRAIN_METRICS.loss];
    if (!d || !loss) return series.value;
    return { ...series.value, [TRAIN_METRICS.loss]: { ...loss, points: mergeDetail(loss.points, d.loss.points, d.fromStep, d.toStep) } };
  });
  const logs = shallowRef<LogLine[]>([]);
  const children = shallowRef<RunSummary[]>([]);
  const childDetails = shallowRef<RunDetail[]>([]);
  const kinds = shallowRef<RunKindInfo[]>([]);
  const live = shallowRef<{ fraction: number; label: string | null } | null>(null);
  const samples = shallowRef<ProgressSample[]>([]);
  const now = ref(Date.now());
  let generation = 0;

  const fraction = computed(() => (run.value?.status === 'running' && live.value ? live.value.fraction : (run.value?.progress ?? null)));
  const times = computed(() => {
    const r = run.value;
    if (!r?.startedAt) return null;
    if (!isActive(r)) return { elapsedMs: r.durationMs ?? Math.max(0, Date.parse(r.finishedAt ?? r.startedAt) - Date.parse(r.startedAt)), remainingMs: null };
    return estimateTimes(samples.value, Date.parse(r.startedAt), fraction.value, now.value);
  });
  /** Whether the run was started (a child run, an experiment's per-method run, is recorded by its parent instead). */
  const startable = computed(() => !!run.value && run.value.parentId === null);
  const resumable = computed(() => {
    const r = run.value;
    return !!r && ['interrupted', 'failed', 'cancelled'].includes(r.status) && !!kinds.value.find((k) => k.kind === r.kind)?.resumable;
  });

  /**
   * The names this run's charts read: a training's per-step series; any other run's every metric (an experiment's
   * live loss series, EXPERIMENT_METRICS; another run's few scores at one step). All names (undefined) also reads
   * series that appeared since the record was read.
   */
  function metricNames(r: RunDetail): string[] | undefined {
    if (r.kind === 'train') return TRAIN_SERIES;
    return r.metrics.length <= MAX_METRIC_SERIES_PER_REQUEST ? undefined : r.metrics.slice(0, MAX_METRIC_SERIES_PER_REQUEST).map((m) => m.name);
  }

  async function loadMetrics(r: RunDetail, gen: number): Promise<void> {
    const names = metricNames(r);
    const next = await readSeries(series.value, async (fromStep) => {
      const result = await api['runs.metrics']({ id: r.id, names, maxPoints: CHART_POINTS, fromStep });
      return result.ok && gen === generation ? result.value : null;
    });
    if (next && gen === generation) series.value = next;
  }

  async function loadDetail(r: RunDetail, gen: number, range: { fromStep: number; toStep: number }): Promise<void> {
    const result = await api['runs.metrics']({ id: r.id, names: [TRAIN_METRICS.loss], maxPoints: CHART_POINTS, ...range });
    if (gen !== generation || !result.ok || !result.value[0]) return;
    detail.value = { ...range, loss: result.value[0] };
  }

  /** The loss chart was zoomed to these steps (null: all of them): a downsampled loss is read again within them. */
  function zoomTo(range: { fromStep: number; toStep: number } | null): void {
    const r = run.value;
    if (!range || !r || !series.value[TRAIN_METRICS.loss]?.downsampled) {
      detail.value = null;
      return;
    }
    void loadDetail(r, generation, range);
  }

  async function loadLogs(r: RunDetail, gen: number): Promise<void> {
    let afterId = logs.value.at(-1)?.id;
    let lines = logs.value;
    for (let page = 0; page < 20; page++) {
      const result = await api['runs.logs']({ id: r.id, afterId, limit: RUN_LOG_PAGE_SIZE.max });
      if (gen !== generation || !result.ok) return;
      lines = [...lines, ...result.value.lines];
      if (lines.length > MAX_LOG_LINES) lines = lines.slice(lines.length - MAX_LOG_LINES);
      logs.value = lines;
      if (!result.value.hasMore || result.value.lines.length === 0) return;
      afterId = result.value.lines.at(-1)!.id;
    }
  }

  async function loadChildren(r: RunDetail, gen: number): Promise<void> {
    if (r.childCount === 0) {
      children.value = [];
      childDetails.value = [];
      return;
    }
    const list = await api['runs.list']({ parentId: r.id, sort: 'createdAt', order: 'asc', limit: 500 });
    if (gen !== generation || !list.ok) return;
    children.value = list.value.runs;
    // Each child's result (its scores per column and convergence traces); only those not held yet, CHILD_READS at a time.
    const held = new Map(childDetails.value.map((c) => [c.id, c]));
    const details: (RunDetail | null)[] = [];
    for (let k = 0; k < list.value.runs.length; k += CHILD_READS) {
      const batch = list.value.runs.slice(k, k + CHILD_READS);
      details.push(...(await Promise.all(batch.map((c) => held.get(c.id) ?? api['runs.get']({ id: c.id }).then((x) => (x.ok ? x.value : null))))));
      if (gen !== generation) return;
    }
    childDetails.value = details.filter((d): d is RunDetail => d !== null);
  }

  async function refreshRun(gen: number): Promise<RunDetail | null> {
    const result = await api['runs.get']({ id: id.value });
    if (gen !== generation) return null;
    if (!result.ok) {
      // A run that is gone is an error to show; a failed refresh of a run on screen keeps what is shown.
      if (!run.value || result.error.code === 'NOT_FOUND') {
        error.value = result.error;
        status.value = 'error';
        run.value = null;
      }
      return null;
    }
    const before = run.value;
    run.value = result.value;
    status.value = 'ready';
    error.value = null;
    if (result.value.status !== 'running') live.value = null;
    if (before && before.childCount !== result.value.childCount) void loadChildren(result.value, gen);
    return result.value;
  }

  async function load(): Promise<void> {
    const gen = ++generation;
    status.value = 'loading';
    run.value = null;
    series.value = {};
    detail.value = null;
    logs.value = [];
    children.value = [];
    childDetails.value = [];
    samples.value = [];
    live.value = null;
    loaded.value = false;
    const r = await refreshRun(gen);
    if (!r) return;
    await Promise.all([loadMetrics(r, gen), loadLogs(r, gen), loadChildren(r, gen)]);
    if (gen === generation) loaded.value = true;
  }

  // Live updates: a progress event or a change schedules one refresh of what moves (metrics, log) within REFRESH_MS.
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let lastRefresh = 0;
  /** The run's record is to be read again too (it changed, or a progress event came for a run not shown running). */
  let pendingRun = false;
  function scheduleRefresh(withRun: boolean): void {
    if (withRun) pendingRun = true;
    if (refreshTimer !== undefined) return;
    refreshTimer = setTimeout(() => void refreshLive(), Math.max(0, lastRefresh + REFRESH_MS - Date.now()));
  }
  async function refreshLive(): Promise<void> {
    refreshTimer = undefined;
    lastRefresh = Date.now();
    const gen = generation;
    let r = run.value;
    if (pendingRun || !r) {
      pendingRun = false;
      r = await refreshRun(gen);
    }
    if (!r) return;
    const d = detail.value;
    await Promise.all([loadMetrics(r, gen), loadLogs(r, gen), d ? loadDetail(r, gen, d) : undefined]);
  }

  const offProgress = api.on('runs.progress', (p) => {
    if (p.id !== id.value) return;
    live.value = { fraction: p.fraction, label: p.label };
    samples.value = addSample(samples.value, { at: Date.now(), fraction: p.fraction });
    scheduleRefresh(run.value?.status !== 'running');
  });
  const offChanged = api.on('runs.changed', (e) => {
    if (e.ids.length === 0 || e.ids.includes(id.value) || e.ids.some((c) => children.value.some((x) => x.id === c))) scheduleRefresh(true);
  });

  const ticker = setInterval(() => {
    if (!isActive(run.value)) return;
    now.value = Date.now();
    if (Date.now() - lastRefresh >= POLL_MS) scheduleRefresh(true);
  }, 1000);

  // The run that just ended: one last read of everything it wrote.
  watch(
    () => run.value?.status,
    (next, before) => {
      if (before && next && isActive({ status: before }) && !isActive({ status: next }) && run.value) {
        const gen = generation;
        const r = run.value;
        void Promise.all([loadMetrics(r, gen), loadLogs(r, gen), loadChildren(r, gen)]);
      }
    },
  );

  watch(id, () => void load(), { immediate: true });
  void api['runs.kinds']({}).then((r) => {
    if (r.ok) kinds.value = r.value;
  });

  onBeforeUnmount(() => {
    generation++;
    offProgress();
    offChanged();
    clearInterval(ticker);
    clearTimeout(refreshTimer);
  });

  async function cancel(): Promise<ApiError | null> {
    const result = await api['runs.cancel']({ id: id.value });
    if (!result.ok) return result.error;
    run.value = result.value;
    return null;
  }

  async function resume(): Promise<ApiError | null> {
    const result = await api['runs.resume']({ id: id.value });
    if (!result.ok) return result.error;
    samples.value = [];
    run.value = result.value;
    return null;
  }

  return {
    run,
    status,
    loaded,
    error,
    series,
    chartSeries,
    zoomTo,
    logs,
    children,
    childDetails,
    live,
    fraction,
    times,
    startable,
    resumable,
    load,
    cancel,
    resume,
  };
}
