export { openDatabase, migrate, schemaVersion, writeTransaction, DatabaseOpenError, type Database, type OpenDatabaseOptions } from './database.ts';
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.ts';
