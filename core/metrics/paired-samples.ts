import { InvalidInputError } from '../errors.ts';

/**
 * Checks two paired samples (the same seeds in the same order) and returns them as arrays: equal lengths and finite
 * values, else VALIDATION naming `a` or `b`. Every paired test starts here, so they refuse the same input alike.
 */
export function pairedSamples(a: ArrayLike<number>, b: ArrayLike<number>): { a: number[]; b: number[] } {
  if (a.length !== b.length) {
    throw new InvalidInputError(
      `Paired samples must have one value per pair: a has ${a.length} values and b has ${b.length}. Pass the values of the same seeds in the same order.`,
      {
        field: 'b',
        value: b.length,
        allowed: `${a.length} values, as many as a`,
      },
    );
  }
  const check = (xs: ArrayLike<number>, field: 'a' | 'b') => {
    const out = Array.from(xs);
    const bad = out.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) {
      throw new InvalidInputError(`Paired samples must be finite numbers: ${field}[${bad}] is ${out[bad]}. Leave out the pair whose value is missing.`, {
        field: `${field}.${bad}`,
        value: String(out[bad]),
        allowed: 'a finite number',
      });
    }
    return out;
  };
  return { a: check(a, 'a'), b: check(b, 'b') };
}
