// The CLI's way to the backend: opens the database (default: the desktop app's) and calls the same handlers as
// the app, through the same dispatcher, so requests are validated identically and errors keep their codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../../core/errors.ts';
import type { ChannelName, RequestOf, ResponseOf } from '../contract/channels.ts';
import { openBackend, type Backend, type EngineOptions } from '../backend/backend.ts';
import { toApiError } from '../backend/errors.ts';
import { defaultDatabasePath, projectRoot } from '../backend/paths.ts';

/**
 * The backend of `--db` (default the app's database); with `engine`, runs started here execute in worker processes.
 * Import runs may read local paths: the CLI reads the files its user names.
 */
export function openCliBackend(db: string | undefined, engine?: EngineOptions): Backend {
  const databasePath = db ?? defaultDatabasePath();
  const version = (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  try {
    return openBackend({ databasePath, transport: 'http', version, seedSamples: false, engine, importPaths: true });
  } catch (e) {
    const error = toApiError(e, { databasePath });
    if (error.code === 'INTERNAL') throw e;
    throw new LabError(error.code, e instanceof LabError ? e.message : `cannot open the database ${databasePath}: ${error.message}`, {}, { cause: e });
  }
}

/** One API call; a failure is thrown as a LabError with the API error's code and fields (the CLI prints it). */
export async function call<C extends ChannelName>(backend: Backend, channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await backend.dispatch(channel, request);
  if (!result.ok) {
    const { code, message, field, value, allowed } = result.error;
    throw new LabError(code, message, { field, value, allowed });
  }
  return result.value as ResponseOf<C>;
}
