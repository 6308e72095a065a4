// The one mapper from anything thrown to the contract's ApiError, used by the RPC dispatcher (every transport) and
// the CLI. A LabError keeps its code and fields; the failures of SQLite and the file system that a user can cause
// (a read-only folder, a full disk, a database held by another process, a directory given as a file) get their own
// code and a message that names the file and what to do; anything else is INTERNAL (a bug), logged by the caller.
import { LabError } from '../../core/errors.ts';
import type { ApiError, ErrorCode } from '../contract/errors.ts';

export interface ErrorContext {
  /** The experiment database, to name it in database failures. */
  databasePath?: string;
  /** What was being done, e.g. 'datasets.import': prefixes INTERNAL messages. */
  action?: string;
}

interface CodedError extends Error {
  code?: string;
  path?: string;
}

/** SQLite result codes (better-sqlite3's SqliteError.code) a user can cause, with what to tell them. */
function sqliteFailure(e: CodedError, db: string): { code: ErrorCode; message: string } | null {
  const code = e.code ?? '';
  if (!code.startsWith('SQLITE_')) return null;
  if (code.startsWith('SQLITE_READONLY')) {
    return {
      code: 'READ_ONLY',
      message: `The experiment database ${db} cannot be written (read-only file or folder). Nothing was changed. Make the file and its folder writable, or choose another database with --db.`,
    };
  }
  if (code.startsWith('SQLITE_FULL')) {
    return { code: 'DISK_FULL', message: `The disk holding the experiment database ${db} is full. Nothing was changed. Free some space and try again.` };
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return {
      code: 'BUSY',
      message: `The experiment database ${db} is busy: another QNN Lab process held it for too long. Nothing was changed. Try again in a moment.`,
    };
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_AUTH')) {
    return {
      code: 'READ_ONLY',
      message: `The experiment database ${db} cannot be opened for writing (${e.message}). Check the permissions of the file and its folder.`,
    };
  }
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) {
    return {
      code: 'DATABASE',
      message: `The experiment database ${db} is damaged (${e.message}). Restore it from a backup, or choose another file with --db.`,
    };
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return {
      code: 'DATABASE',
      message: `Reading or writing the experiment database ${db} failed (${e.message}). Nothing was changed. Check the disk, then try again.`,
    };
  }
  return null;
}

/** Node's file-system errors a user can cause. */
function fileFailure(e: CodedError): { code: ErrorCode; message: string } | null {
  const path = e.path ? ` ${e.path}` : '';
  switch (e.code) {
    case 'ENOENT':
      return { code: 'NOT_FOUND', message: `No such file or folder:${path}.` };
    case 'EISDIR':
      return { code: 'VALIDATION', message: `${path.trim() || 'The path'} is a folder, not a file. Give the path of a file.` };
    case 'ENOTDIR':
      return { code: 'VALIDATION', message: `A part of the path${path} is not a folder.` };
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return { code: 'READ_ONLY', message: `Permission denied:${path} cannot be read or written. Check its permissions, or choose another path.` };
    case 'ENOSPC':
    case 'EDQUOT':
      return { code: 'DISK_FULL', message: `No space left on the disk${path ? ` writing${path}` : ''}. Free some space and try again.` };
    case 'EFBIG':
      return { code: 'DISK_FULL', message: `The file${path} would exceed the file-size limit. Nothing was written.` };
    default:
      return null;
  }
}

/** The ApiError for anything thrown; code INTERNAL means a bug (the caller logs it with its stack). */
export function toApiError(e: unknown, context: ErrorContext = {}): ApiError {
  if (e instanceof LabError) {
    const error: ApiError = { code: e.code, message: e.message };
    if (e.field !== undefined) error.field = e.field;
    if (e.value !== undefined) error.value = e.value;
    if (e.allowed !== undefined) error.allowed = e.allowed;
    if (e.details !== undefined) error.details = e.details;
    return error;
  }
  if (e instanceof Error) {
    const coded = e as CodedError;
    const known = sqliteFailure(coded, context.databasePath ?? 'file') ?? fileFailure(coded);
    if (known) return known;
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      return { code: 'VALIDATION', message: 'The input is nested too deeply to process. Send a flatter value.' };
    }
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'INTERNAL', message: `Internal error${context.action ? ` in ${context.action}` : ''}: ${message}` };
}
