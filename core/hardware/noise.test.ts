// The noise model's checks and its readout keep probabilities (against a brute-force sum over every flip mask).
import { describe, expect, it } from 'vitest';
import { readoutKeepProbabilities, resolveNoise } from './noise.ts';

describe('noise model', () => {
  for (const field of ['p1', 'p2', 'readout'] as const) {
    for (const value of [-0.01, 1.5, Number.NaN, '0.1']) {
      it(`refuses ${field} = ${String(value)}, naming the field, the value and the range`, () => {
        const model = { p1: 0, p2: 0, readout: 0, [field]: value } as never;
        expect(() => resolveNoise(model)).toThrow(expect.objectContaining({ code: 'VALIDATION', field, allowed: 'a probability in [0, 1]' }));
        expect(() => resolveNoise(model)).toThrow(
          `${field} must be a probability in [0, 1]; got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`,
        );
      });
    }
  }

  it('accepts the ends of the range', () => {
    expect(resolveNoise({ p1: 0, p2: 1, readout: 1 })).toMatchObject({ p1: 0, p2: 1, readout: 1 });
  });

  for (const [n, r] of [
    [5, 0.1],
    [6, 0.37],
    [4, 0],
    [4, 1],
    [7, 0.5],
  ] as const) {
    it(`readout keep probability by measured weight equals the sum over all flip masks (n=${n}, r=${r})`, () => {
      const kappa = readoutKeepProbabilities(n, r);
      const brute = new Float64Array(n + 1);
      const seen = new Float64Array(n + 1);
      for (let b = 0; b < 1 << n; b++) {
        const w = popcount(b);
        if (seen[w]++) continue; // one bitstring per weight: the probability depends on the weight only
        for (let flips = 0; flips < 1 << n; flips++) {
          const d = popcount(flips);
          if (popcount(b ^ flips) === 1) brute[w] += r ** d * (1 - r) ** (n - d);
        }
      }
      for (let w = 0; w <= n; w++) expect(kappa[w]).toBeCloseTo(brute[w], 14);
    });
  }
});

function popcount(x: number): number {
  let c = 0;
  for (let y = x; y; y &= y - 1) c++;
  return c;
}
