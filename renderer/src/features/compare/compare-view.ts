// What the Compare page shows, as pure functions of a comparison's statistics (tested without a DOM): the run ids of
// its address, the side-by-side rows with the "only differences" filter, and one row per pair of the statistics table.
// Numbers are the stored ones, only formatted here.
import type { ComparedMethod, ComparisonStatistics, MetricComparison } from '../../../../electron/contract/comparisons.ts';
import { MAX_COMPARISON_RUNS } from '../../../../electron/contract/comparisons.ts';
import { formatNumber } from '../../lib/format.ts';

/** The run ids of `?runs=3,7,12`, or a sentence saying what is wrong with it. */
export function parseRunIds(query: unknown): { ids: number[] } | { problem: string } {
  const text = Array.isArray(query) ? query.join(',') : typeof query === 'string' ? query : '';
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return { problem: 'No runs chosen: select two or more runs (or one experiment) in the Runs list and press Compare.' };
  const bad = parts.find((p) => !/^[1-9]\d{0,15}$/.test(p));
  if (bad !== undefined) return { problem: `“${bad}” in the address is not a run id: run ids are whole numbers such as 12.` };
  const ids = [...new Set(parts.map(Number))];
  if (ids.length > MAX_COMPARISON_RUNS) return { problem: `${ids.length} runs are too many for one comparison: compare at most ${MAX_COMPARISON_RUNS}.` };
  return { ids };
}

export interface SideRow {
  key: string;
  /** 'config': a setting; 'result': a metric's mean ± sd over seeds. */
  section: 'config' | 'result';
  cells: string[];
  /** True when the methods do not all show the same text. */
  differs: boolean;
}

/** The rows of the side-by-side table: settings (the union of keys) and each metric's mean ± sd over seeds. */
export function sideBySideRows(stats: Pick<ComparisonStatistics, 'methods' | 'metrics'>, onlyDifferences: boolean): SideRow[] {
  const methods = stats.methods;
  const keys = [...new Set(methods.flatMap((m) => Object.keys(m.config)))];
  const row = (key: string, section: SideRow['section'], cells: string[]): SideRow => ({ key, section, cells, differs: new Set(cells).size > 1 });
  const rows = [
    row('run', 'config', methods.map(runText)),
    row(
      'dataset',
      'config',
      methods.map((m) => m.datasetName ?? '—'),
    ),
    row(
      'seeds',
      'config',
      methods.map((m) => m.seeds.join(', ')),
    ),
    ...keys.map((k) =>
      row(
        k,
        'config',
        methods.map((m) => m.config[k] ?? '—'),
      ),
    ),
    ...stats.metrics.map((metric) =>
      row(
        metric,
        'result',
        methods.map((m) => meanSdText(m, metric)),
      ),
    ),
  ];
  return onlyDifferences ? rows.filter((r) => r.differs) : rows;
}

/** "#12 name", or "#12, #13, #14" for runs joined into one method (they differ only in their seed). */
function runText(m: ComparedMethod): string {
  return m.runIds.length > 1 ? m.runIds.map((r) => `#${r}`).join(', ') : `#${m.runId}${m.runName ? ` ${m.runName}` : ''}`;
}

/** "0.812 ± 0.021" (mean ± sd over seeds), "0.812" for one seed, "—" when not recorded. */
export function meanSdText(method: ComparedMethod, metric: string): string {
  const s = method.summary[metric];
  if (!s || s.mean === null) return '—';
  return s.sd === null ? formatNumber(s.mean) : `${formatNumber(s.mean)} ± ${formatNumber(s.sd)}`;
}

/** A p-value as tables print it: 3 significant digits, "< 0.0001" below, "—" when undefined. */
export function formatP(p: number | null): string {
  if (p === null) return '—';
  if (p < 1e-4) return '< 0.0001';
  return p >= 0.001 ? p.toFixed(3) : p.toPrecision(2);
}

export function formatInterval(ci: [number, number] | null): string {
  return ci ? `[${formatNumber(ci[0])}, ${formatNumber(ci[1])}]` : '—';
}

export interface PairRow {
  a: ComparedMethod;
  b: ComparedMethod;
  n: number;
  /** Cells by column id (the table's header names them). */
  cells: Record<PairColumn, string>;
  /** Why a statistic is missing ("" when none is). */
  note: string;
  /** p < 0.05 for the paired t-test, the Wilcoxon test, the Pitman-Morgan test. */
  significant: { t: boolean; wilcoxon: boolean; variance: boolean };
}

export const PAIR_COLUMNS = ['meanDiff', 'ci', 't', 'tP', 'dz', 'w', 'wP', 'rb', 'ratio', 'ratioCi', 'pmP'] as const;
export type PairColumn = (typeof PAIR_COLUMNS)[number];

const SIGNIFICANCE = 0.05;

/** One row per pair of methods for one metric (pairs without common seeds say so in their note). */
export function pairRows(stats: Pick<ComparisonStatistics, 'methods' | 'pairs'>, metric: string): PairRow[] {
  const byKey = new Map(stats.methods.map((m) => [m.key, m]));
  return stats.pairs.map((pair) => {
    const a = byKey.get(pair.a)!;
    const b = byKey.get(pair.b)!;
    const m = pair.metrics.find((x) => x.metric === metric);
    if (!m) {
      const cells = Object.fromEntries(PAIR_COLUMNS.map((c) => [c, '—'])) as Record<PairColumn, string>;
      return { a, b, n: 0, cells, note: pair.reason ?? `No ${metric} for both methods.`, significant: { t: false, wilcoxon: false, variance: false } };
    }
    return { a, b, n: m.seeds.length, cells: pairCells(m), note: notes(m), significant: significance(m) };
  });
}

function pairCells(m: MetricComparison): Record<PairColumn, string> {
  const t = m.pairedT;
  const w = m.wilcoxon;
  const v = m.pitmanMorgan;
  return {
    meanDiff: formatNumber(t.meanDifference),
    ci: formatInterval(t.ci),
    t: t.t === null ? '—' : `${formatNumber(t.t)} (${t.df})`,
    tP: formatP(t.p),
    dz: formatNumber(t.cohensDz),
    w: w.n === 0 ? '—' : `${formatNumber(w.statistic)}${w.method === 'exact' ? '' : ` (z ${formatNumber(w.z)})`}`,
    wP: formatP(w.p),
    rb: formatNumber(w.rankBiserial),
    ratio: formatNumber(v.ratio),
    ratioCi: formatInterval(v.ci),
    pmP: formatP(v.p),
  };
}

function notes(m: MetricComparison): string {
  const reasons = [
    m.pairedT.reason && `t-test: ${m.pairedT.reason}`,
    m.wilcoxon.reason && `Wilcoxon: ${m.wilcoxon.reason}`,
    m.pitmanMorgan.reason && `variances: ${m.pitmanMorgan.reason}`,
  ].filter(Boolean);
  return reasons.join('; ');
}

function significance(m: MetricComparison) {
  const below = (p: number | null) => p !== null && p < SIGNIFICANCE;
  return { t: below(m.pairedT.p), wilcoxon: below(m.wilcoxon.p), variance: below(m.pitmanMorgan.p) };
}

/** The metric the statistics table opens on: AUC when the methods share it, else the first tested one. */
export function defaultMetric(stats: Pick<ComparisonStatistics, 'testedMetrics'>): string | null {
  return stats.testedMetrics.includes('auc') ? 'auc' : (stats.testedMetrics[0] ?? null);
}
