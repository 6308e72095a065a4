import { CONFIDENCE_LEVEL } from '../limits.ts';
import { studentTQuantile, studentTTwoSided } from './distributions.ts';
import { pairedSamples } from './paired-samples.ts';

export interface PitmanMorganResult {
  n: number;
  /** n - 2. */
  df: number;
  /** Sample variances (n - 1) of a and b, and their ratio var(a) / var(b). */
  varianceA: number | null;
  varianceB: number | null;
  ratio: number | null;
  /** Correlation of the sums a + b with the differences a - b: 0 exactly when the variances are equal. */
  r: number | null;
  /** t = r sqrt(n - 2) / sqrt(1 - r^2) with n - 2 degrees of freedom, and its two-sided p-value. */
  t: number | null;
  p: number | null;
  /** The CONFIDENCE_LEVEL (95%) interval of var(a) / var(b) that inverts the test (see pitmanMorgan). */
  ci: [number, number] | null;
  reason?: string;
}

/**
 * Pitman-Morgan test of equal variances of paired samples (Pitman 1939, Morgan 1939): var(a) = var(b) exactly when
 * cov(a + b, a - b) = 0, so the test is the t-test of the correlation r of sums and differences. Its interval for the
 * ratio F = var(a) / var(b) collects every ratio L the test does not reject (scaling b by sqrt(L)), which gives
 * F (K -+ sqrt(K^2 - 1)) with K = 1 + 2 (1 - r_ab^2) t^2 / (n - 2), r_ab the correlation of a and b and t the
 * 0.975 quantile of t with n - 2 df. Fewer than 3 pairs, or a sample that does not vary: null fields with a reason.
 */
export function pitmanMorgan(a: ArrayLike<number>, b: ArrayLike<number>): PitmanMorganResult {
  const s = pairedSamples(a, b);
  const n = s.a.length;
  const df = Math.max(n - 2, 0);
  const none = { n, df, varianceA: null, varianceB: null, ratio: null, r: null, t: null, p: null, ci: null };
  if (n < 3) return { ...none, reason: `a test of paired variances needs at least 3 pairs; there ${n === 1 ? 'is 1' : `are ${n}`}` };
  const ma = s.a.reduce((x, y) => x + y, 0) / n;
  const mb = s.b.reduce((x, y) => x + y, 0) / n;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let i = 0; i < n; i++) {
    saa += (s.a[i] - ma) ** 2;
    sbb += (s.b[i] - mb) ** 2;
    sab += (s.a[i] - ma) * (s.b[i] - mb);
  }
  const varianceA = saa / (n - 1);
  const varianceB = sbb / (n - 1);
  if (saa === 0 || sbb === 0) {
    const which = saa === 0 && sbb === 0 ? 'neither sample varies' : `sample ${saa === 0 ? 'a' : 'b'} does not vary`;
    return { ...none, varianceA, varianceB, ratio: sbb === 0 ? null : 0, reason: `${which}: the ratio of variances has no interval` };
  }
  const ratio = varianceA / varianceB;
  // cov(a + b, a - b) = Saa - Sbb; var(a + b) = Saa + Sbb + 2 Sab; var(a - b) = Saa + Sbb - 2 Sab.
  const sumVar = saa + sbb + 2 * sab;
  const diffVar = saa + sbb - 2 * sab;
  const rAb = Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
  const tCrit = studentTQuantile(1 - (1 - CONFIDENCE_LEVEL) / 2, n - 2);
  const k = 1 + (2 * (1 - rAb * rAb) * tCrit * tCrit) / (n - 2);
  const spread = Math.sqrt(Math.max(k * k - 1, 0));
  const ci: [number, number] = [ratio * (k - spread), ratio * (k + spread)];
  if (sumVar <= 0 || diffVar <= 0) {
    // a = +-b + c: the sums or the differences are constant, so r is 0/0 (and the ratio is exactly known).
    return { ...none, varianceA, varianceB, ratio, ci, reason: `the ${sumVar <= 0 ? 'sums' : 'differences'} of the pairs do not vary: r is undefined` };
  }
  const r = (saa - sbb) / Math.sqrt(sumVar * diffVar);
  if (Math.abs(r) >= 1) return { ...none, varianceA, varianceB, ratio, r, ci, reason: 'r is +-1: the t statistic is infinite' };
  const t = (r * Math.sqrt(n - 2)) / Math.sqrt(1 - r * r);
  return { n, df, varianceA, varianceB, ratio, r, t, p: studentTTwoSided(t, n - 2), ci };
}
