/** Proportion falsely classified: the share of paired category codes that differ (NaN when there are none). */
export function pfc(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  if (predicted.length !== actual.length) throw new RangeError(`pfc: ${predicted.length} predictions for ${actual.length} values`);
  let wrong = 0;
  for (let i = 0; i < actual.length; i++) if (predicted[i] !== actual[i]) wrong++;
  return actual.length > 0 ? wrong / actual.length : NaN;
}
