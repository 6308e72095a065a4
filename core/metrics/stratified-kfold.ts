import { InvalidInputError } from '../errors.ts';
import { createRng, shuffle } from '../random.ts';

/**
 * Stratified k-fold: the fold (0..k-1) of each row. Each class's rows are shuffled (seeded) and dealt round-robin,
 * continuing where the previous class stopped, so folds differ in size by at most one and keep the class shares.
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2)
    throw new InvalidInputError(`folds must be an integer of at least 2; got ${k}`, { field: 'folds', value: k, allowed: 'an integer >= 2' });
  if (labels.length < k) {
    throw new InvalidInputError(`${k}-fold cross-validation needs at least ${k} rows; the table has ${labels.length}. Use fewer folds.`, {
      field: 'folds',
      value: k,
      allowed: `2 to ${labels.length}`,
    });
  }
  const rng = createRng(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]) ?? [];
    list.push(i);
    byClass.set(labels[i], list);
  }
  const folds = new Int32Array(labels.length);
  let next = 0;
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(cls)!;
    shuffle(rng, rows);
    for (const i of rows) {
      folds[i] = next;
      next = (next + 1) % k;
    }
  }
  return folds;
}
