// Scores of an imputation on exactly the masked cells (METHOD.md section 8). Numeric columns: RMSE, NRMSE (RMSE / the
// sample sd of the column's observed values in the unmasked table) and the 1-D Wasserstein distance between the
// imputed and the true values; categorical and binary columns: the proportion falsely classified. Overall: RMSE over
// every masked numeric cell (in mixed units, as asked; NRMSE is the comparable figure), NRMSE as the root mean square
// of the standardised errors over those cells, and PFC over every masked categorical cell.
import type { Dataset } from '../data/types.ts';
import { meanSd } from '../metrics/summary.ts';
import { nrmse } from '../metrics/nrmse.ts';
import { pfc } from '../metrics/pfc.ts';
import { rmse } from '../metrics/rmse.ts';
import { wasserstein1d } from '../metrics/wasserstein.ts';
import type { Mask } from './masking.ts';

export interface ColumnScore {
  column: string;
  kind: 'numeric' | 'categorical';
  cells: number;
  rmse: number | null;
  nrmse: number | null;
  wasserstein: number | null;
  pfc: number | null;
}

export interface MaskScore {
  rmse: number | null;
  nrmse: number | null;
  pfc: number | null;
  numericCells: number;
  categoricalCells: number;
  columns: ColumnScore[];
}

const orNull = (v: number) => (Number.isFinite(v) ? v : null);

/** `original`: the unmasked table (for the observed sd); `completed`: the imputed masked table. */
export function scoreMask(original: Dataset, completed: Dataset, mask: Mask): MaskScore {
  const columns: ColumnScore[] = [];
  let squared = 0;
  let standardised = 0;
  let numericCells = 0;
  let wrong = 0;
  let categoricalCells = 0;
  for (const m of mask.columns) {
    const col = original.columns[m.index];
    const imputed = Float64Array.from(m.rows, (i) => completed.columns[m.index].values[i]);
    if (col.type === 'numeric') {
      const sd = meanSd(col.values).sd;
      const r = rmse(imputed, m.truth);
      columns.push({
        column: m.name,
        kind: 'numeric',
        cells: m.rows.length,
        rmse: orNull(r),
        nrmse: orNull(nrmse(imputed, m.truth, sd)),
        wasserstein: orNull(wasserstein1d(imputed, m.truth)),
        pfc: null,
      });
      imputed.forEach((v, k) => {
        squared += (v - m.truth[k]) ** 2;
        standardised += ((v - m.truth[k]) / sd) ** 2;
      });
      numericCells += m.rows.length;
    } else {
      const p = pfc(imputed, m.truth);
      columns.push({ column: m.name, kind: 'categorical', cells: m.rows.length, rmse: null, nrmse: null, wasserstein: null, pfc: orNull(p) });
      wrong += p * m.rows.length;
      categoricalCells += m.rows.length;
    }
  }
  return {
    rmse: numericCells > 0 ? orNull(Math.sqrt(squared / numericCells)) : null,
    nrmse: numericCells > 0 ? orNull(Math.sqrt(standardised / numericCells)) : null,
    pfc: categoricalCells > 0 ? wrong / categoricalCells : null,
    numericCells,
    categoricalCells,
    columns,
  };
}
