// Exported reports: the Reports page's list, the "Export report" buttons of the run and compare pages, and reopening
// a report (an HTML report in a new tab of the web host, which serves it under its own policy; otherwise downloaded).
// Calls the API only; never throws to views.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ApiError } from '../../../../electron/contract/errors.ts';
import { type ExportReportRequest, type ReportSummary } from '../../../../electron/contract/reports.ts';
import { transportKind, useApi } from '../../api/client.ts';
import { downloadText } from '../../lib/files.ts';
import type { LoadStatus } from '../../stores/datasets.ts';

/** The bytes of a base64 text (a report's file crosses the API as base64). */
export function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Where the web host serves a report (HTML shown in the tab, `download` for an attachment). */
export function reportAddress(id: number, download = false): string {
  return `/api/reports/${id}${download ? '?download=1' : ''}`;
}

/** Whether an HTML report can open in a tab: only the web host serves report files. */
export const canOpenInTab = (r: Pick<ReportSummary, 'format'>): boolean => r.format === 'html' && transportKind() === 'http';

export const useReportsStore = defineStore('reports', () => {
  const items = shallowRef<ReportSummary[]>([]);
  const listStatus = ref<LoadStatus>('idle');
  const listError = shallowRef<ApiError | null>(null);
  /** The export under way ("run:12:pdf") and the last export's error, for the buttons. */
  const exporting = ref<string | null>(null);
  const exportError = shallowRef<ApiError | null>(null);
  const fileError = shallowRef<ApiError | null>(null);
  let unsubscribe: (() => void) | null = null;

  async function refresh(): Promise<void> {
    if (listStatus.value !== 'ready') listStatus.value = 'loading';
    const result = await useApi()['reports.list']({});
    if (!result.ok) {
      listError.value = result.error;
      listStatus.value = items.value.length > 0 ? 'ready' : 'error';
      return;
    }
    items.value = result.value;
    listError.value = null;
    listStatus.value = 'ready';
  }

  function watchHost(): void {
    unsubscribe ??= useApi().on('reports.changed', () => {
      if (listStatus.value !== 'idle') void refresh();
    });
  }

  /** Exports and records a report (the button then offers to open or download it). */
  async function exportReport(request: ExportReportRequest & { format: ReportSummary['format'] }): Promise<ReportSummary | null> {
    const key = `${request.runId !== undefined ? `run:${request.runId}` : `comparison:${request.comparisonId}`}:${request.format}`;
    exporting.value = key;
    exportError.value = null;
    try {
      const result = await useApi()['reports.export'](request);
      if (!result.ok) {
        exportError.value = result.error;
        return null;
      }
      items.value = [result.value, ...items.value.filter((r) => r.id !== result.value.id)];
      return result.value;
    } finally {
      exporting.value = null;
    }
  }

  /** Downloads a report's file (through the API: the desktop app has no report address). */
  async function download(report: Pick<ReportSummary, 'id'>): Promise<void> {
    fileError.value = null;
    const result = await useApi()['reports.file']({ id: report.id });
    if (!result.ok) {
      fileError.value = result.error;
      return;
    }
    downloadText(result.value.fileName, base64Bytes(result.value.base64), result.value.mediaType);
  }

  async function remove(id: number): Promise<void> {
    const result = await useApi()['reports.delete']({ id });
    if (!result.ok) {
      fileError.value = result.error;
      return;
    }
    items.value = items.value.filter((r) => r.id !== id);
  }

  return { items, listStatus, listError, exporting, exportError, fileError, refresh, watchHost, exportReport, download, remove };
});
