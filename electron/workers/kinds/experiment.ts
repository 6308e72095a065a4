// Run kind `experiment`: an imputation experiment (methods x seeds, core/impute/experiment.ts) on a dataset of the
// database, seed after seed in one worker. After each finished seed the worker sends a checkpoint holding every
// (method, seed) result so far; the host records that seed's results as child runs (kind `imputation`, one per method)
// in the checkpoint's transaction, so an interrupted experiment keeps its finished seeds and a resume reruns only the
// rest. The result is the summary `qnnlab experiment --json` prints (experimentOutput, shared with the CLI); each
// method runs with the seed itself, so a seed's results do not depend on the run it happened in.
import { z } from 'zod';
import { parseOrThrow } from '../../../core/zod-issues.ts';
import {
  resolveExperiment,
  runExperimentSeed,
  summariseExperiment,
  type ExperimentConfig,
  type ExperimentReport,
  type ResolvedExperiment,
  type SeedResult,
} from '../../../core/impute/experiment.ts';
import { resolveImputerOptions, type ImputerEnv } from '../../../core/impute/registry.ts';
import type { MetricPoint } from '../../contract/run-protocol.ts';
import { EXPERIMENT_METRICS } from '../../contract/runs.ts';
import { renameField } from './fields.ts';
import { cloudEnv, imputerCloud, type ImputerCloud } from './imputer-cloud.ts';
import { defineRunKind, type ChildRecord, type HostDataset, type RunHost } from './types.ts';
import { experimentRunConfig, type ExperimentRunConfig } from '../../contract/run-configs.ts';

export const EXPERIMENT_RUN_KIND = 'experiment';
/** The kind of an experiment's children: one (method, seed) result each. */
export const IMPUTATION_RUN_KIND = 'imputation';

// The config schema lives in the contract (the New run page validates with it); re-exported for the kind's users.
export { experimentRunConfig, type ExperimentRunConfig };

/** The worker's input: the dataset's cells, the experiment checked against them, qnn-mice's device profiles and cloud connection. */
export interface ExperimentInput {
  dataset: HostDataset;
  experiment: ResolvedExperiment;
  env: ImputerEnv;
  /** qnn-mice on IonQ's cloud: the connection from the host (never stored with the run) and the spend limit. */
  cloud?: ImputerCloud | null;
}

export const experimentInput = z.custom<ExperimentInput>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ExperimentInput).dataset?.dataset === 'object' &&
    Array.isArray((v as ExperimentInput).experiment?.seeds) &&
    typeof (v as ExperimentInput).env === 'object',
  'a prepared experiment (dataset, experiment, env)',
);

/** A checkpoint: every finished result so far (whole seeds), the seed it finished, and the folds its children record. */
const checkpointPayload = z.object({
  seed: z.number().int(),
  folds: z.number().int(),
  results: z.array(z.custom<SeedResult>((r) => typeof r === 'object' && r !== null && typeof (r as SeedResult).seed === 'number')),
});
type CheckpointPayload = z.output<typeof checkpointPayload>;

/** The run's default name, e.g. `pbc: mean, mice (mcar 0.2, 5 seeds)` (the CLI's recorded experiments too). */
export function experimentRunName(datasetName: string, e: ResolvedExperiment): string {
  return `${datasetName}: ${e.methods.map((m) => m.name).join(', ')} (${e.mask.mechanism} ${e.mask.rate}, ${e.seeds.length} seeds)`;
}

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

/** One (method, seed) result as a child run: the one shape of an experiment's children, here and in `qnnlab experiment --db`. */
export function imputationChild(r: SeedResult, folds: number): ChildRecord {
  return {
    kind: IMPUTATION_RUN_KIND,
    name: `${r.method}, seed ${r.seed}`,
    config: { method: r.method, options: r.options, seed: r.seed, mask: { mechanism: r.mask.mechanism, rate: r.mask.rate }, folds },
    seeds: [r.seed],
    result: r,
    metrics: seedMetrics(r),
    durationMs: r.seconds * 1000,
  };
}

/** The summary `qnnlab experiment --json` prints and an experiment run keeps as its result. */
export function experimentOutput(report: ExperimentReport) {
  return {
    config: report.config,
    methods: Object.fromEntries(
      report.summary.methods.map((m) => [
        m.method,
        {
          nrmse: m.nrmse,
          rmse: m.rmse,
          pfc: m.pfc,
          auc: m.auc,
          seconds: m.seconds,
          circuits: m.circuits,
          shots: m.shots,
          recipe: m.recipe,
          columns: m.columns,
        },
      ]),
    ),
    varianceRatios: report.summary.varianceRatios,
    seeds: report.results.map((r) => ({
      seed: r.seed,
      method: r.method,
      nrmse: r.nrmse,
      rmse: r.rmse,
      pfc: r.pfc,
      auc: r.auc,
      seconds: r.seconds,
      circuits: r.circuits,
      shots: r.shots,
      cycles: r.cycles,
      mask: r.mask,
      columns: r.columns,
    })),
  };
}
export type ExperimentOutput = ReturnType<typeof experimentOutput>;

export function prepareExperiment(config: ExperimentRunConfig, host: RunHost) {
  const dataset = host.dataset(config.datasetId);
  const { datasetId: _, ...core } = config;
  // A method or option refused by the imputers' registry is named within the list (e.g. methods.1.options.trees).
  const resolved = config.methods.map((m, k) => {
    try {
      return resolveImputerOptions(typeof m === 'string' ? m : m.name, typeof m === 'string' ? {} : m.options);
    } catch (e) {
      throw renameField(e, (f) => (f === undefined || f === 'method' ? `methods.${k}` : `methods.${k}.${f}`));
    }
  });
  // A method on IonQ's cloud: the key is checked and the connection handed over now, as for a training.
  const cloud = imputerCloud(resolved, host);
  const env = { deviceProfiles: host.deviceProfiles() };
  // Every other check of `qnnlab experiment` (outcome, folds, mask and its columns) before anything is queued.
  const experiment = resolveExperiment(dataset.dataset, core satisfies ExperimentConfig);
  return {
    input: { dataset, experiment, env, cloud } satisfies ExperimentInput,
    name: experimentRunName(dataset.name, experiment),
    datasetId: dataset.id,
    datasetName: dataset.name,
    seeds: experiment.seeds,
  };
}

export const experimentKind = defineRunKind({
  kind: EXPERIMENT_RUN_KIND,
  description: 'Compare imputers on a dataset: mask observed cells, impute, score them and the downstream AUC, over seeds',
  config: experimentRunConfig,
  input: experimentInput,
  resumable: true,
  // Metric steps count a seed's training steps, not seeds (the checkpoint's steps): finished seeds' series stay.
  resumeMetrics: 'keep',
  prepare: prepareExperiment,
  cloudBackend: (input: ExperimentInput) => input.cloud?.backend ?? null,
  async run(input: ExperimentInput, ctx): Promise<ExperimentOutput> {
    const { dataset, experiment: r } = input;
    let seedIndex = 0;
    // A cloud job goes to the ledger with the seed's place in the experiment as its step.
    const env = cloudEnv(input.env, input.cloud, ctx, () => seedIndex);
    const resumed = ctx.resumeFrom ? parseOrThrow(checkpointPayload, ctx.resumeFrom.payload, 'experiment checkpoint', 'checkpoint') : null;
    const results: SeedResult[] = resumed ? [...resumed.results] : [];
    const finished = new Set(results.map((x) => x.seed));
    if (resumed) ctx.log('info', `Resuming after ${finished.size} of ${r.seeds.length} seeds: their results are kept, the rest run now.`);
    const of = r.seeds.length;
    for (const [index, seed] of r.seeds.entries()) {
      if (finished.has(seed)) continue;
      seedIndex = index;
      // Live loss series, one per (method, seed); a seed rerun after an interruption writes the same steps again.
      const steps = new Map<string, { step: number; model: string }>();
      const seedResults = await runExperimentSeed(
        dataset.dataset,
        r,
        seed,
        {
          signal: ctx.signal,
          env,
          onProgress: (p) =>
            ctx.progress(
              p.fraction,
              `seed ${seed} (${index + 1}/${of}) ${p.method}${p.imputation ? ` cycle ${p.imputation.cycle} ${p.imputation.column}` : ''}`,
            ),
          onLoss: (p) => {
            const s = steps.get(p.method) ?? { step: 0, model: '' };
            const model = `${p.cycle}/${p.column}`;
            s.step++;
            if (s.model !== model) ctx.metric(EXPERIMENT_METRICS.modelStart(p.method, seed), s.step, p.cycle);
            s.model = model;
            steps.set(p.method, s);
            ctx.metric(EXPERIMENT_METRICS.loss(p.method, seed), s.step, Number.isFinite(p.loss) ? p.loss : null);
          },
        },
        { index, of },
      );
      results.push(...seedResults);
      for (const w of new Set(seedResults.flatMap((x) => x.warnings))) ctx.log('warning', `seed ${seed}: ${w}`);
      ctx.progress((index + 1) / of, `seed ${seed} done (${index + 1}/${of})`);
      ctx.checkpoint(index + 1, { seed, folds: r.folds, results } satisfies CheckpointPayload);
    }
    // Seeds run in order and each checkpoint holds whole seeds, so the results are in the experiment's order.
    return experimentOutput({ config: r, results, summary: summariseExperiment(r, results) });
  },
  onCheckpoint(checkpoint, recorder) {
    const p = parseOrThrow(checkpointPayload, checkpoint.payload, 'experiment checkpoint', 'checkpoint');
    recorder.recordChildren(p.results.filter((x) => x.seed === p.seed).map((x) => imputationChild(x, p.folds)));
  },
});
