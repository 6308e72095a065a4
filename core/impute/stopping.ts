// When the chained-equations loop stops. Each rule sees, after every cycle, the imputed cells before and after it.
//   fixed      : run every cycle (R mice, deep-mice).
//   tolerance  : scikit-learn IterativeImputer: stop once the largest row sum of |change| is below
//                tol x max |observed value|; the cycle that met it is kept.
//   missforest : Stekhoven and Buhlmann: the normalised change of the numeric part (sum of squared changes / sum of
//                squares) and of the categorical part (share of cells that changed); stop when neither decreased, and
//                return the imputation before that cycle.

export type StoppingRule = { kind: 'fixed' } | { kind: 'tolerance'; tol: number } | { kind: 'missforest' };

export interface CycleChange {
  /** The rule's statistic(s) for this cycle, for the record. */
  change: number[];
  /** stop: keep this cycle and stop; stop-previous: discard this cycle, keep the one before. */
  decision: 'continue' | 'stop' | 'stop-previous';
}

export interface ColumnValues {
  values: Float64Array;
  categorical: boolean;
  /** Rows whose cells are imputed. */
  missingRows: Int32Array;
}

export class StoppingState {
  private previous: number[] | null = null;
  private readonly scale: number;

  constructor(
    private readonly rule: StoppingRule,
    columns: readonly ColumnValues[],
  ) {
    let maxAbs = 0;
    for (const c of columns) {
      const missing = new Uint8Array(c.values.length);
      for (const i of c.missingRows) missing[i] = 1;
      for (let i = 0; i < c.values.length; i++) if (!missing[i]) maxAbs = Math.max(maxAbs, Math.abs(c.values[i]));
    }
    this.scale = maxAbs;
  }

  /** Judges the cycle that turned `before` (imputed cells, column by column) into the current values. */
  judge(columns: readonly ColumnValues[], before: readonly Float64Array[], rows: number): CycleChange {
    if (this.rule.kind === 'fixed') return { change: [], decision: 'continue' };
    if (this.rule.kind === 'tolerance') {
      const rowSum = new Float64Array(rows);
      columns.forEach((c, j) => c.missingRows.forEach((i, k) => (rowSum[i] += Math.abs(c.values[i] - before[j][k]))));
      let inf = 0;
      for (const v of rowSum) inf = Math.max(inf, v);
      return { change: [inf], decision: inf < this.rule.tol * this.scale ? 'stop' : 'continue' };
    }
    let num = 0;
    let den = 0;
    let changed = 0;
    let numeric = 0;
    let categorical = 0;
    columns.forEach((c, j) => {
      if (c.categorical) categorical++;
      else numeric++;
      c.missingRows.forEach((i, k) => {
        if (c.categorical) changed += c.values[i] !== before[j][k] ? 1 : 0;
        else num += (c.values[i] - before[j][k]) ** 2;
      });
      if (!c.categorical) for (const v of c.values) den += v * v;
    });
    const current = [numeric > 0 ? num / (den || 1) : NaN, categorical > 0 ? changed / (rows * categorical) : NaN];
    const previous = this.previous;
    this.previous = current;
    if (!previous) return { change: current, decision: 'continue' };
    const decreased = current.some((v, t) => !Number.isNaN(v) && v < previous[t]);
    return { change: current, decision: decreased ? 'continue' : 'stop-previous' };
  }
}
