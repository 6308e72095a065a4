// An imputation experiment as runs (issue 9): one parent run of kind 'experiment' (its configuration, and the summary
// when it ends), and one child run of kind 'imputation' per (method, seed) with its scores as metrics. Each finished
// seed is recorded in one transaction, so an interrupted experiment keeps every seed it finished and nothing half-way.
import type { ExperimentSummary, ResolvedExperiment, SeedResult } from '../../../core/impute/experiment.ts';
import type { MetricPoint, RunService } from './runs.ts';

export const EXPERIMENT_RUN_KIND = 'experiment';
export const IMPUTATION_RUN_KIND = 'imputation';

/** The metrics of one (method, seed) result: overall scores, cost, per-column scores and the per-fold AUCs. */
export function seedMetrics(r: SeedResult): MetricPoint[] {
  const out: MetricPoint[] = [
    { name: 'nrmse', step: 0, value: r.nrmse },
    { name: 'rmse', step: 0, value: r.rmse },
    { name: 'pfc', step: 0, value: r.pfc },
    { name: 'auc', step: 0, value: r.auc },
    { name: 'seconds', step: 0, value: r.seconds },
    { name: 'circuits', step: 0, value: r.circuits },
    { name: 'shots', step: 0, value: r.shots },
    { name: 'cycles', step: 0, value: r.cycles },
    { name: 'mask_rate', step: 0, value: r.mask.realisedRate },
  ];
  for (const c of r.columns) {
    out.push({ name: `nrmse/${c.column}`, step: 0, value: c.nrmse }, { name: `wasserstein/${c.column}`, step: 0, value: c.wasserstein });
    if (c.kind === 'categorical') out.push({ name: `pfc/${c.column}`, step: 0, value: c.pfc });
  }
  r.aucFolds.forEach((auc, fold) => out.push({ name: 'auc_fold', step: fold, value: auc }));
  return out;
}

export interface ExperimentRecording {
  /** The experiment's run id. */
  readonly id: number;
  /** Records one seed's results (one per method) with the experiment's progress, in one transaction. */
  recordSeed(results: readonly SeedResult[], progress: number): number[];
  finish(summary: ExperimentSummary): void;
  fail(status: 'failed' | 'cancelled', error: string): void;
}

/** Starts recording an experiment: its parent run, running from now. */
export function recordExperiment(
  runs: RunService,
  input: { experiment: ResolvedExperiment; dataset: { id?: number | null; name: string; source?: string }; name?: string; pid?: number | null },
): ExperimentRecording {
  const e = input.experiment;
  const methods = e.methods.map((m) => m.name).join(', ');
  const id = runs.create({
    kind: EXPERIMENT_RUN_KIND,
    name: input.name ?? `${input.dataset.name}: ${methods} (${e.mask.mechanism} ${e.mask.rate}, ${e.seeds.length} seeds)`,
    datasetId: input.dataset.id ?? null,
    datasetName: input.dataset.name,
    config: { ...e, dataset: { name: input.dataset.name, source: input.dataset.source ?? null } },
    seeds: e.seeds,
  });
  runs.start(id, input.pid ?? null);
  return {
    id,
    recordSeed(results, progress) {
      return runs.recordChildren(
        id,
        results.map((r) => ({
          run: {
            kind: IMPUTATION_RUN_KIND,
            name: `${r.method}, seed ${r.seed}`,
            datasetId: input.dataset.id ?? null,
            datasetName: input.dataset.name,
            config: { method: r.method, options: r.options, seed: r.seed, mask: { mechanism: r.mask.mechanism, rate: r.mask.rate }, folds: e.folds },
            seeds: [r.seed],
          },
          result: r,
          metrics: seedMetrics(r),
          durationMs: r.seconds * 1000,
        })),
        progress,
      );
    },
    finish(summary) {
      runs.finish(id, { status: 'succeeded', result: summary });
    },
    fail(status, error) {
      runs.finish(id, { status, error });
    },
  };
}
