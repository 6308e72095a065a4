// `qnnlab compare --runs 12[,13...] [--metric auc] [--save NAME] [--db PATH] [--json]`: the paired statistics of the
// Compare page from the command line, computed by the same host service (comparisons.preview / comparisons.save);
// --save stores them, so `qnnlab report --comparison ID` and the app reopen the very same numbers.
import type { ComparisonStatistics, MetricComparison } from '../../contract/comparisons.ts';
import { call, openCliBackend } from '../backend-client.ts';
import { UserError, listFlag, printJson, stringFlag, type Command } from '../command.ts';
import { dbFlag, jsonFlag } from '../flags.ts';

/** A number for a terminal line: 4 significant digits, a dash when undefined. */
const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : Number(v.toPrecision(4)).toString());
const interval = (ci: [number, number] | null) => (ci ? `[${num(ci[0])}, ${num(ci[1])}]` : '—');

/** One line per pair for one metric: the level (paired t, Wilcoxon) and the spread (variance ratio, Pitman-Morgan). */
export function pairLines(stats: ComparisonStatistics, metric: string): string[] {
  const label = new Map(stats.methods.map((m) => [m.key, `${m.label}${m.quantum ? ' [QNN]' : ''}`]));
  return stats.pairs.map((pair) => {
    const head = `${label.get(pair.a)} vs ${label.get(pair.b)}`;
    const m: MetricComparison | undefined = pair.metrics.find((x) => x.metric === metric);
    if (!m) return `${head}: ${pair.reason ?? `no ${metric} for both`}`;
    const t = m.pairedT;
    const w = m.wilcoxon;
    const v = m.pitmanMorgan;
    return (
      `${head} (${m.seeds.length} seeds): difference ${num(t.meanDifference)} ${interval(t.ci)}, t p ${num(t.p)}, Wilcoxon p ${num(w.p)}; ` +
      `variance ratio ${num(v.ratio)} ${interval(v.ci)}, Pitman-Morgan p ${num(v.p)}`
    );
  });
}

const compareCommand: Command = {
  path: ['compare'],
  summary: 'Paired statistics of runs (or one experiment’s methods): paired t, Wilcoxon and Pitman-Morgan per pair over shared seeds',
  usage: 'compare --runs ID[,ID...] [--metric NAME] [--save NAME] [--db PATH] [--json]',
  options: {
    runs: { type: 'string', value: 'IDS', description: 'the runs to compare, comma-separated: two or more, or one experiment (its methods)', required: true },
    metric: { type: 'string', value: 'NAME', description: 'the metric the text output shows (default auc when shared; --json has them all)' },
    save: { type: 'string', value: 'NAME', description: 'store the comparison under this name (the app lists it; qnnlab report --comparison ID exports it)' },
    ...dbFlag,
    ...jsonFlag,
  },
  notes: ['qnnlab compare --runs 12 --db lab.db', 'qnnlab compare --runs 12,15 --metric nrmse --save "pbc: QNN vs MICE" --db lab.db'],
  async run(flags, _positionals, io) {
    const runs = (listFlag(flags, 'runs') ?? []).map((text) => {
      const id = Number(text);
      if (!Number.isInteger(id) || id < 1)
        throw new UserError(`--runs: "${text}" is not a run id; give run ids such as 12,15 (see qnnlab run list)`, { field: 'runs', value: text });
      return id;
    });
    const name = stringFlag(flags, 'save');
    const backend = openCliBackend(stringFlag(flags, 'db'));
    try {
      // The metric is checked on a preview first, so a wrong --metric saves nothing.
      const preview = await call(backend, 'comparisons.preview', { runs });
      const metric = stringFlag(flags, 'metric') ?? (preview.testedMetrics.includes('auc') ? 'auc' : preview.testedMetrics[0]);
      if (!flags.json && (metric === undefined || !preview.testedMetrics.includes(metric))) {
        throw new UserError(`--metric ${metric ?? ''}: not a metric these methods share; choose one of ${preview.testedMetrics.join(', ') || '(none)'}`, {
          field: 'metric',
          value: metric,
          allowed: preview.testedMetrics.join(', '),
        });
      }
      const saved = name === undefined ? null : await call(backend, 'comparisons.save', { name, runs });
      const stats = saved ? saved.statistics : preview;
      if (flags.json) {
        printJson(io, saved ?? stats);
        return;
      }
      const lines = [
        ...(saved ? [`saved as comparison ${saved.id}: ${saved.name}`] : []),
        ...stats.warnings.map((w) => `warning: ${w}`),
        `${metric}, first minus second:`,
        ...pairLines(stats, metric!).map((l) => `  ${l}`),
      ];
      io.stdout.write(lines.join('\n') + '\n');
    } finally {
      backend.close();
    }
  },
};

export const compareCommands: Command[] = [compareCommand];
