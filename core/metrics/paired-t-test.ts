import { CONFIDENCE_LEVEL } from '../limits.ts';
import { studentTQuantile, studentTTwoSided } from './distributions.ts';
import { pairedSamples } from './paired-samples.ts';
import { meanSd } from './summary.ts';

export interface PairedTResult {
  n: number;
  df: number;
  /** Mean and sample sd (n - 1) of the differences a - b. */
  meanDifference: number | null;
  sdDifference: number | null;
  t: number | null;
  /** Two-sided p-value; null when the test is undefined (then `reason` says why). */
  p: number | null;
  /** Cohen's d_z: the mean difference over the sd of the differences. */
  cohensDz: number | null;
  /** The CONFIDENCE_LEVEL (95%) interval of the mean difference: mean -+ t(0.975, n - 1) sd / sqrt(n). */
  ci: [number, number] | null;
  reason?: string;
}

/**
 * Paired t-test of a and b (two-sided, H0: mean of a - b is 0), as scipy.stats.ttest_rel. Fewer than two pairs:
 * everything null but the mean. Differences that do not vary (sd 0, e.g. all zero): t, p, d_z and the interval null
 * with a reason, since t is 0/0 or infinite.
 */
export function pairedTTest(a: ArrayLike<number>, b: ArrayLike<number>): PairedTResult {
  const s = pairedSamples(a, b);
  const n = s.a.length;
  const { mean, sd } = meanSd(s.a.map((x, i) => x - s.b[i]));
  const df = n - 1;
  const none = { n, df: Math.max(df, 0), meanDifference: n > 0 ? mean : null, sdDifference: n > 1 ? sd : null, t: null, p: null, cohensDz: null, ci: null };
  if (n < 2) return { ...none, reason: `a paired test needs at least 2 pairs; there ${n === 1 ? 'is 1' : `are ${n}`}` };
  if (sd === 0) return { ...none, reason: `the differences do not vary (every one is ${mean}): the t statistic is undefined` };
  const se = sd / Math.sqrt(n);
  const t = mean / se;
  const half = studentTQuantile(1 - (1 - CONFIDENCE_LEVEL) / 2, df) * se;
  return { n, df, meanDifference: mean, sdDifference: sd, t, p: studentTTwoSided(t, df), cohensDz: mean / sd, ci: [mean - half, mean + half] };
}
