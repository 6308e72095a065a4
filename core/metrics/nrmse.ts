import { rmse } from './rmse.ts';

/** RMSE divided by `scale`, the sample standard deviation of the column's observed values (METHOD.md section 8). */
export function nrmse(predicted: ArrayLike<number>, actual: ArrayLike<number>, scale: number): number {
  return rmse(predicted, actual) / scale;
}
