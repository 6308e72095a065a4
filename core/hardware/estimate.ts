// The estimator for a planned layer-wise training (METHOD.md sections 5-7): distinct circuits (gradient and
// forward separately), shots, device seconds, queue and overhead, cost; and the budget cap.
//
// Model: layers l = 1..L are trained one after the other, E epochs each over S samples. Per sample and epoch
// the trainer evaluates one forward circuit (the outputs p the loss needs) and the gradient circuits of the
// trained (last) layer: 4 with the parallel shift, 4 (n/2) with the per-parameter shift rule. Each layer-epoch is
// submitted as one job (one queue wait, one job overhead). The circuits of layer l are the loader plus l layers.
import type { Circuit } from '../quantum/circuit.ts';
import { InvalidInputError } from '../errors.ts';
import { loader as makeLoader, type LoaderKind } from '../quantum/loaders.ts';
import { butterflyGates } from '../quantum/butterfly.ts';
import { checkLayers, checkPositiveInteger, checkQubits } from '../quantum/validate.ts';
import { compileCircuit, type GateCounts } from './compile.ts';
import { BUILTIN_PROFILES, profileAssumptions, type DeviceProfile } from './profile.ts';

export type GradientMethod = 'parallel-shift' | 'parameter-shift';
export const GRADIENT_METHODS: readonly GradientMethod[] = ['parallel-shift', 'parameter-shift'];

export interface TrainingPlan {
  qubits: number;
  layers: number;
  samples: number;
  epochs: number;
  shots: number;
  method: GradientMethod;
  /** Backend name: a device profile id, or ideal / ideal-shots / noisy (no device time, no cost). */
  backend: string;
  loader?: LoaderKind;
  /** A profile to use instead of looking `backend` up (e.g. a user copy from the database). */
  profile?: DeviceProfile;
}

export interface LayerEstimate {
  layer: number;
  gradientCircuits: number;
  forwardCircuits: number;
  gateCounts: GateCounts;
  circuitSeconds: number;
  costUSD: number;
}

export interface TrainingEstimate {
  backend: string;
  device: boolean;
  circuits: number;
  gradientCircuits: number;
  forwardCircuits: number;
  /** Gradient circuits per sample per step (4 for the parallel shift, 2n for the per-parameter rule). */
  gradientCircuitsPerSampleStep: number;
  jobs: number;
  shots: number;
  deviceSeconds: number;
  queueSeconds: number;
  overheadSeconds: number;
  wallSeconds: number;
  costUSD: number;
  pricingModel: string | null;
  perLayer: LayerEstimate[];
  /** Profile figures the estimate rests on that are assumptions, not public figures. */
  assumptions: string[];
}

export class BudgetExceededError extends InvalidInputError {
  constructor(readonly estimateUSD: number, readonly budgetUSD: number) {
    super(`the estimated cost ${estimateUSD.toFixed(2)} USD exceeds the budget of ${budgetUSD.toFixed(2)} USD; nothing was submitted`);
    this.name = 'BudgetExceededError';
  }
}

const SIMULATORS = ['ideal', 'ideal-shots', 'noisy'];

function representativeCircuit(n: number, layers: number, kind: LoaderKind): Circuit {
  // Generic angles (no gate degenerates to the identity); counts do not depend on them otherwise.
  const x = Array.from({ length: n }, (_, k) => 1 + k / n);
  const load = makeLoader(kind, x, n);
  const params = Array.from({ length: (n / 2) * layers }, (_, k) => 0.3 + 0.01 * (k % 7));
  return { qubits: n, gates: [...load.gates, ...butterflyGates(n, layers, params)] };
}

export function estimateTraining(plan: TrainingPlan, profiles: readonly DeviceProfile[] = BUILTIN_PROFILES): TrainingEstimate {
  const n = plan.qubits;
  checkQubits(n);
  const L = checkLayers(plan.layers, n);
  const S = checkPositiveInteger(plan.samples, 'samples');
  const E = checkPositiveInteger(plan.epochs, 'epochs');
  const K = checkPositiveInteger(plan.shots, 'shots');
  if (!GRADIENT_METHODS.includes(plan.method)) throw new InvalidInputError(`method must be one of ${GRADIENT_METHODS.join(', ')}; got ${String(plan.method)}`);
  const profile = plan.profile ?? profiles.find((p) => p.id === plan.backend);
  if (!profile && !SIMULATORS.includes(plan.backend)) {
    throw new InvalidInputError(`unknown backend "${plan.backend}"; known: ${[...SIMULATORS, ...profiles.map((p) => p.id)].join(', ')}`);
  }
  const perStep = plan.method === 'parallel-shift' ? 4 : 4 * (n / 2);
  const perLayer: LayerEstimate[] = [];
  let deviceSeconds = 0;
  let cost = 0;
  for (let l = 1; l <= L; l++) {
    const gradientCircuits = E * S * perStep;
    const forwardCircuits = E * S;
    const circuits = gradientCircuits + forwardCircuits;
    let counts: GateCounts = { gpi: 0, gpi2: 0, ms: 0, zz: 0, oneQubit: 0, twoQubit: 0, total: 0 };
    let circuitSeconds = 0;
    let layerCost = 0;
    if (profile) {
      const compiled = compileCircuit(representativeCircuit(n, l, plan.loader ?? 'tree'), profile);
      counts = compiled.counts;
      circuitSeconds = K * (1 / profile.shotRateHz.value + compiled.durationSeconds);
      const pr = profile.pricing;
      const perCircuit =
        pr.model === 'per-gate-shot'
          ? K * (pr.oneQubitGateShotUSD.value * counts.oneQubit + pr.twoQubitGateShotUSD.value * counts.twoQubit)
          : K * pr.perShotUSD.value;
      layerCost = circuits * Math.max(pr.minimumPerCircuitUSD.value, perCircuit);
      deviceSeconds += circuits * circuitSeconds;
      cost += layerCost;
    }
    perLayer.push({ layer: l, gradientCircuits, forwardCircuits, gateCounts: counts, circuitSeconds, costUSD: layerCost });
  }
  const gradientCircuits = perLayer.reduce((s, x) => s + x.gradientCircuits, 0);
  const forwardCircuits = perLayer.reduce((s, x) => s + x.forwardCircuits, 0);
  const circuits = gradientCircuits + forwardCircuits;
  const jobs = L * E;
  const queueSeconds = profile ? jobs * profile.queue.meanWaitSeconds.value : 0;
  const overheadSeconds = profile ? jobs * profile.jobOverheadSeconds.value : 0;
  return {
    backend: plan.backend,
    device: !!profile,
    circuits,
    gradientCircuits,
    forwardCircuits,
    gradientCircuitsPerSampleStep: perStep,
    jobs,
    shots: circuits * K,
    deviceSeconds,
    queueSeconds,
    overheadSeconds,
    wallSeconds: deviceSeconds + queueSeconds + overheadSeconds,
    costUSD: cost,
    pricingModel: profile ? profile.pricing.model : null,
    perLayer,
    assumptions: profile ? profileAssumptions(profile) : [],
  };
}

/** Refuses (throws BudgetExceededError) when the estimate's cost exceeds the budget. */
export function checkBudget(estimate: TrainingEstimate, budgetUSD: number | undefined): void {
  if (budgetUSD === undefined) return;
  if (typeof budgetUSD !== 'number' || !Number.isFinite(budgetUSD) || budgetUSD < 0) {
    throw new InvalidInputError(`budget must be a non-negative number of USD; got ${String(budgetUSD)}`);
  }
  if (estimate.costUSD > budgetUSD) throw new BudgetExceededError(estimate.costUSD, budgetUSD);
}
