/** Root mean squared error between paired values (NaN when there are none). */
export function rmse(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  if (predicted.length !== actual.length) throw new RangeError(`rmse: ${predicted.length} predictions for ${actual.length} values`);
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (predicted[i] - actual[i]) ** 2;
  return actual.length > 0 ? Math.sqrt(s / actual.length) : NaN;
}
