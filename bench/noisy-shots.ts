// One noisy-shots benchmark case, run in its own process so that its peak memory (maxRSS) is its own:
// `tsx bench/noisy-shots.ts CASE` prints one JSON line. bench/hardware.ts runs every case this way.
// Each case: 10,000 shots (kept outcomes and the discarded total, no raw counts) on the tree loader plus L butterfly
// layers; a cold run (a fresh circuit: sector tables built) then timed warm runs, each on a new circuit of the same
// shape with new angles (as in training).
import { createRng } from '../core/random.ts';
import { treeLoader } from '../core/quantum/loaders.ts';
import { butterflyGates } from '../core/quantum/butterfly.ts';
import type { Circuit } from '../core/quantum/circuit.ts';
import type { NoiseModel } from '../core/hardware/noise.ts';
import { builtinDeviceProfile, deviceNoise } from '../core/hardware/device-profile.ts';
import { TrajectorySampler } from '../core/hardware/trajectory.ts';

export const SHOTS = 10_000;

export interface NoisyCase {
  qubits: number;
  layers: number;
  noise: NoiseModel;
}

const enterprise = deviceNoise(builtinDeviceProfile('ionq-forte-enterprise')!);

/** The cases by key prefix (the targets: 32 qubits with the device's noise and with p2 = 0.05; 64 qubits). */
export const CASES: Record<string, NoisyCase> = {
  // ionq-forte-enterprise: p1 = 0.0002, p2 = 0.008, readout 0.004.
  noisy_shots_n32_L5: { qubits: 32, layers: 5, noise: enterprise },
  noisy_shots_n32_L5_p2_5pct: { qubits: 32, layers: 5, noise: { p1: 0.001, p2: 0.05, readout: 0.02 } },
  noisy_shots_n64_L6_p2_1pct: { qubits: 64, layers: 6, noise: { ...enterprise, p2: 0.01 } },
};

function model(n: number, layers: number, seed: number): Circuit {
  const rng = createRng(seed);
  const x = Array.from({ length: n }, () => rng.normal());
  const params = Array.from({ length: (n / 2) * layers }, () => rng.uniform(-Math.PI, Math.PI));
  return { qubits: n, gates: [...treeLoader(x, n).gates, ...butterflyGates(n, layers, params)] };
}

export interface CaseResult {
  coldMs: number;
  warmMs: number[];
  keptFraction: number;
  errorShotFraction: number;
  maxWeight: number;
  peakRssMb: number;
}

export async function measure(c: NoisyCase, repeats: number): Promise<CaseResult> {
  let t0 = performance.now();
  const cold = await new TrajectorySampler(model(c.qubits, c.layers, 1), c.noise).sample(SHOTS, createRng(1));
  const coldMs = performance.now() - t0;
  const warmMs: number[] = [];
  let kept = 0;
  let maxWeight = cold.maxWeight;
  for (let rep = 0; rep < repeats; rep++) {
    const circuit = model(c.qubits, c.layers, 10 + rep);
    t0 = performance.now();
    const r = await new TrajectorySampler(circuit, c.noise).sample(SHOTS, createRng(rep));
    warmMs.push(performance.now() - t0);
    kept += r.keptFraction / repeats;
    maxWeight = Math.max(maxWeight, r.maxWeight);
  }
  return {
    coldMs,
    warmMs,
    keptFraction: kept,
    errorShotFraction: cold.errorShots / SHOTS,
    maxWeight,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

if (process.argv[1]?.endsWith('noisy-shots.ts')) {
  const name = process.argv[2];
  const c = CASES[name];
  if (!c) throw new Error(`unknown case ${name}; known: ${Object.keys(CASES).join(', ')}`);
  process.stdout.write(JSON.stringify(await measure(c, Number(process.argv[3] ?? 5))) + '\n');
}
