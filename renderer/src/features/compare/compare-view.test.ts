import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../../electron/contract/channels.ts';
import type { ComparedMethod, ComparisonStatistics, MetricComparison } from '../../../../electron/contract/comparisons.ts';
import type { Result } from '../../../../electron/contract/errors.ts';
import { setApiClient } from '../../api/client.ts';
import { defaultMetric, formatP, pairRows, parseRunIds, sideBySideRows } from './compare-view.ts';
import { useCompareStore } from './store.ts';

function method(key: string, quantum: boolean, config: Record<string, string>, auc: { mean: number; sd: number | null }): ComparedMethod {
  return {
    key,
    label: key,
    runId: 4,
    runName: 'pbc: mice, qnn-mice',
    runIds: [4],
    seedRunIds: [5, 6, 7],
    kind: 'experiment',
    method: key,
    quantum,
    datasetName: 'pbc',
    mask: 'mcar 0.2',
    config,
    seeds: [1, 2, 3],
    values: { auc: [0.8, 0.81, 0.82] },
    summary: { auc: { ...auc, n: 3 } },
  };
}

const metric: MetricComparison = {
  metric: 'auc',
  seeds: [1, 2, 3],
  a: { mean: 0.81, sd: 0.01 },
  b: { mean: 0.8, sd: 0.02 },
  wilcoxon: { pairs: 3, n: 3, wPlus: 6, wMinus: 0, statistic: 0, method: 'exact', z: null, p: 0.25, rankBiserial: 1 },
  pairedT: { n: 3, df: 2, meanDifference: 0.0123456, sdDifference: 0.001, t: 21.38, p: 0.00218, cohensDz: 12.3456, ci: [0.00986, 0.01483] },
  pitmanMorgan: {
    n: 3,
    df: 1,
    varianceA: 1e-4,
    varianceB: 4e-4,
    ratio: 0.25,
    r: null,
    t: null,
    p: null,
    ci: null,
    reason: 'the differences of the pairs do not vary: r is undefined',
  },
};

const stats: ComparisonStatistics = {
  versions: { statistics: 1, app: 'test' },
  computedAt: '2026-12-01T10:00:00.000Z',
  runIds: [4],
  methods: [
    method('mice', false, { outcome: 'death', method: 'mice', 'options.maxCycles': '10' }, { mean: 0.81, sd: 0.01 }),
    method('qnn-mice', true, { outcome: 'death', method: 'qnn-mice' }, { mean: 0.8, sd: null }),
  ],
  metrics: ['auc'],
  testedMetrics: ['auc'],
  pairs: [{ a: 'mice', b: 'qnn-mice', seeds: [1, 2, 3], metrics: [metric] }],
  warnings: [],
};

describe('compare page: the address', () => {
  it('reads run ids, drops repeats and explains what is wrong', () => {
    expect(parseRunIds('3,7, 12,7')).toEqual({ ids: [3, 7, 12] });
    expect(parseRunIds(['3', '4'])).toEqual({ ids: [3, 4] });
    expect(parseRunIds('')).toMatchObject({ problem: expect.stringMatching(/No runs chosen/) });
    expect(parseRunIds('3,abc')).toMatchObject({ problem: expect.stringMatching(/“abc” in the address is not a run id/) });
    expect(parseRunIds('0')).toMatchObject({ problem: expect.stringMatching(/not a run id/) });
    expect(parseRunIds(Array.from({ length: 51 }, (_, i) => i + 1).join(','))).toMatchObject({ problem: expect.stringMatching(/51 runs are too many/) });
  });
});

describe('compare page: side by side', () => {
  it('shows every setting and result, and only the rows that differ when asked', () => {
    const all = sideBySideRows(stats, false);
    expect(all.map((r) => r.key)).toEqual(['run', 'dataset', 'seeds', 'outcome', 'method', 'options.maxCycles', 'auc']);
    expect(all.find((r) => r.key === 'options.maxCycles')?.cells).toEqual(['10', '—']);
    expect(all.find((r) => r.key === 'auc')?.cells).toEqual(['0.81 ± 0.01', '0.8']);
    const diff = sideBySideRows(stats, true);
    expect(diff.map((r) => r.key)).toEqual(['method', 'options.maxCycles', 'auc']);
    expect(diff.every((r) => r.differs)).toBe(true);
  });
});

describe('compare page: paired tests', () => {
  it('formats the stored statistics of each pair, marks p < 0.05 and says why one is missing', () => {
    const [row] = pairRows(stats, 'auc');
    expect(row.n).toBe(3);
    expect(row.cells).toEqual({
      meanDiff: '0.0123',
      ci: '[0.0099, 0.0148]',
      t: '21.38 (2)',
      tP: '0.002',
      dz: '12.346',
      w: '0',
      wP: '0.250',
      rb: '1',
      ratio: '0.25',
      ratioCi: '—',
      pmP: '—',
    });
    expect(row.significant).toEqual({ t: true, wilcoxon: false, variance: false });
    expect(row.note).toBe('variances: the differences of the pairs do not vary: r is undefined');
    expect(pairRows({ ...stats, pairs: [{ a: 'mice', b: 'qnn-mice', seeds: [], metrics: [], reason: 'share no seed' }] }, 'auc')[0]).toMatchObject({
      n: 0,
      note: 'share no seed',
    });
  });

  it('prints p-values to 3 digits, tiny ones as < 0.0001, undefined ones as a dash', () => {
    expect([formatP(0.5), formatP(0.0123), formatP(0.00042), formatP(3e-6), formatP(null)]).toEqual(['0.500', '0.012', '0.00042', '< 0.0001', '—']);
    expect(defaultMetric({ testedMetrics: ['nrmse', 'auc'] })).toBe('auc');
    expect(defaultMetric({ testedMetrics: ['loss'] })).toBe('loss');
  });
});

describe('compare store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  function fakeClient(answers: Record<string, (req: unknown) => Result<unknown>>, calls: [string, unknown][] = []): ApiClient {
    return new Proxy({} as ApiClient, {
      get(_t, prop: string) {
        if (prop === 'on') return () => () => {};
        return async (req: unknown) => {
          calls.push([prop, req]);
          return answers[prop]?.(req) ?? { ok: false, error: { code: 'NOT_FOUND', message: `no ${prop}` } };
        };
      },
    });
  }

  it('previews runs, saves them by name and opens the saved statistics as stored', async () => {
    const calls: [string, unknown][] = [];
    const summary = { id: 9, name: 'n', runIds: [4], missingRunIds: [], methodCount: 2, createdAt: 'x', updatedAt: 'x' };
    setApiClient(
      fakeClient(
        {
          'comparisons.preview': () => ({ ok: true, value: stats }),
          'comparisons.save': () => ({ ok: true, value: { ...summary, statistics: stats } }),
          'comparisons.get': () => ({ ok: true, value: { ...summary, statistics: { ...stats, computedAt: 'stored' } } }),
          'comparisons.list': () => ({ ok: true, value: [summary] }),
        },
        calls,
      ),
    );
    const store = useCompareStore();
    await store.openRuns([4]);
    expect(store.status).toBe('ready');
    expect(store.saved).toBeNull();
    expect((await store.save('n')).ok).toBe(true);
    expect(calls.find(([c]) => c === 'comparisons.save')?.[1]).toEqual({ name: 'n', runs: [4] });
    await store.openSaved(9);
    expect(store.saved).toEqual(summary);
    expect(store.statistics?.computedAt).toBe('stored');
  });

  it('shows the host refusal and drops what was shown; a newer open supersedes an older one', async () => {
    setApiClient(
      fakeClient({
        'comparisons.preview': (req) =>
          (req as { runs: number[] }).runs[0] === 404
            ? { ok: false, error: { code: 'NOT_FOUND', message: 'Run 404 does not exist', field: 'runs.0' } }
            : { ok: true, value: stats },
      }),
    );
    const store = useCompareStore();
    await store.openRuns([4]);
    await store.openRuns([404]);
    expect(store.status).toBe('error');
    expect(store.statistics).toBeNull();
    expect(store.error).toMatchObject({ code: 'NOT_FOUND', field: 'runs.0' });
    const older = store.openRuns([404]);
    const newer = store.openRuns([4]);
    await Promise.all([older, newer]);
    expect(store.status).toBe('ready');
  });
});
