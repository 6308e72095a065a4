// The single API contract: every channel with its request schema and response type. Electron's preload,
// the web host's HTTP routes and the renderer's client are all derived from `channels`.
import { z } from 'zod';
import type { Result } from './errors.ts';
import type { DatasetDetail, DatasetSummary, ExportedCsv } from './datasets.ts';
import { datasetIdRequest, exportCsvRequest, importDatasetRequest, renameDatasetRequest } from './datasets.ts';
import type { DeletedDeviceProfile, DeviceProfileDetail, DeviceProfileSummary, SavedDeviceProfile } from './devices.ts';
import { deviceIdRequest, saveDeviceProfileRequest } from './devices.ts';
import type { HardwareEstimate } from './hardware.ts';
import { estimateTrainingRequest } from './hardware.ts';
import type { DeletedRuns, LogPage, MetricSeries, RunDetail, RunPage } from './runs.ts';
import { startRunRequest, type RunKindInfo } from './run-control.ts';
import { listRunsRequest, metricSeriesRequest, runIdRequest, runLogsRequest, updateRunRequest } from './runs.ts';
import { checkRunRequest, type RunCheck } from './run-check.ts';
import { updateSettingsRequest, type LabSettings } from './settings.ts';
import { saveKeyRequest, type ProviderCheck, type ProviderStatus } from './provider.ts';
import { comparisonIdRequest, previewComparisonRequest, renameComparisonRequest, saveComparisonRequest } from './comparisons.ts';
import type { ComparisonDetail, ComparisonStatistics, ComparisonSummary } from './comparisons.ts';
import { exportReportRequest, listReportsRequest, reportIdRequest, type ReportFile, type ReportSummary } from './reports.ts';

/** How a renderer reaches its host: Electron's IPC (desktop) or HTTP (the web host). */
export const TRANSPORTS = ['electron', 'http'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export interface AppInfo {
  version: string;
  schemaVersion: number;
  databasePath: string;
  transport: Transport;
  /** The largest CSV text this host imports (bytes); the renderer refuses larger files before reading them. */
  maxImportBytes: number;
}

/** The request of a channel that takes no arguments. */
const emptyRequest = z.object({});
type EmptyRequest = typeof emptyRequest;

/** Declares a channel: its request schema and (as a phantom type) its response. */
function channel<Req extends z.ZodType, Res>(request: Req) {
  return { request, response: undefined as unknown as Res };
}

export const channels = {
  'app.info': channel<EmptyRequest, AppInfo>(emptyRequest),
  'datasets.list': channel<EmptyRequest, DatasetSummary[]>(emptyRequest),
  'datasets.get': channel<typeof datasetIdRequest, DatasetDetail>(datasetIdRequest),
  'datasets.import': channel<typeof importDatasetRequest, DatasetSummary>(importDatasetRequest),
  'datasets.rename': channel<typeof renameDatasetRequest, DatasetSummary>(renameDatasetRequest),
  'datasets.delete': channel<typeof datasetIdRequest, { id: number }>(datasetIdRequest),
  'datasets.exportCsv': channel<typeof exportCsvRequest, ExportedCsv>(exportCsvRequest),
  'devices.list': channel<EmptyRequest, DeviceProfileSummary[]>(emptyRequest),
  'devices.get': channel<typeof deviceIdRequest, DeviceProfileDetail>(deviceIdRequest),
  'devices.save': channel<typeof saveDeviceProfileRequest, SavedDeviceProfile>(saveDeviceProfileRequest),
  'devices.delete': channel<typeof deviceIdRequest, DeletedDeviceProfile>(deviceIdRequest),
  'hardware.estimate': channel<typeof estimateTrainingRequest, HardwareEstimate>(estimateTrainingRequest),
  // Runs: records, metric series, log lines (handlers/runs.ts).
  'runs.list': channel<typeof listRunsRequest, RunPage>(listRunsRequest),
  'runs.get': channel<typeof runIdRequest, RunDetail>(runIdRequest),
  'runs.metrics': channel<typeof metricSeriesRequest, MetricSeries[]>(metricSeriesRequest),
  'runs.logs': channel<typeof runLogsRequest, LogPage>(runLogsRequest),
  'runs.update': channel<typeof updateRunRequest, RunDetail>(updateRunRequest),
  'runs.delete': channel<typeof runIdRequest, DeletedRuns>(runIdRequest),
  // Starting, cancelling, resuming runs: the host's run engine (handlers/run-control.ts).
  'runs.start': channel<typeof startRunRequest, RunDetail>(startRunRequest),
  'runs.cancel': channel<typeof runIdRequest, RunDetail>(runIdRequest),
  'runs.resume': channel<typeof runIdRequest, RunDetail>(runIdRequest),
  'runs.kinds': channel<EmptyRequest, RunKindInfo[]>(emptyRequest),
  // A run checked as runs.start would, without queueing it, with its device cost and the budget (New run page).
  'runs.check': channel<typeof checkRunRequest, RunCheck>(checkRunRequest),
  // The lab's settings: default backend and budget (handlers/settings.ts).
  'settings.get': channel<EmptyRequest, LabSettings>(emptyRequest),
  'settings.update': channel<typeof updateSettingsRequest, LabSettings>(updateSettingsRequest),
  // The cloud provider (IonQ): whether a key is set, a check of the API and the key, the desktop app's saved key (handlers/provider.ts).
  'provider.status': channel<EmptyRequest, ProviderStatus>(emptyRequest),
  'provider.check': channel<EmptyRequest, ProviderCheck>(emptyRequest),
  'provider.saveKey': channel<typeof saveKeyRequest, ProviderStatus>(saveKeyRequest),
  'provider.clearKey': channel<EmptyRequest, ProviderStatus>(emptyRequest),
  // Comparisons: paired statistics computed by the host, saved and reopened as stored (handlers/comparisons.ts).
  'comparisons.preview': channel<typeof previewComparisonRequest, ComparisonStatistics>(previewComparisonRequest),
  'comparisons.save': channel<typeof saveComparisonRequest, ComparisonDetail>(saveComparisonRequest),
  'comparisons.list': channel<EmptyRequest, ComparisonSummary[]>(emptyRequest),
  'comparisons.get': channel<typeof comparisonIdRequest, ComparisonDetail>(comparisonIdRequest),
  'comparisons.rename': channel<typeof renameComparisonRequest, ComparisonSummary>(renameComparisonRequest),
  'comparisons.delete': channel<typeof comparisonIdRequest, { id: number }>(comparisonIdRequest),
  // Reports: a run or a saved comparison exported (HTML, PDF, CSV, JSON), recorded and reopened (handlers/reports.ts).
  'reports.export': channel<typeof exportReportRequest, ReportSummary>(exportReportRequest),
  'reports.list': channel<typeof listReportsRequest, ReportSummary[]>(listReportsRequest),
  'reports.file': channel<typeof reportIdRequest, ReportFile>(reportIdRequest),
  'reports.delete': channel<typeof reportIdRequest, { id: number }>(reportIdRequest),
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type RequestOf<C extends ChannelName> = z.input<Channels[C]['request']>;
export type ParsedRequestOf<C extends ChannelName> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends ChannelName> = Channels[C]['response'];
export const CHANNEL_NAMES = Object.keys(channels) as ChannelName[];

/** Server-to-renderer events (Electron: webContents.send; web host: server-sent events on /api/events). */
export interface Events {
  'datasets.changed': { reason: 'import' | 'rename' | 'delete' };
  'devices.changed': { reason: 'save' | 'delete'; id: string };
  /** Runs whose record changed (status, name, children...); empty: something changed in another process, refetch. */
  'runs.changed': { ids: number[] };
  /** A running run's progress, at most a few times a second per run. */
  'runs.progress': { id: number; fraction: number; label: string | null };
  /** Reports exported or deleted (the Reports page refreshes). */
  'reports.changed': { ids: number[] };
}
export type EventName = keyof Events;

/** What a host implements: one function per channel; `satisfies Handlers` makes a missing channel a compile error. */
export type Handlers = { [C in ChannelName]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C> };

/** What the renderer calls: one async method per channel, resolving to a Result. */
export type ApiClient = {
  [C in ChannelName]: (request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};
