// Schema migrations, keyed on `PRAGMA user_version`. Append only: never edit a released migration, add the next one.
// Each runs in its own transaction together with the user_version bump, so a failure leaves the previous version.
import type { Database } from './database.ts';
import { MetricStore, TILE_WIDTHS } from './metric-store.ts';

export interface Migration {
  version: number;
  name: string;
  /** Rebuilds tables that others reference: run with foreign keys off, checked with foreign_key_check before commit. */
  foreignKeysOff?: boolean;
  up(db: Database): void;
}

const V1 = `
-- Datasets: one row per imported (or generated) table; the typed cells live in dataset_columns.
CREATE TABLE datasets (
  id             INTEGER PRIMARY KEY,
  name           TEXT    NOT NULL UNIQUE,
  source         TEXT    NOT NULL,             -- original file name, 'bundled sample' or 'synthetic'
  created_at     TEXT    NOT NULL,             -- ISO 8601
  row_count      INTEGER NOT NULL,
  column_count   INTEGER NOT NULL,
  missing_cells  INTEGER NOT NULL,
  delimiter      TEXT    NOT NULL DEFAULT ',',
  missing_tokens TEXT    NOT NULL DEFAULT '[]', -- JSON string[] (besides the empty cell)
  warnings       TEXT    NOT NULL DEFAULT '[]', -- JSON string[]
  profile        TEXT                           -- JSON cache {columnProfiles, missingness, patterns}; NULL = recompute
);

-- One row per column; cells = Float64Array bytes (little-endian, row_count * 8 bytes, NaN = missing).
CREATE TABLE dataset_columns (
  id          INTEGER PRIMARY KEY,
  dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  idx         INTEGER NOT NULL,
  name        TEXT    NOT NULL,
  type        TEXT    NOT NULL CHECK (type IN ('numeric', 'categorical', 'binary')),
  role        TEXT    NOT NULL CHECK (role IN ('feature', 'identifier', 'outcome', 'ignored')),
  categories  TEXT,                            -- JSON string[] (code -> label) or NULL
  cells       BLOB    NOT NULL,
  UNIQUE (dataset_id, idx)
);

-- Runs: a training, imputation, simulation or benchmark job. A run outlives its dataset (dataset_id set NULL,
-- dataset_name kept) so that the experiment record is never lost silently.
CREATE TABLE runs (
  id            INTEGER PRIMARY KEY,
  kind          TEXT    NOT NULL,              -- e.g. 'train', 'impute', 'simulate'
  name          TEXT,
  dataset_id    INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
  dataset_name  TEXT,
  config        TEXT    NOT NULL DEFAULT '{}', -- JSON, normalised options
  status        TEXT    NOT NULL DEFAULT 'queued', -- queued | running | succeeded | failed | cancelled | interrupted
  seeds         TEXT    NOT NULL DEFAULT '[]', -- JSON number[]
  progress      REAL,                          -- 0..1 while running
  result        TEXT,                          -- JSON summary when finished
  error         TEXT,
  created_at    TEXT    NOT NULL,
  started_at    TEXT,
  finished_at   TEXT,
  duration_ms   REAL,
  app_version   TEXT    NOT NULL,
  core_version  TEXT    NOT NULL
);
CREATE INDEX runs_dataset ON runs(dataset_id);
CREATE INDEX runs_status ON runs(status);

-- Metrics as time series: (run, step, name) -> value, written as they happen.
CREATE TABLE run_metrics (
  id      INTEGER PRIMARY KEY,
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step    INTEGER NOT NULL,
  name    TEXT    NOT NULL,
  value   REAL,
  at      INTEGER NOT NULL                     -- Unix epoch milliseconds
);
CREATE INDEX run_metrics_series ON run_metrics(run_id, name, step);

-- Checkpoints for resume: the payload is JSON text or binary (parameters), at most one per (run, step).
CREATE TABLE checkpoints (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step        INTEGER NOT NULL,
  payload     BLOB    NOT NULL,
  created_at  TEXT    NOT NULL,
  UNIQUE (run_id, step)
);

-- Comparisons: a named set of runs with the view configuration (metrics, grouping).
CREATE TABLE comparisons (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL,
  config      TEXT    NOT NULL DEFAULT '{}',
  notes       TEXT,
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL
);
CREATE TABLE comparison_runs (
  comparison_id INTEGER NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
  run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (comparison_id, run_id)
);

-- Reports: generated documents (self-contained HTML or PDF), kept as snapshots when their comparison goes.
CREATE TABLE reports (
  id             INTEGER PRIMARY KEY,
  title          TEXT    NOT NULL,
  format         TEXT    NOT NULL DEFAULT 'html', -- 'html' | 'pdf'
  comparison_id  INTEGER REFERENCES comparisons(id) ON DELETE SET NULL,
  run_id         INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  config         TEXT    NOT NULL DEFAULT '{}',
  content        BLOB,
  created_at     TEXT    NOT NULL
);

-- Device profiles: built-in defaults copied in, and the user's own copies and edits.
CREATE TABLE device_profiles (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL UNIQUE,
  profile     TEXT    NOT NULL,                -- JSON
  source      TEXT    NOT NULL DEFAULT 'user', -- 'builtin' | 'user' | 'imported'
  builtin     INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL
);

-- Settings: key -> JSON value.
CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
`;

// v2: ids of datasets, runs, comparisons and reports are never reused (AUTOINCREMENT), so an old link or script
// never opens another record. SQLite cannot add AUTOINCREMENT in place: each table is rebuilt following SQLite's
// 12-step ALTER TABLE procedure (foreign keys off, new table, copy, drop, rename, indexes, foreign_key_check), the
// columns exactly as in v1. Copying the rows with their ids sets sqlite_sequence to the largest id of each table.
const V2_TABLES: { name: string; columns: string; indexes?: string }[] = [
  {
    name: 'datasets',
    columns: `
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  name           TEXT    NOT NULL UNIQUE,
  source         TEXT    NOT NULL,
  created_at     TEXT    NOT NULL,
  row_count      INTEGER NOT NULL,
  column_count   INTEGER NOT NULL,
  missing_cells  INTEGER NOT NULL,
  delimiter      TEXT    NOT NULL DEFAULT ',',
  missing_tokens TEXT    NOT NULL DEFAULT '[]',
  warnings       TEXT    NOT NULL DEFAULT '[]',
  profile        TEXT`,
  },
  {
    name: 'runs',
    columns: `
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  kind          TEXT    NOT NULL,
  name          TEXT,
  dataset_id    INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
  dataset_name  TEXT,
  config        TEXT    NOT NULL DEFAULT '{}',
  status        TEXT    NOT NULL DEFAULT 'queued',
  seeds         TEXT    NOT NULL DEFAULT '[]',
  progress      REAL,
  result        TEXT,
  error         TEXT,
  created_at    TEXT    NOT NULL,
  started_at    TEXT,
  finished_at   TEXT,
  duration_ms   REAL,
  app_version   TEXT    NOT NULL,
  core_version  TEXT    NOT NULL`,
    indexes: 'CREATE INDEX runs_dataset ON runs(dataset_id); CREATE INDEX runs_status ON runs(status);',
  },
  {
    name: 'comparisons',
    columns: `
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT    NOT NULL,
  config      TEXT    NOT NULL DEFAULT '{}',
  notes       TEXT,
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL`,
  },
  {
    name: 'reports',
    columns: `
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  title          TEXT    NOT NULL,
  format         TEXT    NOT NULL DEFAULT 'html',
  comparison_id  INTEGER REFERENCES comparisons(id) ON DELETE SET NULL,
  run_id         INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  config         TEXT    NOT NULL DEFAULT '{}',
  content        BLOB,
  created_at     TEXT    NOT NULL`,
  },
];

function neverReuseIds(db: Database): void {
  for (const t of V2_TABLES) {
    db.exec(`CREATE TABLE new_${t.name} (${t.columns}\n);`);
    const columns = (db.pragma(`table_info(${t.name})`) as { name: string }[]).map((c) => c.name).join(', ');
    db.exec(`INSERT INTO new_${t.name} (${columns}) SELECT ${columns} FROM ${t.name};`);
    db.exec(`DROP TABLE ${t.name};`);
    db.exec(`ALTER TABLE new_${t.name} RENAME TO ${t.name};`);
    if (t.indexes) db.exec(t.indexes);
  }
}

// v3: what runs need besides v1's columns: a parent run (an experiment's per-method and per-seed children), tags and
// notes, the worker's heartbeat and pid (a host that died leaves runs whose heartbeat is stale), log lines, and indexes
// for lists of 10,000 runs (newest first, filtered by kind and status) and 1,000,000 metric points.
const V3 = `
ALTER TABLE runs ADD COLUMN parent_id INTEGER REFERENCES runs(id) ON DELETE CASCADE;
ALTER TABLE runs ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';   -- JSON string[]
ALTER TABLE runs ADD COLUMN notes TEXT;
ALTER TABLE runs ADD COLUMN heartbeat_at INTEGER;             -- Unix epoch milliseconds, while running
ALTER TABLE runs ADD COLUMN worker_pid INTEGER;
CREATE INDEX runs_parent ON runs(parent_id);
CREATE INDEX runs_created ON runs(created_at DESC, id DESC);
CREATE INDEX runs_kind_status ON runs(kind, status, created_at DESC);

CREATE TABLE run_logs (
  id      INTEGER PRIMARY KEY,
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  at      INTEGER NOT NULL,                    -- Unix epoch milliseconds
  level   TEXT    NOT NULL CHECK (level IN ('info', 'warning', 'error')),
  message TEXT    NOT NULL
);
CREATE INDEX run_logs_run ON run_logs(run_id, id);
`;

// v4: what the run engine needs to share one database between processes: the process that owns a running run (an
// instance id, random per process, and its pid, so the next host to start can tell a dead owner at once), a cancel
// asked for by another process (the owner sees it and stops its worker), and a priority for the queue (higher first,
// then oldest first).
const V4 = `
ALTER TABLE runs ADD COLUMN owner TEXT;
ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
ALTER TABLE runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
CREATE INDEX runs_queue ON runs(status, priority DESC, id);
`;

// v5: metric series that a chart can read at any length (db/metric-store.ts). run_metrics becomes one row per (run,
// name, step), clustered on that key (WITHOUT ROWID: a series is one contiguous range of one b-tree, and a step sent
// again replaces its value; of duplicates already stored the latest is kept), and run_metric_tiles holds each
// series' pyramid of tiles, built here for the points already stored. And one index per sort of the runs list
// (services/runs.ts SORT_KEYS, the same expressions): top-level runs or a run's children, in sort order with the id
// as tiebreak, so that a page (first or after a cursor) reads its rows in order and stops.
const V5 = `
CREATE INDEX runs_list_created  ON runs(parent_id, created_at, id);
CREATE INDEX runs_list_name     ON runs(parent_id, IFNULL(name, '') COLLATE NOCASE, id);
CREATE INDEX runs_list_status   ON runs(parent_id, status, id);
CREATE INDEX runs_list_kind     ON runs(parent_id, kind, id);
CREATE INDEX runs_list_duration ON runs(parent_id, IFNULL(duration_ms, -1), id);
CREATE INDEX runs_list_finished ON runs(parent_id, IFNULL(finished_at, ''), id);

CREATE TABLE run_metrics_v5 (
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name    TEXT    NOT NULL,
  step    INTEGER NOT NULL,
  value   REAL,                                -- NULL: the metric could not be computed at this step
  at      INTEGER NOT NULL,                    -- Unix epoch milliseconds
  PRIMARY KEY (run_id, name, step)
) WITHOUT ROWID;
INSERT OR REPLACE INTO run_metrics_v5 (run_id, name, step, value, at) SELECT run_id, name, step, value, at FROM run_metrics ORDER BY id;
DROP TABLE run_metrics;
ALTER TABLE run_metrics_v5 RENAME TO run_metrics;

-- Per series and level: tiles of TILE_WIDTHS[level] steps (bucket = step / width), the top level one tile per series.
CREATE TABLE run_metric_tiles (
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  level      INTEGER NOT NULL,
  name       TEXT    NOT NULL,
  bucket     INTEGER NOT NULL,
  n          INTEGER NOT NULL,                 -- points, nulls included
  nulls      INTEGER NOT NULL,
  first_step INTEGER NOT NULL,
  last_step  INTEGER NOT NULL,
  min_step   INTEGER,                          -- the smallest value and its (earliest) step; NULL when all are null
  min_value  REAL,
  max_step   INTEGER,
  max_value  REAL,
  PRIMARY KEY (run_id, level, name, bucket)
) WITHOUT ROWID;
`;

function metricTiles(db: Database): void {
  db.exec(V5);
  const store = new MetricStore(db);
  const rows = db.prepare(`SELECT DISTINCT run_id, name, step / ${TILE_WIDTHS[0]} FROM run_metrics ORDER BY run_id, name`).raw().all() as [
    number,
    string,
    number,
  ][];
  for (let i = 0; i < rows.length;) {
    const [runId, name] = rows[i];
    const buckets: number[] = [];
    for (; i < rows.length && rows[i][0] === runId && rows[i][1] === name; i++) buckets.push(rows[i][2]);
    store.refreshTiles(runId, name, buckets);
  }
}

// v6: imports written in slices (services/datasets.ts writeInSlices), so that a large one never holds the host for
// long. The dataset stays hidden while it is written (pending_pid: the writing process; NULL once one last
// transaction shows it whole), and a host start removes pending datasets whose process is gone (a crash mid-write).
// A column's cells are its `cells` BLOB followed by its chunks of rows in order (columns written whole, as before,
// have no chunks), so that no single transaction writes more than a few MiB.
const V6 = `
ALTER TABLE datasets ADD COLUMN pending_pid INTEGER;
CREATE INDEX datasets_pending ON datasets(pending_pid) WHERE pending_pid IS NOT NULL;
CREATE TABLE dataset_cell_chunks (
  column_id  INTEGER NOT NULL REFERENCES dataset_columns(id) ON DELETE CASCADE,
  first_row  INTEGER NOT NULL,
  cells      BLOB    NOT NULL,                -- Float64Array bytes of rows first_row.. (little-endian, NaN = missing)
  PRIMARY KEY (column_id, first_row)
);
`;

// v7: why a run failed, with its code and the field at fault (JSON {code, field?, value?, allowed?, details?}), beside
// its message (runs.error), so that a form can mark the field an import's worker refused.
const V7 = `ALTER TABLE runs ADD COLUMN failure TEXT;`;

// v8: saved comparisons keep what they compared and what was computed: the run ids as saved, in order (JSON; a deleted
// run stays listed, so the comparison can say which are gone: comparison_runs loses its row by cascade), the
// statistics as computed when saved (JSON ComparisonStatistics, with the versions that computed them) and the app
// version that saved them. Opening a comparison reads these, never recomputes them.
const V8 = `
ALTER TABLE comparisons ADD COLUMN run_ids TEXT NOT NULL DEFAULT '[]';
ALTER TABLE comparisons ADD COLUMN statistics TEXT NOT NULL DEFAULT '{}';
ALTER TABLE comparisons ADD COLUMN app_version TEXT;
CREATE INDEX comparison_runs_run ON comparison_runs(run_id);
`;

// v9: exported reports (any format) are recorded: the file's name and size, where `qnnlab report` wrote it (path; the
// app's exports keep the file itself in content) and the version that wrote it; the Reports page lists them newest first.
const V9 = `
ALTER TABLE reports ADD COLUMN file_name TEXT;
ALTER TABLE reports ADD COLUMN bytes INTEGER;
ALTER TABLE reports ADD COLUMN path TEXT;
ALTER TABLE reports ADD COLUMN app_version TEXT;
CREATE INDEX reports_run ON reports(run_id);
CREATE INDEX reports_comparison ON reports(comparison_id);
`;

// v10: the ledger of cloud provider jobs (issue 12): every job a run submitted (or meant to: status 'submitting' is
// recorded before the POST, under the job's deterministic name, so a resumed run finds it), with its step, circuits,
// shots, backend, status, the provider's id, the estimated and the actual cost. A deleted run's jobs stay (money spent).
const V10 = `
CREATE TABLE provider_jobs (
  id                INTEGER PRIMARY KEY,
  run_id            INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  step              INTEGER,
  name              TEXT    NOT NULL UNIQUE,
  backend           TEXT    NOT NULL,
  circuits          INTEGER NOT NULL,
  shots             INTEGER NOT NULL,
  status            TEXT    NOT NULL,
  provider_job_id   TEXT,
  cost_estimate_usd REAL,
  cost_usd          REAL,
  failure           TEXT,
  created_at        TEXT    NOT NULL,
  updated_at        TEXT    NOT NULL
);
CREATE INDEX provider_jobs_run ON provider_jobs(run_id);
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', up: (db) => db.exec(V1) },
  { version: 2, name: 'ids are never reused', foreignKeysOff: true, up: neverReuseIds },
  { version: 3, name: 'runs: parent, tags, notes, heartbeat, logs', up: (db) => db.exec(V3) },
  { version: 4, name: 'runs: owner, cancel requests, priority', up: (db) => db.exec(V4) },
  { version: 5, name: 'metrics: one row per step, tiles for charts', up: metricTiles },
  { version: 6, name: 'datasets: imports written in slices', up: (db) => db.exec(V6) },
  { version: 7, name: 'runs: why a run failed, with its code and field', up: (db) => db.exec(V7) },
  { version: 8, name: 'comparisons: runs as saved, statistics as computed', up: (db) => db.exec(V8) },
  { version: 9, name: 'reports: every export recorded (file name, size, path, version)', up: (db) => db.exec(V9) },
  { version: 10, name: 'provider jobs: the ledger of cloud jobs', up: (db) => db.exec(V10) },
];

/** The schema version this build of QNN Lab writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
