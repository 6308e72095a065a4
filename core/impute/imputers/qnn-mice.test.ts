// qnn-mice beyond the conformance suite: the backends it runs on, fit-then-apply on another backend, the cost it
// reports, and its refusals.
import { describe, expect, it } from 'vitest';
import type { DataColumn, Dataset } from '../../data/types.ts';
import { createRng } from '../../random.ts';
import { applyImputer, fitImputer } from '../imputer.ts';
import { createImputer } from '../registry.ts';

function table(rows = 60, seed = 2): Dataset {
  const rng = createRng(seed);
  const a = Float64Array.from({ length: rows }, () => rng.normal());
  const b = Float64Array.from(a, (v) => 1.5 * v + 0.2 * rng.normal());
  const c = Float64Array.from(a, (v) => -v + 0.3 * rng.normal());
  const death = Float64Array.from({ length: rows }, () => (rng.next() < 0.3 ? 1 : 0));
  for (let i = 0; i < rows; i += 4) b[i] = NaN;
  for (let i = 1; i < rows; i += 5) c[i] = NaN;
  const col = (name: string, values: Float64Array, role: DataColumn['role'] = 'feature', type: DataColumn['type'] = 'numeric'): DataColumn => ({
    name,
    type,
    role,
    values,
    categories: null,
  });
  return { rows, columns: [col('a', a), col('b', b), col('c', c), col('death', death, 'outcome', 'binary')], delimiter: ',', missingTokens: [], warnings: [] };
}

const fast = { cycles: 2, epochsPerLayer: 2 };

describe('qnn-mice', () => {
  it('on the ideal backend gives what the exact fast path gives (the same circuits, run through the registry)', async () => {
    const t = table();
    const exact = await fitImputer(t, { method: 'qnn-mice', options: fast, seed: 3 });
    // The noisy backend with zero noise and no shots is exact (a density matrix) and goes through the backend registry.
    // Its arithmetic differs from the unary simulator's in the last bits, which a few hundred Adam steps amplify to
    // about 1e-6 here; a wrong path (another readout, a lost constant feature) would differ by order 1.
    const viaBackend = await fitImputer(t, { method: 'qnn-mice', options: { ...fast, backend: 'noisy', p1: 0, p2: 0, readout: 0 }, seed: 3 });
    exact.completed.columns.forEach((c, j) => c.values.forEach((v, i) => expect(Math.abs(v - viaBackend.completed.columns[j].values[i])).toBeLessThan(1e-4)));
    expect(viaBackend.cost.circuits).toBe(exact.cost.circuits);
  });

  it('counts circuits and shots, and estimates what the fit would cost on a device', async () => {
    const t = table();
    const r = await fitImputer(t, { method: 'qnn-mice', options: { ...fast, backend: 'ideal-shots', shots: 200 }, seed: 1 });
    expect(r.cost.circuits).toBeGreaterThan(0);
    // Fit circuits take 200 shots each; each prediction too.
    expect(r.cost.shots).toBe(r.cost.circuits * 200);
    expect(r.cost.deviceUSD).toBeGreaterThan(0);
    // Forte Enterprise (36 qubits) holds the 4-qubit circuits; a device too small gets no estimate.
    const tooSmall = await fitImputer(t, { method: 'qnn-mice', options: { ...fast, qubits: 64 }, seed: 1 });
    expect(tooSmall.cost.deviceUSD).toBeUndefined();
  });

  it('a model fitted on the simulator applies on another backend with shots, without refitting, and counts that cost', async () => {
    const t = table();
    const fit = await fitImputer(t, { method: 'qnn-mice', options: fast, seed: 5 });
    const saved = JSON.parse(JSON.stringify(fit.model));
    const same = await applyImputer(saved, t);
    same.completed.columns.forEach((c, j) => expect(Array.from(c.values)).toEqual(Array.from(fit.completed.columns[j].values)));
    const onShots = await applyImputer(saved, t, { options: { backend: 'ideal-shots', shots: 4000 } });
    expect(onShots.cost.shots).toBe(onShots.cost.circuits * 4000);
    expect(onShots.cost.circuits).toBeGreaterThan(0);
    const b = t.columns[1];
    for (let i = 0; i < t.rows; i += 4) {
      expect(Number.isNaN(b.values[i])).toBe(true);
      expect(Math.abs(onShots.completed.columns[1].values[i] - fit.completed.columns[1].values[i])).toBeLessThan(0.5);
    }
  });

  it('refuses a qubit count too small for the predictors, an unknown backend and a bad option, naming each', async () => {
    const t = table();
    await expect(fitImputer(t, { method: 'qnn-mice', options: { ...fast, qubits: 2 }, seed: 1 })).rejects.toThrow(
      /2 predictors \(plus the constant feature\) need at least 3 qubits; got --qubits 2/,
    );
    expect(() => createImputer('qnn-mice', { backend: 'ibm-heron' })).toThrow(/unknown backend "ibm-heron"; known backends: ideal/);
    expect(() => createImputer('qnn-mice', { epochsPerLayer: 0 })).toThrow(/qnn-mice option "epochsPerLayer"/);
  });
});
