// The evaluation protocol's masks (METHOD.md section 8): hide a share `rate` of the OBSERVED cells of chosen columns,
// seeded, so that an imputer can be scored on exactly those cells. Following HyperImpute's benchmark
// (plugins/utils/simulate.py, after Muzellec et al.):
//   mcar : uniform; exactly round(rate x observed) cells of each column (so the realised rate is the asked one).
//   mar  : a logistic model of the fully observed feature columns (the drivers, standardised, never masked):
//          positive uniform random weights scaled so the linear predictor has unit variance, the intercept found by
//          bisection so that the mean probability over the column's observed cells is `rate`; then Bernoulli.
//   mnar : self-masking: logistic in the (standardised) value itself, weight 1 (larger values go missing more
//          often), intercept by bisection as above; then Bernoulli.
// Every column keeps at least two observed cells (a model needs them): cells beyond that are unmasked at random.
import type { Dataset } from '../data/types.ts';
import { InvalidInputError } from '../errors.ts';
import { MASK_MECHANISMS, type MaskMechanism } from '../limits.ts';
import { createRng, deriveSeed, shuffle, type Rng } from '../random.ts';
import { type ColumnChoice, checkColumnNames, selectColumns } from './columns.ts';

export interface MaskOptions extends ColumnChoice {
  mechanism: MaskMechanism;
  rate: number;
  seed: number;
  /** Columns to mask (default: every feature column the imputers use; for mar, those not fully observed). */
  columns?: readonly string[];
}

export interface MaskedColumn {
  /** Index in the table. */
  index: number;
  name: string;
  /** Rows whose cell was hidden, increasing. */
  rows: Int32Array;
  /** The hidden (true) values. */
  truth: Float64Array;
  observedBefore: number;
}

export interface Mask {
  /** A copy of the table with the cells hidden (NaN). */
  masked: Dataset;
  columns: MaskedColumn[];
  mechanism: MaskMechanism;
  rate: number;
  /** Hidden cells / observed cells of the masked columns. */
  realisedRate: number;
  /** mar: the columns the missingness depends on. */
  drivers: string[];
}

export function checkMaskRate(rate: unknown): number {
  if (typeof rate !== 'number' || !(rate > 0 && rate < 1)) {
    throw new InvalidInputError(
      `The mask rate must be a number strictly between 0 and 1 (e.g. 0.2 hides a fifth of the observed cells); got ${String(rate)}.`,
      {
        field: 'mask.rate',
        value: rate,
        allowed: '0 < rate < 1',
      },
    );
  }
  return rate;
}

export function checkMaskMechanism(mechanism: unknown): MaskMechanism {
  if (!MASK_MECHANISMS.includes(mechanism as MaskMechanism)) {
    throw new InvalidInputError(`The mask mechanism must be one of ${MASK_MECHANISMS.join(', ')}; got ${String(mechanism)}.`, {
      field: 'mask.mechanism',
      value: mechanism,
      allowed: MASK_MECHANISMS.join(', '),
    });
  }
  return mechanism as MaskMechanism;
}

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));

/** The intercept b in [-50, 50] with mean(sigmoid(eta + b)) = rate (bisection, as HyperImpute's fit_intercepts). */
function interceptFor(eta: Float64Array, rate: number): number {
  let lo = -50;
  let hi = 50;
  for (let it = 0; it < 100; it++) {
    const mid = (lo + hi) / 2;
    let mean = 0;
    for (const e of eta) mean += sigmoid(e + mid);
    if (mean / eta.length < rate) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function standardised(values: Float64Array, rows: ArrayLike<number>): Float64Array {
  let mean = 0;
  for (let k = 0; k < rows.length; k++) mean += values[rows[k]] / rows.length;
  let v = 0;
  for (let k = 0; k < rows.length; k++) v += (values[rows[k]] - mean) ** 2 / rows.length;
  const sd = v > 0 ? Math.sqrt(v) : 1;
  return Float64Array.from(values, (x) => (x - mean) / sd);
}

export function maskTable(table: Dataset, options: MaskOptions): Mask {
  const mechanism = checkMaskMechanism(options.mechanism);
  const rate = checkMaskRate(options.rate);
  const { active } = selectColumns(table, options);
  const observedRows = (index: number) => {
    const out: number[] = [];
    table.columns[index].values.forEach((v, i) => v === v && out.push(i));
    return Int32Array.from(out);
  };
  let chosen = active;
  if (options.columns) {
    checkColumnNames(table, options.columns, 'mask.columns');
    const names = new Set(options.columns);
    const unusable = options.columns.filter((n) => !active.some((c) => c.name === n));
    if (unusable.length > 0) {
      throw new InvalidInputError(
        `mask.columns: ${unusable.map((n) => `"${n}"`).join(', ')} cannot be masked: the outcome, identifiers and excluded columns are never imputed.`,
        {
          field: 'mask.columns',
          value: unusable,
        },
      );
    }
    chosen = active.filter((c) => names.has(c.name));
  }
  let drivers: typeof active = [];
  if (mechanism === 'mar') {
    drivers = active.filter((c) => c.missing === 0 && !(options.columns ?? []).includes(c.name));
    if (drivers.length === 0) {
      throw new InvalidInputError(
        'MAR masking needs at least one fully observed feature column (outside the masked columns) for the missingness to depend on; this table has none. Use mcar or mnar.',
        {
          field: 'mask.mechanism',
          value: mechanism,
        },
      );
    }
    const driverNames = new Set(drivers.map((c) => c.name));
    chosen = chosen.filter((c) => !driverNames.has(c.name));
  }
  const rng = createRng(deriveSeed(options.seed, 0x6d61736b));
  const all = Int32Array.from({ length: table.rows }, (_, i) => i);
  const driverZ = drivers.map((c) => standardised(table.columns[c.index].values, all));
  const columns: MaskedColumn[] = [];
  for (const c of chosen) {
    const values = table.columns[c.index].values;
    const obs = observedRows(c.index);
    if (obs.length <= 2) continue;
    let hide: number[];
    if (mechanism === 'mcar') {
      const order = Array.from(obs);
      shuffle(rng, order);
      hide = order.slice(0, Math.round(rate * obs.length));
    } else {
      const eta = new Float64Array(obs.length);
      if (mechanism === 'mar') {
        const w = driverZ.map(() => rng.next());
        obs.forEach((i, k) => driverZ.forEach((z, d) => (eta[k] += w[d] * z[i])));
        const sd = Math.sqrt(eta.reduce((s, e) => s + e * e, 0) / eta.length - (eta.reduce((s, e) => s + e, 0) / eta.length) ** 2) || 1;
        for (let k = 0; k < eta.length; k++) eta[k] /= sd;
      } else {
        const z = standardised(values, obs);
        obs.forEach((i, k) => (eta[k] = z[i]));
      }
      const b = interceptFor(eta, rate);
      hide = Array.from(obs).filter((_, k) => rng.next() < sigmoid(eta[k] + b));
    }
    hide = keepTwoObserved(hide, obs.length, rng).sort((a, b) => a - b);
    if (hide.length === 0) continue;
    const rows = Int32Array.from(hide);
    columns.push({ index: c.index, name: c.name, rows, truth: Float64Array.from(rows, (i) => values[i]), observedBefore: obs.length });
  }
  const masked: Dataset = { ...table, columns: table.columns.map((c) => ({ ...c, values: Float64Array.from(c.values) })), warnings: [...table.warnings] };
  for (const m of columns) for (const i of m.rows) masked.columns[m.index].values[i] = NaN;
  const hidden = columns.reduce((s, m) => s + m.rows.length, 0);
  const observed = chosen.reduce((s, c) => s + (table.rows - c.missing), 0);
  return { masked, columns, mechanism, rate, realisedRate: observed > 0 ? hidden / observed : 0, drivers: drivers.map((c) => c.name) };
}

function keepTwoObserved(hide: number[], observed: number, rng: Rng): number[] {
  const excess = hide.length - (observed - 2);
  if (excess <= 0) return hide;
  shuffle(rng, hide);
  return hide.slice(excess);
}
