// Every channel's handler, merged from one small file per domain. `satisfies Handlers`: a missing channel fails to compile.
import type { Handlers } from '../../contract/channels.ts';
import type { Database } from '../db/database.ts';
import type { EventBus } from '../events.ts';
import { DatasetService } from '../services/datasets.ts';
import { DeviceProfileService } from '../services/devices.ts';
import { appHandlers } from './app.ts';
import { datasetHandlers } from './datasets.ts';
import { deviceHandlers } from './devices.ts';
import { hardwareHandlers } from './hardware.ts';

export interface HandlerContext {
  db: Database;
  databasePath: string;
  transport: 'electron' | 'http';
  version: string;
  /** Folder of the bundled samples (seeding itself is done by the host: see ensureBundledSamples). */
  samplesDir?: string;
  /** Where change events go (the host forwards them to renderers). */
  events?: Pick<EventBus, 'emit'>;
}

export function createHandlers(ctx: HandlerContext): Handlers {
  const datasets = new DatasetService(ctx.db);
  const devices = new DeviceProfileService(ctx.db);
  return {
    ...appHandlers(ctx),
    ...datasetHandlers(datasets, ctx.events),
    ...deviceHandlers(devices, ctx.events),
    ...hardwareHandlers(devices),
  } satisfies Handlers;
}
