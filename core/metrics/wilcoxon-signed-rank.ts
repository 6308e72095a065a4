import { WILCOXON_EXACT_MAX_PAIRS } from '../limits.ts';
import { normalTwoSided } from './distributions.ts';
import { pairedSamples } from './paired-samples.ts';

export interface WilcoxonResult {
  /** Pairs given, and pairs tested (zero differences are dropped, scipy's zero_method 'wilcox'). */
  pairs: number;
  n: number;
  /** Sums of the ranks of |a - b| over positive and negative differences. */
  wPlus: number;
  wMinus: number;
  /** The two-sided statistic min(W+, W-), as scipy.stats.wilcoxon reports it. */
  statistic: number;
  /** 'exact' (the null distribution of W+ enumerated) or 'normal' (approximation with tie and continuity correction). */
  method: 'exact' | 'normal';
  /** z of the normal approximation (<= 0); null when exact. */
  z: number | null;
  /** Two-sided p-value; null when the test is undefined (then `reason` says why). */
  p: number | null;
  /**
   * Effect size: the matched-pairs rank-biserial correlation (W+ - W-) / (W+ + W-) (Kerby 2014), in [-1, 1], positive
   * when a tends to exceed b. Chosen over z / sqrt(n) because it is defined for the exact test too and reads as "the
   * share of rank mass favouring a minus that favouring b".
   */
  rankBiserial: number | null;
  reason?: string;
}

/**
 * Wilcoxon signed-rank test of paired samples a and b (two-sided, H0: the differences a - b are symmetric about 0),
 * as scipy.stats.wilcoxon(a, b, zero_method='wilcox', correction=True): zero differences are dropped; ties share
 * their average rank; the p-value is exact for up to WILCOXON_EXACT_MAX_PAIRS pairs without ties or zeros (scipy's
 * method 'auto' too), otherwise from the normal approximation with the tie correction of the variance and a
 * continuity correction (where scipy 1.17's 'auto' runs a permutation test for 13 pairs or fewer with ties, this keeps
 * the normal approximation: deterministic and cheap). Fewer than two pairs, or every difference zero: p null with a
 * reason.
 */
export function wilcoxonSignedRank(a: ArrayLike<number>, b: ArrayLike<number>): WilcoxonResult {
  const s = pairedSamples(a, b);
  const pairs = s.a.length;
  const d = s.a.map((x, i) => x - s.b[i]).filter((x) => x !== 0);
  const n = d.length;
  const base = { pairs, n, wPlus: 0, wMinus: 0, statistic: 0, method: 'exact' as const, z: null, p: null, rankBiserial: null };
  if (pairs < 2) return { ...base, reason: `a paired test needs at least 2 pairs; there ${pairs === 1 ? 'is 1' : `are ${pairs}`}` };
  if (n === 0) return { ...base, reason: `every one of the ${pairs} differences is zero: there is nothing to rank` };

  const { ranks, tieGroups } = averageRanks(d.map(Math.abs));
  let wPlus = 0;
  for (let i = 0; i < n; i++) if (d[i] > 0) wPlus += ranks[i];
  const total = (n * (n + 1)) / 2;
  const wMinus = total - wPlus;
  const statistic = Math.min(wPlus, wMinus);
  const rankBiserial = (wPlus - wMinus) / total;
  const exact = n <= WILCOXON_EXACT_MAX_PAIRS && tieGroups.length === 0 && n === pairs;
  if (exact) return { pairs, n, wPlus, wMinus, statistic, method: 'exact', z: null, p: exactTwoSided(n, statistic), rankBiserial };

  const mean = total / 2;
  const tieCorrection = tieGroups.reduce((sum, t) => sum + t * t * t - t, 0) / 48;
  // Positive for n >= 1 even when every |d| ties: n(n+1)(2n+1)/24 - (n^3 - n)/48 = n(n+1)(3n+3)/48.
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieCorrection);
  // Continuity correction towards the mean (statistic <= mean, so +0.5 unless it is the mean itself).
  const z = (statistic - mean + 0.5 * Math.sign(mean - statistic)) / sd;
  return { pairs, n, wPlus, wMinus, statistic, method: 'normal', z, p: normalTwoSided(z), rankBiserial };
}

/** Average ranks (1-based) of values, and the sizes of the groups of tied values (2 or more). */
function averageRanks(values: number[]): { ranks: number[]; tieGroups: number[] } {
  const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
  const ranks = new Array<number>(values.length);
  const tieGroups: number[] = [];
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    if (end - start > 1) tieGroups.push(end - start);
    start = end;
  }
  return { ranks, tieGroups };
}

/**
 * Exact two-sided p-value 2 P(W+ <= w) under H0, from the number of subsets of the ranks 1..n with each sum (each of
 * the 2^n sign patterns equally likely). Counts reach 2^n, exact in doubles up to n = 53 (WILCOXON_EXACT_MAX_PAIRS is 50).
 */
function exactTwoSided(n: number, w: number): number {
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) for (let sum = (r * (r + 1)) / 2; sum >= r; sum--) counts[sum] += counts[sum - r];
  let below = 0;
  for (let sum = 0; sum <= Math.floor(w); sum++) below += counts[sum];
  return Math.min(1, (2 * below) / 2 ** n);
}
