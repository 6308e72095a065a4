// The CLI's way to the backend: opens the database (default: the desktop app's) and calls the same handlers as
// the app, through the same dispatcher, so requests are validated identically and errors keep their codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelName, RequestOf, ResponseOf } from '../contract/channels.ts';
import { openBackend, type Backend } from '../backend/backend.ts';
import { dispatch } from '../backend/rpc.ts';
import { defaultDatabasePath, projectRoot } from '../backend/paths.ts';
import { UserError } from './command.ts';

export function openCliBackend(db: string | undefined): Backend {
  const databasePath = db ?? defaultDatabasePath();
  const version = (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  try {
    return openBackend({ databasePath, transport: 'http', version, seedSamples: false });
  } catch (e) {
    throw new UserError(`cannot open the database ${databasePath}: ${(e as Error).message}`);
  }
}

export async function call<C extends ChannelName>(backend: Backend, channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await dispatch(backend.handlers, channel, request);
  if (!result.ok) throw new UserError(result.error.message);
  return result.value as ResponseOf<C>;
}
