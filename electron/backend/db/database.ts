// The experiment database: one SQLite file (better-sqlite3), WAL, foreign keys on, a busy timeout, and migrations
// keyed on `PRAGMA user_version` applied at open. A file from a newer QNN Lab is refused without being changed.
import BetterSqlite3 from 'better-sqlite3';
import { LabError, type ErrorCode } from '../../../core/errors.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';

export type Database = BetterSqlite3.Database;

/** Opening the database failed: start-up must stop and show this message. */
export class DatabaseOpenError extends LabError {
  constructor(message: string, options?: { cause?: unknown; code?: ErrorCode }) {
    super(options?.code ?? 'DATABASE', message, {}, options);
    this.name = 'DatabaseOpenError';
  }
}

export interface OpenDatabaseOptions {
  /** Migrations to apply (tests inject their own). Default MIGRATIONS. */
  migrations?: readonly Migration[];
  /** Busy timeout in milliseconds. Default 5000. */
  busyTimeoutMs?: number;
}

export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database {
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  const known = migrations.length > 0 ? migrations[migrations.length - 1].version : 0;
  let db: Database;
  try {
    db = new BetterSqlite3(path);
  } catch (e) {
    throw new DatabaseOpenError(`Cannot open the experiment database at ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    // Read the version before anything writes (journal mode included), so a refused file stays untouched.
    let version: number;
    try {
      version = db.pragma('user_version', { simple: true }) as number;
    } catch (e) {
      throw new DatabaseOpenError(`The file at ${path} is not a QNN Lab database (${(e as Error).message}).`, { cause: e });
    }
    if (version > known) {
      throw new DatabaseOpenError(
        `The experiment database at ${path} was written by a newer version of QNN Lab (schema version ${version}; this version knows up to ${known}). ` +
          'Update QNN Lab to open it. The file was not changed.',
      );
    }
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    migrate(db, migrations, path);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Applies every migration newer than the database's user_version, each in its own transaction. */
export function migrate(db: Database, migrations: readonly Migration[], path = db.name): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of migrations) {
    if (m.version <= current) continue;
    try {
      db.transaction(() => {
        m.up(db);
        db.pragma(`user_version = ${m.version}`);
      })();
    } catch (e) {
      const now = db.pragma('user_version', { simple: true }) as number;
      throw new DatabaseOpenError(
        `Upgrading the experiment database at ${path} failed in migration ${m.version} ("${m.name}"): ${(e as Error).message}. ` +
          `The database was left at schema version ${now}.`,
        { cause: e },
      );
    }
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
