import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DatabaseOpenError, MIGRATIONS, SCHEMA_VERSION, openDatabase, type Migration } from './index.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qnnlab-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function tables(db: BetterSqlite3.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

describe('openDatabase', () => {
  it('creates a fresh database at schema v1 with WAL and foreign keys', () => {
    const db = openDatabase(join(dir, 'lab.db'));
    try {
      expect(SCHEMA_VERSION).toBe(1);
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(tables(db)).toEqual([
        'checkpoints', 'comparison_runs', 'comparisons', 'dataset_columns', 'datasets', 'device_profiles', 'reports', 'run_metrics', 'runs', 'settings',
      ]);
    } finally {
      db.close();
    }
    // Re-opening is a no-op.
    const again = openDatabase(join(dir, 'lab.db'));
    expect(again.pragma('user_version', { simple: true })).toBe(1);
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
    expect((error as Error).message).toMatch(/newer version of QNN Lab \(schema version 99; this version knows up to 1\)\. Update QNN Lab/);
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
        version: 2,
        name: 'add things',
        up: (db) => {
          db.exec('CREATE TABLE things (id INTEGER PRIMARY KEY)');
          db.exec('ALTER TABLE no_such_table ADD COLUMN x INTEGER');
        },
      },
    ];
    expect(() => openDatabase(path, { migrations: broken })).toThrow(
      /failed in migration 2 \("add things"\): no such table: no_such_table\. The database was left at schema version 1/,
    );
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
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
