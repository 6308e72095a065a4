// Datasets: the list, the open dataset, and every mutation. Calls the API only; never throws to views.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { decodeBytes, DETECT_ENCODING, type DecodedText } from '../../../core/data/decode.ts';
import type { DatasetDetail, DatasetSummary, ExportedCsv, ImportDatasetRequest } from '../../../electron/contract/datasets.ts';
import { MAX_IMPORT_BYTES } from '../../../electron/contract/datasets.ts';
import type { ApiError, Result } from '../../../electron/contract/errors.ts';
import { LabError } from '../../../electron/contract/errors.ts';
import { useApi } from '../api/client.ts';
import { readFileBytes } from '../lib/files.ts';
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
  phase: 'idle' | 'reading' | 'importing' | 'done' | 'error';
  fileName: string;
  fileSize: number;
  /** Fraction of the file read (reading phase). */
  fraction: number;
  error: ApiError | null;
  result: DatasetSummary | null;
}

const IDLE_IMPORT: ImportState = { phase: 'idle', fileName: '', fileSize: 0, fraction: 0, error: null, result: null };

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

  /** Reads the file in the renderer, then asks the host to import it. The list changes only on success. */
  async function importFile(file: File, options: ImportOptions = {}): Promise<Result<DatasetSummary>> {
    const state = importState.value;
    if (state.phase === 'reading' || state.phase === 'importing') {
      return { ok: false, error: { code: 'CONFLICT', message: 'An import is already running; wait for it to finish.' } };
    }
    importState.value = { ...IDLE_IMPORT, phase: 'reading', fileName: file.name, fileSize: file.size };
    const fail = (error: ApiError): Result<DatasetSummary> => {
      importState.value = { ...importState.value, phase: 'error', error };
      return { ok: false, error };
    };
    // The host says how large a file it takes; refuse a larger one before reading it.
    const limit = useAppStore().info?.maxImportBytes ?? MAX_IMPORT_BYTES;
    if (file.size > limit) {
      return fail({
        code: 'TOO_LARGE',
        message: `"${file.name}" is ${formatBytes(file.size)}; QNN Lab imports files up to ${formatBytes(limit)}.`,
      });
    }
    let bytes: Uint8Array;
    try {
      bytes = await readFileBytes(file, (fraction) => {
        importState.value = { ...importState.value, fraction };
      });
    } catch (e) {
      return fail({ code: 'INTERNAL', message: (e as Error).message });
    }
    // Decoded here, by core's rule (the CLI uses the same); the host records the encoding and warns when it was detected.
    let decoded: DecodedText;
    try {
      decoded = decodeBytes(bytes, options.encoding?.trim() || DETECT_ENCODING);
    } catch (e) {
      if (!(e instanceof LabError)) return fail({ code: 'INTERNAL', message: (e as Error).message });
      const error: ApiError = { code: e.code, message: e.field === 'encoding' ? e.message : `Cannot import "${file.name}": ${e.message}` };
      if (e.field !== undefined) error.field = e.field;
      return fail(error);
    }
    importState.value = { ...importState.value, phase: 'importing', fraction: 1 };
    const request: ImportDatasetRequest = { fileName: file.name, content: decoded.text, encoding: decoded.encoding, encodingDetected: decoded.detected };
    if (options.name && options.name.trim()) request.name = options.name.trim();
    if (options.missingTokens && options.missingTokens.length > 0) request.missingTokens = options.missingTokens;
    if (options.outcome && options.outcome.trim()) request.outcome = options.outcome.trim();
    if (options.confirmMissingTokens) request.confirmMissingTokens = true;
    const result = await useApi()['datasets.import'](request);
    if (!result.ok) return fail(result.error);
    importState.value = { ...importState.value, phase: 'done', result: result.value };
    items.value = [result.value, ...items.value.filter((d) => d.id !== result.value.id)];
    void refresh();
    return result;
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
    resetImport,
    rename,
    remove,
    exportCsv,
    watchHost,
  };
});
