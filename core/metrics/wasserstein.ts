/**
 * 1-D Wasserstein (earth mover's) distance between two samples: the integral of |F - G| of their empirical CDFs
 * (as scipy.stats.wasserstein_distance). Samples may differ in size.
 */
export function wasserstein1d(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || b.length === 0) return NaN;
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let prev = Math.min(x[0], y[0]);
  let distance = 0;
  while (i < x.length || j < y.length) {
    const next = j >= y.length || (i < x.length && x[i] <= y[j]) ? x[i] : y[j];
    distance += Math.abs(i / x.length - j / y.length) * (next - prev);
    prev = next;
    while (i < x.length && x[i] === next) i++;
    while (j < y.length && y[j] === next) j++;
  }
  return distance;
}
