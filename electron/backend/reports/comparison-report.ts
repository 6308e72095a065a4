// The report of a saved comparison: its statistics exactly as the comparison stored them (never recomputed, so the
// Compare page and the report show the same numbers), the compared methods with their configuration and per-seed
// values, and the Compare page's charts (per-column NRMSE bars, AUC over seeds) from the same builders.
import { LabError } from '../../../core/errors.ts';
import type { ComparisonDetail, MetricComparison, PairComparison } from '../../contract/comparisons.ts';
import { aucBoxes, buildAucBoxOption } from '../../../renderer/src/charts/auc-box.ts';
import { buildNrmseBarsOption, nrmseBars } from '../../../renderer/src/charts/nrmse-bars.ts';
import { formatNumber } from '../../../renderer/src/lib/format.ts';
import type { RunDetail } from '../../contract/runs.ts';
import type { Block, Cell, MetricRow, ReportDocument, Section } from './document.ts';
import { datasetFacts, num, slug, SYNTHETIC_NOTICE, type ReportSources } from './run-report.ts';

const interval = (ci: [number, number] | null | undefined): string => (ci ? `[${formatNumber(ci[0])}, ${formatNumber(ci[1])}]` : '—');
const meanSd = (s: { mean: number | null; sd: number | null }) => `${formatNumber(s.mean)}${s.sd === null ? '' : ` ± ${formatNumber(s.sd)}`}`;

const TEST_COLUMNS = [
  'Metric',
  'Seeds',
  'a: mean ± sd',
  'b: mean ± sd',
  'Wilcoxon W',
  'p',
  'r (rank-biserial)',
  't',
  'p',
  'd_z',
  '95% CI of mean a − b',
  'var(a) ÷ var(b)',
  '95% CI',
  'Pitman-Morgan p',
];

function testRow(m: MetricComparison): Cell[] {
  return [
    m.metric,
    String(m.seeds.length),
    meanSd(m.a),
    meanSd(m.b),
    num(m.wilcoxon.statistic),
    num(m.wilcoxon.p),
    num(m.wilcoxon.rankBiserial),
    num(m.pairedT.t),
    num(m.pairedT.p),
    num(m.pairedT.cohensDz),
    interval(m.pairedT.ci),
    num(m.pitmanMorgan.ratio),
    interval(m.pitmanMorgan.ci),
    num(m.pitmanMorgan.p),
  ];
}

/** One table per pair (a vs b) of the metrics `keep` selects; a pair without shared seeds says why. */
function pairTables(pairs: readonly PairComparison[], labels: Map<string, string>, keep: (metric: string) => boolean): Block[] {
  return pairs.flatMap((p): Block[] => {
    const caption = `${labels.get(p.a) ?? p.a} vs ${labels.get(p.b) ?? p.b}`;
    const metrics = p.metrics.filter((m) => keep(m.metric));
    if (metrics.length === 0) return p.reason ? [{ kind: 'text', text: `${caption}: ${p.reason}` }] : [];
    return [{ kind: 'table', caption, columns: TEST_COLUMNS, rows: metrics.map(testRow), dense: true }];
  });
}

/** Per-column scores (nrmse/bili...) go to an appendix; the overall ones lead. */
const perColumn = (metric: string) => metric.includes('/');

export function buildComparisonReport(sources: ReportSources, comparison: ComparisonDetail): ReportDocument {
  const stats = comparison.statistics;
  const labels = new Map(stats.methods.map((m) => [m.key, m.label]));
  // The runs still in the database: their datasets (a synthetic one is flagged) and the versions that ran them.
  const runs: RunDetail[] = [];
  for (const id of comparison.runIds) {
    try {
      runs.push(sources.runs.detail(id));
    } catch (e) {
      if (!(e instanceof LabError && e.code === 'NOT_FOUND')) throw e;
    }
  }
  const datasets = runs.map((r) => ({ run: r, ...datasetFacts(sources, r) }));
  const synthetic = datasets.some((d) => d.synthetic);
  const warnings = [...stats.warnings];
  if (comparison.missingRunIds.length > 0) {
    warnings.push(`Runs ${comparison.missingRunIds.join(', ')} were deleted after the comparison was saved; their numbers below are those it saved.`);
  }
  const sections: Section[] = [
    {
      title: 'Comparison',
      blocks: [
        {
          kind: 'facts',
          rows: [
            ['Comparison', `${comparison.id} (${comparison.name})`],
            ['Runs', comparison.runIds.join(', ')],
            ['Methods', String(stats.methods.length)],
            ['Saved', comparison.createdAt],
            ['Statistics computed', `${stats.computedAt} (rules version ${stats.versions.statistics}, QNN Lab ${stats.versions.app})`],
          ],
        },
        ...warnings.map((text): Block => ({ kind: 'text', text: `Warning: ${text}` })),
      ],
    },
    {
      title: 'Datasets',
      blocks:
        datasets.length > 0
          ? datasets.map((d): Block => ({ kind: 'facts', rows: [['Run', String(d.run.id)], ...d.rows] }))
          : [{ kind: 'text', text: 'Every compared run has been deleted; the methods below name their datasets.' }],
    },
    {
      title: 'Methods',
      blocks: [
        {
          kind: 'table',
          columns: ['Method', 'Family', 'Run', 'Kind', 'Dataset', 'Mask', 'Seeds'],
          rows: stats.methods.map((m) => [
            m.label,
            m.quantum ? 'QNN' : 'classical',
            String(m.runId),
            m.kind,
            m.datasetName ?? '—',
            m.mask ?? '—',
            m.seeds.join(', '),
          ]),
        },
      ],
    },
  ];
  const charts: Block[] = [];
  const bars = nrmseBars(stats);
  if (bars.columns.length > 0)
    charts.push({ kind: 'chart', title: 'NRMSE per column (mean ± sd over seeds)', option: buildNrmseBarsOption(bars, sources.theme) });
  if (stats.metrics.includes('auc')) charts.push({ kind: 'chart', title: 'AUC over seeds', option: buildAucBoxOption(aucBoxes(stats), sources.theme) });
  if (charts.length > 0) sections.push({ title: 'Charts', blocks: charts });
  const overall = pairTables(stats.pairs, labels, (m) => !perColumn(m));
  sections.push({
    title: 'Paired tests over shared seeds (differences a − b, variance ratio var(a) ÷ var(b))',
    blocks: overall.length > 0 ? overall : [{ kind: 'text', text: 'No pair of methods shares seeds: no paired test applies.' }],
  });
  const columns = pairTables(stats.pairs, labels, perColumn);
  if (columns.length > 0) sections.push({ title: 'Paired tests per column', newPage: true, blocks: columns.filter((b) => b.kind === 'table') });
  sections.push({
    title: 'Values per seed',
    newPage: true,
    blocks: stats.methods.map((m): Block => ({
      kind: 'table',
      caption: `${m.label} (run ${m.runId})`,
      columns: ['Metric', ...m.seeds.map((s) => `seed ${s}`)],
      rows: stats.metrics.filter((metric) => m.values[metric]).map((metric) => [metric, ...m.values[metric].map((v) => num(v))]),
    })),
  });
  const configKeys = [...new Set(stats.methods.flatMap((m) => Object.keys(m.config)))];
  sections.push({
    title: 'Configuration',
    blocks: [
      {
        kind: 'table',
        columns: ['Setting', ...stats.methods.map((m) => m.label)],
        rows: configKeys.map((k) => [k, ...stats.methods.map((m) => m.config[k] ?? '—')]),
      },
    ],
  });
  sections.push({
    title: 'Versions',
    blocks: [
      {
        kind: 'facts',
        rows: [
          ['QNN Lab version of the runs', [...new Set(runs.map((r) => r.appVersion))].join(', ') || '(runs deleted)'],
          ['Statistics computed by QNN Lab', stats.versions.app],
          ['Report written by QNN Lab', sources.version],
          ['Database schema', String(sources.schemaVersion)],
        ],
      },
    ],
  });
  const metrics: MetricRow[] = stats.methods.flatMap((m) =>
    Object.entries(m.values).flatMap(([metric, values]) =>
      values.map((value, i) => ({ runId: m.runId, runName: m.runName, method: m.method ?? m.label, seed: m.seeds[i] ?? null, metric, step: 0, value })),
    ),
  );
  return {
    title: `Comparison: ${comparison.name}`,
    subtitle: `Comparison ${comparison.id} · ${stats.methods.length} methods · runs ${comparison.runIds.join(', ')}`,
    notice: synthetic ? SYNTHETIC_NOTICE : null,
    sections,
    metrics: { rows: metrics },
    data: {
      comparison: {
        id: comparison.id,
        name: comparison.name,
        runIds: comparison.runIds,
        missingRunIds: comparison.missingRunIds,
        createdAt: comparison.createdAt,
      },
      statistics: stats,
      datasets: datasets.map((d) => ({ runId: d.run.id, name: d.run.datasetName, source: d.source, synthetic: d.synthetic })),
    },
    baseName: `comparison-${comparison.id}-${slug(comparison.name)}`,
  };
}
