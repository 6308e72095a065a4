import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../../../../electron/contract/channels.ts';
import type { ReportSummary } from '../../../../electron/contract/reports.ts';
import { setApiClient } from '../../api/client.ts';
import { base64Bytes, reportAddress, useReportsStore } from './store.ts';

const summary = (id: number, format: ReportSummary['format'] = 'html'): ReportSummary => ({
  id,
  title: `report ${id}`,
  format,
  runId: 7,
  comparisonId: null,
  fileName: `run-7.${format}`,
  bytes: 10,
  path: null,
  stored: true,
  createdAt: '2026-12-05T00:00:00.000Z',
  appVersion: '0.1.0',
});

/** A fake client answering the reports channels from `answers`, recording each call. */
function fakeClient(answers: Record<string, (req: unknown) => unknown>, calls: [string, unknown][] = []): ApiClient {
  return new Proxy({} as ApiClient, {
    get(_t, prop: string) {
      if (prop === 'on') return () => () => {};
      return async (req: unknown) => {
        calls.push([prop, req]);
        return answers[prop] ? answers[prop](req) : { ok: false, error: { code: 'NOT_FOUND', message: `no ${prop}` } };
      };
    },
  });
}

describe('reports store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('exports a report, puts it first in the list, and shows the host’s refusal as it came', async () => {
    const calls: [string, unknown][] = [];
    setApiClient(
      fakeClient(
        {
          'reports.list': () => ({ ok: true, value: [summary(1)] }),
          'reports.export': (req) =>
            (req as { format: string }).format === 'pdf'
              ? { ok: false, error: { code: 'UNAVAILABLE', message: 'A PDF needs a Chromium browser', field: 'format' } }
              : { ok: true, value: summary(2, 'csv') },
        },
        calls,
      ),
    );
    const store = useReportsStore();
    await store.refresh();
    expect((await store.exportReport({ runId: 7, format: 'csv' }))?.id).toBe(2);
    expect(store.items.map((r) => r.id)).toEqual([2, 1]);
    expect(calls).toContainEqual(['reports.export', { runId: 7, format: 'csv' }]);
    expect(await store.exportReport({ runId: 7, format: 'pdf' })).toBeNull();
    expect(store.exportError).toMatchObject({ code: 'UNAVAILABLE', field: 'format' });
    expect(store.exporting).toBeNull();
    expect(store.items.map((r) => r.id)).toEqual([2, 1]);
  });

  it('downloads a report’s bytes exactly (base64 across the API), and forgets one', async () => {
    const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x80]);
    setApiClient(
      fakeClient({
        'reports.list': () => ({ ok: true, value: [summary(3, 'pdf'), summary(1)] }),
        'reports.file': () => ({ ok: true, value: { fileName: 'r.pdf', mediaType: 'application/pdf', base64: Buffer.from(pdf).toString('base64') } }),
        'reports.delete': (req) => ({ ok: true, value: req }),
      }),
    );
    expect([...base64Bytes(Buffer.from(pdf).toString('base64'))]).toEqual([...pdf]);
    const blobs: Blob[] = [];
    vi.stubGlobal('URL', { createObjectURL: (b: Blob) => (blobs.push(b), 'blob:x'), revokeObjectURL: () => {} });
    const click = vi.fn();
    vi.stubGlobal('document', { createElement: () => ({ click, remove() {}, style: {} }), body: { appendChild() {} } });
    try {
      const store = useReportsStore();
      await store.refresh();
      await store.download({ id: 3 });
      expect(click).toHaveBeenCalledOnce();
      expect(blobs[0].type).toBe('application/pdf');
      expect([...new Uint8Array(await blobs[0].arrayBuffer())]).toEqual([...pdf]);
      await store.remove(3);
      expect(store.items.map((r) => r.id)).toEqual([1]);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(reportAddress(3)).toBe('/api/reports/3');
    expect(reportAddress(3, true)).toBe('/api/reports/3?download=1');
  });
});
