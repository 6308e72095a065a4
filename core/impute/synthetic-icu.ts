// A seeded generator of MIMIC-III-like ICU tables, for tests, benchmarks and demonstrations. SYNTHETIC: no real
// patient is in it (MIMIC-III itself is credentialed and never bundled). Each patient has a latent severity s ~ N(0, 1)
// (slightly higher with age) and one latent factor per organ system (circulation, kidney, lung, inflammation,
// blood) that move 17 vitals and labs in their clinical direction (e.g. higher heart rate,
// lactate and creatinine, lower pressure, GCS and bicarbonate), with realistic ranges, units and rounding; in-hospital
// death follows a logistic model of severity and age (about 12%). Missingness is realistic: vitals are rarely
// missing; the lab panel is drawn (or not) as a whole, more often missing for less severe patients; lactate is
// measured mostly in the sicker; a few cells are missing at random.
import type { DataColumn, Dataset } from '../data/types.ts';
import { InvalidInputError } from '../errors.ts';
import { MAX_SYNTH_ROWS } from '../limits.ts';
import { createRng } from '../random.ts';

type System = 'circulation' | 'kidney' | 'lung' | 'inflammation' | 'blood';
const SYSTEMS: System[] = ['circulation', 'kidney', 'lung', 'inflammation', 'blood'];

interface Variable {
  name: string;
  /** Mean and sd of the healthy-ish population (severity 0), in the variable's units. */
  mean: number;
  sd: number;
  /** Change per unit of severity, in sds (sign: clinical direction). */
  loading: number;
  /** Organ system whose own latent factor also moves it, and by how much (in sds). */
  system?: System;
  systemLoading?: number;
  /** Log-normal: the above on the log scale. */
  log?: boolean;
  min: number;
  max: number;
  /** Decimal places as charted. */
  digits: number;
  lab: boolean;
}

/** The variables, their units (in the name's comment) and ranges. */
const VARIABLES: Variable[] = [
  { name: 'heart_rate', system: 'circulation', systemLoading: 0.4, mean: 86, sd: 15, loading: 0.6, min: 30, max: 220, digits: 0, lab: false }, // beats/min
  { name: 'sbp', system: 'circulation', systemLoading: -0.7, mean: 122, sd: 20, loading: -0.5, min: 50, max: 250, digits: 0, lab: false }, // mmHg
  { name: 'dbp', system: 'circulation', systemLoading: -0.65, mean: 64, sd: 12, loading: -0.45, min: 20, max: 150, digits: 0, lab: false }, // mmHg
  { name: 'resp_rate', system: 'lung', systemLoading: 0.6, mean: 18, sd: 4.5, loading: 0.55, min: 5, max: 60, digits: 0, lab: false }, // breaths/min
  { name: 'temperature', system: 'inflammation', systemLoading: 0.5, mean: 36.9, sd: 0.6, loading: 0.25, min: 33, max: 42, digits: 1, lab: false }, // degrees C
  { name: 'spo2', system: 'lung', systemLoading: -0.6, mean: 97, sd: 2, loading: -0.5, min: 60, max: 100, digits: 0, lab: false }, // %
  { name: 'glucose', mean: Math.log(130), sd: 0.3, loading: 0.3, log: true, min: 30, max: 1000, digits: 0, lab: true }, // mg/dL
  { name: 'gcs', mean: 14, sd: 1.5, loading: -0.8, min: 3, max: 15, digits: 0, lab: false }, // Glasgow coma scale
  { name: 'creatinine', system: 'kidney', systemLoading: 0.7, mean: Math.log(1.0), sd: 0.45, loading: 0.5, log: true, min: 0.2, max: 15, digits: 1, lab: true }, // mg/dL
  { name: 'bun', system: 'kidney', systemLoading: 0.65, mean: Math.log(20), sd: 0.55, loading: 0.5, log: true, min: 2, max: 200, digits: 0, lab: true }, // mg/dL
  { name: 'wbc', system: 'inflammation', systemLoading: 0.55, mean: Math.log(10), sd: 0.4, loading: 0.4, log: true, min: 0.5, max: 100, digits: 1, lab: true }, // 10^3/uL
  { name: 'hemoglobin', system: 'blood', systemLoading: 0.6, mean: 11.2, sd: 1.9, loading: -0.35, min: 4, max: 20, digits: 1, lab: true }, // g/dL
  { name: 'platelets', system: 'blood', systemLoading: 0.5, mean: Math.log(210), sd: 0.45, loading: -0.3, log: true, min: 5, max: 1000, digits: 0, lab: true }, // 10^3/uL
  { name: 'sodium', mean: 138.5, sd: 4.5, loading: -0.1, min: 110, max: 170, digits: 0, lab: true }, // mmol/L
  { name: 'potassium', system: 'kidney', systemLoading: 0.45, mean: 4.1, sd: 0.6, loading: 0.2, min: 2, max: 8, digits: 1, lab: true }, // mmol/L
  { name: 'bicarbonate', system: 'kidney', systemLoading: -0.4, mean: 24.5, sd: 4, loading: -0.55, min: 5, max: 45, digits: 0, lab: true }, // mmol/L
  {
    name: 'lactate',
    system: 'circulation',
    systemLoading: 0.35,
    mean: Math.log(1.8),
    sd: 0.5,
    loading: 0.65,
    log: true,
    min: 0.3,
    max: 25,
    digits: 1,
    lab: true,
  }, // mmol/L
];

export interface SyntheticIcu {
  dataset: Dataset;
  /** Where the table came from, for the dataset's source field and every display of it. */
  source: string;
}

export function syntheticIcuSource(rows: number, seed: number): string {
  return `SYNTHETIC ICU data (QNN Lab generator, ${rows} rows, seed ${seed}): no real patients; MIMIC-III-like vitals, labs and in-hospital death`;
}

/** Whether a dataset's source field marks generated data ('synthetic', or this generator's source): reports then say so. */
export function isSyntheticSource(source: string | null | undefined): boolean {
  return source === 'synthetic' || (source ?? '').startsWith('SYNTHETIC ');
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));

export function syntheticIcu(rows: number, seed: number): SyntheticIcu {
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_SYNTH_ROWS) {
    throw new InvalidInputError(`rows must be an integer between 1 and ${MAX_SYNTH_ROWS}; got ${String(rows)}.`, {
      field: 'rows',
      value: rows,
      allowed: `1 to ${MAX_SYNTH_ROWS}`,
    });
  }
  if (!Number.isFinite(seed)) throw new InvalidInputError(`seed must be a finite number; got ${String(seed)}.`, { field: 'seed', value: seed });
  const rng = createRng(seed);
  const id = new Float64Array(rows);
  const age = new Float64Array(rows);
  const death = new Float64Array(rows);
  const values = VARIABLES.map(() => new Float64Array(rows));
  for (let i = 0; i < rows; i++) {
    id[i] = i + 1;
    const a = Math.min(95, Math.max(18, 64 + 16 * rng.normal()));
    age[i] = Math.round(a);
    const severity = 0.25 * ((a - 64) / 16) + rng.normal();
    // Labs are drawn as a panel: less often for less severe patients; lactate mostly for the sicker.
    const labsMissing = rng.next() < sigmoid(-1.6 - 0.9 * severity);
    const lactateMissing = rng.next() < sigmoid(0.4 - 1.3 * severity);
    const factors = new Map(SYSTEMS.map((name) => [name, rng.normal()]));
    VARIABLES.forEach((v, k) => {
      const f = v.system ? (v.systemLoading ?? 0) : 0;
      const shared = v.loading * severity + (v.system ? f * factors.get(v.system)! : 0);
      let x = v.mean + v.sd * (shared + Math.sqrt(Math.max(0.05, 1 - v.loading * v.loading - f * f)) * rng.normal());
      if (v.log) x = Math.exp(x);
      let value = round(Math.min(v.max, Math.max(v.min, x)), v.digits);
      const missing = (v.lab && labsMissing) || (v.name === 'lactate' && lactateMissing) || rng.next() < (v.lab ? 0.03 : v.name === 'gcs' ? 0.08 : 0.015);
      if (v.name === 'dbp' && !Number.isNaN(values[1][i])) value = Math.min(value, values[1][i] - 10);
      values[k][i] = missing ? NaN : value;
    });
    death[i] = rng.next() < sigmoid(-2.9 + 1.5 * severity + 0.35 * ((a - 64) / 16)) ? 1 : 0;
  }
  const numeric = (name: string, v: Float64Array, role: DataColumn['role'] = 'feature'): DataColumn => ({
    name,
    type: 'numeric',
    role,
    values: v,
    categories: null,
  });
  const columns: DataColumn[] = [
    numeric('id', id, 'identifier'),
    numeric('age', age),
    ...VARIABLES.map((v, k) => numeric(v.name, values[k])),
    { name: 'death', type: 'binary', role: 'outcome', values: death, categories: null },
  ];
  const source = syntheticIcuSource(rows, seed);
  return { dataset: { rows, columns, delimiter: ',', missingTokens: [], warnings: [] }, source };
}
