// Datasets: the list, the open dataset, and every mutation. Calls the API only; never throws to views.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { DETECT_ENCODING } from '../../../core/data/decode.ts';
import type { DatasetDetail, DatasetSummary, ExportedCsv, ImportDatasetConfig } from '../../../electron/contract/datasets.ts';
import { IMPORT_RUN_KIND, MAX_IMPORT_BYTES } from '../../../electron/contract/datasets.ts';
import type { ApiError, Result } from '../../../electron/contract/errors.ts';
import type { RunDetail } from '../../../electron/contract/runs.ts';
import { useApi, useTransport } from '../api/client.ts';
import { formatBytes } from '../lib/format.ts';
import { useAppStore } from './app.ts';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ImportOptions {
  name?: string;
  missingTokens?: string[];
  outcome?: string;
  /** 'detect' (default) or an encoding label, e.g. 'windows-1252'. */
  encoding?: string;
  /** Import even though a missing-value token would blank the outcome or a third of a column ("Import anyway"). */
  confirmMissingTokens?: boolean;
}

/** The refusal that "Import anyway" answers: a missing-value token would blank the outcome or a third of a column. */
export function needsTokenConfirmation(error: ApiError | null): boolean {
  return error?.code === 'CONFLICT' && error.field === 'missingTokens';
}

export interface ImportState {
  /** uploading: the file's bytes go to the host; importing: the import run decodes, parses, profiles and writes it. */
  phase: 'idle' | 'uploading' | 'importing' | 'done' | 'error';
  fileName: string;
  fileSize: number;
  /** Fraction of the file sent (uploading), or of the run (importing). */
  fraction: number;
  /** The run's phase, e.g. "Parsing big.csv" (importing). */
  label: string;
  /** The import run, once started. */
  runId: number | null;
  error: ApiError | null;
  result: DatasetSummary | null;
}

const IDLE_IMPORT: ImportState = { phase: 'idle', fileName: '', fileSize: 0, fraction: 0, label: '', runId: null, error: null, result: null };
/** While an import runs, its record is also read this often: run events can be missed (a dropped event stream). */
export const RUN_POLL_MS = 1000;
const FINISHED: readonly RunDetail['status'][] = ['succeeded', 'failed', 'cancelled', 'interrupted'];

/** A run's refusal as an API error: its code and field (without the 'config.' its request put before it). */
function runError(run: Pick<RunDetail, 'error' | 'failure' | 'status'>, fileName: string): ApiError {
  if (run.status === 'cancelled') return { code: 'CANCELLED', message: `The import of "${fileName}" was cancelled. Nothing was imported.` };
  const { code, field, value, allowed, details } = run.failure ?? { code: 'INTERNAL' as const };
  const error: ApiError = { code, message: run.error ?? `The import of "${fileName}" did not finish.` };
  if (field !== undefined) error.field = withoutConfig(field);
  if (value !== undefined) error.value = value;
  if (allowed !== undefined) error.allowed = allowed;
  if (details !== undefined) error.details = details;
  return error;
}

function withoutConfig(field: string): string {
  return field.startsWith('config.') ? field.slice('config.'.length) : field;
}

function byNewest(a: DatasetSummary, b: DatasetSummary): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id - a.id;
}

export const useDatasetsStore = defineStore('datasets', () => {
  // shallowRef: the list is replaced, never mutated in place (cheap with 1,000 datasets).
  const items = shallowRef<DatasetSummary[]>([]);
  const listStatus = ref<LoadStatus>('idle');
  const listError = shallowRef<ApiError | null>(null);

  const current = shallowRef<DatasetDetail | null>(null);
  const currentId = ref<number | null>(null);
  const currentStatus = ref<LoadStatus>('idle');
  const currentError = shallowRef<ApiError | null>(null);

  const importState = ref<ImportState>({ ...IDLE_IMPORT });

  let listRequest: Promise<void> | null = null;

  /** Loads the list; concurrent calls share one request. Keeps the old list when loading fails. */
  function refresh(): Promise<void> {
    if (listRequest) return listRequest;
    if (listStatus.value !== 'ready') listStatus.value = 'loading';
    listRequest = (async () => {
      const result = await useApi()['datasets.list']({});
      if (result.ok) {
        items.value = [...result.value].sort(byNewest);
        listStatus.value = 'ready';
        listError.value = null;
      } else {
        listError.value = result.error;
        listStatus.value = items.value.length > 0 ? 'ready' : 'error';
      }
    })().finally(() => {
      listRequest = null;
    });
    return listRequest;
  }

  function replaceSummary(summary: DatasetSummary): void {
    items.value = items.value.map((d) => (d.id === summary.id ? summary : d));
    if (current.value && current.value.id === summary.id) current.value = { ...current.value, ...summary };
  }

  async function open(id: number): Promise<void> {
    currentId.value = id;
    if (!current.value || current.value.id !== id) {
      current.value = null;
      currentStatus.value = 'loading';
    }
    currentError.value = null;
    const result = await useApi()['datasets.get']({ id });
    if (currentId.value !== id) return; // navigated elsewhere meanwhile
    if (result.ok) {
      current.value = result.value;
      currentStatus.value = 'ready';
    } else {
      currentError.value = result.error;
      currentStatus.value = 'error';
    }
  }

  function resetImport(): void {
    importState.value = { ...IDLE_IMPORT };
  }

  let stopUpload: AbortController | null = null;

  /**
   * Hands the file to the host (uploaded to the web host, by its path in the desktop app), then runs the import as a
   * run: its progress comes from the run's events; Cancel stops the upload or cancels the run. The file is decoded,
   * parsed and profiled in the run's worker. The list changes only on success.
   */
  async function importFile(file: File, options: ImportOptions = {}): Promise<Result<DatasetSummary>> {
    const state = importState.value;
    if (state.phase === 'uploading' || state.phase === 'importing') {
      return { ok: false, error: { code: 'CONFLICT', message: 'An import is already running; wait for it to finish, or cancel it.' } };
    }
    importState.value = { ...IDLE_IMPORT, phase: 'uploading', fileName: file.name, fileSize: file.size };
    const update = (change: Partial<ImportState>) => (importState.value = { ...importState.value, ...change });
    const fail = (error: ApiError): Result<DatasetSummary> => {
      update({ phase: 'error', error });
      return { ok: false, error };
    };
    // The host says how large a file it takes; refuse a larger one before sending it.
    const limit = useAppStore().info?.maxImportBytes ?? MAX_IMPORT_BYTES;
    if (file.size > limit) {
      return fail({
        code: 'TOO_LARGE',
        message: `"${file.name}" is ${formatBytes(file.size)}; QNN Lab imports files up to ${formatBytes(limit)}.`,
      });
    }
    stopUpload = new AbortController();
    const source = await useTransport().importSource(file, (fraction) => update({ fraction }), stopUpload.signal);
    stopUpload = null;
    if (!source.ok) return fail(source.error);
    update({ phase: 'importing', fraction: 0, label: `Starting the import of ${file.name}` });
    const config: ImportDatasetConfig = { fileName: file.name, source: source.value, encoding: options.encoding?.trim() || DETECT_ENCODING };
    if (options.name && options.name.trim()) config.name = options.name.trim();
    if (options.missingTokens && options.missingTokens.length > 0) config.missingTokens = options.missingTokens;
    if (options.outcome && options.outcome.trim()) config.outcome = options.outcome.trim();
    if (options.confirmMissingTokens) config.confirmMissingTokens = true;
    const started = await useApi()['runs.start']({ kind: IMPORT_RUN_KIND, config });
    if (!started.ok) return fail(started.error.field ? { ...started.error, field: withoutConfig(started.error.field) } : started.error);
    update({ runId: started.value.id });
    const run = await finished(started.value.id, (fraction, label) => update({ fraction, label: label ?? importState.value.label }));
    if (!run.ok) return fail(run.error);
    if (run.value.status !== 'succeeded') return fail(runError(run.value, file.name));
    const summary = run.value.result as DatasetSummary;
    update({ phase: 'done', fraction: 1, result: summary });
    items.value = [summary, ...items.value.filter((d) => d.id !== summary.id)];
    void refresh();
    return { ok: true, value: summary };
  }

  /** The run once it has ended, following its progress events meanwhile (and reading it every RUN_POLL_MS). */
  function finished(id: number, onProgress: (fraction: number, label: string | null) => void): Promise<Result<RunDetail>> {
    const api = useApi();
    return new Promise((resolve) => {
      let reading = false;
      const check = async () => {
        if (reading) return;
        reading = true;
        const run = await api['runs.get']({ id });
        reading = false;
        // A host that did not answer is asked again at the next tick; a run that is gone or has ended is the answer.
        if (run.ok ? FINISHED.includes(run.value.status) : run.error.code === 'NOT_FOUND') {
          stop();
          resolve(run);
        }
      };
      const offProgress = api.on('runs.progress', (p) => p.id === id && onProgress(p.fraction, p.label));
      const offChanged = api.on('runs.changed', ({ ids }) => (ids.length === 0 || ids.includes(id)) && void check());
      const timer = setInterval(() => void check(), RUN_POLL_MS);
      const stop = () => {
        offProgress();
        offChanged();
        clearInterval(timer);
      };
      void check();
    });
  }

  /** Stops the import: the upload, or the run (which then ends as cancelled, leaving nothing). */
  async function cancelImport(): Promise<void> {
    const { phase, runId } = importState.value;
    if (phase === 'uploading') stopUpload?.abort();
    else if (phase === 'importing' && runId !== null) {
      const cancelled = await useApi()['runs.cancel']({ id: runId });
      // A run that ended meanwhile is reported by its own record; anything else is worth showing.
      if (!cancelled.ok && cancelled.error.code !== 'CONFLICT') importState.value = { ...importState.value, phase: 'error', error: cancelled.error };
    }
  }

  async function rename(id: number, name: string): Promise<Result<DatasetSummary>> {
    const result = await useApi()['datasets.rename']({ id, name });
    if (result.ok) replaceSummary(result.value);
    return result;
  }

  async function remove(id: number): Promise<Result<{ id: number }>> {
    const result = await useApi()['datasets.delete']({ id });
    if (result.ok) {
      items.value = items.value.filter((d) => d.id !== id);
      if (current.value?.id === id) {
        current.value = null;
        currentId.value = null;
        currentStatus.value = 'idle';
      }
    }
    return result;
  }

  /** CSV text; formula-like text cells are neutralised unless `raw` (see the contract's exportCsvRequest). */
  function exportCsv(id: number, options: { raw?: boolean } = {}): Promise<Result<ExportedCsv>> {
    return useApi()['datasets.exportCsv']({ id, ...(options.raw ? { raw: true } : {}) });
  }

  /** Keeps the list in step with other windows and the CLI (throttled: bulk imports fire many events). */
  let unsubscribe: (() => void) | null = null;
  let pending: ReturnType<typeof setTimeout> | null = null;
  function watchHost(): void {
    if (unsubscribe) return;
    unsubscribe = useApi().on('datasets.changed', () => {
      if (pending) return;
      pending = setTimeout(() => {
        pending = null;
        if (listStatus.value !== 'idle') void refresh();
      }, 250);
    });
  }

  return {
    items,
    listStatus,
    listError,
    current,
    currentId,
    currentStatus,
    currentError,
    importState,
    refresh,
    open,
    importFile,
    cancelImport,
    resetImport,
    rename,
    remove,
    exportCsv,
    watchHost,
  };
});
