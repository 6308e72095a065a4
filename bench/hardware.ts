// Hardware-backend model benchmarks: noisy trajectory shots (bench/noisy-shots.ts; each case in its own process, so
// its peak memory is its own) and the exact noisy distribution at 8 qubits, 3 layers. Medians with min and max.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRng } from '../core/random.ts';
import { treeLoader } from '../core/quantum/loaders.ts';
import { butterflyGates } from '../core/quantum/butterfly.ts';
import { builtinDeviceProfile, deviceNoise } from '../core/hardware/device-profile.ts';
import { exactNoisyDistribution } from '../core/hardware/density-matrix.ts';
import { CASES, SHOTS, type CaseResult } from './noisy-shots.ts';
import { figures, rates, timeRuns } from './summary.ts';

const REPEATS = 5;

export async function run(): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  const script = fileURLToPath(new URL('./noisy-shots.ts', import.meta.url));
  for (const name of Object.keys(CASES)) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, name, String(REPEATS)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as CaseResult;
    Object.assign(result, rates(`${name}_per_s`, SHOTS, r.warmMs), figures(`${name}_10k_ms`, r.warmMs));
    result[`${name}_10k_cold_ms`] = Math.round(r.coldMs);
    result[`${name}_kept_fraction`] = Number(r.keptFraction.toFixed(4));
    result[`${name}_error_shot_fraction`] = r.errorShotFraction;
    result[`${name}_max_weight`] = r.maxWeight;
    result[`${name}_peak_rss_mb`] = Math.round(r.peakRssMb);
  }

  const noise = deviceNoise(builtinDeviceProfile('ionq-forte-enterprise')!);
  const rng = createRng(2);
  const x = Array.from({ length: 8 }, () => rng.normal());
  const params = Array.from({ length: 4 * 3 }, () => rng.uniform(-Math.PI, Math.PI));
  const small = { qubits: 8, gates: [...treeLoader(x, 8).gates, ...butterflyGates(8, 3, params)] };
  Object.assign(
    result,
    figures(
      'exact_noisy_n8_L3_ms',
      timeRuns(() => exactNoisyDistribution(small, noise), REPEATS),
      1,
    ),
  );
  return result;
}
