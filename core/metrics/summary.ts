/** Mean and sample standard deviation (n - 1; 0 for one value; NaN for none). NaN values are left out. */
export function meanSd(values: ArrayLike<number>): { mean: number; sd: number; n: number } {
  let n = 0;
  let mean = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== values[i]) continue;
    mean += values[i];
    n++;
  }
  if (n === 0) return { mean: NaN, sd: NaN, n };
  mean /= n;
  let ss = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) ss += (values[i] - mean) ** 2;
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n };
}
