import { meanSd } from './summary.ts';

/** Ratio of the sample variances of two sets of results (e.g. one method's AUC over seeds against another's). */
export function varianceRatio(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const sa = meanSd(a).sd;
  const sb = meanSd(b).sd;
  return (sa * sa) / (sb * sb);
}
