// The bytes of a file to import, on the host: a local file (the CLI's argument, the desktop app's chosen file) or an
// upload (the web host streams a request body into a folder beside the database, `<database>-uploads/`).
// - readImportChunks reads a file in chunks, counting the bytes as they come rather than trusting the size the file
//   system states (/proc files say 0, a file may grow while read), and refuses folders, devices, pipes and sockets.
// - UploadStore receives an upload (TOO_LARGE past the limit, the partial file removed on any failure), finds it by
//   id for the import run, deletes it when the run ends, and at a host's start removes uploads whose process is gone
//   (an upload id carries the uploading process's pid) or that are older than a day.
import { randomBytes } from 'node:crypto';
import { constants, readdirSync, rmSync, statSync, type Stats } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidInputError, LabError, throwIfAborted } from '../../core/errors.ts';
import { UPLOAD_ID_PATTERN, type ImportSource, type UploadedFile } from '../contract/datasets.ts';
import { pidIsAlive } from './runs/engine.ts';

const MiB = 2 ** 20;
/** Bytes per read and per message to a worker: Ctrl+C is seen promptly, and no message holds the host for long. */
export const IMPORT_CHUNK_BYTES = 4 * MiB;

function notAFile(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isFIFO()) return 'a pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

export interface ReadImportOptions {
  /** Refuse files larger than this (TOO_LARGE). */
  limit: number;
  /** Checked before every read (CANCELLED). */
  signal?: AbortSignal;
  /** The request field or flag that named the file, for refusals (e.g. 'file', 'source.path'). */
  field?: string;
  chunkBytes?: number;
}

/**
 * Opens a file to import and checks it: a regular file (opened non-blocking, so a FIFO cannot hang it; its kind
 * from the opened file's fstat) no larger than `limit` as stated. The caller closes the handle.
 */
async function openImportFile(file: string, options: ReadImportOptions): Promise<{ handle: FileHandle; size: number }> {
  const field = options.field ?? 'file';
  let handle: FileHandle;
  try {
    handle = await open(resolve(file), constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new InvalidInputError(`cannot read ${file}: no such file`, { field, value: file });
    throw e;
  }
  try {
    const st = await handle.stat();
    const kind = notAFile(st);
    if (kind) throw new InvalidInputError(`${file} is ${kind}, not a file: give the path of a CSV file`, { field, value: file, allowed: 'a regular file' });
    if (st.size > options.limit) throw tooLarge(file, options, `${(st.size / MiB).toFixed(1)} MiB`);
    return { handle, size: st.size };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

function tooLarge(file: string, options: ReadImportOptions, what: string): LabError {
  return new LabError(
    'TOO_LARGE',
    `${file} is ${what}; the import limit is ${options.limit / MiB} MiB. Nothing was imported. Split the file, or drop columns it does not need.`,
    { field: options.field ?? 'file', value: file, allowed: `at most ${options.limit} bytes` },
  );
}

/** The size a file to import states, once checked as readImportChunks checks it (for an early refusal). */
export async function checkImportFile(file: string, options: ReadImportOptions): Promise<number> {
  const { handle, size } = await openImportFile(file, options);
  await handle.close();
  return size;
}

/**
 * A file's bytes in chunks of at most `chunkBytes` (each a fresh buffer), checked as openImportFile checks it;
 * stops beyond `limit` (TOO_LARGE: the stated size may lie) and when `signal` fires.
 */
export async function* readImportChunks(file: string, options: ReadImportOptions): AsyncGenerator<Uint8Array, void, void> {
  const { limit, signal } = options;
  const { handle, size } = await openImportFile(file, options);
  try {
    let total = 0;
    for (;;) {
      throwIfAborted(signal);
      // One byte more than allowed tells a file at the limit from one beyond it.
      const buffer = Buffer.allocUnsafe(Math.min(options.chunkBytes ?? IMPORT_CHUNK_BYTES, limit + 1 - total));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) throw tooLarge(file, options, `larger than its stated size (${size} bytes): more than ${limit / MiB} MiB were read`);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** A whole file to import (the CLI), read as readImportChunks reads it; `onProgress` after each chunk. */
export async function readImportFile(
  file: string,
  options: ReadImportOptions & { onProgress?: (bytesRead: number, statedSize: number) => void },
): Promise<Uint8Array> {
  const stated = await statedSize(file);
  const chunks: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of readImportChunks(file, options)) {
    chunks.push(chunk);
    n += chunk.length;
    options.onProgress?.(n, stated);
  }
  return Buffer.concat(chunks, n);
}

async function statedSize(file: string): Promise<number> {
  return stat(file).then(
    (st) => st.size,
    () => 0, // readImportChunks says why
  );
}

/** Uploads older than this are abandoned, whoever made them (an import takes seconds to minutes). */
export const UPLOAD_MAX_AGE_MS = 24 * 3600_000;

export interface UploadStoreOptions {
  isAlive?: (pid: number) => boolean;
  now?: () => number;
  pid?: number;
}

export class UploadStore {
  constructor(
    readonly dir: string,
    private readonly options: UploadStoreOptions = {},
  ) {}

  /** The uploads folder of a database: beside it, as SQLite's -wal and -shm files are. */
  static besideDatabase(databasePath: string, options?: UploadStoreOptions): UploadStore {
    return new UploadStore(`${databasePath}-uploads`, options);
  }

  /**
   * Writes `body` to a new upload and answers its id. Past `limit` bytes it stops reading and throws TOO_LARGE; on
   * any failure (too large, a full disk, the client gone) the partial file is removed. Written as `<id>.part` and
   * renamed once whole, so no reader ever sees half a file.
   */
  async receive(body: AsyncIterable<Uint8Array>, limit: number, name = 'The file'): Promise<UploadedFile> {
    await mkdir(this.dir, { recursive: true });
    const uploadId = `${this.options.pid ?? process.pid}-${randomBytes(16).toString('base64url')}`;
    const partial = join(this.dir, `${uploadId}.part`);
    const handle = await open(partial, 'wx');
    let bytes = 0;
    let closed = false;
    try {
      for await (const chunk of body) {
        bytes += chunk.byteLength;
        if (bytes > limit) {
          throw new LabError(
            'TOO_LARGE',
            `${name} is larger than the ${(limit / MiB).toFixed(0)} MiB this host imports. Nothing was imported. Split the file, or drop columns it does not need.`,
            { allowed: `at most ${limit} bytes` },
          );
        }
        await handle.write(chunk);
      }
      closed = true;
      await handle.close();
      await rename(partial, this.file(uploadId));
      return { uploadId, bytes };
    } catch (e) {
      if (!closed) await handle.close().catch(() => {});
      await rm(partial, { force: true });
      const code = (e as { code?: string }).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') {
        throw new LabError(
          'DISK_FULL',
          `No space left on the disk for the upload (${this.dir}). Nothing was imported. Free some space and try again.`,
          {},
          { cause: e },
        );
      }
      throw e;
    }
  }

  /** The file of an upload id. */
  file(uploadId: string): string {
    if (!UPLOAD_ID_PATTERN.test(uploadId)) {
      throw new InvalidInputError(`"${uploadId}" is not an upload id.`, {
        field: 'source.uploadId',
        value: uploadId,
        allowed: 'an uploadId from POST /api/uploads',
      });
    }
    return join(this.dir, uploadId);
  }

  /** Deletes an upload (nothing when it is gone already). */
  async remove(uploadId: string): Promise<void> {
    await rm(this.file(uploadId), { force: true });
  }

  /** Removes uploads (whole or partial) whose process is gone or that are older than a day; returns their names. */
  sweep(): string[] {
    const isAlive = this.options.isAlive ?? pidIsAlive;
    const now = (this.options.now ?? Date.now)();
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names) {
      const pid = Number(/^(\d+)-/.exec(name)?.[1]);
      const path = join(this.dir, name);
      const modified = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
      if (modified === undefined) continue;
      const old = now - modified > UPLOAD_MAX_AGE_MS;
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && !old) continue;
      rmSync(path, { force: true, recursive: true });
      removed.push(name);
    }
    return removed;
  }
}

/** An import source's file on this host: an upload's file, or a local path when this host may read paths. */
export function sourceFile(source: ImportSource, uploads: UploadStore, allowPaths: boolean): { path: string; uploadId: string | null } {
  if ('uploadId' in source) return { path: uploads.file(source.uploadId), uploadId: source.uploadId };
  if (!allowPaths) {
    throw new LabError(
      'FORBIDDEN',
      'This host imports uploaded files only: a file path names a file on the machine that runs QNN Lab. Upload the file (POST /api/uploads), or import it with `qnnlab dataset import`.',
      { field: 'source.path' },
    );
  }
  return { path: source.path, uploadId: null };
}
