// Comparisons: the runs given (two or more, or one experiment meaning its methods) become compared methods with their
// per-seed values of every scalar metric they share; each pair of methods gets, per metric and over the seeds both
// have, the paired Wilcoxon signed-rank test, the paired t-test and the Pitman-Morgan test of equal variances
// (core/metrics). A saved comparison stores these statistics with the versions that computed them and is read back
// as stored, never recomputed: the Compare page and reports show the same numbers, even after its runs are deleted.
import { LabError, InvalidInputError } from '../../../core/errors.ts';
import { meanSd } from '../../../core/metrics/summary.ts';
import { pairedTTest } from '../../../core/metrics/paired-t-test.ts';
import { pitmanMorgan } from '../../../core/metrics/pitman-morgan.ts';
import { wilcoxonSignedRank } from '../../../core/metrics/wilcoxon-signed-rank.ts';
import { isQuantumImputer } from '../../../core/impute/registry.ts';
import { parseOrThrow } from '../../../core/zod-issues.ts';
import {
  COMPARISON_STATISTICS_VERSION,
  comparisonIdRequest,
  previewComparisonRequest,
  renameComparisonRequest,
  saveComparisonRequest,
  type ComparedMethod,
  type ComparisonDetail,
  type ComparisonStatistics,
  type ComparisonSummary,
  type MetricComparison,
  type PairComparison,
} from '../../contract/comparisons.ts';
import { TRAIN_METRICS } from '../../contract/runs.ts';
import type { Database } from '../db/database.ts';
import { writeTransaction } from '../db/database.ts';
import type { RunRecord, RunService } from './runs.ts';

/** Run kinds whose runs are QNNs (an experiment's methods are when their imputer is: isQuantumImputer). */
const QUANTUM_KINDS = new Set(['train', 'device-job']);
/** Not a score: per-fold values, and the markers of a training's phases (their last value is a layer number). */
const PER_STEP_METRICS = new Set(['auc_fold', TRAIN_METRICS.layerStart, TRAIN_METRICS.fineTuneStart]);
/** Bookkeeping shown in the table but not tested: how long, how many cycles, the realised mask rate. */
const UNTESTED_METRICS = new Set(['seconds', 'cycles', 'mask_rate', 'circuits', 'shots']);
/** The headline metrics first, then per-column ones by family, then the rest by name. */
const METRIC_ORDER = ['auc', 'nrmse', 'rmse', 'pfc', 'loss', 'nrmse/', 'pfc/', 'wasserstein/'];
/** Longest text of one configuration cell. */
const MAX_CONFIG_TEXT = 200;

interface ComparisonRow {
  id: number;
  name: string;
  run_ids: string;
  statistics: string;
  created_at: string;
  updated_at: string;
  method_count: number | null;
}

/** A method while it is gathered: per seed, the run its values came from and the last value of each metric. */
interface Gathered extends Omit<ComparedMethod, 'label' | 'seeds' | 'seedRunIds' | 'values' | 'summary'> {
  bySeed: Map<number, { runId: number; values: Map<string, number | null> }>;
  /** Runs of one kind, dataset and configuration but the seed share this (experiments: none); they are joined. */
  joinKey: string | null;
}

export class ComparisonService {
  constructor(
    private readonly db: Database,
    private readonly runs: RunService,
    /** Recorded with every comparison: the app's version. */
    private readonly version: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The statistics of comparing these runs, computed now and not saved (comparisons.preview). */
  preview(request: unknown): ComparisonStatistics {
    const { runs } = parseOrThrow(previewComparisonRequest, request, 'Comparison');
    return this.db.transaction(() => this.compute(runs))();
  }

  /** Computes and stores a comparison in one transaction (a run deleted meanwhile cannot leave half of one). */
  save(request: unknown): ComparisonDetail {
    const { name, runs } = parseOrThrow(saveComparisonRequest, request, 'Comparison');
    const id = writeTransaction(this.db, () => {
      const statistics = this.compute(runs);
      const at = this.now().toISOString();
      const info = this.db
        .prepare('INSERT INTO comparisons (name, config, created_at, updated_at, run_ids, statistics, app_version) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(name, '{}', at, at, JSON.stringify(runs), storedJson(statistics), this.version);
      const comparisonId = Number(info.lastInsertRowid);
      const link = this.db.prepare('INSERT INTO comparison_runs (comparison_id, run_id, position) VALUES (?, ?, ?)');
      runs.forEach((runId, position) => link.run(comparisonId, runId, position));
      return comparisonId;
    });
    return this.get({ id });
  }

  /** Every saved comparison, newest first. */
  list(): ComparisonSummary[] {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT id, name, run_ids, created_at, updated_at, json_array_length(statistics, '$.methods') AS method_count
           FROM comparisons ORDER BY id DESC`,
        )
        .all() as Omit<ComparisonRow, 'statistics'>[];
      const existing = this.existingRuns(rows.flatMap((r) => JSON.parse(r.run_ids) as number[]));
      return rows.map((r) => summary(r, existing));
    })();
  }

  /** A saved comparison with its statistics as stored, and which of its runs are gone. */
  get(request: unknown): ComparisonDetail {
    const { id } = parseOrThrow(comparisonIdRequest, request, 'Comparison');
    return this.db.transaction(() => {
      const row = this.db
        .prepare(
          `SELECT id, name, run_ids, statistics, created_at, updated_at, json_array_length(statistics, '$.methods') AS method_count
           FROM comparisons WHERE id = ?`,
        )
        .get(id) as ComparisonRow | undefined;
      if (!row) throw notFound(id);
      return { ...summary(row, this.existingRuns(JSON.parse(row.run_ids) as number[])), statistics: JSON.parse(row.statistics) as ComparisonStatistics };
    })();
  }

  rename(request: unknown): ComparisonSummary {
    const { id, name } = parseOrThrow(renameComparisonRequest, request, 'Comparison');
    writeTransaction(this.db, () => {
      const info = this.db.prepare('UPDATE comparisons SET name = ?, updated_at = ? WHERE id = ?').run(name, this.now().toISOString(), id);
      if (info.changes === 0) throw notFound(id);
    });
    const { statistics: _, ...rest } = this.get({ id });
    return rest;
  }

  delete(request: unknown): { id: number } {
    const { id } = parseOrThrow(comparisonIdRequest, request, 'Comparison');
    writeTransaction(this.db, () => {
      if (this.db.prepare('DELETE FROM comparisons WHERE id = ?').run(id).changes === 0) throw notFound(id);
    });
    return { id };
  }

  private existingRuns(ids: number[]): Set<number> {
    if (ids.length === 0) return new Set();
    const rows = this.db
      .prepare('SELECT id FROM runs WHERE id IN (SELECT value FROM json_each(?))')
      .pluck()
      .all(JSON.stringify([...new Set(ids)])) as number[];
    return new Set(rows);
  }

  /** Gathers the methods of the runs and computes every pair's tests (inside the caller's transaction). */
  private compute(runIds: number[]): ComparisonStatistics {
    const gathered = joinSeedRuns(runIds.flatMap((id, index) => this.gather(id, index)));
    if (gathered.length < 2) {
      throw new InvalidInputError(
        `A comparison needs two methods or more; ${runIds.length === 1 ? `run ${runIds[0]} gives` : 'these runs give'} ${gathered.length}. Choose two or more runs, or one experiment with two or more methods.`,
        { field: 'runs', value: runIds, allowed: 'two or more runs, or one experiment run with two or more methods' },
      );
    }
    const methods = labelled(gathered);
    const metrics = orderMetrics(sharedMetrics(methods));
    const testedMetrics = metrics.filter((m) => !UNTESTED_METRICS.has(m));
    const pairs: PairComparison[] = [];
    for (let i = 0; i < methods.length; i++) for (let j = i + 1; j < methods.length; j++) pairs.push(comparePair(methods[i], methods[j], testedMetrics));
    if (pairs.every((p) => p.seeds.length === 0)) {
      throw new InvalidInputError(
        `The methods share no seed, so no pair can be tested: ${methods.map((m) => `${m.label} has ${seedList(m.seeds)}`).join('; ')}. Compare runs made with the same seeds.`,
        { field: 'runs', value: runIds, allowed: 'runs with at least one seed in common' },
      );
    }
    return {
      versions: { statistics: COMPARISON_STATISTICS_VERSION, app: this.version },
      computedAt: this.now().toISOString(),
      runIds,
      methods,
      metrics,
      testedMetrics,
      pairs,
      warnings: warningsOf(methods),
    };
  }

  /** The methods one run contributes: an experiment's methods (from its children), or the run itself. */
  private gather(id: number, index: number): Gathered[] {
    const field = `runs.${index}`;
    let run: RunRecord;
    try {
      run = this.runs.get(id);
    } catch (e) {
      if (e instanceof LabError && e.code === 'NOT_FOUND') {
        throw new LabError('NOT_FOUND', `Run ${id} does not exist (it may have been deleted). Leave it out of the comparison.`, { field, value: id });
      }
      throw e;
    }
    if (run.status !== 'succeeded') {
      throw new LabError(
        'CONFLICT',
        `Run ${id} (${run.name ?? run.kind}) is ${run.status}: only succeeded runs can be compared. Wait for it to finish, or leave it out.`,
        {
          field,
          value: id,
          allowed: 'a succeeded run',
        },
      );
    }
    const base = { runId: run.id, runName: run.name, runIds: [run.id], kind: run.kind, datasetName: run.datasetName };
    if (run.kind === 'experiment') {
      const parent = (run.config ?? {}) as Record<string, unknown>;
      const byMethod = new Map<string, Gathered>();
      const values = this.childValues(id);
      for (const child of this.childSeeds(id)) {
        const method = child.method ?? child.name ?? 'imputation';
        let g = byMethod.get(method);
        if (!g) {
          const { methods: _m, seeds: _s, datasetId: _d, ...shared } = parent;
          g = {
            ...base,
            key: `${run.id}/${method}`,
            method,
            quantum: isQuantumImputer(method),
            mask: maskText(parent.mask),
            config: flatConfig({ ...shared, method, options: child.options === null ? {} : JSON.parse(child.options) }),
            bySeed: new Map(),
            joinKey: null,
          };
          byMethod.set(method, g);
        }
        const seed = child.seed ?? (JSON.parse(child.seeds) as number[])[0] ?? 0;
        g.bySeed.set(seed, { runId: child.id, values: values.get(child.id) ?? new Map() });
      }
      return [...byMethod.values()];
    }
    const { seed: _seed, ...config } = (run.config ?? {}) as Record<string, unknown>;
    return [
      {
        ...base,
        key: String(run.id),
        method: run.kind === 'imputation' ? String(config.method ?? '') || null : null,
        quantum: QUANTUM_KINDS.has(run.kind) || isQuantumImputer(String(config.method ?? '')),
        mask: maskText(config.mask),
        config: flatConfig(config),
        bySeed: new Map([[run.seeds[0] ?? 0, { runId: run.id, values: this.lastValues(run.id) }]]),
        joinKey: JSON.stringify([run.kind, run.datasetName, sortedKeys(config)]),
      },
    ];
  }

  /** Each metric's value at its last step (a training's final loss; an imputation's single scores). */
  private lastValues(runId: number): Map<string, number | null> {
    const values = new Map<string, number | null>();
    for (const p of this.runs.metrics(runId)) if (!PER_STEP_METRICS.has(p.name)) values.set(p.name, p.value ?? null); // ordered by step
    return values;
  }

  /**
   * An experiment's succeeded children with only what a comparison reads: one query, without parsing each child's
   * full result (a 5-method, 1,000-seed experiment has 5,000 children).
   */
  private childSeeds(parentId: number) {
    return this.db
      .prepare(
        `SELECT id, name, seeds, json_extract(config, '$.method') AS method, json_extract(config, '$.seed') AS seed, json_extract(config, '$.options') AS options
         FROM runs WHERE parent_id = ? AND status = 'succeeded' ORDER BY id`,
      )
      .all(parentId) as { id: number; name: string | null; seeds: string; method: string | null; seed: number | null; options: string | null }[];
  }

  /** The last value of each metric of every child of an experiment, in one query. */
  private childValues(parentId: number): Map<number, Map<string, number | null>> {
    const out = new Map<number, Map<string, number | null>>();
    const rows = this.db
      .prepare('SELECT run_id, name, value FROM run_metrics WHERE run_id IN (SELECT id FROM runs WHERE parent_id = ?) ORDER BY run_id, name, step')
      .raw()
      .all(parentId) as [number, string, number | null][];
    for (const [runId, name, value] of rows) {
      if (PER_STEP_METRICS.has(name)) continue;
      let values = out.get(runId);
      if (!values) out.set(runId, (values = new Map()));
      values.set(name, value);
    }
    return out;
  }
}

const notFound = (id: number) => new LabError('NOT_FOUND', `Comparison ${id} does not exist (it may have been deleted).`, { field: 'id', value: id });

function summary(row: Omit<ComparisonRow, 'statistics'>, existing: Set<number>): ComparisonSummary {
  const runIds = JSON.parse(row.run_ids) as number[];
  return {
    id: row.id,
    name: row.name,
    runIds,
    missingRunIds: runIds.filter((id) => !existing.has(id)),
    methodCount: row.method_count ?? 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** JSON with non-finite numbers as null (the contract's "cannot be computed"). */
function storedJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

/** Labels: the method's name (or run name), with the run id where two methods would read alike. */
function labelled(gathered: Gathered[]): ComparedMethod[] {
  const plain = gathered.map((g) => {
    const name = g.method ?? g.runName ?? `${g.kind} #${g.runId}`;
    return g.runIds.length > 1 ? `${name} (${g.runIds.length} runs)` : name;
  });
  return gathered.map(({ bySeed, joinKey: _, ...g }, i) => {
    const seeds = [...bySeed.keys()].sort((a, b) => a - b);
    const names = new Set<string>();
    for (const { values } of bySeed.values()) for (const name of values.keys()) names.add(name);
    const values: Record<string, (number | null)[]> = {};
    const stats: ComparedMethod['summary'] = {};
    for (const name of names) {
      values[name] = seeds.map((s) => finiteOrNull(bySeed.get(s)?.values.get(name)));
      const present = values[name].filter((v): v is number => v !== null);
      const ms = meanSd(present);
      stats[name] = { mean: ms.n > 0 ? ms.mean : null, sd: ms.n > 1 ? ms.sd : null, n: ms.n };
    }
    const clash = plain.filter((p) => p === plain[i]).length > 1;
    const seedRunIds = seeds.map((s) => bySeed.get(s)!.runId);
    return { ...g, label: clash ? `${plain[i]} (#${g.runId})` : plain[i], seeds, seedRunIds, values, summary: stats };
  });
}

/**
 * Runs of one kind, dataset and configuration that differ only in their seed (e.g. a training repeated with seeds 1
 * to 5) are one method measured over those seeds, so that they pair with another method's seeds. A seed two of them
 * share keeps them apart (they are repeats, not seeds of one method).
 */
function joinSeedRuns(gathered: Gathered[]): Gathered[] {
  const out: Gathered[] = [];
  const open = new Map<string, Gathered>();
  for (const g of gathered) {
    const into = g.joinKey === null ? undefined : open.get(g.joinKey);
    if (into && [...g.bySeed.keys()].every((seed) => !into.bySeed.has(seed))) {
      for (const [seed, entry] of g.bySeed) into.bySeed.set(seed, entry);
      into.runIds.push(...g.runIds);
      into.key = `${into.key}+${g.key}`;
      continue;
    }
    const copy = { ...g, runIds: [...g.runIds], bySeed: new Map(g.bySeed) };
    if (g.joinKey !== null && !into) open.set(g.joinKey, copy);
    out.push(copy);
  }
  return out;
}

/** A JSON-ready copy of a value with object keys sorted, so equal configurations give equal text. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
  );
}

const finiteOrNull = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Metrics every method has a value of (for some seed). */
function sharedMetrics(methods: ComparedMethod[]): string[] {
  const has = (m: ComparedMethod, name: string) => m.values[name]?.some((v) => v !== null) ?? false;
  return Object.keys(methods[0].values).filter((name) => methods.every((m) => has(m, name)));
}

function orderMetrics(names: string[]): string[] {
  const rank = (name: string) => {
    const exact = METRIC_ORDER.indexOf(name);
    if (exact >= 0) return exact;
    const family = METRIC_ORDER.findIndex((p) => p.endsWith('/') && name.startsWith(p));
    return family >= 0 ? family : METRIC_ORDER.length;
  };
  // Within a family (and among the rest) by name: metrics are read by name, so the recording order is not known here.
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function comparePair(a: ComparedMethod, b: ComparedMethod, metrics: string[]): PairComparison {
  const inB = new Set(b.seeds);
  const common = a.seeds.filter((s) => inB.has(s));
  if (common.length === 0) {
    return {
      a: a.key,
      b: b.key,
      seeds: [],
      metrics: [],
      reason: `${a.label} (${seedList(a.seeds)}) and ${b.label} (${seedList(b.seeds)}) share no seed: nothing to pair`,
    };
  }
  // Where each common seed sits in a's and b's values (looked up once per pair, not per metric and seed).
  const at = (m: ComparedMethod) => {
    const index = new Map(m.seeds.map((seed, i) => [seed, i]));
    return common.map((seed) => index.get(seed)!);
  };
  const aAt = at(a);
  const bAt = at(b);
  return { a: a.key, b: b.key, seeds: common, metrics: metrics.map((metric) => compareMetric(a, b, metric, common, aAt, bAt)) };
}

function compareMetric(a: ComparedMethod, b: ComparedMethod, metric: string, common: number[], aAt: number[], bAt: number[]): MetricComparison {
  const seeds: number[] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < common.length; k++) {
    const seed = common[k];
    const x = a.values[metric][aAt[k]];
    const y = b.values[metric][bAt[k]];
    if (x === null || y === null) continue;
    seeds.push(seed);
    xs.push(x);
    ys.push(y);
  }
  const side = (v: number[]) => {
    const ms = meanSd(v);
    return { mean: ms.n > 0 ? ms.mean : null, sd: ms.n > 1 ? ms.sd : null };
  };
  return { metric, seeds, a: side(xs), b: side(ys), wilcoxon: wilcoxonSignedRank(xs, ys), pairedT: pairedTTest(xs, ys), pitmanMorgan: pitmanMorgan(xs, ys) };
}

function warningsOf(methods: ComparedMethod[]): string[] {
  const warnings: string[] = [];
  const distinct = (f: (m: ComparedMethod) => string | null) => [...new Set(methods.map(f).filter((v): v is string => v !== null))];
  const datasets = distinct((m) => m.datasetName);
  if (datasets.length > 1)
    warnings.push(`The runs use different datasets (${datasets.join(', ')}): seeds are paired by number only, so the tests compare unlike results.`);
  const masks = distinct((m) => m.mask);
  if (masks.length > 1) warnings.push(`The runs hide different cells (masks ${masks.join(', ')}): the same seed does not mask the same cells.`);
  const seedSets = distinct((m) => seedList(m.seeds));
  if (seedSets.length > 1) {
    warnings.push(
      `Not every method has the same seeds (${methods.map((m) => `${m.label}: ${seedList(m.seeds)}`).join('; ')}): each pair is tested over the seeds both have.`,
    );
  }
  return warnings;
}

function seedList(seeds: number[]): string {
  if (seeds.length === 0) return 'no seeds';
  const shown = seeds.length > 12 ? `${seeds.slice(0, 12).join(', ')}... (${seeds.length})` : seeds.join(', ');
  return `seed${seeds.length === 1 ? '' : 's'} ${shown}`;
}

function maskText(mask: unknown): string | null {
  if (typeof mask !== 'object' || mask === null) return null;
  const m = mask as { mechanism?: unknown; rate?: unknown };
  return typeof m.mechanism === 'string' ? `${m.mechanism} ${String(m.rate ?? '')}`.trim() : null;
}

/** A configuration as flat dotted keys -> text: nested objects walked, lists of plain values joined. */
export function flatConfig(config: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (config === null || config === undefined) return out;
  if (Array.isArray(config) && config.every((v) => typeof v !== 'object' || v === null)) {
    out[prefix] = clip(config.join(', '));
  } else if (typeof config === 'object') {
    for (const [k, v] of Object.entries(config)) flatConfig(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = clip(String(config));
  }
  return out;
}

const clip = (text: string) => (text.length > MAX_CONFIG_TEXT ? `${text.slice(0, MAX_CONFIG_TEXT - 1)}…` : text);
