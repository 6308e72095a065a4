// Hardware-backend model benchmarks: noisy trajectory shots at 32 qubits (tree loader + 5 butterfly layers,
// ionq-forte-enterprise noise) and the exact noisy distribution at 8 qubits, 3 layers.
import { createRng } from '../core/random.ts';
import { treeLoader } from '../core/quantum/loaders.ts';
import { butterflyGates } from '../core/quantum/butterfly.ts';
import type { Circuit } from '../core/quantum/circuit.ts';
import { builtinDeviceProfile, deviceNoise } from '../core/hardware/device-profile.ts';
import { TrajectorySampler } from '../core/hardware/trajectory.ts';
import { exactNoisyDistribution } from '../core/hardware/density-matrix.ts';

function model(n: number, layers: number, seed: number): Circuit {
  const rng = createRng(seed);
  const x = Array.from({ length: n }, () => rng.normal());
  const params = Array.from({ length: (n / 2) * layers }, () => rng.uniform(-Math.PI, Math.PI));
  return { qubits: n, gates: [...treeLoader(x, n).gates, ...butterflyGates(n, layers, params)] };
}

export async function run(): Promise<Record<string, unknown>> {
  const noise = deviceNoise(builtinDeviceProfile('ionq-forte-enterprise')!);
  const shots = 10_000;
  const circuit = model(32, 5, 1);
  // Cold: includes building the sampler and the sector tables for a fresh circuit.
  let t0 = performance.now();
  const cold = new TrajectorySampler(circuit, noise).sample(shots, createRng(1), { counts: false });
  const coldMs = performance.now() - t0;
  // Warm: another circuit of the same shape (new angles, shared sector tables), as in training.
  const times: number[] = [];
  let kept = 0;
  for (let rep = 0; rep < 3; rep++) {
    const c = model(32, 5, 10 + rep);
    t0 = performance.now();
    const r = new TrajectorySampler(c, noise).sample(shots, createRng(rep), { counts: false });
    times.push(performance.now() - t0);
    kept += r.keptFraction / 3;
  }
  const warmMs = Math.min(...times);

  const small = model(8, 3, 2);
  const dmTimes: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    t0 = performance.now();
    exactNoisyDistribution(small, noise);
    dmTimes.push(performance.now() - t0);
  }
  return {
    noisy_shots_n32_L5_per_s: Math.round(shots / (warmMs / 1000)),
    noisy_shots_n32_L5_10k_ms: Math.round(warmMs),
    noisy_shots_n32_L5_10k_cold_ms: Math.round(coldMs),
    noisy_shots_n32_L5_kept_fraction: Number(kept.toFixed(4)),
    noisy_shots_n32_L5_error_shot_fraction: cold.errorShots / shots,
    exact_noisy_n8_L3_ms: Number(Math.min(...dmTimes).toFixed(1)),
  };
}
