// Comparisons: two or more runs (or one experiment's methods) side by side, with paired statistics for each pair of
// methods over the seeds they share. The host computes the statistics once (services/comparisons.ts, from
// core/metrics) and a saved comparison keeps them: the Compare page and the reports read the same stored numbers.
// JSON-safe: a statistic that cannot be computed is null, with a reason.
import { z } from 'zod';
import type { PairedTResult } from '../../core/metrics/paired-t-test.ts';
import type { PitmanMorganResult } from '../../core/metrics/pitman-morgan.ts';
import type { WilcoxonResult } from '../../core/metrics/wilcoxon-signed-rank.ts';
import { runId } from './runs.ts';

export type { PairedTResult, PitmanMorganResult, WilcoxonResult };

/** Most runs in one comparison; longest comparison name. */
export const MAX_COMPARISON_RUNS = 50;
export const MAX_COMPARISON_NAME_LENGTH = 200;
/**
 * The version of the way statistics are gathered and computed, stored with each comparison: bump it when a change
 * would give different numbers for the same runs, so a saved comparison says which rules made it.
 */
export const COMPARISON_STATISTICS_VERSION = 1;

/** One compared method: an experiment's method (all its seeds), or a run of another kind (its seeds). */
export interface ComparedMethod {
  /** Unique within the comparison: "12" for run 12, "12/mice" for the method mice of experiment 12. */
  key: string;
  /** As shown: the method's name, with "(#12)" where two runs have a method of that name. */
  label: string;
  /** The run (the first of them when runs that differ only in their seed were joined into one method). */
  runId: number;
  runName: string | null;
  /** Every run behind the method: its experiment, its run, or the runs joined (same kind, dataset and configuration but the seed). */
  runIds: number[];
  /** The run each seed's values came from (aligned with `seeds`; the experiment's child run for an experiment). */
  seedRunIds: number[];
  /** The run's kind (experiment, train...). */
  kind: string;
  /** The imputation method (experiments), or null. */
  method: string | null;
  /** A QNN (qnn-* methods, training and device runs) rather than a classical baseline. */
  quantum: boolean;
  datasetName: string | null;
  /** E.g. "mcar 0.2" (experiments), or null. */
  mask: string | null;
  /** The configuration as flat key -> text rows, for the side-by-side table. */
  config: Record<string, string>;
  /** The seeds, ascending; `values[metric][i]` belongs to seeds[i] (null: not recorded for that seed). */
  seeds: number[];
  values: Record<string, (number | null)[]>;
  /** Per metric: mean and sample sd (n - 1; null for fewer than 2) over the seeds with a value, and how many. */
  summary: Record<string, MetricSummary>;
}

export interface MetricSummary {
  mean: number | null;
  sd: number | null;
  n: number;
}

/** The tests of one metric for one pair, over the seeds both methods have a value for. */
export interface MetricComparison {
  metric: string;
  seeds: number[];
  /** Mean and sample sd over those seeds (sd null for one seed). */
  a: { mean: number | null; sd: number | null };
  b: { mean: number | null; sd: number | null };
  wilcoxon: WilcoxonResult;
  pairedT: PairedTResult;
  pitmanMorgan: PitmanMorganResult;
}

/** One pair of methods: differences are a - b, variance ratios var(a) / var(b). */
export interface PairComparison {
  a: string;
  b: string;
  /** Seeds both have (the ones a paired test pairs); empty: no test, `reason` says why. */
  seeds: number[];
  metrics: MetricComparison[];
  reason?: string;
}

export interface ComparisonStatistics {
  /** Which rules and which build computed these numbers. */
  versions: { statistics: number; app: string };
  /** ISO 8601. */
  computedAt: string;
  /** The runs, in the order given. */
  runIds: number[];
  methods: ComparedMethod[];
  /** Scalar metrics every method recorded, in display order (auc, nrmse, then per-column NRMSE...). */
  metrics: string[];
  /** The metrics with paired tests (bookkeeping such as seconds and cycles left out). */
  testedMetrics: string[];
  pairs: PairComparison[];
  /** Shown above the comparison: different datasets or masks, seeds that do not pair. */
  warnings: string[];
}

export interface ComparisonSummary {
  id: number;
  name: string;
  /** The runs as saved, in order (a deleted run stays listed here and in missingRunIds). */
  runIds: number[];
  /** Saved runs that no longer exist. */
  missingRunIds: number[];
  methodCount: number;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

export interface ComparisonDetail extends ComparisonSummary {
  /** As computed when the comparison was saved (never recomputed). */
  statistics: ComparisonStatistics;
}

export const comparisonId = z.number().int().positive();
const comparisonName = z.string().trim().min(1).max(MAX_COMPARISON_NAME_LENGTH);
/** One experiment run (its methods) or two or more runs, each once. */
const comparedRuns = z
  .array(runId)
  .min(1)
  .max(MAX_COMPARISON_RUNS)
  .refine((ids) => new Set(ids).size === ids.length, 'must not list a run twice');

export const previewComparisonRequest = z.object({ runs: comparedRuns });
export const saveComparisonRequest = z.object({ name: comparisonName, runs: comparedRuns });
export const comparisonIdRequest = z.object({ id: comparisonId });
export const renameComparisonRequest = z.object({ id: comparisonId, name: comparisonName });
export type PreviewComparisonRequest = z.input<typeof previewComparisonRequest>;
