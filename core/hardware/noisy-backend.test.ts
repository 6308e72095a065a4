// The noisy backend through the registry: raw counts by default only for small registers (the kept outcomes always),
// counts on request at 32 qubits, and a long run that an abort stops promptly.
import { describe, expect, it } from 'vitest';
import type { Circuit } from '../quantum/circuit.ts';
import { createRng } from '../random.ts';
import { treeLoader } from '../quantum/loaders.ts';
import { butterflyGates } from '../quantum/butterfly.ts';
import { DEFAULT_COUNTS_MAX_QUBITS } from '../limits.ts';
import { createQuantumBackend, resolveBackend } from './registry.ts';

function circuit(n: number, layers: number, seed: number): Circuit {
  const rng = createRng(seed);
  const x = Array.from({ length: n }, () => rng.normal());
  const params = Array.from({ length: (n / 2) * layers }, () => rng.uniform(-Math.PI, Math.PI));
  return { qubits: n, gates: [...treeLoader(x, n).gates, ...butterflyGates(n, layers, params)] };
}

const noisy = (p2: number) => createQuantumBackend(resolveBackend('noisy'), { p1: 0.001, p2, readout: 0.02 });

describe('noisy backend', () => {
  it(`records raw counts by default up to ${DEFAULT_COUNTS_MAX_QUBITS} qubits, and beyond only when asked`, async () => {
    const backend = noisy(0.01);
    const [small, large] = await backend.run({ circuits: [circuit(8, 2, 1), circuit(16, 2, 2)], shots: 2000, seed: 3 });
    expect(Object.values(small.counts!).reduce((a, b) => a + b, 0)).toBe(2000);
    expect(large.counts).toBeUndefined();
    expect(large.keptShots).toBeGreaterThan(0);
    const [asked] = await backend.run({ circuits: [circuit(32, 5, 4)], shots: 500, seed: 5, counts: true });
    const keys = Object.keys(asked.counts!);
    expect(keys.every((k) => k.length === 32)).toBe(true);
    // The kept shots are exactly the bitstrings of weight 1.
    const keptInCounts = keys.filter((k) => k.split('1').length === 2).reduce((a, k) => a + asked.counts![k], 0);
    expect(keptInCounts).toBe(asked.keptShots);
  });

  it('an abort stops a long 32-qubit run at p2 = 0.05 within a fraction of a second', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort();
    }, 200);
    const run = noisy(0.05).run({ circuits: [circuit(32, 5, 6)], shots: 10_000_000, seed: 7, signal: controller.signal });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(performance.now() - abortedAt).toBeLessThan(1000);
  });
});
