// The distribution functions the paired tests need, from jstat (regularised incomplete beta by continued fractions,
// its inverse by Newton steps; erfc by Chebyshev series): one small package without dependencies, accurate to about
// 1e-8 absolute (the tests check p-values and intervals against scipy), plenty for p-values shown to 3 digits.
import jStat from 'jstat';

/** P(T <= t) for Student's t with df degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  return jStat.studentt.cdf(t, df);
}

/** The q-quantile of Student's t with df degrees of freedom (0 < q < 1). */
export function studentTQuantile(q: number, df: number): number {
  return jStat.studentt.inv(q, df);
}

/** Two-sided p-value of a t statistic: 2 P(T <= -|t|), from the lower tail so small p-values keep their digits. */
export function studentTTwoSided(t: number, df: number): number {
  return Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
}

/** Two-sided p-value of a standard normal z: 2 P(Z <= -|z|). */
export function normalTwoSided(z: number): number {
  return Math.min(1, 2 * jStat.normal.cdf(-Math.abs(z), 0, 1));
}
