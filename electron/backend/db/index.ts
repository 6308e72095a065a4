export { openDatabase, migrate, schemaVersion, DatabaseOpenError, type Database, type OpenDatabaseOptions } from './database.ts';
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.ts';
