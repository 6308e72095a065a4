import { describe, expect, it } from 'vitest';
import { StoppingState, type ColumnValues } from './stopping.ts';

/** One numeric and one categorical column of 4 rows; rows 2 and 3 are imputed. */
function columns(num: [number, number], cat: [number, number]): ColumnValues[] {
  return [
    { values: Float64Array.from([1, 3, ...num]), categorical: false, missingRows: Int32Array.from([2, 3]) },
    { values: Float64Array.from([0, 1, ...cat]), categorical: true, missingRows: Int32Array.from([2, 3]) },
  ];
}

describe('stopping rules', () => {
  it("missForest: continues while either part's normalised change decreases, then returns the previous imputation", () => {
    const s = new StoppingState({ kind: 'missforest' }, columns([2, 2], [0, 0]));
    // cycle 1: numeric change (4 + 0) / (1 + 9 + 16 + 4), categorical 1 of 4 x 1 cells
    let r = s.judge(columns([4, 2], [1, 0]), [Float64Array.from([2, 2]), Float64Array.from([0, 0])], 4);
    expect(r.change[0]).toBeCloseTo(4 / 30, 12);
    expect(r.change[1]).toBe(0.25);
    expect(r.decision).toBe('continue');
    // cycle 2: numeric smaller, categorical larger: continue
    r = s.judge(columns([4.1, 2], [0, 1]), [Float64Array.from([4, 2]), Float64Array.from([1, 0])], 4);
    expect(r.decision).toBe('continue');
    // cycle 3: both larger than cycle 2's: stop, keep the imputation before this cycle
    r = s.judge(columns([6, 2], [1, 0]), [Float64Array.from([4.1, 2]), Float64Array.from([0, 1])], 4);
    expect(r.decision).toBe('stop-previous');
  });

  it('tolerance (IterativeImputer): stops when the largest row sum of changes is below tol x max |observed|', () => {
    const s = new StoppingState({ kind: 'tolerance', tol: 0.1 }, columns([2, 2], [0, 0]));
    // max |observed| = 3, threshold 0.3; row 2 changes by 0.2 + 0 = 0.2 and row 3 by 0.05 + 1? categorical codes count too.
    expect(s.judge(columns([2.2, 2.05], [0, 1]), [Float64Array.from([2, 2]), Float64Array.from([0, 0])], 4)).toMatchObject({ decision: 'continue' });
    const r = s.judge(columns([2.1, 2.05], [0, 1]), [Float64Array.from([2.2, 2.05]), Float64Array.from([0, 1])], 4);
    expect(r.change[0]).toBeCloseTo(0.1, 12);
    expect(r.decision).toBe('stop');
  });
});
