// Opens everything a host needs, the same way for Electron's main process, the web host and the CLI:
// the database (migrated), the handlers, the event bus, and the bundled samples on first start.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ChannelName, Handlers, Transport } from '../contract/channels.ts';
import type { Result } from '../contract/errors.ts';
import { openDatabase } from './db/database.ts';
import { EventBus } from './events.ts';
import { createHandlers } from './handlers/index.ts';
import { projectRoot } from './paths.ts';
import { dispatch } from './rpc.ts';
import { DatasetService, ensureBundledSamples } from './services/datasets.ts';
import { DeviceProfileService } from './services/devices.ts';
import { RunService } from './services/runs.ts';
import { RunEngine, checkConcurrency, pidIsAlive } from './runs/engine.ts';
import { UploadStore } from './import-files.ts';
import { localExecutor } from './runs/executor.ts';
import type { WorkerLauncher } from './runs/launcher.ts';
import { createRunHost } from './runs/run-host.ts';
import type { RunHost } from '../workers/kinds/types.ts';
import { ReportService } from './reports/service.ts';
import { ComparisonService } from './services/comparisons.ts';
import { chromiumPdfPrinter, type PdfPrinter } from './reports/pdf.ts';

export interface Backend {
  handlers: Handlers;
  /** Validates and runs one API call; every failure comes back as a Result (errors name this database). */
  dispatch(channel: ChannelName | string, request: unknown): Promise<Result<unknown>>;
  events: EventBus;
  datasets: DatasetService;
  /** Device profiles: built-ins plus the database's user copies (e.g. to resolve `--backend NAME`). */
  devices: DeviceProfileService;
  databasePath: string;
  /** The app's version, recorded with every run. */
  version: string;
  /** The database's runs and their metrics (experiments record themselves here). */
  runs: RunService;
  /** Files uploaded to import (the web host's POST /api/uploads), beside the database. */
  uploads: UploadStore;
  /** The run engine, when the host asked for one (BackendOptions.engine): runs in worker processes. */
  engine: RunEngine | null;
  /** Exported reports (HTML, PDF, CSV, JSON) of runs and comparisons. */
  reports: ReportService;
  /** The host's services as run kinds see them (what the engine prepares runs with; for engines a command makes itself). */
  runHost: RunHost;
  /** Closes the database (a host with an engine calls shutdown instead). */
  close(): void;
  /** Stops the engine (its running runs become interrupted, resumable), then closes the database. */
  shutdown(): Promise<void>;
}

export interface EngineOptions {
  /** How worker processes start: child_process.fork (web host, CLI) or Electron's utilityProcess. */
  launcher: WorkerLauncher;
  /** Runs at once (default 1, at most the machine's cores). */
  concurrency?: number;
  /** Take queued runs no process owns (the app's hosts: true; the CLI runs only its own: false). */
  claimUnowned: boolean;
  warn?: (message: string) => void;
}

export interface BackendOptions {
  databasePath: string;
  transport: Transport;
  version: string;
  /** Folder with the bundled sample datasets; defaults to resources/samples of this checkout. */
  samplesDir?: string;
  /** Import the bundled samples on first start (default true; the CLI passes false). */
  seedSamples?: boolean;
  /** Refuse larger CSV imports (default: the contract's MAX_IMPORT_BYTES). */
  maxImportBytes?: number;
  /** Start a run engine (hosts and the CLI's run commands); without it no run starts in this process. */
  engine?: EngineOptions;
  /**
   * Whether import runs may read a local path, not only an upload. Default: only the desktop app (the file its user
   * chose); the CLI sets it; the web host never does (a path would name a file on the host's machine).
   */
  importPaths?: boolean;
  /** How this host prints a report to PDF (default: Chromium through playwright-core; the desktop app: Electron's printToPDF). */
  pdf?: PdfPrinter;
}

export function openBackend(options: BackendOptions): Backend {
  mkdirSync(dirname(options.databasePath), { recursive: true });
  const db = openDatabase(options.databasePath);
  try {
    const events = new EventBus();
    const samplesDir = options.samplesDir ?? join(projectRoot(), 'resources', 'samples');
    const datasets = new DatasetService(db, undefined, options.maxImportBytes);
    const devices = new DeviceProfileService(db);
    const runs = new RunService(db, options.version);
    // What a crashed process left of an import: its upload, and a dataset it was writing (never visible).
    const uploads = UploadStore.besideDatabase(options.databasePath);
    uploads.sweep();
    datasets.removeAbandonedImports(pidIsAlive);
    if (options.seedSamples !== false) ensureBundledSamples(datasets, samplesDir);
    const context = { databasePath: options.databasePath };
    const runHost = createRunHost(datasets, devices, { uploads, allowPaths: options.importPaths ?? options.transport === 'electron', events });
    const engine = options.engine
      ? new RunEngine({
          runs,
          host: runHost,
          executor: localExecutor(options.engine.launcher, checkConcurrency(options.engine.concurrency)),
          claimUnowned: options.engine.claimUnowned,
          warn: options.engine.warn,
          notify: {
            changed: (ids) => events.emit('runs.changed', { ids }),
            progress: (p) => events.emit('runs.progress', p),
          },
        })
      : null;
    const comparisons = new ComparisonService(db, runs, options.version);
    const reports = new ReportService({ db, runs, datasets, comparisons, version: options.version, pdf: options.pdf ?? chromiumPdfPrinter() });
    const handlers = createHandlers({
      reports,
      db,
      databasePath: options.databasePath,
      transport: options.transport,
      version: options.version,
      datasets,
      devices,
      runs,
      engine,
      events,
    });
    return {
      handlers,
      dispatch: (channel, request) => dispatch(handlers, channel, request, context),
      events,
      datasets,
      devices,
      databasePath: options.databasePath,
      version: options.version,
      runs,
      reports,
      uploads,
      engine,
      runHost,
      close: () => db.close(),
      shutdown: async () => {
        await engine?.close();
        db.close();
      },
    };
  } catch (e) {
    db.close();
    throw e;
  }
}
