// Every channel's handler, merged from one small file per domain. `satisfies Handlers`: a missing channel fails to compile.
import type { Handlers, Transport } from '../../contract/channels.ts';
import type { Database } from '../db/database.ts';
import type { DatasetService } from '../services/datasets.ts';
import type { DeviceProfileService } from '../services/devices.ts';
import type { RunService } from '../services/runs.ts';
import type { EventBus } from '../events.ts';
import { appHandlers } from './app.ts';
import { datasetHandlers } from './datasets.ts';
import { deviceHandlers } from './devices.ts';
import { hardwareHandlers } from './hardware.ts';
import { runHandlers } from './runs.ts';
import { runControlHandlers } from './run-control.ts';
import { settingsHandlers } from './settings.ts';
import { providerHandlers } from './provider.ts';
import { comparisonHandlers } from './comparisons.ts';
import { ComparisonService } from '../services/comparisons.ts';
import { reportHandlers } from './reports.ts';
import { ReportService } from '../reports/service.ts';
import type { RunEngine } from '../runs/engine.ts';

export interface HandlerContext {
  db: Database;
  databasePath: string;
  transport: Transport;
  version: string;
  datasets: DatasetService;
  devices: DeviceProfileService;
  runs: RunService;
  /** The host's run engine (null: this process runs no runs). */
  engine?: RunEngine | null;
  /** Where change events go (the host forwards them to renderers). */
  events?: Pick<EventBus, 'emit'>;
  /** Exported reports: built, recorded and reopened (default: without PDF and comparisons). */
  reports?: ReportService;
}

export function createHandlers(ctx: HandlerContext): Handlers {
  const comparisons = new ComparisonService(ctx.db, ctx.runs, ctx.version);
  return {
    ...appHandlers(ctx),
    ...datasetHandlers(ctx.datasets, ctx.events),
    ...deviceHandlers(ctx.devices, ctx.events),
    ...hardwareHandlers(ctx.devices),
    ...runHandlers(ctx.runs, ctx.events),
    ...runControlHandlers(ctx.engine ?? null, ctx.runs),
    ...settingsHandlers(ctx.db, ctx.devices),
    ...providerHandlers(),
    ...comparisonHandlers(comparisons),
    ...reportHandlers(ctx.reports ?? new ReportService({ db: ctx.db, runs: ctx.runs, datasets: ctx.datasets, comparisons, version: ctx.version }), ctx.events),
  } satisfies Handlers;
}
