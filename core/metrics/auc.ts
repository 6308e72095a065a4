/**
 * Area under the ROC curve of `scores` for binary `labels` (1 = positive), by the Mann-Whitney U statistic with
 * mid-ranks, so tied scores count one half. NaN when one class is absent.
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  if (labels.length !== n) throw new RangeError(`auc: ${n} scores for ${labels.length} labels`);
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => scores[p] - scores[q]);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    const midRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (labels[order[k]] === 1) {
        positives++;
        rankSum += midRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
