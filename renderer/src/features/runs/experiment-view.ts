// What the run page shows of an imputation experiment, from its (method, seed) results (the child runs' results,
// recorded as each seed finishes): which seeds are done, each method's scores over seeds (mean and sd as the
// experiment's own summary computes them, core/metrics/summary.ts), per-column NRMSE bars and convergence traces.
import { isQuantumImputer } from '../../../../core/impute/registry.ts';
import type { SeedResult } from '../../../../core/impute/experiment.ts';
import { meanSd } from '../../../../core/metrics/summary.ts';
import type { NrmseBars } from '../../charts/nrmse-bars.ts';
import type { Trace } from '../../charts/convergence.ts';
import type { SeedValue } from '../../charts/seeds.ts';

/** The part of a child run's result (core's SeedResult, as JSON) the page reads. */
export type SeedScores = Pick<SeedResult, 'seed' | 'method' | 'nrmse' | 'auc' | 'seconds' | 'circuits' | 'shots' | 'columns'> &
  Partial<Pick<SeedResult, 'traces'>>;

export interface Stat {
  mean: number | null;
  sd: number | null;
}

export interface MethodRow {
  method: string;
  quantum: boolean;
  seeds: number;
  nrmse: Stat;
  auc: Stat;
  seconds: number | null;
  circuits: number | null;
}

/** A QNN method rather than a classical baseline: the imputer registry says which (comparisons and reports ask it too). */
export const isQuantumMethod = isQuantumImputer;

function stat(values: readonly (number | null)[]): Stat {
  const given = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (given.length === 0) return { mean: null, sd: null };
  const s = meanSd(given);
  return { mean: s.mean, sd: given.length > 1 ? s.sd : null };
}

/** Methods in their first-seen order. */
function methodsOf(results: readonly SeedScores[]): string[] {
  return [...new Set(results.map((r) => r.method))];
}

/** Seeds whose every method has a result. */
export function finishedSeeds(results: readonly SeedScores[], methods: number): Set<number> {
  const count = new Map<number, number>();
  for (const r of results) count.set(r.seed, (count.get(r.seed) ?? 0) + 1);
  return new Set([...count.entries()].filter(([, n]) => n >= methods).map(([seed]) => seed));
}

export function methodRows(results: readonly SeedScores[]): MethodRow[] {
  return methodsOf(results).map((method) => {
    const own = results.filter((r) => r.method === method);
    return {
      method,
      quantum: isQuantumMethod(method),
      seeds: own.length,
      nrmse: stat(own.map((r) => r.nrmse)),
      auc: stat(own.map((r) => r.auc)),
      seconds: stat(own.map((r) => r.seconds)).mean,
      circuits: stat(own.map((r) => r.circuits)).mean,
    };
  });
}

export function seedValues(results: readonly SeedScores[], metric: 'auc' | 'nrmse'): SeedValue[] {
  return results.map((r) => ({ group: r.method, seed: r.seed, value: r[metric] }));
}

/** Per-column NRMSE of each method, mean and sd over its seeds (the compare page's bar builder draws them). */
export function columnNrmse(results: readonly SeedScores[]): NrmseBars {
  const columns = [...new Set(results.flatMap((r) => r.columns.filter((c) => c.nrmse !== null).map((c) => c.column)))];
  return {
    columns,
    groups: methodsOf(results).map((method) => {
      const own = results.filter((r) => r.method === method);
      const stats = columns.map((column) => stat(own.map((r) => r.columns.find((c) => c.column === column)?.nrmse ?? null)));
      return { label: method, quantum: isQuantumMethod(method), mean: stats.map((s) => s.mean), sd: stats.map((s) => s.sd) };
    }),
  };
}

/** The convergence traces of one method, one per seed (methods without cycles, e.g. mean, have none). */
export function methodTraces(results: readonly SeedScores[], method: string): Trace[] {
  return results
    .filter((r) => r.method === method && r.traces && r.traces.length > 0)
    .sort((a, b) => a.seed - b.seed)
    .map((r) => ({ label: `seed ${r.seed}`, points: r.traces! }));
}

/** Methods whose results hold traces of more than one cycle (a chained imputer). */
export function tracedMethods(results: readonly SeedScores[]): string[] {
  return methodsOf(results).filter((m) => results.some((r) => r.method === m && new Set(r.traces?.map((t) => t.cycle)).size > 1));
}
