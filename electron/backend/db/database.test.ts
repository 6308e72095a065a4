import { beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DatabaseOpenError, MIGRATIONS, SCHEMA_VERSION, openDatabase, writeTransaction, type Migration } from './index.ts';
import { useTempDir } from '../../../test-support/files.ts';
import { mountTmpfs } from '../../../test-support/mounts.ts';
import { SERIES_LEVEL } from './metric-store.ts';

const tmp = useTempDir('qnnlab-db-');
let dir: string;
beforeEach(() => {
  dir = tmp.path;
});

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function tables(db: BetterSqlite3.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

describe('openDatabase', () => {
  it('creates a fresh database at the latest schema with WAL and foreign keys', () => {
    const db = openDatabase(join(dir, 'lab.db'));
    try {
      expect(SCHEMA_VERSION).toBe(10);
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(tables(db)).toEqual([
        'checkpoints',
        'comparison_runs',
        'comparisons',
        'dataset_cell_chunks',
        'dataset_columns',
        'datasets',
        'device_profiles',
        'provider_jobs',
        'reports',
        'run_logs',
        'run_metric_tiles',
        'run_metrics',
        'runs',
        'settings',
        'sqlite_sequence',
      ]);
    } finally {
      db.close();
    }
    // Re-opening is a no-op.
    const again = openDatabase(join(dir, 'lab.db'));
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    again.close();
  });

  it('cascades deletes from a dataset to its columns, from a run to its metrics and checkpoints', () => {
    const db = openDatabase(join(dir, 'lab.db'));
    try {
      const now = new Date().toISOString();
      const ds = db
        .prepare("INSERT INTO datasets (name, source, created_at, row_count, column_count, missing_cells) VALUES ('d', 'x', ?, 1, 1, 0)")
        .run(now).lastInsertRowid;
      db.prepare("INSERT INTO dataset_columns (dataset_id, idx, name, type, role, cells) VALUES (?, 0, 'a', 'numeric', 'feature', x'00')").run(ds);
      const run = db
        .prepare("INSERT INTO runs (kind, dataset_id, created_at, app_version, core_version) VALUES ('impute', ?, ?, '0.1.0', '0.1.0')")
        .run(ds, now).lastInsertRowid;
      db.prepare("INSERT INTO run_metrics (run_id, step, name, value, at) VALUES (?, 1, 'loss', 0.5, 0)").run(run);
      db.prepare("INSERT INTO checkpoints (run_id, step, payload, created_at) VALUES (?, 1, '{}', ?)").run(run, now);
      expect(() => db.prepare("INSERT INTO run_metrics (run_id, step, name, value, at) VALUES (999, 1, 'x', 1, 0)").run()).toThrow(/FOREIGN KEY/);

      db.prepare('DELETE FROM datasets WHERE id = ?').run(ds);
      expect(db.prepare('SELECT COUNT(*) AS n FROM dataset_columns').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT dataset_id FROM runs').get()).toEqual({ dataset_id: null });
      db.prepare('DELETE FROM runs WHERE id = ?').run(run);
      expect(db.prepare('SELECT COUNT(*) AS n FROM run_metrics').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM checkpoints').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('refuses a database from a newer QNN Lab and leaves the file untouched', () => {
    const path = join(dir, 'future.db');
    const raw = new BetterSqlite3(path);
    raw.exec('CREATE TABLE future_things (x INTEGER)');
    raw.pragma('user_version = 99');
    raw.close();
    const before = sha(path);
    let error: unknown;
    try {
      openDatabase(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatabaseOpenError);
    expect((error as Error).message).toMatch(
      new RegExp(`newer version of QNN Lab \\(schema version 99; this version knows up to ${SCHEMA_VERSION}\\)\\. Update QNN Lab`),
    );
    expect(sha(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const check = new BetterSqlite3(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(99);
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });

  it('rolls back a failing migration and stops with a clear error', () => {
    const path = join(dir, 'lab.db');
    openDatabase(path).close();
    const broken: Migration[] = [
      ...MIGRATIONS,
      {
        version: SCHEMA_VERSION + 1,
        name: 'add things',
        up: (db) => {
          db.exec('CREATE TABLE things (id INTEGER PRIMARY KEY)');
          db.exec('ALTER TABLE no_such_table ADD COLUMN x INTEGER');
        },
      },
    ];
    expect(() => openDatabase(path, { migrations: broken })).toThrow(
      new RegExp(
        `failed in migration ${SCHEMA_VERSION + 1} \\("add things"\\): no such table: no_such_table\\. The database was left at schema version ${SCHEMA_VERSION}`,
      ),
    );
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(tables(db)).not.toContain('things');
    db.close();
    // A fresh file with a broken first migration stays at version 0 with no tables.
    const fresh = join(dir, 'fresh.db');
    expect(() => openDatabase(fresh, { migrations: [{ version: 1, name: 'bad', up: (d) => d.exec('CREATE TABLE a (x); SELECT nope FROM a') }] })).toThrow(
      /migration 1/,
    );
    const f = new BetterSqlite3(fresh);
    expect(f.pragma('user_version', { simple: true })).toBe(0);
    expect(tables(f)).toEqual([]);
    f.close();
  });

  it('refuses a file that is not a database', () => {
    const path = join(dir, 'notes.db');
    writeFileSync(path, 'this is not sqlite, just text that is long enough to have a header '.repeat(10));
    expect(() => openDatabase(path)).toThrow(/is not a QNN Lab database/);
  });
});

const V1_ONLY = MIGRATIONS.filter((m) => m.version === 1);
const now = '2026-01-02T03:04:05.000Z';

/** Every row of every table, in rowid order (BLOBs as hex), to compare a database before and after a migration. */
function snapshot(db: BetterSqlite3.Database): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of tables(db).filter((n) => n !== 'sqlite_sequence')) {
    out[t] = (db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all() as Record<string, unknown>[]).map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('hex') : v])),
    );
  }
  return out;
}

function addDataset(db: BetterSqlite3.Database, name: string): number {
  return Number(
    db.prepare("INSERT INTO datasets (name, source, created_at, row_count, column_count, missing_cells) VALUES (?, 'x', ?, 1, 1, 0)").run(name, now)
      .lastInsertRowid,
  );
}

describe('ids are never reused (migration 2)', () => {
  it('gives a new id after the newest dataset, run, comparison and report are deleted', () => {
    const db = openDatabase(join(dir, 'lab.db'));
    try {
      const inserts: Record<string, () => number> = {
        datasets: () => addDataset(db, `d${Math.random()}`),
        runs: () => Number(db.prepare("INSERT INTO runs (kind, created_at, app_version, core_version) VALUES ('train', ?, '0', '0')").run(now).lastInsertRowid),
        comparisons: () => Number(db.prepare("INSERT INTO comparisons (name, created_at, updated_at) VALUES ('c', ?, ?)").run(now, now).lastInsertRowid),
        reports: () => Number(db.prepare("INSERT INTO reports (title, created_at) VALUES ('r', ?)").run(now).lastInsertRowid),
      };
      for (const [table, insert] of Object.entries(inserts)) {
        insert();
        const newest = insert();
        db.prepare(`DELETE FROM ${table} WHERE id = ?`).run(newest);
        expect(insert(), table).toBe(newest + 1);
      }
    } finally {
      db.close();
    }
  });

  it('migrates a v1 database with data: every row and relation intact, ids continue after the largest', () => {
    const path = join(dir, 'v1.db');
    const v1 = openDatabase(path, { migrations: V1_ONLY });
    expect(v1.pragma('user_version', { simple: true })).toBe(1);
    const [a, b, c] = ['a', 'b', 'c'].map((n) => addDataset(v1, n));
    v1.prepare(
      "INSERT INTO dataset_columns (dataset_id, idx, name, type, role, categories, cells) VALUES (?, 0, 'x', 'categorical', 'feature', '[\"f\",\"m\"]', x'000000000000f03f')",
    ).run(a);
    v1.prepare("INSERT INTO dataset_columns (dataset_id, idx, name, type, role, cells) VALUES (?, 0, 'y', 'numeric', 'outcome', x'0000000000000040')").run(b);
    v1.prepare('DELETE FROM datasets WHERE id = ?').run(c);
    const run = (ds: number | null) =>
      Number(
        v1
          .prepare("INSERT INTO runs (kind, dataset_id, dataset_name, created_at, app_version, core_version) VALUES ('impute', ?, 'a', ?, '0.1.0', '0.1.0')")
          .run(ds, now).lastInsertRowid,
      );
    const r1 = run(a);
    const r2 = run(b);
    const r3 = run(null);
    v1.prepare("INSERT INTO run_metrics (run_id, step, name, value, at) VALUES (?, 1, 'loss', 0.5, 7), (?, 2, 'loss', 0.25, 8)").run(r1, r1);
    v1.prepare("INSERT INTO checkpoints (run_id, step, payload, created_at) VALUES (?, 1, x'0102', ?)").run(r2, now);
    const cmp = Number(v1.prepare("INSERT INTO comparisons (name, config, created_at, updated_at) VALUES ('c', '{}', ?, ?)").run(now, now).lastInsertRowid);
    v1.prepare('INSERT INTO comparison_runs (comparison_id, run_id, position) VALUES (?, ?, 0), (?, ?, 1)').run(cmp, r1, cmp, r2);
    v1.prepare("INSERT INTO reports (title, comparison_id, run_id, content, created_at) VALUES ('rep', ?, ?, x'3c68746d6c3e', ?)").run(cmp, r3, now);
    v1.prepare("INSERT INTO settings (key, value) VALUES ('samples.imported', '[\"pbc\"]')").run();
    const before = snapshot(v1);
    v1.close();

    // Migration 2 alone (migration 3 adds run columns, tested below).
    const db = openDatabase(path, { migrations: MIGRATIONS.filter((m) => m.version <= 2) });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(2);
      expect(snapshot(db)).toEqual(before);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'runs_%' ORDER BY name").all() as { name: string }[]).map(
        (r) => r.name,
      );
      expect(indexes).toEqual(['runs_dataset', 'runs_status']);
      const seq = Object.fromEntries(
        (db.prepare('SELECT name, seq FROM sqlite_sequence').all() as { name: string; seq: number }[]).map((r) => [r.name, r.seq]),
      );
      expect(seq).toEqual({ datasets: b, runs: r3, comparisons: cmp, reports: 1 });
      // The relations still act: deleting a dataset cascades to its columns and unlinks its runs; a run takes its
      // metrics and comparison entries with it; the report keeps its snapshot.
      db.prepare('DELETE FROM datasets WHERE id = ?').run(a);
      expect(db.prepare('SELECT COUNT(*) AS n FROM dataset_columns WHERE dataset_id = ?').get(a)).toEqual({ n: 0 });
      expect(db.prepare('SELECT dataset_id FROM runs WHERE id = ?').get(r1)).toEqual({ dataset_id: null });
      db.prepare('DELETE FROM runs WHERE id = ?').run(r1);
      expect(db.prepare('SELECT COUNT(*) AS n FROM run_metrics').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT run_id FROM comparison_runs').all()).toEqual([{ run_id: r2 }]);
      db.prepare('DELETE FROM comparisons WHERE id = ?').run(cmp);
      expect(db.prepare('SELECT comparison_id, run_id FROM reports').get()).toEqual({ comparison_id: null, run_id: r3 });
      expect(() =>
        db.prepare("INSERT INTO dataset_columns (dataset_id, idx, name, type, role, cells) VALUES (999, 0, 'z', 'numeric', 'feature', x'00')").run(),
      ).toThrow(/FOREIGN KEY/);
      // The next dataset comes after the largest id that existed at migration time (3 was lost before v2 kept count).
      expect(addDataset(db, 'next')).toBe(b + 1);
    } finally {
      db.close();
    }
  });

  it('rolls a table rebuild back when it would break a foreign key', () => {
    const path = join(dir, 'lab.db');
    openDatabase(path).close();
    const db0 = openDatabase(path);
    addDataset(db0, 'a');
    db0.close();
    const dropping: Migration = { version: SCHEMA_VERSION + 1, name: 'drop datasets', foreignKeysOff: true, up: (db) => db.exec('DELETE FROM datasets') };
    const withColumn = openDatabase(path);
    withColumn.prepare("INSERT INTO dataset_columns (dataset_id, idx, name, type, role, cells) VALUES (1, 0, 'x', 'numeric', 'feature', x'00')").run();
    withColumn.close();
    expect(() => openDatabase(path, { migrations: [...MIGRATIONS, dropping] })).toThrow(
      new RegExp(`migration ${SCHEMA_VERSION + 1}.*1 row\\(s\\) break a foreign key.*dataset_columns -> datasets.*left at schema version ${SCHEMA_VERSION}`),
    );
    const db = openDatabase(path);
    expect(db.prepare('SELECT COUNT(*) AS n FROM datasets').get()).toEqual({ n: 1 });
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });
});

describe('writeTransaction', () => {
  it('takes the write lock at BEGIN, so a second writer waits instead of failing', () => {
    const path = join(dir, 'lab.db');
    const one = openDatabase(path);
    const two = openDatabase(path, { busyTimeoutMs: 0 });
    try {
      // While `one` holds an immediate transaction, `two` cannot even begin one (with a deferred BEGIN it would start
      // as a reader and only fail at its first write, after it had read a snapshot that is about to change).
      writeTransaction(one, () => {
        addDataset(one, 'first');
        expect(() => writeTransaction(two, () => two.prepare('SELECT COUNT(*) FROM datasets').get())).toThrow(/database is locked/);
        expect(two.transaction(() => two.prepare('SELECT COUNT(*) AS n FROM datasets').get())()).toEqual({ n: 0 });
      });
      expect(writeTransaction(two, () => addDataset(two, 'second'))).toBe(2);
    } finally {
      one.close();
      two.close();
    }
  });
});

describe('a database in a read-only folder', () => {
  it('is reported as read-only, never as "not a QNN Lab database", and left intact', (ctx) => {
    const fs = mountTmpfs(join(dir, 'ro'), 4 * 2 ** 20);
    if (typeof fs === 'string') return ctx.skip(fs);
    try {
      const path = join(fs.dir, 'lab.db');
      const db = openDatabase(path);
      addDataset(db, 'kept');
      db.close();
      const before = sha(path);
      fs.readOnly();
      let error: unknown;
      try {
        openDatabase(path);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DatabaseOpenError);
      const e = error as DatabaseOpenError;
      expect(e.code).toBe('READ_ONLY');
      expect(e.message).not.toMatch(/not a QNN Lab database/);
      expect(e.message).toContain(path);
      expect(e.message).toMatch(/folder .* is read-only.*not damaged: do not delete it.*copy the database to a writable folder/);
      // A new database cannot be created there either: READ_ONLY naming the folder.
      expect(() => openDatabase(join(fs.dir, 'new.db'))).toThrow(/Cannot create the experiment database at .*new\.db: the folder .* cannot be written/);
      fs.writable();
      expect(sha(path)).toBe(before);
      const again = openDatabase(path);
      expect(again.prepare('SELECT name FROM datasets').all()).toEqual([{ name: 'kept' }]);
      again.close();
    } finally {
      fs.unmount();
    }
  });
});

describe('runs: parent, tags, notes, heartbeat, logs (migration 3)', () => {
  it('adds the columns with their defaults to existing runs, and children and logs go with their run', () => {
    const path = join(dir, 'lab.db');
    const v2 = openDatabase(path, { migrations: MIGRATIONS.filter((m) => m.version <= 2) });
    const now = '2026-12-01T00:00:00.000Z';
    const old = Number(v2.prepare("INSERT INTO runs (kind, created_at, app_version, core_version) VALUES ('train', ?, '0', '0')").run(now).lastInsertRowid);
    v2.close();
    const db = openDatabase(path);
    try {
      expect(db.prepare('SELECT parent_id, tags, notes, heartbeat_at, worker_pid FROM runs WHERE id = ?').get(old)).toEqual({
        parent_id: null,
        tags: '[]',
        notes: null,
        heartbeat_at: null,
        worker_pid: null,
      });
      const child = Number(
        db.prepare("INSERT INTO runs (kind, parent_id, created_at, app_version, core_version) VALUES ('imputation', ?, ?, '0', '0')").run(old, now)
          .lastInsertRowid,
      );
      db.prepare("INSERT INTO run_logs (run_id, at, level, message) VALUES (?, 1, 'info', 'started')").run(child);
      expect(() => db.prepare("INSERT INTO run_logs (run_id, at, level, message) VALUES (?, 1, 'debug', 'x')").run(child)).toThrow(/CHECK/);
      db.prepare('DELETE FROM runs WHERE id = ?').run(old);
      expect(db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM run_logs').get()).toEqual({ n: 0 });
      const indexes = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND (name LIKE 'runs_%' OR name LIKE 'run_logs_%') ORDER BY name").all() as {
          name: string;
        }[]
      ).map((r) => r.name);
      expect(indexes.filter((name) => !name.startsWith('runs_list_'))).toEqual([
        'run_logs_run',
        'runs_created',
        'runs_dataset',
        'runs_kind_status',
        'runs_parent',
        'runs_queue',
        'runs_status',
      ]);
    } finally {
      db.close();
    }
  });
});

describe('runs: owner, cancel requests, priority (migration 4)', () => {
  it('adds the columns with their defaults to existing runs', () => {
    const path = join(dir, 'lab.db');
    const v3 = openDatabase(path, { migrations: MIGRATIONS.filter((m) => m.version <= 3) });
    const old = Number(
      v3.prepare("INSERT INTO runs (kind, status, created_at, app_version, core_version) VALUES ('train', 'running', 'x', '0', '0')").run().lastInsertRowid,
    );
    v3.close();
    const db = openDatabase(path);
    try {
      expect(db.prepare('SELECT owner, owner_pid, cancel_requested, priority FROM runs WHERE id = ?').get(old)).toEqual({
        owner: null,
        owner_pid: null,
        cancel_requested: 0,
        priority: 0,
      });
      // The queue's index serves the engine's question: the next queued run, highest priority first, then oldest.
      const plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM runs WHERE status = 'queued' ORDER BY priority DESC, id LIMIT 1").all() as {
        detail: string;
      }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX runs_queue/);
    } finally {
      db.close();
    }
  });
});

describe('metrics: one row per step, tiles for charts; list indexes (migration 5)', () => {
  it('keeps the latest of repeated steps, builds the tiles of stored series, and deletes them with their run', () => {
    const path = join(dir, 'lab.db');
    const v4 = openDatabase(path, { migrations: MIGRATIONS.filter((m) => m.version <= 4) });
    const run = () =>
      Number(v4.prepare("INSERT INTO runs (kind, created_at, app_version, core_version) VALUES ('train', 'x', '0', '0')").run().lastInsertRowid);
    const [a, b] = [run(), run()];
    const metric = v4.prepare('INSERT INTO run_metrics (run_id, step, name, value, at) VALUES (?, ?, ?, ?, ?)');
    // Run a: loss at steps 0..39 (step 7 sent twice: the second value counts), one null; run b: one point.
    for (let step = 0; step < 40; step++) metric.run(a, step, 'loss', step === 20 ? null : 100 - step, step);
    metric.run(a, 7, 'loss', -1, 99);
    metric.run(b, 3, 'auc', 0.5, 0);
    v4.close();
    const db = openDatabase(path);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT COUNT(*) AS n FROM run_metrics').get()).toEqual({ n: 41 });
      expect(db.prepare("SELECT value, at FROM run_metrics WHERE run_id = ? AND name = 'loss' AND step = 7").get(a)).toEqual({ value: -1, at: 99 });
      expect(() => db.prepare('INSERT INTO run_metrics (run_id, step, name, value, at) VALUES (?, 7, ?, 1, 0)').run(a, 'loss')).toThrow(/UNIQUE/);
      // Tiles of 16 steps at level 0 (0-15, 16-31, 32-39), and the series' own tile: count, nulls, ends, min and max.
      const tile = db.prepare(
        'SELECT n, nulls, first_step, last_step, min_step, min_value, max_step, max_value FROM run_metric_tiles WHERE run_id = ? AND level = ? AND bucket = ?',
      );
      expect(tile.get(a, 0, 1)).toEqual({ n: 16, nulls: 1, first_step: 16, last_step: 31, min_step: 31, min_value: 69, max_step: 16, max_value: 84 });
      expect(tile.get(a, SERIES_LEVEL, 0)).toEqual({ n: 40, nulls: 1, first_step: 0, last_step: 39, min_step: 7, min_value: -1, max_step: 0, max_value: 100 });
      expect(tile.get(b, SERIES_LEVEL, 0)).toEqual({ n: 1, nulls: 0, first_step: 3, last_step: 3, min_step: 3, min_value: 0.5, max_step: 3, max_value: 0.5 });
      db.prepare('DELETE FROM runs WHERE id = ?').run(a);
      expect(db.prepare('SELECT run_id, COUNT(*) AS n FROM run_metrics GROUP BY run_id').all()).toEqual([{ run_id: b, n: 1 }]);
      expect(db.prepare('SELECT DISTINCT run_id FROM run_metric_tiles').all()).toEqual([{ run_id: b }]);
      const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'runs_list_%' ORDER BY name").all();
      expect(indexes.map((r) => (r as { name: string }).name)).toEqual([
        'runs_list_created',
        'runs_list_duration',
        'runs_list_finished',
        'runs_list_kind',
        'runs_list_name',
        'runs_list_status',
      ]);
    } finally {
      db.close();
    }
  });
});
