// An imputation experiment recorded in a database the way a real one is (recordExperiment: the parent run, one child
// per method and seed with its scores as metrics, the summary core computes), with seeded made-up scores instead of
// hours of imputation: for report tests and the report benchmark, which read what is recorded.
import { createRng } from '../core/random.ts';
import { summariseExperiment, type ResolvedExperiment, type SeedResult } from '../core/impute/experiment.ts';
import { recordExperiment } from '../electron/backend/services/experiments.ts';
import type { RunService } from '../electron/backend/services/runs.ts';
import { experimentOutput } from '../electron/workers/kinds/experiment.ts';

export const FAKE_COLUMNS = ['bili', 'chol', 'albumin', 'copper', 'alk.phos', 'ast', 'trig', 'platelet', 'protime'];

export interface FakeExperiment {
  id: number;
  results: SeedResult[];
  experiment: ResolvedExperiment;
}

export function recordFakeExperiment(
  runs: RunService,
  options: { methods: string[]; seeds: number[]; dataset: { id?: number | null; name: string; source?: string }; columns?: string[]; seed?: number },
): FakeExperiment {
  const columns = options.columns ?? FAKE_COLUMNS;
  const experiment: ResolvedExperiment = {
    outcome: 'death',
    exclude: ['id', 'time'],
    methods: options.methods.map((name) => ({ name, options: {} })),
    mask: { mechanism: 'mcar', rate: 0.2 },
    seeds: options.seeds,
    folds: 5,
  };
  const rng = createRng(options.seed ?? 7);
  const recording = recordExperiment(runs, { experiment, dataset: options.dataset });
  const results: SeedResult[] = [];
  options.seeds.forEach((seed, k) => {
    const seedResults = options.methods.map((method, m): SeedResult => {
      const perColumn = columns.map((column) => ({
        column,
        kind: 'numeric' as const,
        cells: 20,
        rmse: rng.next(),
        nrmse: 0.5 + 0.1 * m + 0.2 * rng.next(),
        wasserstein: rng.next(),
        pfc: null,
      }));
      const aucFolds = [0, 1, 2, 3, 4].map(() => 0.7 + 0.2 * rng.next());
      return {
        seed,
        method,
        options: {},
        recipe: { method },
        mask: { mechanism: 'mcar', rate: 0.2, realisedRate: 0.19 + 0.02 * rng.next(), cells: 20 * columns.length },
        rmse: 10 * rng.next(),
        nrmse: 0.6 + 0.1 * m + 0.1 * rng.next(),
        pfc: null,
        columns: perColumn,
        auc: aucFolds.reduce((s, a) => s + a, 0) / aucFolds.length,
        aucFolds,
        seconds: 0.01 + rng.next(),
        circuits: method.startsWith('qnn') ? 1000 + Math.floor(1000 * rng.next()) : 0,
        shots: 0,
        cycles: 5,
        stopReason: 'max-cycles',
        warnings: [],
        // A chained imputer's convergence traces (mean and sd of each column's imputed values per cycle); mean has none.
        traces:
          method === 'mean'
            ? []
            : [1, 2, 3].flatMap((cycle) => columns.slice(0, 3).map((column) => ({ cycle, column, mean: 10 + rng.next(), sd: 1 + rng.next() }))),
      };
    });
    results.push(...seedResults);
    recording.recordSeed(seedResults, (k + 1) / options.seeds.length);
  });
  recording.finish(experimentOutput({ config: experiment, results, summary: summariseExperiment(experiment, results) }));
  return { id: recording.id, results, experiment };
}
