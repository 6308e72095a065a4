// app.* channels.
import type { Handlers } from '../../contract/channels.ts';
import { schemaVersion } from '../db/database.ts';
import type { HandlerContext } from './index.ts';

export function appHandlers(ctx: HandlerContext) {
  return {
    'app.info': () => ({
      version: ctx.version,
      schemaVersion: schemaVersion(ctx.db),
      databasePath: ctx.databasePath,
      transport: ctx.transport,
      maxImportBytes: ctx.datasets.maxImportBytes,
    }),
  } satisfies Pick<Handlers, 'app.info'>;
}
