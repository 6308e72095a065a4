// Prepared statements compiled once per connection: hot paths (a worker's metric batches, list pages) reuse them
// instead of compiling the same SQL on every call.
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from './database.ts';

export type Statement = BetterSqlite3.Statement;

export function statementCache(db: Database): (sql: string) => Statement {
  const cache = new Map<string, Statement>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
}
