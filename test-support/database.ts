// Shared test fixture: a fresh experiment database (all migrations applied) in a temporary folder for each test.
import { afterEach, beforeEach } from 'vitest';
import { openDatabase, type Database } from '../electron/backend/db/database.ts';
import { useTempDir } from './files.ts';

export interface TempDatabase {
  readonly db: Database;
  /** The database file. */
  readonly path: string;
  /** Its folder (removed after the test). */
  readonly dir: string;
  file(name: string): string;
}

export function useTempDatabase(prefix = 'qnnlab-db-'): TempDatabase {
  const dir = useTempDir(prefix);
  let db: Database | undefined;
  beforeEach(() => {
    db = openDatabase(dir.file('lab.db'));
  });
  afterEach(() => {
    if (db?.open) db.close();
  });
  return {
    get db() {
      return db!;
    },
    get path() {
      return dir.file('lab.db');
    },
    get dir() {
      return dir.path;
    },
    file: dir.file,
  };
}
