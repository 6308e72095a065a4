// The experiment database: one SQLite file (better-sqlite3), WAL, foreign keys on, a busy timeout, and migrations
// keyed on `PRAGMA user_version` applied at open. A file from a newer QNN Lab is refused without being changed.
// Every write transaction takes the write lock up front (writeTransaction), so concurrent writers wait their turn.
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
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

/**
 * Runs `fn` in a transaction that takes the write lock at BEGIN (BEGIN IMMEDIATE). A deferred transaction starts as a
 * reader and fails with SQLITE_BUSY, whatever the busy timeout, when another connection wrote in between; an
 * immediate one waits its turn. Every write of more than one statement goes through here.
 */
export function writeTransaction<T>(db: Database, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/** better-sqlite3's SqliteError code (e.g. 'SQLITE_READONLY_DBMOVED'), or '' for anything else. */
export const sqliteCode = (e: unknown): string => String((e as { code?: unknown } | null)?.code ?? '');

function folderWritable(path: string): boolean {
  try {
    accessSync(dirname(path), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why an existing file cannot be opened or read, told apart from "not a database" (which a user might delete). */
function openFailure(path: string, e: unknown): DatabaseOpenError {
  const code = sqliteCode(e);
  const reason = (e as Error).message;
  const cause = { cause: e };
  if (code.startsWith('SQLITE_NOTADB'))
    return new DatabaseOpenError(`The file at ${path} is not a QNN Lab database (${reason}). Choose another file with --db.`, cause);
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new DatabaseOpenError(
      `The experiment database at ${path} is damaged (${reason}). Restore it from a backup, or choose another file with --db.`,
      cause,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new DatabaseOpenError(`The experiment database at ${path} is busy: another QNN Lab process holds it. Try again in a moment.`, {
      ...cause,
      code: 'BUSY',
    });
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) {
    if (!existsSync(path)) {
      return new DatabaseOpenError(
        `Cannot create the experiment database at ${path}: the folder ${dirname(path)} cannot be written. Make it writable, or choose another file with --db.`,
        { ...cause, code: 'READ_ONLY' },
      );
    }
    const where = folderWritable(path) ? 'the file cannot be opened for writing' : `its folder ${dirname(path)} is read-only`;
    return new DatabaseOpenError(
      `The experiment database at ${path} cannot be opened: ${where} (${reason}). The database itself was not changed and is not damaged: do not delete it. ` +
        'QNN Lab writes its journal files (-wal, -shm) beside the database, even to read it: make the file and its folder writable, ' +
        'or copy the database to a writable folder and open the copy with --db.',
      { ...cause, code: 'READ_ONLY' },
    );
  }
  if (code.startsWith('SQLITE_FULL')) {
    return new DatabaseOpenError(`The disk holding the experiment database ${path} is full. Nothing was changed. Free some space and try again.`, {
      ...cause,
      code: 'DISK_FULL',
    });
  }
  return new DatabaseOpenError(`Cannot open the experiment database at ${path}: ${reason}`, cause);
}

export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database {
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  const known = migrations.length > 0 ? migrations[migrations.length - 1].version : 0;
  let db: Database;
  try {
    db = new BetterSqlite3(path);
  } catch (e) {
    throw openFailure(path, e);
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    // Read the version before anything writes (journal mode included), so a refused file stays untouched.
    let version: number;
    try {
      version = db.pragma('user_version', { simple: true }) as number;
    } catch (e) {
      throw openFailure(path, e);
    }
    if (version > known) {
      throw new DatabaseOpenError(
        `The experiment database at ${path} was written by a newer version of QNN Lab (schema version ${version}; this version knows up to ${known}). ` +
          'Update QNN Lab to open it. The file was not changed.',
      );
    }
    try {
      db.pragma('journal_mode = WAL');
    } catch (e) {
      // A database on read-only media can still be read when it needs no upgrade; its writes fail with READ_ONLY.
      if (!sqliteCode(e).startsWith('SQLITE_READONLY') || version < known) throw openFailure(path, e);
    }
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    migrate(db, migrations, path);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Applies every migration newer than the database's user_version, each in its own immediate transaction with the
 * user_version bump (all or nothing). The version is read again inside the transaction, so processes opening the
 * same file at once migrate it once. A migration that rebuilds tables runs with foreign keys off (they cannot be
 * switched inside a transaction) and is checked with foreign_key_check before it commits.
 */
export function migrate(db: Database, migrations: readonly Migration[], path = db.name): void {
  for (const m of migrations) {
    if (m.version <= schemaVersion(db)) continue;
    const foreignKeysOn = db.pragma('foreign_keys', { simple: true }) === 1;
    if (m.foreignKeysOff) db.pragma('foreign_keys = OFF');
    try {
      writeTransaction(db, () => {
        if (m.version <= schemaVersion(db)) return;
        m.up(db);
        if (m.foreignKeysOff) {
          const broken = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
          if (broken.length > 0) {
            const first = broken[0];
            throw new Error(`${broken.length} row(s) break a foreign key, e.g. row ${first.rowid} of ${first.table} -> ${first.parent}`);
          }
        }
        db.pragma(`user_version = ${m.version}`);
      });
    } catch (e) {
      if (sqliteCode(e).startsWith('SQLITE_')) {
        const failure = openFailure(path, e);
        if (failure.code !== 'DATABASE') throw failure;
      }
      throw new DatabaseOpenError(
        `Upgrading the experiment database at ${path} failed in migration ${m.version} ("${m.name}"): ${(e as Error).message}. ` +
          `The database was left at schema version ${schemaVersion(db)}.`,
        { cause: e },
      );
    } finally {
      if (m.foreignKeysOff && foreignKeysOn) db.pragma('foreign_keys = ON');
    }
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
