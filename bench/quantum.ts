// Quantum-core benchmarks: forward pass throughput (ideal probabilities), parallel-shift gradient throughput, and
// the table of distinct circuits per optimisation step (per sample) for n = 8 ... 1024. Throughputs are medians of
// several runs after two warm-ups, with the slowest and fastest runs' rates as _min and _max.
import { createRng } from '../core/random.ts';
import { butterflyParameterCount } from '../core/quantum/butterfly.ts';
import { forwardBatch } from '../core/quantum/unary-simulator.ts';
import { modelGradient } from '../core/gradients/gradient.ts';
import { circuitCountTable } from '../core/gradients/circuits.ts';
import { exactParallelShiftResults, parallelShiftCombine } from '../core/gradients/parallel-shift.ts';
import { rates, timeRuns } from './summary.ts';

const BATCH = 100_000;

/** Throughput figures of `items` per run of fn: `repeats` timed runs after two warm-ups. */
function throughput(name: string, items: number, fn: () => void, repeats = 7): Record<string, number> {
  return rates(name, items, timeRuns(fn, repeats, 2));
}

function setup(n: number, layers: number) {
  const rng = createRng(n * 100 + layers);
  const inputs = Float64Array.from({ length: BATCH * n }, () => rng.normal());
  const params = Float64Array.from({ length: butterflyParameterCount(n, layers) }, () => rng.uniform(-Math.PI, Math.PI));
  const weights = Float64Array.from({ length: BATCH * n }, () => rng.normal());
  return { inputs, params, weights, out: new Float64Array(BATCH * n) };
}

export async function run(): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  for (const [n, L] of [
    [16, 4],
    [32, 5],
  ] as const) {
    const s = setup(n, L);
    Object.assign(
      result,
      throughput(`forward_n${n}_L${L}_samples_per_s`, BATCH, () => forwardBatch(s.inputs, n, L, s.params, { out: s.out })),
    );
    Object.assign(
      result,
      throughput(`forward_n${n}_L${L}_reference_loop_samples_per_s`, BATCH, () => forwardBatch(s.inputs, n, L, s.params, { out: s.out, reference: true }), 3),
    );
  }
  {
    const n = 16,
      L = 4;
    const s = setup(n, L);
    // 100,000 samples in mini-batches of 1,000 rows (as training feeds them; the four result arrays stay in cache).
    const chunk = 1000 * n;
    const grad = (method: 'parallel-shift' | 'adjoint', scope: 'last-layer' | 'all') => () => {
      for (let o = 0; o < s.inputs.length; o += chunk) {
        modelGradient({
          qubits: n,
          layers: L,
          params: s.params,
          inputs: s.inputs.subarray(o, o + chunk),
          weights: s.weights.subarray(o, o + chunk),
          method,
          scope,
        });
      }
    };
    Object.assign(result, throughput('gradient_parallel_n16_L4_samples_per_s', BATCH, grad('parallel-shift', 'last-layer'), 3));
    Object.assign(result, throughput('gradient_adjoint_all_n16_L4_samples_per_s', BATCH, grad('adjoint', 'all'), 3));
    // The same gradient by explicitly evaluating the four shifted circuits' distributions (the shots path).
    const fourCircuits = () => {
      for (let o = 0; o < s.inputs.length; o += chunk) {
        const results = exactParallelShiftResults(s.inputs.subarray(o, o + chunk), n, L, s.params);
        parallelShiftCombine(results, s.weights.subarray(o, o + chunk), n, L);
      }
    };
    Object.assign(result, throughput('gradient_parallel_four_circuits_n16_L4_samples_per_s', BATCH, fourCircuits, 3));
  }
  {
    const n = 1024,
      L = 10,
      rows = 1000;
    const rng = createRng(1);
    const inputs = Float64Array.from({ length: rows * n }, () => rng.normal());
    const params = Float64Array.from({ length: butterflyParameterCount(n, L) }, () => rng.uniform(-Math.PI, Math.PI));
    Object.assign(
      result,
      throughput('forward_n1024_L10_samples_per_s', rows, () => forwardBatch(inputs, n, L, params), 3),
    );
  }
  result.circuits_per_step = circuitCountTable().map((r) => ({
    qubits: r.qubits,
    layers: r.layers,
    butterfly_parallel_shift: r.butterflyParallelShift,
    butterfly_parameter_shift: r.butterflyParameterShift,
    pyramid_parameter_shift: r.pyramidParameterShift,
  }));
  return result;
}
