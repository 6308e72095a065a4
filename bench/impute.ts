// Imputation benchmarks: the pbc experiment (every imputer x 5 seeds, 20% MCAR, seeds spread over the cores as
// `qnnlab experiment` does) with its quality figures; the qnn-mice experiment on 10,000 synthetic ICU rows (one seed,
// 20% MCAR: issue 9's target is under 60 s); and each imputer's fit time on the synthetic rows (20% MCAR on top of the
// generator's own missingness). IMPUTE_BENCH_ROWS changes the synthetic size.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseCsv } from '../core/data/csv.ts';
import { fitImputer, imputerNames, maskTable, syntheticIcu } from '../core/impute/index.ts';
import { runExperimentParallel } from '../electron/cli/commands/experiment-parallel.ts';

const round = (v: number | null, digits = 4) => (v === null ? null : Number(v.toFixed(digits)));

export async function run(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const pbc = parseCsv(readFileSync(new URL('../resources/samples/pbc.csv', import.meta.url), 'utf8'));
  const methods = imputerNames();
  const t0 = performance.now();
  const report = await runExperimentParallel(
    pbc,
    { outcome: 'death', exclude: ['id', 'time'], methods, mask: { mechanism: 'mcar', rate: 0.2 }, seeds: [1, 2, 3, 4, 5] },
    { workers: availableParallelism() },
  );
  out[`impute_pbc_experiment_${methods.length}x5_s`] = round((performance.now() - t0) / 1000, 1);
  out.impute_pbc_experiment_workers = report.workers;
  for (const m of report.summary.methods) {
    const key = m.method.replace('-', '_');
    out[`impute_pbc_${key}_nrmse`] = round(m.nrmse.mean);
    out[`impute_pbc_${key}_nrmse_sd`] = round(m.nrmse.sd);
    out[`impute_pbc_${key}_auc`] = round(m.auc.mean);
    out[`impute_pbc_${key}_auc_sd`] = round(m.auc.sd);
    out[`impute_pbc_${key}_s_per_seed`] = round(m.seconds, 2);
  }
  const rows = Number(process.env.IMPUTE_BENCH_ROWS ?? 10_000);
  const table = syntheticIcu(rows, 1).dataset;
  const t2 = performance.now();
  const qnn = await runExperimentParallel(
    table,
    { outcome: 'death', methods: ['qnn-mice'], mask: { mechanism: 'mcar', rate: 0.2 }, seeds: [1] },
    { workers: 1 },
  );
  out[`impute_synth${rows}_qnn_mice_experiment_s`] = round((performance.now() - t2) / 1000, 1);
  out[`impute_synth${rows}_qnn_mice_nrmse`] = round(qnn.summary.methods[0].nrmse.mean);
  out[`impute_synth${rows}_qnn_mice_circuits`] = qnn.summary.methods[0].circuits;
  const synth = maskTable(table, { mechanism: 'mcar', rate: 0.2, seed: 1 }).masked;
  for (const method of imputerNames()) {
    process.stderr.write(`bench: impute ${method} on ${rows} synthetic rows...\n`);
    const t1 = performance.now();
    const fit = await fitImputer(synth, { method, seed: 1 });
    out[`impute_fit_${method.replace('-', '_')}_synth${rows}_s`] = round((performance.now() - t1) / 1000, 2);
    out[`impute_fit_${method.replace('-', '_')}_synth${rows}_cycles`] = fit.cycles;
  }
  return out;
}
