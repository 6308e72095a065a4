// Run DTOs and requests: what the runs pages, the CLI's `qnnlab run list/show` and scripts exchange about runs, their
// metric series and their log lines. JSON-safe. The limits below are the only copy: the service, the API schemas and
// the forms import them.
import { z } from 'zod';
import type { ErrorCode } from '../../core/errors.ts';
import { datasetId } from './datasets.ts';
import { MAX_METRIC_NAME } from './run-protocol.ts';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** A run in one of these statuses belongs to the engine: it cannot be deleted until it is cancelled or ends. */
export const ACTIVE_RUN_STATUSES = ['queued', 'running'] as const satisfies readonly RunStatus[];

export const RUN_LOG_LEVELS = ['info', 'warning', 'error'] as const;
export type RunLogLevel = (typeof RUN_LOG_LEVELS)[number];

/** Longest run name, kind, tag and notes; most tags on a run. */
export const MAX_RUN_NAME_LENGTH = 200;
export const MAX_RUN_KIND_LENGTH = 100;
export const MAX_TAG_LENGTH = 64;
export const MAX_RUN_TAGS = 32;
export const MAX_RUN_NOTES_LENGTH = 20_000;

/** Runs per page of `runs.list`. */
export const RUNS_PAGE_SIZE = { default: 50, max: 500 } as const;
/** Points per series of `runs.metrics` (downsampled server-side beyond this); most series per request. */
export const METRIC_SERIES_POINTS = { default: 2_000, min: 10, max: 20_000 } as const;
export const MAX_METRIC_SERIES_PER_REQUEST = 100;
/** Log lines per page of `runs.logs`. */
export const RUN_LOG_PAGE_SIZE = { default: 500, max: 5_000 } as const;

export const RUN_SORT_FIELDS = ['createdAt', 'name', 'status', 'kind', 'durationMs', 'finishedAt'] as const;
export type RunSortField = (typeof RUN_SORT_FIELDS)[number];
/** Without `order`, times and durations sort newest (longest) first, names, statuses and kinds A to Z. */
export const DEFAULT_SORT_ORDER: Record<RunSortField, 'asc' | 'desc'> = {
  createdAt: 'desc',
  finishedAt: 'desc',
  durationMs: 'desc',
  name: 'asc',
  status: 'asc',
  kind: 'asc',
};

export interface RunSummary {
  id: number;
  kind: string;
  name: string | null;
  status: RunStatus;
  /** 0..1 while running; 1 once succeeded; null before it starts. */
  progress: number | null;
  /** ISO 8601. */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** The dataset the run used: the id is null once the dataset is deleted; the name stays. */
  datasetId: number | null;
  datasetName: string | null;
  tags: string[];
  parentId: number | null;
  /** Why it failed, was cancelled or interrupted. */
  error: string | null;
  /** Child runs (an experiment's per-method and per-seed runs). */
  childCount: number;
  /** The operator's notes (the list edits them in place). */
  notes: string | null;
}

/** A metric a run recorded: its points (nulls included) and the first and last step. */
export interface MetricInfo {
  name: string;
  count: number;
  firstStep: number;
  lastStep: number;
}

/** Why a run failed beyond its message (RunSummary.error), as API errors say it: a form marks `field`. */
export interface RunFailure {
  code: ErrorCode;
  field?: string;
  value?: unknown;
  allowed?: string;
  /** E.g. `{line, fileName}` for a file an import refused. */
  details?: unknown;
}

export interface RunDetail extends RunSummary {
  /** The normalised configuration the run was started with. */
  config: unknown;
  /** What the run produced, once it succeeded (or what a stopped run kept). */
  result: unknown;
  seeds: number[];
  metrics: MetricInfo[];
  appVersion: string;
  /** The worker's process id while it runs. */
  workerPid: number | null;
  /** The worker's last sign of life (ISO 8601) while it runs. */
  heartbeatAt: string | null;
  /** Why it failed, with the code and field at fault (null unless it failed or was cancelled with a reason). */
  failure: RunFailure | null;
}

export interface RunPage {
  runs: RunSummary[];
  /** How many runs match the filters (all pages). */
  total: number;
  /** Pass as `cursor` (with the same filters and sort) for the next page; null on the last page. */
  nextCursor: string | null;
}

/** One point of a series: [step, value]; a null value is a gap (the metric could not be computed at that step). */
export type SeriesPoint = [step: number, value: number | null];

/**
 * The metrics a train run records per step, and the two it records once at the first step of each phase of the
 * layer-wise schedule (value: the layer grown, or the depth fine-tuned): the run page marks the layer boundaries there.
 */
export const TRAIN_METRICS = {
  loss: 'loss',
  circuits: 'circuits',
  keptFraction: 'kept_fraction',
  layerStart: 'layer_start',
  fineTuneStart: 'fine_tune_start',
} as const;

/**
 * The live metrics an experiment run records on itself while it runs (its children hold the scores): the training
 * loss of each method that trains by steps (qnn-mice's QNN regressors, deep-mice's MLPs), one series per (method,
 * seed), stepping through every column model of every cycle; and the first step of each column model's training
 * (value: its cycle), where the run page marks boundaries.
 */
export const EXPERIMENT_METRICS = {
  loss: (method: string, seed: number) => `loss/${method}/seed ${seed}`,
  modelStart: (method: string, seed: number) => `model_start/${method}/seed ${seed}`,
  /** The (method, seed) of a loss series' name, or null for other names. */
  parseLoss(name: string): { method: string; seed: number } | null {
    const m = /^loss\/(.+)\/seed (-?\d+)$/.exec(name);
    return m ? { method: m[1], seed: Number(m[2]) } : null;
  },
} as const;

export interface MetricSeries {
  name: string;
  /** In step order, at most the request's maxPoints. */
  points: SeriesPoint[];
  /** Points of the series in the requested step range, before downsampling. */
  total: number;
  /** True when `points` is a downsampled selection of the `total` points (LTTB). */
  downsampled: boolean;
}

export interface LogLine {
  id: number;
  /** ISO 8601. */
  at: string;
  level: RunLogLevel;
  message: string;
}

export interface LogPage {
  lines: LogLine[];
  /** More lines follow the last one: ask again with afterId = the last line's id. */
  hasMore: boolean;
}

export interface DeletedRuns {
  /** The run and every run under it (its children), all deleted in one transaction. */
  ids: number[];
}

export const runId = z.number().int().positive();

/** One value or a non-empty list of them, always a list once parsed. */
const oneOrMany = <T extends z.ZodType>(item: T, max: number) =>
  z.union([item, z.array(item).min(1).max(max)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

const runKind = z.string().min(1).max(MAX_RUN_KIND_LENGTH);
/** A time with its offset (e.g. 2026-12-01T10:00:00Z), normalised to UTC as runs store it. */
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());

export const runTag = z.string().trim().min(1).max(MAX_TAG_LENGTH);

export const listRunsRequest = z.object({
  /** One status or several (any of them). */
  status: oneOrMany(z.enum(RUN_STATUSES), RUN_STATUSES.length).optional(),
  /** One kind or several (any of them). */
  kind: oneOrMany(runKind, 50).optional(),
  /** Runs carrying this tag. */
  tag: runTag.optional(),
  /** Text the run's name contains (case-insensitive for ASCII letters). */
  search: z.string().max(MAX_RUN_NAME_LENGTH).optional(),
  datasetId: datasetId.optional(),
  /** The children of this run; without it, top-level runs only (unless includeChildren). */
  parentId: runId.optional(),
  /** Without parentId: every run, child runs (an experiment's per-method and per-seed runs) included. */
  includeChildren: z.boolean().optional(),
  /** Created at or after this time. */
  createdAfter: instant.optional(),
  /** Created before this time. */
  createdBefore: instant.optional(),
  sort: z.enum(RUN_SORT_FIELDS).default('createdAt'),
  /** Default: DEFAULT_SORT_ORDER of the sort field. */
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.number().int().min(1).max(RUNS_PAGE_SIZE.max).default(RUNS_PAGE_SIZE.default),
  /** The previous page's nextCursor. */
  cursor: z.string().min(1).max(1_000).optional(),
});
export type ListRunsRequest = z.input<typeof listRunsRequest>;
export type ListRunsQuery = z.output<typeof listRunsRequest>;

export const runIdRequest = z.object({ id: runId });

export const metricSeriesRequest = z
  .object({
    id: runId,
    /** The series to read; without it, every metric of the run. A name the run has not recorded (yet) gives an empty series. */
    names: z.array(z.string().min(1).max(MAX_METRIC_NAME)).min(1).max(MAX_METRIC_SERIES_PER_REQUEST).optional(),
    maxPoints: z.number().int().min(METRIC_SERIES_POINTS.min).max(METRIC_SERIES_POINTS.max).default(METRIC_SERIES_POINTS.default),
    /** First and last step to read (inclusive). */
    fromStep: z.number().int().nonnegative().optional(),
    toStep: z.number().int().nonnegative().optional(),
  })
  .refine((r) => r.fromStep === undefined || r.toStep === undefined || r.fromStep <= r.toStep, {
    path: ['toStep'],
    message: 'must be at least fromStep',
  });
export type MetricSeriesRequest = z.input<typeof metricSeriesRequest>;

export const runLogsRequest = z.object({
  id: runId,
  /** Lines after this line id (the last id of the previous page). */
  afterId: z.number().int().nonnegative().optional(),
  limit: z.number().int().min(1).max(RUN_LOG_PAGE_SIZE.max).default(RUN_LOG_PAGE_SIZE.default),
});

/** What a user may change on a run. A null name or notes clears it; tags replace the run's tags (duplicates dropped). */
export const runPatch = z.object({
  name: z.string().trim().min(1).max(MAX_RUN_NAME_LENGTH).nullable().optional(),
  notes: z.string().max(MAX_RUN_NOTES_LENGTH).nullable().optional(),
  tags: z.array(runTag).max(MAX_RUN_TAGS).optional(),
});
export type RunPatch = z.input<typeof runPatch>;

export const updateRunRequest = runPatch.extend({ id: runId });
