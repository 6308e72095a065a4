// Downsampling a metric series for a chart: LTTB (largest triangle three buckets, from the `downsample` package) over
// each stretch of values between gaps. A null value is a gap: it never enters LTTB's buckets (a triangle with a
// missing corner means nothing); one null marks each run of nulls so that the chart breaks its line there, and no
// value is made up.
import { LTTB } from 'downsample';
import type { SeriesPoint } from '../../contract/runs.ts';

type Piece = { values: SeriesPoint[] } | { gap: SeriesPoint };

/** At most `maxPoints` (>= 3) of `points` (in step order), keeping the first and last point of every stretch of values. */
export function downsampleSeries(points: readonly SeriesPoint[], maxPoints: number): SeriesPoint[] {
  if (points.length <= maxPoints) return points.slice();
  const pieces: Piece[] = [];
  let valueCount = 0;
  for (const p of points) {
    const last = pieces[pieces.length - 1];
    if (p[1] === null) {
      if (!last || !('gap' in last)) pieces.push({ gap: p });
    } else {
      valueCount++;
      if (last && 'values' in last) last.values.push(p);
      else pieces.push({ values: [p] });
    }
  }
  const gaps = pieces.filter((p) => 'gap' in p).length;
  // Each stretch keeps at least its ends; the rest of the budget goes to the stretches by their length.
  const ends = (n: number) => Math.min(n, 2);
  const stretches = pieces.flatMap((p) => ('values' in p ? [p.values.length] : []));
  const minimum = stretches.reduce((sum, n) => sum + ends(n), 0);
  const budget = maxPoints - gaps;
  if (minimum > budget) return fragmented(points, maxPoints);
  const spare = budget - minimum;
  const spareWeight = valueCount - minimum;
  return pieces.flatMap((piece) => {
    if ('gap' in piece) return [piece.gap];
    const n = piece.values.length;
    const share = ends(n) + (spareWeight > 0 ? Math.floor((spare * (n - ends(n))) / spareWeight) : 0);
    if (share >= n) return piece.values;
    // downsample's LTTB returns the first two points, not the first and the last, when asked for two.
    if (share === 2) return [piece.values[0], piece.values[n - 1]];
    const picked: SeriesPoint[] = Array.from(LTTB(piece.values as [number, number][], share) as [number, number][]);
    // downsample 1.4 sizes its buckets in floating point: when (n - 2) / (share - 2) * (share - 2) falls short of
    // n - 2, its last bucket loses a point and it returns the last but one point in place of the last.
    picked[picked.length - 1] = piece.values[n - 1];
    return picked;
  });
}

/**
 * More gaps than a chart of maxPoints can show with lines: a scatter instead. The points fall into maxPoints / 3
 * buckets (by position); each gives its first value, with a null before it when a null precedes it in the bucket
 * and one after it when a null follows, so that no line crosses a gap.
 */
function fragmented(points: readonly SeriesPoint[], maxPoints: number): SeriesPoint[] {
  const buckets = Math.floor(maxPoints / 3);
  const out: SeriesPoint[] = [];
  const push = (p: SeriesPoint) => {
    const last = out[out.length - 1];
    if (!(p[1] === null && last && last[1] === null)) out.push(p);
  };
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * points.length) / buckets);
    const hi = Math.floor(((b + 1) * points.length) / buckets);
    const first = points.slice(lo, hi).findIndex((p) => p[1] !== null) + lo;
    if (first < lo) {
      push([points[lo][0], null]);
      continue;
    }
    if (first > lo) push([points[lo][0], null]);
    push(points[first]);
    const after = points.slice(first + 1, hi).find((p) => p[1] === null);
    if (after) push(after);
  }
  return out;
}
