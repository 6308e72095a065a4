// An imputation experiment recorded as it runs in this process (`qnnlab experiment --db`, which spreads seeds over
// threads): one parent run of kind 'experiment' (its configuration, and the summary when it ends), and one child run
// per (method, seed) with its scores as metrics, in the one shape the experiment run kind records
// (workers/kinds/experiment.ts). Each finished seed is recorded in one transaction, so an interrupted experiment keeps
// every seed it finished and nothing half-way.
import type { ResolvedExperiment, SeedResult } from '../../../core/impute/experiment.ts';
import { EXPERIMENT_RUN_KIND, experimentRunName, imputationChild, type ExperimentOutput } from '../../workers/kinds/experiment.ts';
import type { RunService } from './runs.ts';

export { seedMetrics } from '../../workers/kinds/experiment.ts';

export interface ExperimentRecording {
  /** The experiment's run id. */
  readonly id: number;
  /** Records one seed's results (one per method) with the experiment's progress, in one transaction. */
  recordSeed(results: readonly SeedResult[], progress: number): number[];
  /** Succeeded, with the summary an experiment run keeps (experimentOutput). */
  finish(output: ExperimentOutput): void;
  fail(status: 'failed' | 'cancelled', error: string): void;
}

/** Starts recording an experiment: its parent run, running from now. */
export function recordExperiment(
  runs: RunService,
  input: { experiment: ResolvedExperiment; dataset: { id?: number | null; name: string; source?: string }; name?: string; pid?: number | null },
): ExperimentRecording {
  const e = input.experiment;
  const datasetId = input.dataset.id ?? null;
  const datasetName = input.dataset.name;
  const id = runs.create({
    kind: EXPERIMENT_RUN_KIND,
    name: input.name ?? experimentRunName(datasetName, e),
    datasetId,
    datasetName,
    config: { ...e, dataset: { name: datasetName, source: input.dataset.source ?? null } },
    seeds: e.seeds,
  });
  runs.start(id, input.pid ?? null);
  return {
    id,
    recordSeed(results, progress) {
      const children = results.map((r) => imputationChild(r, e.folds));
      return runs.recordChildren(
        id,
        children.map(({ kind, name, config, seeds, result, metrics, durationMs }) => ({
          run: { kind, name, config, seeds, datasetId, datasetName },
          result,
          metrics,
          durationMs,
        })),
        progress,
      );
    },
    finish(output) {
      runs.finish(id, { status: 'succeeded', result: output });
    },
    fail(status, error) {
      runs.finish(id, { status, error });
    },
  };
}
